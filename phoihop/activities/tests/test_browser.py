"""The reporting journey on a phone (360×640, Debian's Chromium): a focal point reports
an activity with a photo → the secretariat returns it → the focal point, whose session
ends while fixing it, signs in again, gets the typed text back and resubmits → approved.
"""

from __future__ import annotations

import io

import pytest
from django.conf import settings
from PIL import Image

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Attachment
from phoihop.activities.tests import factories
from phoihop.core.testing.browser import horizontal_overflow, serious_accessibility_violations
from phoihop.core.testing.world import PASSWORD

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def fits(page):
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 360, f"{page.url}: {width} px wide"
    assert horizontal_overflow(page) <= 0, page.url
    assert serious_accessibility_violations(page) == [], page.url


def big_png(path):
    """A 2400×1800 photo as a phone might take it (PNG, so the browser's re-encoding
    to JPEG shows in the stored name)."""
    # Noise: detail that does not compress to nothing, as in a real photo.
    image = Image.merge("RGB", [Image.effect_noise((2400, 1800), 40)] * 3)
    image.save(path, format="PNG")
    return path


def sign_out_and_in(page, sign_in, user):
    page.context.clear_cookies()
    sign_in(user)


def test_report_return_fix_after_session_loss_and_approval(page, sign_in, world, media, tmp_path):
    s = factories.setup(world)
    world.commune.full_clean()  # the world's units are made without their folded names
    world.commune.save()
    focal, secretariat = world.user("focal_a"), world.user("secretariat")

    # -- the focal point reports from a phone -------------------------------------------
    sign_in(focal)
    page.goto("/app/activities/new/")
    fits(page)
    page.get_by_label("Nội dung phối hợp").select_option(str(s.content.pk))
    page.get_by_label("Cán bộ", exact=True).wait_for()
    page.get_by_label("Tên hoạt động").fill("Tuyên truyền Luật Nghĩa vụ quân sự")
    page.get_by_label("Ngày bắt đầu").fill("2023-04-10")
    page.get_by_label("Ngày kết thúc").fill("2023-04-10")
    page.get_by_label("Tìm theo tên (không cần gõ dấu)").fill("thi tran mai chau")
    page.get_by_label("Thị trấn Mai Châu, Tỉnh Hoà Bình").check()
    page.get_by_label("Cán bộ", exact=True).fill("40")
    page.get_by_label("Nhân dân", exact=True).fill("210")
    page.get_by_label("Buổi tuyên truyền").fill("3")
    # The draft saves itself: the address becomes the draft's, the photo form appears.
    page.wait_for_url("**/app/activities/*/edit/")
    activity = Activity.objects.get(title="Tuyên truyền Luật Nghĩa vụ quân sự")
    assert "Đã lưu bản nháp" in page.locator("#autosave-status").inner_text()
    fits(page)

    photo = big_png(tmp_path / "IMG_2041.png")
    page.locator("input[type=file]").set_input_files(str(photo))
    page.get_by_label("Chú thích").fill("Quang cảnh buổi tuyên truyền")
    page.get_by_role("button", name="Thêm ảnh").click()
    page.locator("#attachments img").wait_for()
    # Shrunk on the phone before it was sent: only the browser's canvas re-encoding
    # turns the 9 MB IMG_2041.png into a JPEG named IMG_2041.jpg.
    attachment = Attachment.objects.get(activity=activity)
    assert attachment.original_name == "IMG_2041.jpg"
    with attachment.file.open("rb") as stored, Image.open(io.BytesIO(stored.read())) as image:
        assert max(image.size) <= 1600
        assert not image.getexif()

    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    page.wait_for_url(f"**/app/activities/{activity.pk}/")
    assert "đã gửi" in page.locator(".status-line").inner_text()

    # -- the secretariat returns it with a reason -----------------------------------------
    sign_out_and_in(page, sign_in, secretariat)
    page.goto("/app/activities/queue/")
    fits(page)
    page.get_by_role("link", name="Tuyên truyền Luật Nghĩa vụ quân sự").click()
    page.get_by_label("Lý do trả lại").fill("Đề nghị bổ sung số người là đoàn viên.")
    page.get_by_role("button", name="Trả lại với lý do này").click()
    assert "Đã trả lại báo cáo" in page.content()

    # -- the focal point sees the reason and fixes it; the session ends meanwhile ---------
    sign_out_and_in(page, sign_in, focal)
    page.goto("/app/notifications/")
    assert page.locator(".badge").first.inner_text().startswith("1")
    page.get_by_role("button", name="Mở").first.click()
    page.wait_for_url(f"**/app/activities/{activity.pk}/")
    assert "Đề nghị bổ sung số người là đoàn viên." in page.locator(".return-reason").inner_text()
    fits(page)
    page.get_by_role("link", name="Sửa", exact=True).click()
    page.wait_for_url(f"**/app/activities/{activity.pk}/edit/")
    assert "Đề nghị bổ sung số người là đoàn viên." in page.locator(".return-reason").inner_text()
    fits(page)

    # The session times out while the form is being filled (the CSRF cookie stays).
    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
    page.get_by_label("Kết quả thực hiện").fill("Có 35 đoàn viên thanh niên tham gia.")
    page.get_by_label("Nhân dân", exact=True).fill("245")
    page.locator("#autosave-status").get_by_text("Phiên đăng nhập đã hết").wait_for()
    page.get_by_role("button", name="Lưu nháp").click()
    page.wait_for_url("**/accounts/login/**")
    page.get_by_label("Tên đăng nhập").fill("focal_a")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(f"**/app/activities/{activity.pk}/edit/")
    # Nothing typed was lost: the form brings back the device's copy.
    page.locator("#restore-note").wait_for()
    assert page.get_by_label("Kết quả thực hiện").input_value() == (
        "Có 35 đoàn viên thanh niên tham gia."
    )
    assert page.get_by_label("Nhân dân", exact=True).input_value() == "245"
    page.get_by_role("button", name="Lưu và gửi duyệt").click()
    page.wait_for_url(f"**/app/activities/{activity.pk}/")
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    assert activity.narrative == "Có 35 đoàn viên thanh niên tham gia."
    assert activity.participations.get(target_group=s.people).count == 245

    # -- approved -------------------------------------------------------------------------
    sign_out_and_in(page, sign_in, secretariat)
    page.goto(f"/app/activities/{activity.pk}/")
    page.get_by_role("button", name="Phê duyệt").click()
    assert "Đã phê duyệt báo cáo." in page.content()
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED
    fits(page)


