"""The admin writes through the services: every add and change leaves an audit event, the
status is read-only, refusals come back as messages."""

from __future__ import annotations

import datetime

import pytest
from django.contrib import messages
from django.contrib.messages import get_messages
from django.urls import reverse

from phoihop.core import audit
from phoihop.core.models import AuditEvent
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.programs.tests.factories import legal_document, make_organization, make_program

pytestmark = pytest.mark.django_db

MODELS = (LegalDocument, TargetGroup, Program, ProgramContent, Indicator, Signature)


def url(model, view: str, *args) -> str:
    return reverse(f"admin:programs_{model._meta.model_name}_{view}", args=args)


def management(prefix: str, total: int = 0, initial: int = 0) -> dict[str, int]:
    return {
        f"{prefix}-TOTAL_FORMS": total,
        f"{prefix}-INITIAL_FORMS": initial,
        f"{prefix}-MIN_NUM_FORMS": 0,
        f"{prefix}-MAX_NUM_FORMS": 1000,
    }


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def admin_client(client_for):
    return client_for("secretariat")


@pytest.mark.parametrize("role", ["secretariat", "admin", "other_secretariat"])
def test_pages_answer_with_data(world, client_for, role):
    program = make_program(world, status=ProgramStatus.IN_FORCE)
    client = client_for(role)
    content = program.contents.first()
    objects = {
        Program: program,
        ProgramContent: content,
        Indicator: content.indicators.first(),
        Signature: Signature.objects.first(),
        LegalDocument: LegalDocument.objects.first(),
        TargetGroup: TargetGroup.objects.first(),
    }
    for model in MODELS:
        response = client.get(url(model, "changelist"))
        assert response.status_code == 200, model
        listed = response.context["cl"].result_count
        own = role != "other_secretariat" or model in (LegalDocument, TargetGroup)
        assert listed == (model.objects.count() if own else 0), model
        change = client.get(url(model, "change", objects[model].pk))
        if own:
            assert change.status_code == 200, model
        else:  # another committee's rows are not found (the admin redirects with a note)
            assert change.status_code == 302, model
        assert client.get(url(model, "add")).status_code == 200, model


def test_status_and_signed_on_are_read_only(world, admin_client):
    program = make_program(world)
    form = admin_client.get(url(Program, "change", program.pk)).context["adminform"].form
    assert "status" not in form.fields
    assert "signed_on" not in form.fields
    assert "is_published" not in form.fields
    assert "title" in form.fields


def test_add_program_through_the_service(world, admin_client):
    doc = legal_document(world)
    data = {
        "committee": world.committee.pk,
        "year": 2024,
        "title": "Chương trình năm 2024",
        "number": "",
        "period_start": "",
        "period_end": "",
        "reporting_frequency": "quarter",
        "deadline_days": 10,
        "previous": "",
        "legal_basis": [doc.pk],
        **management("parties"),
        **management("contents"),
    }
    response = admin_client.post(url(Program, "add"), data)
    assert response.status_code == 302, response.context["adminform"].form.errors
    program = Program.objects.get(year=2024)
    assert program.period_end == datetime.date(2024, 12, 31)  # the service's default
    events = audit.history(program)
    assert [e.action for e in events] == ["create"]
    assert events[0].actor == world.user("secretariat")
    assert events[0].after["legal_basis"] == [doc.pk]


def test_add_program_for_another_committee_is_not_offered(world, client_for):
    client = client_for("secretariat")
    form = client.get(url(Program, "add")).context["adminform"].form
    assert list(form.fields["committee"].queryset) == [world.committee]


