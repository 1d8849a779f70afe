"""Every upload path refuses an over-size file with a clear Vietnamese message, and
stores nothing: no row, no file under MEDIA_ROOT.

The paths (found by FileField / request.FILES): a report's attachments, the field app's
photo upload, a program party's scanned signed copy, the Excel import, a news article's
photos, the onboarding sheet of people. Each file is one byte over its limit (real
bytes, through the real view), and where the kind is judged before the size (the news
photo form decodes the image first) the file is a real image.
"""

from __future__ import annotations

import io
import json
import os
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from phoihop.activities.tests import factories

pytestmark = pytest.mark.django_db

MB = 1024 * 1024


@pytest.fixture
def media(settings, tmp_path) -> Path:
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def s(world) -> factories.Setup:
    return factories.setup(world)


def _stored_files(media: Path) -> list[Path]:
    return [p for p in media.rglob("*") if p.is_file()] if media.exists() else []


def _over(limit: int, head: bytes = b"") -> bytes:
    return head + b"\0" * (limit + 1 - len(head))


def _text(response) -> str:
    return response.content.decode()


def test_activity_attachment_over_the_limit(s, client_for, media):
    from phoihop.activities import files
    from phoihop.activities.models import Attachment

    activity = factories.report(s)
    upload = SimpleUploadedFile(
        "anh.jpg", _over(files.MAX_UPLOAD_BYTES, b"\xff\xd8\xff\xe0"), content_type="image/jpeg"
    )
    response = client_for("focal_a").post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"file": upload, "caption": "Ảnh"},
        headers={"X-Requested-With": "fetch"},
    )
    assert response.status_code == 400
    assert "giới hạn là 10 MB" in _text(response)
    assert not Attachment.objects.filter(activity=activity).exists()
    assert _stored_files(media) == []


def test_field_photo_over_the_limit(s, client_for, media):
    from phoihop.activities import files
    from phoihop.activities.models import Attachment

    client = client_for("focal_a")
    report = str(uuid.uuid4())
    sync = {
        "uuid": report,
        "base_version": None,
        "organization": s.world.org_a.pk,
        "content": s.content.pk,
        "title": "Tuyên truyền pháp luật ở bản Lác",
        "start_date": f"{s.program.year}-03-27",
        "end_date": f"{s.program.year}-03-27",
        "locality": s.world.commune.pk,
        "participants": {str(s.cadres.pk): 12},
        "values": {},
        "funding": {},
    }
    created = client.post(reverse("field:sync"), json.dumps(sync), content_type="application/json")
    assert created.status_code == 201, created.content
    upload = SimpleUploadedFile(
        "anh.jpg", _over(files.MAX_UPLOAD_BYTES, b"\xff\xd8\xff\xe0"), content_type="image/jpeg"
    )
    response = client.post(
        reverse("field:photo", kwargs={"report": report}),
        {"file": upload, "id": str(uuid.uuid4())},
    )
    assert response.status_code == 400
    assert "giới hạn là 10 MB" in json.dumps(response.json(), ensure_ascii=False)
    assert not Attachment.objects.filter(activity__uuid=report).exists()
    assert _stored_files(media) == []


def test_signed_program_scan_over_the_limit(world, client_for, media):
    from phoihop.programs import services
    from phoihop.programs.forms import MAX_SCAN_BYTES
    from phoihop.programs.models import Signature
    from phoihop.programs.tests.factories import make_program

    program = make_program(world, year=2024)
    services.program_send_for_signing(actor=world.user("secretariat"), program=program)
    party = program.parties.order_by("order", "id").first()
    upload = SimpleUploadedFile(
        "ban-ky.pdf", _over(MAX_SCAN_BYTES, b"%PDF-1.7\n"), content_type="application/pdf"
    )
    response = client_for("secretariat").post(
        reverse("programs:sign", args=[party.pk]),
        {
            "signer_name": "Nguyễn Văn An",
            "signer_title": "Chủ tịch",
            "signed_at": "2024-03-01T09:00",
            "signed_copy": upload,
        },
    )
    assert response.status_code in (200, 400)
    assert "Bản quét lớn hơn 15 MB." in _text(response)
    assert not Signature.objects.filter(party=party).exists()
    assert _stored_files(media) == []


def test_excel_import_over_the_limit(s, client_for, media):
    from phoihop.exports import checks
    from phoihop.exports.models import ImportJob

    upload = SimpleUploadedFile(
        "bao-cao.xlsx",
        _over(checks.MAX_UPLOAD_BYTES, b"PK\x03\x04"),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response = client_for("focal_a").post(
        reverse("exports:upload", args=[s.program.pk, s.world.org_a.pk]), {"file": upload}
    )
    assert response.status_code == 400
    assert "chỉ được tải lên tối đa 25 MB" in _text(response)
    assert not ImportJob.objects.exists()
    assert _stored_files(media) == []


def _noise_png(min_bytes: int) -> bytes:
    """A real PNG, incompressible, a little over `min_bytes`."""
    from PIL import Image

    side = int((min_bytes / 3) ** 0.5) + 8
    image = Image.frombytes("RGB", (side, side), os.urandom(side * side * 3))
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=0)
    assert out.tell() > min_bytes
    return out.getvalue()


def test_news_photo_over_the_limit(world, client_for, media):
    from phoihop.news.images import MAX_UPLOAD_BYTES
    from phoihop.news.models import ArticleImage
    from phoihop.news.tests import support

    article = support.draft_article(world)
    upload = SimpleUploadedFile("anh.png", _noise_png(MAX_UPLOAD_BYTES), content_type="image/png")
    response = client_for("editor").post(
        reverse("news:manage_image_add", args=[article.pk]),
        {"image": upload, "alt_text": "Ảnh buổi tuyên truyền", "caption": ""},
        follow=True,
    )
    assert response.status_code == 200
    assert "Tệp lớn hơn 10 MB." in _text(response)
    assert not ArticleImage.objects.filter(article=article).exists()
    assert _stored_files(media) == []


def test_onboarding_sheet_over_the_limit(world, client_for, media):
    from phoihop.core.models import User
    from phoihop.orgs.choices import Role
    from phoihop.orgs.forms import MAX_SHEET_BYTES
    from phoihop.orgs.models import Person

    people, accounts = Person.objects.count(), User.objects.count()
    line = "Nguyễn Văn An,Hội Chữ thập đỏ tỉnh,0912345678,an@example.org\n".encode()
    body = "Họ và tên,Tổ chức,Điện thoại,Email\n".encode()
    body += line * (MAX_SHEET_BYTES // len(line) + 1)
    assert len(body) > MAX_SHEET_BYTES
    response = client_for("secretariat").post(
        reverse("orgs:people_import"),
        {
            "committee": world.committee.pk,
            "role": Role.FOCAL,
            "sheet": SimpleUploadedFile("nguoi.csv", body, content_type="text/csv"),
        },
    )
    assert response.status_code in (200, 400)
    assert "Tệp lớn hơn 5 MB." in _text(response)
    assert (Person.objects.count(), User.objects.count()) == (people, accounts)
    assert _stored_files(media) == []
