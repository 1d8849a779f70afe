"""The program services: permissions, the draft lock, audit events, the status machine,
signing and cloning."""

from __future__ import annotations

import datetime
import itertools
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone, translation

from phoihop.core import audit
from phoihop.core.models import AuditEvent
from phoihop.programs import services
from phoihop.programs.choices import Aggregation, LegalKind, ProgramStatus, Unit
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.programs.tests.factories import (
    advance,
    legal_document,
    make_organization,
    make_program,
    make_user,
    sign_all,
    successor_committee,
    successor_organization,
    target_group,
)

pytestmark = pytest.mark.django_db

S = ProgramStatus
STATUSES = list(S.values)
HOUR_AGO = datetime.timedelta(hours=1)


def last_event(obj) -> AuditEvent:
    return audit.history(obj).order_by("-id").first()


def english(func, *args, **kwargs) -> list[str]:
    """The messages of the ValidationError `func` raises, in English."""
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        func(*args, **kwargs)
    return exc.value.messages


@pytest.fixture
def sec(world):
    return world.user("secretariat")


@pytest.fixture
def program(world):
    return make_program(world)


# -- reference data --------------------------------------------------------------------


def test_legal_document_create_update_delete_are_audited(world, sec):
    doc = services.legal_document_create(
        actor=sec,
        kind=LegalKind.CONCLUSION,
        number=" 21-KL/TW ",
        date=datetime.date(2021, 10, 25),
        issuer="Ban Chấp hành Trung ương",
        title="Đẩy mạnh xây dựng, chỉnh đốn Đảng và hệ thống chính trị",
    )
    assert doc.number == "21-KL/TW"
    created = last_event(doc)
    assert created.action == "create"
    assert created.actor == sec
    assert created.after["number"] == "21-KL/TW"

    services.legal_document_update(actor=sec, document=doc, data={"issuer": "BCH Trung ương"})
    updated = last_event(doc)
    assert updated.before["issuer"] == "Ban Chấp hành Trung ương"
    assert updated.after["issuer"] == "BCH Trung ương"

    pk = doc.pk
    services.legal_document_delete(actor=sec, document=doc)
    assert not LegalDocument.objects.filter(pk=pk).exists()
    assert AuditEvent.objects.filter(object_id=str(pk), action="delete").exists()


@pytest.mark.parametrize("role", ["focal_a", "leader", "editor"])
def test_reference_data_is_kept_by_secretariats_and_admins_only(world, role):
    user = world.user(role)
    with pytest.raises(PermissionDenied):
        services.target_group_create(actor=user, code="x", name="X")
    doc = legal_document(world)
    with pytest.raises(PermissionDenied):
        services.legal_document_update(actor=user, document=doc, data={"title": "X"})


def test_any_committees_secretariat_keeps_the_shared_catalogues(world):
    group = services.target_group_create(
        actor=world.user("other_secretariat"), code="cnvcld", name="CNVCLĐ"
    )
    services.target_group_update(
        actor=world.user("secretariat"), group=group, data={"name": "Công nhân, viên chức"}
    )
    event = last_event(group)
    assert (event.before["name"], event.after["name"]) == ("CNVCLĐ", "Công nhân, viên chức")


def test_documents_and_groups_in_use_cannot_be_deleted(world, program, sec):
    doc = program.legal_basis.get()
    assert english(services.legal_document_delete, actor=sec, document=doc) == [
        "Programs cite this document as their legal basis, so it cannot be deleted."
    ]
    group = TargetGroup.objects.get(code="nhan-dan")
    assert english(services.target_group_delete, actor=sec, group=group) == [
        "Program contents use this target group, so it cannot be deleted."
    ]
    unused = target_group(world, "khac", "Khác")
    services.target_group_delete(actor=sec, group=unused)
    assert not TargetGroup.objects.filter(code="khac").exists()


# -- program create / update -----------------------------------------------------------