def test_change_program_and_add_parties_and_contents_inline(world, admin_client):
    program = make_program(world)
    new_org = make_organization(world, name="Hội Liên hiệp Phụ nữ tỉnh")
    parties = list(program.parties.all())
    contents = list(program.contents.all())
    data = {
        "year": 2023,
        "title": "Chương trình PHHĐ năm 2023",
        "number": program.number,
        "period_start": "2023-01-01",
        "period_end": "2023-12-31",
        "reporting_frequency": "month",
        "deadline_days": 10,
        "previous": "",
        "legal_basis": [d.pk for d in program.legal_basis.all()],
        **management("parties", total=3, initial=2),
        **management("contents", total=2, initial=2),
    }
    for i, party in enumerate(parties):
        data |= {
            f"parties-{i}-id": party.pk,
            f"parties-{i}-program": program.pk,
            f"parties-{i}-order": party.order,
            f"parties-{i}-organization": party.organization_id,
            f"parties-{i}-name_as_signed": party.name_as_signed,
        }
    data |= {
        "parties-2-program": program.pk,
        "parties-2-order": 3,
        "parties-2-organization": new_org.pk,
        "parties-2-name_as_signed": "",
    }
    for i, content in enumerate(contents):
        data |= {
            f"contents-{i}-id": content.pk,
            f"contents-{i}-program": program.pk,
            f"contents-{i}-order": content.order,
            f"contents-{i}-title": content.title,
            f"contents-{i}-lead": content.lead_id,
        }
    data["contents-1-title"] = "Hiến máu tình nguyện"
    data["contents-0-DELETE"] = "on"
    response = admin_client.post(url(Program, "change", program.pk), data)
    assert response.status_code == 302, response.context and response.context["errors"]

    program.refresh_from_db()
    assert program.title == "Chương trình PHHĐ năm 2023"
    update = audit.history(program).filter(action="update").get()
    assert update.before["reporting_frequency"] == "quarter"
    assert update.after["reporting_frequency"] == "month"
    new_party = program.parties.get(organization=new_org)
    assert audit.history(new_party).get().action == "create"
    assert new_party.name_as_signed == new_org.name
    renamed = ProgramContent.objects.get(pk=contents[1].pk)
    assert renamed.title == "Hiến máu tình nguyện"
    assert audit.history(renamed).filter(action="update").exists()
    assert not ProgramContent.objects.filter(pk=contents[0].pk).exists()
    assert audit.history(contents[0]).filter(action="delete").exists()


def test_inlines_are_read_only_after_draft(world, admin_client):
    program = make_program(world, status=ProgramStatus.SIGNING)
    response = admin_client.get(url(Program, "change", program.pk))
    form = response.context["adminform"].form
    assert "title" not in form.fields  # the signed text is read-only
    assert "number" in form.fields
    assert "deadline_days" in form.fields
    for formset in response.context["inline_admin_formsets"]:
        assert not formset.has_add_permission
        assert not formset.has_change_permission
        assert not formset.has_delete_permission


def test_number_can_be_set_while_signing(world, admin_client):
    program = make_program(world, status=ProgramStatus.SIGNING)
    data = {
        "number": "07/CTr-BCĐ",
        "deadline_days": 12,
        **management("parties", initial=2, total=2),
        **management("contents", initial=2, total=2),
    }
    for i, party in enumerate(program.parties.all()):
        data |= {f"parties-{i}-id": party.pk, f"parties-{i}-program": program.pk}
    for i, content in enumerate(program.contents.all()):
        data |= {f"contents-{i}-id": content.pk, f"contents-{i}-program": program.pk}
    response = admin_client.post(url(Program, "change", program.pk), data)
    assert response.status_code == 302
    program.refresh_from_db()
    assert (program.number, program.deadline_days, program.status) == (
        "07/CTr-BCĐ",
        12,
        ProgramStatus.SIGNING,
    )
    event = audit.history(program).filter(action="update").get()
    assert event.before["number"] != "07/CTr-BCĐ"


