"""The program pages through HTTP: list, detail, clone, editing, signing, the .docx."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone
from docx import Document
from PIL import Image

from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Indicator, Program, Signature, Target
from phoihop.programs.tests.factories import advance, make_program

pytestmark = pytest.mark.django_db


def signed_at() -> str:
    return (timezone.localtime() - datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(buffer, format="PNG")
    return buffer.getvalue()


def test_list_filters_and_exports(world, client_for, django_assert_max_num_queries):
    make_program(world, year=2022)
    make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
    client = client_for("focal_a")
    client.get(reverse("programs:list"))
    with django_assert_max_num_queries(12):
        response = client.get(reverse("programs:list"))
    assert response.status_code == 200
    assert response.context["table"].paginator.count == 2
    in_force = client.get(reverse("programs:list"), {"status": "in_force"})
    assert [r.record.year for r in in_force.context["table"].page.object_list] == [2023]
    found = client.get(reverse("programs:list"), {"q": "hoat dong nam 2022"})
    assert [r.record.year for r in found.context["table"].page.object_list] == [2022]
    exported = client.get(reverse("programs:list"), {"export": "csv"})
    assert exported.content.decode().count("\n") == 3
    assert (
        client_for("other_secretariat")
        .get(reverse("programs:list"))
        .context["table"]
        .paginator.count
        == 0
    )


def test_detail_shows_contents_targets_and_parties(
    world, client_for, django_assert_max_num_queries
):
    program = make_program(world, year=2023)
    leader = client_for("leader")
    with django_assert_max_num_queries(22):
        response = leader.get(reverse("programs:detail", args=[program.pk]))
    page = response.content.decode()
    assert "Vận động hiến máu tình nguyện" in page
    assert "Đơn vị máu tiếp nhận" in page
    assert world.org_b.abbreviation in page
    assert "0/2" in page
    assert " ," not in page  # lists read "A, B", never "A , B"
    # Focal points and leaders read; only the secretariat gets the editing controls.
    add = reverse("programs:content_add", args=[program.pk])
    assert add not in page
    secretariat = client_for("secretariat").get(reverse("programs:detail", args=[program.pk]))
    assert add in secretariat.content.decode()


def test_clone_copies_everything_but_signatures(world, client_for):
    source = make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
    client = client_for("secretariat")
    form = client.get(reverse("programs:clone"))
    assert form.context["form"].initial["source"] == source.pk
    assert form.context["form"].initial["year"] == 2024
    response = client.post(reverse("programs:clone"), {"source": source.pk, "year": 2024})
    clone = Program.objects.get(committee=world.committee, year=2024)
    assert response["Location"] == reverse("programs:detail", args=[clone.pk])
    assert clone.status == ProgramStatus.DRAFT
    assert clone.previous == source
    assert clone.title == "Chương trình phối hợp hoạt động năm 2024"
    assert clone.contents.count() == source.contents.count()
    assert Indicator.objects.filter(content__program=clone).count() == 3
    assert Target.objects.filter(indicator__content__program=clone).count() == 6
    assert clone.parties.count() == 2
    assert not Signature.objects.filter(party__program=clone).exists()
    assert set(clone.contents.first().target_groups.all()) == set(
        source.contents.first().target_groups.all()
    )


def test_clone_and_content_forms_take_prefilled_values(world, client_for):
    """The hook other pages (reviews) use to carry directions into the new program."""
    source = make_program(world, year=2022)
    client = client_for("secretariat")
    form = client.get(
        reverse("programs:clone"), {"source": source.pk, "title": "Chương trình năm 2023"}
    ).context["form"]
    assert form.initial["source"] == str(source.pk)
    assert form.initial["year"] == 2023
    assert form.initial["title"] == "Chương trình năm 2023"
    content_form = client.get(
        reverse("programs:content_add", args=[source.pk]),
        {"title": "Khắc phục chỉ tiêu chưa đạt", "lead": world.org_b.pk},
    ).context["form"]
    assert content_form.initial["title"] == "Khắc phục chỉ tiêu chưa đạt"
    assert content_form.initial["lead"] == str(world.org_b.pk)
    indicator = source.contents.first().indicators.first()
    targets_form = client.get(
        reverse("programs:targets", args=[indicator.pk]), {"overall": "150"}
    ).context["form"]
    assert targets_form.initial["overall"] == "150"


def test_clone_refusal_is_shown_on_the_form(world, client_for):
    source = make_program(world, year=2023)
    response = client_for("secretariat").post(
        reverse("programs:clone"), {"source": source.pk, "year": 2023}
    )
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Program.objects.filter(committee=world.committee).count() == 1


def test_edit_contents_indicators_and_targets(world, client_for):
    program = make_program(world, year=2023)
    client = client_for("secretariat")
    response = client.post(
        reverse("programs:content_add", args=[program.pk]),
        {
            "title": "Chăm lo gia đình chính sách",
            "lead": world.org_b.pk,
            "co_organizations": [world.org_a.pk],
            "description": "Thăm hỏi, tặng quà",
        },
    )
    assert response.status_code == 302
    content = program.contents.get(title="Chăm lo gia đình chính sách")
    assert list(content.co_organizations.all()) == [world.org_a]
    response = client.post(
        reverse("programs:indicator_add", args=[content.pk]),
        {"name": "Suất quà trao tặng", "unit": "suất quà", "aggregation": "sum"},
    )
    indicator = content.indicators.get()
    assert response["Location"] == reverse("programs:targets", args=[indicator.pk])
    response = client.post(
        reverse("programs:targets", args=[indicator.pk]),
        {"overall": "300", f"org_{world.org_a.pk}": "100", f"org_{world.org_b.pk}": "200"},
    )
    assert response.status_code == 302
    values = {t.organization_id: t.value for t in indicator.targets.all()}
    assert values == {None: 300, world.org_a.pk: 100, world.org_b.pk: 200}
    # Emptying a box removes that target.
    client.post(
        reverse("programs:targets", args=[indicator.pk]),
        {"overall": "300", f"org_{world.org_a.pk}": "", f"org_{world.org_b.pk}": "200"},
    )
    assert set(indicator.targets.values_list("organization_id", flat=True)) == {
        None,
        world.org_b.pk,
    }
    # A negative target is refused with a message on the field.
    bad = client.post(reverse("programs:targets", args=[indicator.pk]), {"overall": "-1"})
    assert bad.status_code == 200
    assert bad.context["form"].errors["overall"]
    client.post(
        reverse("programs:content_edit", args=[content.pk]),
        {"title": "Chăm lo gia đình chính sách, người có công", "lead": world.org_b.pk},
    )
    content.refresh_from_db()
    assert content.title == "Chăm lo gia đình chính sách, người có công"
    client.post(reverse("programs:indicator_delete", args=[indicator.pk]))
    assert not content.indicators.exists()
    client.post(reverse("programs:content_delete", args=[content.pk]))
    assert not program.contents.filter(pk=content.pk).exists()
    # A focal point cannot edit.
    assert (
        client_for("focal_a")
        .post(reverse("programs:content_add", args=[program.pk]), {"title": "X"})
        .status_code
        == 403
    )


def test_sign_by_every_party_brings_it_in_force(world, client_for, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    program = make_program(world, year=2023)
    secretariat = client_for("secretariat")
    secretariat.post(reverse("programs:move", args=[program.pk, "send"]))
    program.refresh_from_db()
    assert program.status == ProgramStatus.SIGNING
    party_a, party_b = program.parties.order_by("order")
    # The leader of org A signs for A, with a scanned copy; not for B.
    leader = client_for("leader")
    assert leader.get(reverse("programs:sign", args=[party_b.pk])).status_code == 403
    response = leader.post(
        reverse("programs:sign", args=[party_a.pk]),
        {
            "signer_name": "Đại tá Bùi Văn Hùng",
            "signer_title": "Chỉ huy trưởng",
            "signed_at": signed_at(),
            "signed_copy": SimpleUploadedFile("scan.png", png(), content_type="image/png"),
        },
    )
    assert response.status_code == 302
    signature = Signature.objects.get(party=party_a)
    assert signature.signed_copy.name.endswith(".png")
    copy = leader.get(reverse("programs:signed_copy", args=[signature.pk]))
    assert copy.status_code == 200
    program.refresh_from_db()
    assert program.status == ProgramStatus.SIGNING
    # A file that is not a scan is refused.
    bad = secretariat.post(
        reverse("programs:sign", args=[party_b.pk]),
        {
            "signer_name": "Hà Thị Lan",
            "signer_title": "Chủ tịch",
            "signed_at": signed_at(),
            "signed_copy": SimpleUploadedFile("scan.pdf", b"<html>not a scan</html>"),
        },
    )
    assert bad.status_code == 200
    assert bad.context["form"].errors["signed_copy"]
    secretariat.post(
        reverse("programs:sign", args=[party_b.pk]),
        {"signer_name": "Hà Thị Lan", "signer_title": "Chủ tịch", "signed_at": signed_at()},
    )
    program.refresh_from_db()
    assert program.status == ProgramStatus.IN_FORCE
    assert program.signed_on is not None
    # The page names who signed, then their title (the two never run together).
    page = secretariat.get(reverse("programs:detail", args=[program.pk])).content.decode()
    assert "<strong>Hà Thị Lan</strong>, Chủ tịch" in page
    # Signing twice is refused, as a message on the form.
    again = secretariat.post(
        reverse("programs:sign", args=[party_b.pk]),
        {"signer_name": "Hà Thị Lan", "signer_title": "Chủ tịch", "signed_at": signed_at()},
    )
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()


def test_status_moves_and_publishing(world, client_for):
    program = make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
    client = client_for("secretariat")
    client.post(reverse("programs:move", args=[program.pk, "publish"]))
    program.refresh_from_db()
    assert program.is_published
    client.post(reverse("programs:move", args=[program.pk, "close"]))  # refused: in force
    program.refresh_from_db()
    assert program.status == ProgramStatus.IN_FORCE
    client.post(reverse("programs:move", args=[program.pk, "start_review"]))
    client.post(reverse("programs:move", args=[program.pk, "close"]))
    program.refresh_from_db()
    assert program.status == ProgramStatus.CLOSED
    assert client.post(reverse("programs:move", args=[program.pk, "bogus"])).status_code == 404
    assert (
        client_for("leader").post(reverse("programs:move", args=[program.pk, "resume"])).status_code
        == 403
    )


def test_program_document_has_contents_table_and_signature_columns(world, client_for):
    program = make_program(world, year=2023)
    program = advance(world, program, ProgramStatus.IN_FORCE)
    response = client_for("focal_b").get(reverse("programs:document", args=[program.pk]))
    assert response.status_code == 200
    assert "chuong-trinh-2023.docx" in response["Content-Disposition"]
    document = Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "CHƯƠNG TRÌNH" in text
    assert program.title in text
    assert "Căn cứ" in text
    header, contents, targets, signatures = document.tables
    header_text = header.cell(0, 1).text
    assert "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" in header_text
    assert "Độc lập - Tự do - Hạnh phúc" in header_text
    assert "Hòa Bình, ngày" in header_text or "Hoà Bình, ngày" in header_text
    assert world.org_a.name.upper() in header.cell(0, 0).text
    assert [c.text for c in contents.rows[0].cells][:2] == ["STT", "Nội dung phối hợp"]
    assert len(contents.rows) == 1 + program.contents.count()
    assert "Vận động hiến máu tình nguyện" in contents.rows[2].cells[1].text
    assert "500 đơn vị máu" in contents.rows[2].cells[4].text
    assert len(targets.rows) == 1 + 3
    assert len(signatures.columns) == program.parties.count() == 2
    first, second = signatures.rows[0].cells
    assert f"TM. {world.org_a.name.upper()}" in first.text
    assert f"TM. {world.org_b.name.upper()}" in second.text
    assert "THỦ TRƯỞNG" in first.text
    assert f"Người ký {world.org_a.short}" in first.text
    assert (
        client_for("other_secretariat")
        .get(reverse("programs:document", args=[program.pk]))
        .status_code
        == 404
    )


def test_program_create_and_edit(world, client_for):
    client = client_for("secretariat")
    response = client.post(
        reverse("programs:create"),
        {
            "title": "Chương trình phối hợp năm 2026",
            "year": 2026,
            "reporting_frequency": "quarter",
            "deadline_days": 10,
        },
    )
    program = Program.objects.get(year=2026)
    assert response["Location"] == reverse("programs:detail", args=[program.pk])
    assert program.period_start == datetime.date(2026, 1, 1)
    client.post(
        reverse("programs:edit", args=[program.pk]),
        {
            "title": "Chương trình phối hợp hoạt động năm 2026",
            "number": "01/CTr-PH",
            "year": 2026,
            "period_start": "2026-01-01",
            "period_end": "2026-12-31",
            "reporting_frequency": "month",
            "deadline_days": 5,
        },
    )
    program.refresh_from_db()
    assert program.number == "01/CTr-PH"
    assert program.reporting_frequency == "month"
    client.post(reverse("programs:party_add", args=[program.pk]), {"organization": world.org_a.pk})
    assert list(program.parties.values_list("organization_id", flat=True)) == [world.org_a.pk]
    client.post(reverse("programs:trash", args=[program.pk]))
    assert not Program.objects.filter(pk=program.pk).exists()