def test_lists_and_notifications_fit_a_phone(page, sign_in, world):
    s = factories.setup(world)
    for n in range(3):
        factories.submitted(s, title=f"Hội nghị tuyên truyền pháp luật về quốc phòng số {n}")
    returned = factories.submitted(s, title="Báo cáo cần bổ sung")
    from phoihop.activities import services

    services.activity_return(
        actor=world.user("secretariat"), activity=returned, reason="Thiếu danh sách tham gia"
    )
    sign_in(world.user("focal_a"))
    for url in ("/app/activities/", "/app/activities/?view=returned", "/app/notifications/"):
        page.goto(url)
        fits(page)
    assert "Báo cáo cần bổ sung" in page.content()  # the notification of the return
    page.context.clear_cookies()
    sign_in(world.user("secretariat"))
    page.goto("/app/activities/queue/")
    fits(page)
    page.get_by_label("Hội nghị tuyên truyền pháp luật về quốc phòng số 0").check()
    page.get_by_label("Hội nghị tuyên truyền pháp luật về quốc phòng số 1").check()
    page.get_by_label("Phê duyệt", exact=True).check()
    page.get_by_role("button", name="Thực hiện với các báo cáo đã chọn").click()
    assert "Đã phê duyệt 2 báo cáo." in page.content()
    assert Activity.objects.filter(status=ActivityStatus.APPROVED).count() == 2