def test_actions_move_the_status_through_the_services(world, admin_client):
    program = make_program(world)
    response = admin_client.post(
        url(Program, "changelist"),
        {"action": "send_for_signing", "_selected_action": [program.pk]},
    )
    assert response.status_code == 302
    program.refresh_from_db()
    assert program.status == ProgramStatus.SIGNING
    assert audit.history(program).filter(action="send_for_signing").exists()

    response = admin_client.post(
        url(Program, "changelist"),
        {"action": "close", "_selected_action": [program.pk]},
        follow=True,
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.SIGNING
    errors = [m for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert [m.message.split(": ")[0] for m in errors] == [program.title]


def test_clone_action(world, admin_client):
    program = make_program(world, status=ProgramStatus.IN_FORCE)
    admin_client.post(
        url(Program, "changelist"),
        {"action": "clone_next_year", "_selected_action": [program.pk]},
    )
    clone = Program.objects.get(year=2024)
    assert clone.previous == program
    assert audit.history(clone).get().action == "clone"


def test_delete_program_goes_to_the_trash(world, admin_client):
    program = make_program(world)
    response = admin_client.post(url(Program, "delete", program.pk), {"post": "yes"})
    assert response.status_code == 302
    assert Program.all_objects.get(pk=program.pk).is_trashed
    assert audit.history(program).filter(action="trash").exists()
    signed = make_program(world, year=2022, status=ProgramStatus.IN_FORCE)
    assert admin_client.get(url(Program, "delete", signed.pk)).status_code == 403


def test_add_content_with_indicator_and_target(world, admin_client):
    program = make_program(world)
    group = TargetGroup.objects.first()
    data = {
        "program": program.pk,
        "order": 5,
        "title": "Xây dựng nhà đồng đội",
        "description": "",
        "lead": world.org_a.pk,
        "co_organizations": [world.org_b.pk],
        "target_groups": [group.pk],
        "legal_basis": [],
        "starts_on": "",
        "ends_on": "",
        "lineage": "",
        **management("indicators", total=1),
        "indicators-0-order": 1,
        "indicators-0-name": "Nhà được xây",
        "indicators-0-unit": "căn nhà",
        "indicators-0-aggregation": "sum",
    }
    response = admin_client.post(url(ProgramContent, "add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    content = ProgramContent.objects.get(title="Xây dựng nhà đồng đội")
    event = audit.history(content).get()
    assert event.after["co_organizations"] == [world.org_b.pk]
    indicator = content.indicators.get()
    assert audit.history(indicator).get().action == "create"

    response = admin_client.post(
        url(Indicator, "change", indicator.pk),
        {
            "order": 1,
            "name": "Nhà đồng đội được xây",
            "unit": "căn nhà",
            "aggregation": "sum",
            "lineage": "",
            **management("targets", total=2),
            "targets-0-organization": "",
            "targets-0-value": "10",
            "targets-1-organization": world.org_a.pk,
            "targets-1-value": "6.5",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    indicator.refresh_from_db()
    assert indicator.name == "Nhà đồng đội được xây"
    assert audit.history(indicator).filter(action="update").exists()
    targets = {(t.organization_id, str(t.value)) for t in indicator.targets.all()}
    assert targets == {(None, "10.00"), (world.org_a.pk, "6.50")}
    for target in Target.objects.filter(indicator=indicator):
        assert audit.history(target).get().action == "create"


def test_a_refused_content_comes_back_as_a_message(world, admin_client):
    program = make_program(world)
    before = AuditEvent.objects.count()
    response = admin_client.post(
        url(ProgramContent, "add"),
        {
            "program": program.pk,
            "order": 5,
            "title": "X",
            "lead": world.org_a.pk,
            "co_organizations": [world.org_a.pk],
            **management("indicators"),
        },
        follow=True,
    )
    assert response.status_code == 200
    assert not ProgramContent.objects.filter(title="X").exists()
    assert AuditEvent.objects.count() == before
    assert messages_of(response)


def test_sign_through_the_admin(world, admin_client):
    program = make_program(world, status=ProgramStatus.SIGNING)
    party = program.parties.get(organization=world.org_a)
    form = admin_client.get(url(Signature, "add")).context["adminform"].form
    assert set(form.fields["party"].queryset) == set(program.parties.all())
    response = admin_client.post(
        url(Signature, "add"),
        {
            "party": party.pk,
            "signer": "",
            "signer_name": "Đại tá Bùi Văn B",
            "signer_title": "Chỉ huy trưởng",
            "signed_at_0": "27/03/2023",
            "signed_at_1": "17:00",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    signature = Signature.objects.get(party=party)
    assert signature.recorded_by == world.user("secretariat")
    assert audit.history(signature).get().action == "sign"
    # Signatures are never edited in place.
    change = admin_client.get(url(Signature, "change", signature.pk))
    assert "signer_name" not in change.context["adminform"].form.fields


def test_reference_data_through_the_admin(world, admin_client):
    response = admin_client.post(
        url(LegalDocument, "add"),
        {
            "kind": "CT",
            "number": "05-CT/TW",
            "date": "15/05/2016",
            "issuer": "Bộ Chính trị",
            "title": "Đẩy mạnh học tập và làm theo tư tưởng, đạo đức, phong cách Hồ Chí Minh",
        },
    )
    assert response.status_code == 302
    doc = LegalDocument.objects.get(number="05-CT/TW")
    assert audit.history(doc).get().action == "create"
    response = admin_client.post(
        url(LegalDocument, "change", doc.pk),
        {
            "kind": "CT",
            "number": "05-CT/TW",
            "date": "15/05/2016",
            "issuer": "Ban Chấp hành Trung ương",
            "title": doc.title,
        },
    )
    assert response.status_code == 302
    event = audit.history(doc).get(action="update")
    assert (event.before["issuer"], event.after["issuer"]) == (
        "Bộ Chính trị",
        "Ban Chấp hành Trung ương",
    )

    response = admin_client.post(
        url(TargetGroup, "add"), {"code": "doan-vien", "name": "Đoàn viên", "order": 3}
    )
    assert response.status_code == 302
    group = TargetGroup.objects.get(code="doan-vien")
    assert audit.history(group).get().action == "create"
    response = admin_client.post(url(TargetGroup, "delete", group.pk), {"post": "yes"})
    assert not TargetGroup.objects.filter(pk=group.pk).exists()
    assert audit.history(group).filter(action="delete").exists()


def _autocomplete(client, model: str, field: str, term: str = "") -> list[str]:
    response = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "programs", "model_name": model, "field_name": field, "term": term},
    )
    assert response.status_code == 200
    return [row["text"] for row in response.json()["results"]]


def test_autocomplete_for_legal_documents_and_organizations(world, client_for):
    program = make_program(world)
    form = client_for("secretariat").get(url(ProgramContent, "add")).context["adminform"].form
    for name in ("lead", "co_organizations", "legal_basis", "program"):
        assert "admin-autocomplete" in str(form[name]), name
    secretariat = client_for("secretariat")
    assert _autocomplete(secretariat, "program", "legal_basis", "35") == [
        str(program.legal_basis.get())
    ]
    leads = _autocomplete(secretariat, "programcontent", "lead")
    assert set(leads) == {world.org_a.name, world.org_b.name}
    # Another committee's secretariat finds none of this committee's organizations.
    other = _autocomplete(client_for("other_secretariat"), "programcontent", "lead")
    assert world.org_a.name not in other
    assert world.other_org.name in other


def test_a_refused_delete_comes_back_as_a_message(world, admin_client):
    program = make_program(world)
    doc = program.legal_basis.get()
    response = admin_client.post(url(LegalDocument, "delete", doc.pk), {"post": "yes"}, follow=True)
    assert response.status_code == 200
    assert LegalDocument.objects.filter(pk=doc.pk).exists()
    errors = [m for m in get_messages(response.wsgi_request) if m.level == messages.ERROR]
    assert len(errors) == 1