def test_program_create_defaults_to_the_calendar_year(world, sec):
    program = services.program_create(
        actor=sec, committee=world.committee, year=2024, title="Chương trình năm 2024"
    )
    assert (program.period_start, program.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    assert program.status == S.DRAFT
    event = last_event(program)
    assert event.action == "create"
    assert event.before is None
    assert event.after["year"] == 2024
    assert event.committee_id == world.committee.pk


def test_program_create_with_a_cut_off_period(world, sec):
    program = services.program_create(
        actor=sec,
        committee=world.committee,
        year=2024,
        title="Chương trình năm 2024",
        period_start=datetime.date(2023, 12, 15),
        reporting_frequency="month",
        deadline_days=5,
    )
    assert program.period_end == datetime.date(2024, 12, 14)
    only_end = services.program_create(
        actor=sec,
        committee=world.committee,
        year=2025,
        title="Chương trình năm 2025",
        period_end=datetime.date(2025, 12, 14),
    )
    assert only_end.period_start == datetime.date(2024, 12, 15)


@pytest.mark.parametrize("role", ["focal_a", "leader", "editor", "other_secretariat"])
def test_program_create_is_for_the_committees_secretariat(world, role):
    with pytest.raises(PermissionDenied):
        services.program_create(
            actor=world.user(role), committee=world.committee, year=2024, title="X"
        )


def test_program_create_checks_the_previous_program(world, program, sec):
    assert english(
        services.program_create,
        actor=sec,
        committee=world.committee,
        year=2022,
        title="X",
        previous=program,
    ) == ["The previous program must be of an earlier year."]
    later = services.program_create(
        actor=sec, committee=world.committee, year=2024, title="X", previous=program
    )
    assert later.previous == program


def test_program_update_in_draft_is_audited(world, program, sec):
    services.program_update(
        actor=sec, program=program, data={"title": "Chương trình PHHĐ năm 2023", "year": 2024}
    )
    program.refresh_from_db()
    assert program.title == "Chương trình PHHĐ năm 2023"
    # A calendar-year program moves its period with its year.
    assert program.period_start == datetime.date(2024, 1, 1)
    event = last_event(program)
    assert event.action == "update"
    assert event.before["year"] == 2023
    assert event.after["year"] == 2024
    assert set(event.changed_fields) >= {"title", "year", "period_start", "period_end"}


def test_a_new_period_must_hold_the_contents_dates(world, program, sec):
    services.content_update(
        actor=sec,
        content=program.contents.first(),
        data={"starts_on": datetime.date(2023, 3, 1)},
    )
    with pytest.raises(ValidationError) as exc:
        services.program_update(actor=sec, program=program, data={"year": 2024})
    assert exc.value.code == "contents_outside_period"
    program.refresh_from_db()
    assert program.year == 2023


def test_make_program_for_another_committee(world):
    other = make_program(world, committee=world.other_committee, status=S.IN_FORCE)
    assert {p.organization.committee for p in other.parties.all()} == {world.other_committee}
    assert other.status == S.IN_FORCE


def test_program_update_of_legal_basis_records_m2m(world, program, sec):
    kl21 = legal_document(world, number="21-KL/TW", date=datetime.date(2021, 10, 25))
    services.program_update(
        actor=sec, program=program, data={"legal_basis": [*program.legal_basis.all(), kl21]}
    )
    event = last_event(program)
    assert len(event.after["legal_basis"]) == len(event.before["legal_basis"]) + 1


@pytest.mark.parametrize("status", [S.SIGNING, S.IN_FORCE, S.IN_REVIEW, S.CLOSED])
def test_program_text_is_fixed_after_draft(world, sec, status):
    program = make_program(world, status=status)
    with pytest.raises(ValidationError) as exc:
        services.program_update(actor=sec, program=program, data={"title": "Khác"})
    assert exc.value.code in ("not_draft",)
    program.refresh_from_db()
    assert program.title != "Khác"


def test_a_program_being_signed_says_how_to_edit(world, sec):
    program = make_program(world, status=S.SIGNING)
    assert english(services.program_update, actor=sec, program=program, data={"title": "X"}) == [
        (
            "The program is being signed, so its text cannot change. Reopen it for editing "
            "first (the signatures already collected will be cleared)."
        )
    ]
    program = advance(world, program, S.IN_FORCE)
    assert english(services.program_update, actor=sec, program=program, data={"title": "X"}) == [
        "The program is “in force”: only a draft program can be edited."
    ]


def test_number_and_deadline_stay_editable_until_closed(world, sec):
    program = make_program(world, status=S.IN_FORCE)
    services.program_update(
        actor=sec, program=program, data={"number": "05/CTr-BCĐ", "deadline_days": 15}
    )
    program.refresh_from_db()
    assert (program.number, program.deadline_days) == ("05/CTr-BCĐ", 15)
    program = advance(world, program, S.CLOSED)
    assert english(
        services.program_update, actor=sec, program=program, data={"deadline_days": 20}
    ) == ["The program is closed: nothing in it can change any more."]


def test_program_update_refuses_workflow_fields(world, program, sec):
    for field in ("status", "signed_on", "is_published", "committee"):
        with pytest.raises(ValueError, match=field):
            services.program_update(actor=sec, program=program, data={field: None})


@pytest.mark.parametrize("role", ["focal_a", "leader", "other_secretariat"])
def test_program_update_is_for_the_secretariat(world, program, role):
    with pytest.raises(PermissionDenied):
        services.program_update(actor=world.user(role), program=program, data={"title": "X"})


def test_only_a_draft_goes_to_the_trash(world, sec):
    draft = make_program(world, year=2024)
    services.program_trash(actor=sec, program=draft)
    assert not Program.objects.filter(pk=draft.pk).exists()
    assert last_event(draft).action == "trash"
    services.program_restore(actor=sec, program=draft)
    assert Program.objects.filter(pk=draft.pk).exists()
    assert last_event(draft).action == "restore"

    signed = make_program(world, year=2023, status=S.IN_FORCE)
    assert english(services.program_trash, actor=sec, program=signed) == [
        "Only a draft program can be deleted; this one is “in force”."
    ]


# -- parties ---------------------------------------------------------------------------


def test_party_add_and_remove(world, sec):
    program = services.program_create(actor=sec, committee=world.committee, year=2024, title="X")
    first = services.party_add(actor=sec, program=program, organization=world.org_b)
    second = services.party_add(actor=sec, program=program, organization=world.org_a)
    assert (first.order, second.order) == (1, 2)
    assert last_event(first).after["organization_id"] == world.org_b.pk
    assert last_event(first).committee_id == world.committee.pk

    services.party_update(actor=sec, party=first, data={"order": 3})
    assert last_event(first).before["order"] == 1
    assert last_event(first).after["order"] == 3

    services.party_remove(actor=sec, party=first)
    assert list(program.parties.values_list("organization", flat=True)) == [world.org_a.pk]
    assert last_event(first).action == "delete"


def test_party_must_be_an_organization_of_the_committee(world, program, sec):
    with pytest.raises(ValidationError) as exc:
        services.party_add(actor=sec, program=program, organization=world.other_org)
    assert "organization" in exc.value.error_dict


def test_an_ended_organization_cannot_become_a_party(world, sec):
    program = services.program_create(actor=sec, committee=world.committee, year=2026, title="X")
    successor_organization(
        world,
        committee=world.committee,
        name="Bộ CHQS tỉnh (mới)",
        predecessors=[world.org_a],
        on=datetime.date(2025, 7, 1),
    )
    messages = english(services.party_add, actor=sec, program=program, organization=world.org_a)
    assert messages == [
        (
            "This organization ended on 30/06/2025, before the program's period; add the "
            "organization that succeeded it instead."
        )
    ]


@pytest.mark.parametrize("status", [S.SIGNING, S.IN_FORCE])
def test_parties_are_fixed_after_draft(world, sec, status):
    program = make_program(world, status=status)
    extra = make_organization(world, name="Hội LHPN tỉnh")
    with pytest.raises(ValidationError):
        services.party_add(actor=sec, program=program, organization=extra)
    with pytest.raises(ValidationError):
        services.party_remove(actor=sec, party=program.parties.first())
    assert program.parties.count() == 2


# -- contents, indicators, targets -----------------------------------------------------


def test_content_create_with_everything_is_audited(world, program, sec):
    nhan_dan = TargetGroup.objects.get(code="nhan-dan")
    doc = legal_document(world)
    content = services.content_create(
        actor=sec,
        program=program,
        title="Xây dựng nông thôn mới",
        lead=world.org_a,
        co_organizations=[world.org_b],
        target_groups=[nhan_dan],
        legal_basis=[doc],
        starts_on=datetime.date(2023, 3, 1),
        ends_on=datetime.date(2023, 11, 30),
    )
    assert content.order == 3  # after the two contents of the factory
    event = last_event(content)
    assert event.action == "create"
    assert event.after["co_organizations"] == [world.org_b.pk]
    assert event.after["target_groups"] == [nhan_dan.pk]
    assert event.after["legal_basis"] == [doc.pk]
    assert event.committee_id == world.committee.pk


def test_content_organizations_are_checked(world, program, sec):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.content_create(
            actor=sec, program=program, title="X", lead=world.org_a, co_organizations=[world.org_a]
        )
    assert exc.value.message_dict["co_organizations"] == [
        "The lead organization cannot also be a co-operating organization."
    ]
    with pytest.raises(ValidationError) as exc:
        services.content_create(
            actor=sec,
            program=program,
            title="X",
            lead=world.org_a,
            co_organizations=[world.other_org],
        )
    assert "co_organizations" in exc.value.error_dict
    with pytest.raises(ValidationError) as exc:
        services.content_create(actor=sec, program=program, title="X", lead=world.other_org)
    assert "lead" in exc.value.error_dict


def test_content_update_and_delete(world, program, sec):
    content = program.contents.get(lead=world.org_a)
    services.content_update(
        actor=sec,
        content=content,
        data={"title": "Tuyên truyền", "lead": world.org_b, "co_organizations": [world.org_a]},
    )
    event = last_event(content)
    assert event.before["lead_id"] == world.org_a.pk
    assert event.after["lead_id"] == world.org_b.pk
    assert event.after["co_organizations"] == [world.org_a.pk]
    with pytest.raises(ValidationError):
        services.content_update(
            actor=sec, content=content, data={"co_organizations": [world.org_b]}
        )

    indicator_ids = list(content.indicators.values_list("pk", flat=True))
    target_ids = list(
        Target.objects.filter(indicator__content=content).values_list("pk", flat=True)
    )
    services.content_delete(actor=sec, content=content)
    assert not ProgramContent.objects.filter(pk=content.pk).exists()
    assert not Indicator.objects.filter(pk__in=indicator_ids).exists()
    deleted = set(
        AuditEvent.objects.filter(action="delete").values_list("content_type__model", "object_id")
    )
    assert ("programcontent", str(content.pk)) in deleted
    assert {("indicator", str(pk)) for pk in indicator_ids} <= deleted
    assert {("target", str(pk)) for pk in target_ids} <= deleted


@pytest.mark.parametrize("status", [S.SIGNING, S.IN_FORCE, S.IN_REVIEW, S.CLOSED])
def test_contents_indicators_targets_are_fixed_after_draft(world, sec, status):
    program = make_program(world, status=status)
    content = program.contents.get(lead=world.org_a)
    indicator = content.indicators.first()
    target = indicator.targets.first()
    refused = [
        lambda: services.content_create(actor=sec, program=program, title="X", lead=world.org_a),
        lambda: services.content_update(actor=sec, content=content, data={"title": "X"}),
        lambda: services.content_delete(actor=sec, content=content),
        lambda: services.indicator_create(actor=sec, content=content, name="X", unit=Unit.PERSON),
        lambda: services.indicator_update(actor=sec, indicator=indicator, data={"name": "X"}),
        lambda: services.indicator_delete(actor=sec, indicator=indicator),
        lambda: services.target_set(actor=sec, indicator=indicator, value=1),
        lambda: services.target_delete(actor=sec, target=target),
    ]
    before = AuditEvent.objects.count()
    for call in refused:
        with pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.code == "not_draft"
    assert AuditEvent.objects.count() == before


def test_lineage_may_be_linked_after_draft(world, sec):
    old = make_program(world, year=2022)
    program = make_program(world, year=2023, status=S.CLOSED)
    content = program.contents.get(lead=world.org_b)
    old_content = old.contents.get(lead=world.org_b)
    services.content_update(actor=sec, content=content, data={"lineage": old_content})
    assert last_event(content).after["lineage_id"] == old_content.pk
    indicator = content.indicators.get()
    services.indicator_update(
        actor=sec, indicator=indicator, data={"lineage": old_content.indicators.get()}
    )
    indicator.refresh_from_db()
    assert indicator.lineage == old_content.indicators.get()


def test_lineage_must_come_from_an_earlier_year(world, sec):
    old = make_program(world, year=2022)
    program = make_program(world, year=2023)
    earlier = program.contents.first()
    with pytest.raises(ValidationError) as exc:
        services.content_update(actor=sec, content=old.contents.first(), data={"lineage": earlier})
    assert "lineage" in exc.value.error_dict


def test_indicator_create_update_delete_are_audited(world, program, sec):
    content = program.contents.get(lead=world.org_b)
    indicator = services.indicator_create(
        actor=sec,
        content=content,
        name="Người hiến máu",
        unit=Unit.PERSON,
        aggregation=Aggregation.SUM,
    )
    assert indicator.order == 2
    assert last_event(indicator).after["unit"] == "người"
    services.indicator_update(actor=sec, indicator=indicator, data={"aggregation": Aggregation.MAX})
    event = last_event(indicator)
    assert (event.before["aggregation"], event.after["aggregation"]) == ("sum", "max")
    services.target_set(actor=sec, indicator=indicator, value=300)
    target = indicator.targets.get()
    services.indicator_delete(actor=sec, indicator=indicator)
    assert not Indicator.objects.filter(pk=indicator.pk).exists()
    assert last_event(indicator).action == "delete"
    assert last_event(target).action == "delete"


def test_target_set_creates_then_updates(world, program, sec):
    indicator = program.contents.get(lead=world.org_b).indicators.get()
    target = services.target_set(
        actor=sec, indicator=indicator, organization=world.org_a, value=Decimal("12.5")
    )
    assert target.value == Decimal("12.5")
    assert last_event(target).action == "create"
    same = services.target_set(actor=sec, indicator=indicator, organization=world.org_a, value=20)
    assert same.pk == target.pk
    event = last_event(target)
    assert event.action == "update"
    assert (event.before["value"], event.after["value"]) == ("12.50", "20.00")
    count = AuditEvent.objects.count()
    services.target_set(actor=sec, indicator=indicator, organization=world.org_a, value=20)
    assert AuditEvent.objects.count() == count  # nothing changed, nothing recorded

    overall = services.target_set(actor=sec, indicator=indicator, value=Decimal(900))
    assert overall.organization is None
    assert indicator.targets.count() == 3


def test_target_must_not_be_negative_nor_for_another_committee(world, program, sec):
    indicator = program.contents.get(lead=world.org_b).indicators.get()
    assert english(
        services.target_set, actor=sec, indicator=indicator, organization=world.org_a, value=-1
    ) == ["A target cannot be negative."]
    with pytest.raises(ValidationError) as exc:
        services.target_set(actor=sec, indicator=indicator, organization=world.other_org, value=1)
    assert "organization" in exc.value.error_dict
    assert not indicator.targets.filter(organization=world.org_a).exists()


def test_target_delete_is_audited(world, program, sec):
    target = Target.objects.filter(indicator__content__program=program).first()
    services.target_delete(actor=sec, target=target)
    assert not Target.objects.filter(pk=target.pk).exists()
    event = last_event(target)
    assert event.action == "delete"
    assert event.before["value"] == str(target.value)


@pytest.mark.parametrize("role", ["focal_a", "leader", "editor", "other_secretariat"])
def test_program_parts_are_changed_by_the_secretariat_only(world, program, role):
    user = world.user(role)
    content = program.contents.first()
    indicator = content.indicators.first()
    for call in (
        lambda: services.party_add(actor=user, program=program, organization=world.org_a),
        lambda: services.content_create(actor=user, program=program, title="X", lead=world.org_a),
        lambda: services.content_update(actor=user, content=content, data={"title": "X"}),
        lambda: services.indicator_create(actor=user, content=content, name="X", unit="km"),
        lambda: services.target_set(actor=user, indicator=indicator, value=1),
        lambda: services.program_send_for_signing(actor=user, program=program),
        lambda: services.program_clone(actor=user, source=program, year=2024),
    ):
        with pytest.raises(PermissionDenied):
            call()


# -- the status machine ----------------------------------------------------------------

MOVERS = {
    "program_send_for_signing": services.program_send_for_signing,
    "program_reopen": services.program_reopen,
    "program_start_review": services.program_start_review,
    "program_resume": services.program_resume,
    "program_close": services.program_close,
}
REFUSED_PAIRS = [
    (src, dst)
    for src, dst in itertools.product(STATUSES, STATUSES)
    if not services.TRANSITIONS.can(src, dst)
]


def _program_in(world, status: str) -> Program:
    return make_program(world, status=status)


def test_every_allowed_move_has_a_service():
    assert set(services.MOVES) == set(services.TRANSITIONS.pairs())
    assert len(REFUSED_PAIRS) == len(STATUSES) ** 2 - len(services.MOVES)


@pytest.mark.parametrize(("src", "dst"), services.TRANSITIONS.pairs())
def test_allowed_transition(world, sec, src, dst):
    program = _program_in(world, src)
    name = services.MOVES[(src, dst)]
    if name == "program_sign":
        program = sign_all(world, program)
    else:
        MOVERS[name](actor=sec, program=program)
        program.refresh_from_db()
    assert program.status == dst
    event = audit.history(program).filter(before__status=src, after__status=dst).get()
    assert event.actor == sec


@pytest.mark.parametrize(("src", "dst"), REFUSED_PAIRS)
def test_refused_transition(world, sec, src, dst):
    with pytest.raises(ValidationError):
        services.TRANSITIONS.check(src, dst)
    program = _program_in(world, src)
    movers = [name for (_, target), name in services.MOVES.items() if target == dst]
    assert movers, "every status can be reached by some service"
    before = AuditEvent.objects.count()
    for name in movers:
        if name == "program_sign":
            party = (
                program.parties.filter(signature__isnull=True).first() or program.parties.first()
            )
            call = lambda party=party: services.program_sign(  # noqa: E731
                actor=sec,
                party=party,
                signer_name="A",
                signer_title="B",
                signed_at=timezone.now() - HOUR_AGO,
            )
        else:
            call = lambda name=name: MOVERS[name](actor=sec, program=program)  # noqa: E731
        with translation.override("en"), pytest.raises(ValidationError) as exc:
            call()
        assert exc.value.code == "invalid_transition"
        # The message names the status the program is in.
        with translation.override("en"):
            label = str(dict(ProgramStatus.choices)[src])
        assert f"“{label}”" in exc.value.messages[0]
    program.refresh_from_db()
    assert program.status == src
    assert AuditEvent.objects.count() == before


def test_refused_messages_say_what_is_needed(world, sec):
    program = make_program(world, status=S.IN_FORCE)
    assert english(services.program_close, actor=sec, program=program) == [
        "Only a program under review can be closed; its status is “in force”."
    ]
    assert english(services.program_send_for_signing, actor=sec, program=program) == [
        "Only a draft program can be sent for signing; its status is “in force”."
    ]
    assert english(services.program_reopen, actor=sec, program=program) == [
        "Only a program being signed can be reopened for editing; its status is “in force”."
    ]


def test_send_for_signing_lists_what_is_missing(world, sec):
    program = services.program_create(actor=sec, committee=world.committee, year=2024, title="X")
    services.party_add(actor=sec, program=program, organization=world.org_a)
    assert english(services.program_send_for_signing, actor=sec, program=program) == [
        "The program needs at least two parties; it has 1.",
        "The program has no content yet; add at least one.",
    ]
    services.party_add(actor=sec, program=program, organization=world.org_b)
    content = services.content_create(actor=sec, program=program, title="X", lead=world.org_a)
    assert english(services.program_send_for_signing, actor=sec, program=program) == [
        "No content has an indicator yet; add at least one indicator."
    ]
    services.indicator_create(actor=sec, content=content, name="Buổi", unit=Unit.SESSION)
    services.program_send_for_signing(actor=sec, program=program)
    program.refresh_from_db()
    assert program.status == S.SIGNING


def test_reopen_clears_the_signatures_and_records_them(world, sec):
    program = make_program(world, status=S.SIGNING)
    party = program.parties.get(organization=world.org_a)
    signature = services.program_sign(
        actor=sec,
        party=party,
        signer_name="Đại tá Nguyễn Văn A",
        signer_title="Chỉ huy trưởng",
        signed_at=timezone.now() - HOUR_AGO,
    )
    services.program_reopen(actor=sec, program=program)
    assert not Signature.objects.filter(party__program=program).exists()
    event = last_event(signature)
    assert event.action == "delete"
    assert event.before["signer_name"] == "Đại tá Nguyễn Văn A"
    program.refresh_from_db()
    assert program.status == S.DRAFT


# -- signing ---------------------------------------------------------------------------


def _sign(actor, party, **kwargs):
    fields = {
        "signer_name": "Đại tá Bùi Văn B",
        "signer_title": "Chỉ huy trưởng Bộ CHQS tỉnh",
        "signed_at": timezone.now() - HOUR_AGO,
        **kwargs,
    }
    return services.program_sign(actor=actor, party=party, **fields)


def test_a_leader_signs_for_their_organization(world):
    program = make_program(world, status=S.SIGNING)
    party = program.parties.get(organization=world.org_a)
    signature = _sign(world.user("leader"), party)
    assert signature.recorded_by == world.user("leader")
    assert signature.signer_title == "Chỉ huy trưởng Bộ CHQS tỉnh"
    event = last_event(signature)
    assert event.action == "sign"
    assert event.after["party_id"] == party.pk
    assert event.committee_id == world.committee.pk
    program.refresh_from_db()
    assert program.status == S.SIGNING  # org B has not signed yet


def test_a_leader_cannot_sign_for_another_organization(world):
    program = make_program(world, status=S.SIGNING)
    with pytest.raises(PermissionDenied):
        _sign(world.user("leader"), program.parties.get(organization=world.org_b))


def test_a_focal_role_elsewhere_gives_a_leader_no_signing_right(world):
    user = make_user(
        world,
        "leader_and_focal",
        role="leader",
        committee=world.committee,
        organization=world.org_a,
    )
    from phoihop.orgs import services as org_services

    org_services.role_assign(
        actor=world.user("admin"),
        user=user,
        role="focal",
        committee=world.committee,
        organization=world.org_b,
        valid_from=datetime.date(2020, 1, 1),
    )
    program = make_program(world, status=S.SIGNING)
    _sign(user, program.parties.get(organization=world.org_a))
    with pytest.raises(PermissionDenied):
        _sign(user, program.parties.get(organization=world.org_b))


@pytest.mark.parametrize("role", ["focal_a", "focal_b", "editor", "other_secretariat"])
def test_other_roles_cannot_sign(world, role):
    program = make_program(world, status=S.SIGNING)
    for party in program.parties.all():
        with pytest.raises(PermissionDenied):
            _sign(world.user(role), party)
    assert not Signature.objects.exists()


def test_the_program_comes_into_force_when_the_last_party_signs(world, sec):
    program = make_program(world, status=S.SIGNING)
    local = timezone.get_current_timezone()
    first = datetime.datetime(2023, 3, 27, 9, 0, tzinfo=local)
    last = datetime.datetime(2023, 3, 29, 6, 0, tzinfo=local)  # 28/03 in UTC
    _sign(world.user("leader"), program.parties.get(organization=world.org_a), signed_at=first)
    program.refresh_from_db()
    assert (program.status, program.signed_on) == (S.SIGNING, None)
    _sign(sec, program.parties.get(organization=world.org_b), signed_at=last)
    program.refresh_from_db()
    assert program.status == S.IN_FORCE
    assert program.signed_on == datetime.date(2023, 3, 29)  # local day of the last signature
    event = audit.history(program).get(action="in_force")
    assert event.before["status"] == S.SIGNING
    assert event.after["status"] == S.IN_FORCE
    assert event.after["signed_on"] == "2023-03-29"


def test_signing_keeps_the_name_and_title_as_written(world, sec):
    from phoihop.orgs import services as org_services

    person = org_services.person_create(
        actor=world.user("admin"),
        committee=world.committee,
        full_name="Bùi Văn B",
        title="Chỉ huy trưởng",
        rank="Đại tá",
        organization=world.org_a,
    )
    program = make_program(world, status=S.SIGNING)
    signature = _sign(
        sec,
        program.parties.get(organization=world.org_a),
        signer_person=person,
        signed_copy=ContentFile(b"%PDF-1.4 scan", name="ban-ky.pdf"),
    )
    org_services.person_update(actor=world.user("admin"), person=person, data={"title": "Chính ủy"})
    signature.refresh_from_db()
    assert signature.signer == person
    assert signature.signer_title == "Chỉ huy trưởng Bộ CHQS tỉnh"
    assert signature.signed_copy.name.endswith(".pdf")
    assert signature.signed_copy.read().startswith(b"%PDF")


def test_signing_is_refused_twice_in_the_future_and_for_strangers(world, sec):
    program = make_program(world, status=S.SIGNING)
    party = program.parties.get(organization=world.org_a)
    with pytest.raises(ValidationError) as exc:
        _sign(sec, party, signed_at=timezone.now() + datetime.timedelta(days=1))
    assert "signed_at" in exc.value.error_dict
    _sign(sec, party)
    with pytest.raises(ValidationError) as exc:
        _sign(sec, party)
    assert exc.value.code == "already_signed"

    from phoihop.orgs import services as org_services

    stranger = org_services.person_create(
        actor=world.user("admin"), committee=world.other_committee, full_name="Người lạ"
    )
    with pytest.raises(ValidationError) as exc:
        _sign(sec, program.parties.get(organization=world.org_b), signer_person=stranger)
    assert "signer" in exc.value.error_dict


def test_naive_signing_time_is_read_in_local_time(world, sec):
    program = make_program(world, status=S.SIGNING)
    signature = _sign(
        sec,
        program.parties.get(organization=world.org_a),
        signed_at=datetime.datetime(2023, 3, 27, 17, 0),  # noqa: DTZ001 - the point of the test
    )
    assert timezone.localtime(signature.signed_at).hour == 17


# -- publishing ------------------------------------------------------------------------


def test_publish_and_unpublish(world, sec):
    program = make_program(world, status=S.SIGNING)
    assert english(services.program_publish, actor=sec, program=program) == [
        "Only a program in force (or later) can be published; its status is “being signed”."
    ]
    program = advance(world, program, S.IN_FORCE)
    services.program_publish(actor=sec, program=program)
    program.refresh_from_db()
    assert program.is_published
    event = last_event(program)
    assert (event.action, event.before["is_published"], event.after["is_published"]) == (
        "publish",
        False,
        True,
    )
    count = AuditEvent.objects.count()
    services.program_publish(actor=sec, program=program)  # already published: nothing to do
    assert AuditEvent.objects.count() == count
    services.program_unpublish(actor=sec, program=program)
    program.refresh_from_db()
    assert not program.is_published
    assert last_event(program).action == "unpublish"
    with pytest.raises(PermissionDenied):
        services.program_publish(actor=world.user("leader"), program=program)


# -- cloning ---------------------------------------------------------------------------


def test_clone_copies_the_program_but_not_its_signatures(world, sec):
    source = make_program(world, year=2023, status=S.IN_FORCE)
    clone = services.program_clone(actor=sec, source=source, year=2024)

    assert clone.status == S.DRAFT
    assert clone.previous == source
    assert clone.title == "Chương trình phối hợp hoạt động năm 2024"
    assert (clone.period_start, clone.period_end) == (
        datetime.date(2024, 1, 1),
        datetime.date(2024, 12, 31),
    )
    assert clone.signed_on is None
    assert clone.number == ""
    assert list(clone.legal_basis.all()) == list(source.legal_basis.all())
    assert [p.organization for p in clone.parties.all()] == [world.org_a, world.org_b]
    assert not Signature.objects.filter(party__program=clone).exists()

    pairs = list(zip(source.contents.all(), clone.contents.all(), strict=True))
    for old, new in pairs:
        assert new.lineage == old
        assert (new.title, new.lead, new.order) == (old.title, old.lead, old.order)
        assert set(new.co_organizations.all()) == set(old.co_organizations.all())
        assert set(new.target_groups.all()) == set(old.target_groups.all())
        assert set(new.legal_basis.all()) == set(old.legal_basis.all())
        for old_ind, new_ind in zip(old.indicators.all(), new.indicators.all(), strict=True):
            assert new_ind.lineage == old_ind
            assert (new_ind.name, new_ind.unit, new_ind.aggregation) == (
                old_ind.name,
                old_ind.unit,
                old_ind.aggregation,
            )
            assert {(t.organization_id, t.value) for t in new_ind.targets.all()} == {
                (t.organization_id, t.value) for t in old_ind.targets.all()
            }
    assert len(pairs) == 2

    clone_event = audit.history(clone).get()
    assert clone_event.action == "clone"
    assert clone_event.note == f"source={source.pk}"
    created = AuditEvent.objects.filter(action="create", committee_id=world.committee.pk)
    assert (
        created.filter(
            content_type__model="programparty",
            object_id__in=[str(p.pk) for p in clone.parties.all()],
        ).count()
        == 2
    )
    assert (
        created.filter(
            content_type__model="target",
            object_id__in=[
                str(t.pk) for t in Target.objects.filter(indicator__content__program=clone)
            ],
        ).count()
        == 6
    )


def test_clone_keeps_a_cut_off_period_and_shifts_content_dates(world, sec):
    source = services.program_create(
        actor=sec,
        committee=world.committee,
        year=2024,
        title="Chương trình",
        period_start=datetime.date(2023, 12, 15),
        period_end=datetime.date(2024, 12, 14),
    )
    services.content_create(
        actor=sec,
        program=source,
        title="Hiến máu",
        lead=world.org_b,
        starts_on=datetime.date(2024, 2, 29),
        ends_on=datetime.date(2024, 6, 30),
    )
    clone = services.program_clone(actor=sec, source=source, year=2025, title=" Năm 2025 ")
    assert clone.title == "Năm 2025"
    assert (clone.period_start, clone.period_end) == (
        datetime.date(2024, 12, 15),
        datetime.date(2025, 12, 14),
    )
    content = clone.contents.get()
    assert (content.starts_on, content.ends_on) == (
        datetime.date(2025, 2, 28),
        datetime.date(2025, 6, 30),
    )


def test_clone_substitutes_successor_organizations(world, sec):
    source = make_program(world, year=2023, status=S.CLOSED)
    successor = successor_organization(
        world,
        committee=world.committee,
        name="Bộ CHQS tỉnh (sau sắp xếp)",
        predecessors=[world.org_a],
        on=datetime.date(2024, 1, 1),
    )
    clone = services.program_clone(actor=sec, source=source, year=2024)
    assert [p.organization for p in clone.parties.all()] == [successor, world.org_b]
    propaganda = clone.contents.get(title__startswith="Tuyên truyền")
    assert propaganda.lead == successor
    assert list(propaganda.co_organizations.all()) == [world.org_b]
    sessions = propaganda.indicators.get(name="Buổi tuyên truyền")
    assert {(t.organization_id, t.value) for t in sessions.targets.all()} == {
        (None, Decimal(120)),
        (successor.pk, Decimal(80)),
        (world.org_b.pk, Decimal(40)),
    }


def test_clone_merges_parties_and_targets_of_merged_organizations(world, sec):
    source = make_program(world, year=2023)
    merged = successor_organization(
        world,
        committee=world.committee,
        name="Tổ chức hợp nhất",
        predecessors=[world.org_a, world.org_b],
        on=datetime.date(2024, 1, 1),
    )
    clone = services.program_clone(actor=sec, source=source, year=2024)
    assert [p.organization for p in clone.parties.all()] == [merged]
    propaganda = clone.contents.get(title__startswith="Tuyên truyền")
    assert propaganda.lead == merged
    assert list(propaganda.co_organizations.all()) == []  # the lead is not its own partner
    sessions = propaganda.indicators.get(name="Buổi tuyên truyền")
    assert sessions.targets.get(organization=merged).value == Decimal(120)  # 80 + 40


def test_clone_into_the_successor_committee(world):
    source = make_program(world, year=2025, status=S.CLOSED)
    new_committee = successor_committee(world)
    new_sec = make_user(world, "sec_new", role="secretariat", committee=new_committee)
    on = datetime.date(2025, 7, 1)
    new_a = successor_organization(
        world,
        committee=new_committee,
        name="Bộ CHQS tỉnh Phú Thọ",
        predecessors=[world.org_a],
        on=on,
    )
    with pytest.raises(ValidationError) as exc:
        services.program_clone(actor=new_sec, source=source, year=2026, committee=new_committee)
    assert exc.value.code == "no_successor"
    assert world.org_b.name in exc.value.messages[0]
    new_b = successor_organization(
        world,
        committee=new_committee,
        name="Hội CTĐ tỉnh Phú Thọ",
        predecessors=[world.org_b],
        on=on,
    )
    clone = services.program_clone(actor=new_sec, source=source, year=2026, committee=new_committee)
    assert clone.committee == new_committee
    assert clone.previous == source
    assert [p.organization for p in clone.parties.all()] == [new_a, new_b]
    assert {c.lead for c in clone.contents.all()} == {new_a, new_b}
    assert audit.history(clone).get().committee_id == new_committee.pk
    # The predecessor's secretariat has no say in the new committee.
    with pytest.raises(PermissionDenied):
        services.program_clone(
            actor=world.user("secretariat"), source=source, year=2027, committee=new_committee
        )


def test_clone_refuses_an_unrelated_committee_and_a_taken_year(world, sec):
    source = make_program(world, year=2023)
    with pytest.raises(PermissionDenied):
        services.program_clone(actor=world.user("other_secretariat"), source=source, year=2024)
    with pytest.raises(ValidationError) as exc:
        services.program_clone(
            actor=world.user("admin"), source=source, year=2024, committee=world.other_committee
        )
    assert "committee" in exc.value.error_dict
    make_program(world, year=2024)
    count = Program.objects.count()
    with pytest.raises(ValidationError):
        services.program_clone(actor=sec, source=source, year=2024)
    assert Program.objects.count() == count
    assert (
        not ProgramParty.objects.filter(program__year=2024)
        .exclude(program__title__contains="2024")
        .exists()
    )
