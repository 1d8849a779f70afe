"""The program journey in a phone-sized browser: last year's program is cloned, sent
for signing, signed by every party (a leader for his organization, the secretariat on
the other signer's behalf) and comes in force. Pages fit 360 px and pass an axe scan."""

from __future__ import annotations

import re

import pytest

from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Program, Signature
from phoihop.programs.tests.factories import make_program

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits_and_is_accessible(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 360, page.url
    assert horizontal_overflow(page) <= 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def test_program_is_cloned_signed_by_every_party_and_comes_in_force(page, sign_in, world):
    source = make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
    sign_in(world.user("secretariat"))
    page.goto("/app/programs/")
    fits_and_is_accessible(page)
    page.get_by_role("link", name="Tạo chương trình từ năm trước").click()
    page.wait_for_url("**/app/programs/clone/")
    fits_and_is_accessible(page)
    assert page.get_by_label("Năm").input_value() == "2024"
    page.get_by_role("button", name="Tạo chương trình").click()
    page.wait_for_url(re.compile(r".*/app/programs/\d+/$"))
    clone = Program.objects.get(committee=world.committee, year=2024)
    assert clone.previous == source
    assert "Đã tạo chương trình năm 2024" in page.content()
    assert "Vận động hiến máu tình nguyện" in page.content()
    fits_and_is_accessible(page)

    page.get_by_role("button", name="Trình ký").click()
    page.wait_for_load_state()
    assert page.locator("#program-status").inner_text() == "đang ký kết"
    party_a = clone.parties.get(organization=world.org_a)
    party_b = clone.parties.get(organization=world.org_b)

    # The leader of org A signs for A himself, from his phone.
    sign_in(world.user("leader"))
    page.goto(f"/app/programs/{clone.pk}/")
    assert page.locator(f"#party-{party_b.pk}").get_by_role("link", name="Ký").count() == 0
    page.locator(f"#party-{party_a.pk}").get_by_role("link", name="Ký").click()
    page.wait_for_url(f"**/app/programs/parties/{party_a.pk}/sign/")
    fits_and_is_accessible(page)
    page.get_by_label("Họ tên người ký").fill("Đại tá Bùi Văn Hùng")
    page.get_by_label("Chức vụ người ký").fill("Chỉ huy trưởng")
    page.get_by_role("button", name="Ghi nhận chữ ký").click()
    page.wait_for_url(re.compile(rf".*/app/programs/{clone.pk}/#parties$"))
    assert "Đã ghi nhận chữ ký." in page.content()
    clone.refresh_from_db()
    assert clone.status == ProgramStatus.SIGNING

    # The secretariat records the Red Cross chairwoman's signature on her behalf.
    sign_in(world.user("secretariat"))
    page.goto(f"/app/programs/parties/{party_b.pk}/sign/")
    page.get_by_label("Họ tên người ký").fill("Hà Thị Lan")
    page.get_by_label("Chức vụ người ký").fill("Chủ tịch")
    page.get_by_role("button", name="Ghi nhận chữ ký").click()
    page.wait_for_url(re.compile(rf".*/app/programs/{clone.pk}/#parties$"))
    assert "Tất cả các bên đã ký: chương trình có hiệu lực." in page.content()
    assert page.locator("#program-status").inner_text() == "đang thực hiện"
    assert "Đã ký: 2/2 bên." in page.content()
    clone.refresh_from_db()
    assert clone.status == ProgramStatus.IN_FORCE
    assert Signature.objects.filter(party__program=clone).count() == 2
    fits_and_is_accessible(page)

    with page.expect_download() as download:
        page.get_by_role("link", name="Văn bản chương trình (.docx)").click()
    assert download.value.suggested_filename == "chuong-trinh-2024.docx"


def test_editing_pages_fit_a_phone(page, sign_in, world):
    program = make_program(world, year=2023)
    content = program.contents.order_by("order").first()
    indicator = content.indicators.order_by("order").first()
    sign_in(world.user("secretariat"))
    for url in (
        f"/app/programs/{program.pk}/",
        f"/app/programs/{program.pk}/contents/add/",
        f"/app/programs/contents/{content.pk}/edit/",
        f"/app/programs/indicators/{indicator.pk}/targets/",
        f"/app/programs/{program.pk}/parties/add/",
        "/app/programs/new/",
    ):
        page.goto(url)
        fits_and_is_accessible(page)
    page.goto(f"/app/programs/indicators/{indicator.pk}/targets/")
    page.get_by_label("Chỉ tiêu chung").fill("130")
    page.get_by_role("button", name="Lưu").click()
    page.wait_for_url(re.compile(rf".*/app/programs/{program.pk}/#content-{content.pk}$"))
    assert "Đã lưu mức giao." in page.content()
    assert indicator.targets.get(organization=None).value == 130
