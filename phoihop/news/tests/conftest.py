"""Fixtures for the news tests: messages read in English (the msgids), uploaded files
in a temporary media directory, a category and a draft article of the world's
committee written by its editor."""

from __future__ import annotations

import io

import pytest
from django.utils import translation
from PIL import Image

from phoihop.news import services


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def category(world):
    return services.category_create(
        actor=world.user("editor"), committee=world.committee, name="Hoạt động phối hợp"
    )


@pytest.fixture
def article(world, category):
    return services.article_create(
        actor=world.user("editor"),
        committee=world.committee,
        category=category,
        title="Hội nghị sơ kết Chương trình phối hợp hoạt động năm 2022",
        lead="Ngày 24/3/2023, Ban Chỉ đạo tổ chức hội nghị sơ kết.",
        body="<p>Nội dung hội nghị.</p>",
    )


def publish(world, article, at=None):
    """Send for review and publish, as the editor."""
    editor = world.user("editor")
    article = services.article_submit_for_review(actor=editor, article=article)
    return services.article_publish(actor=editor, article=article, at=at)


def photo_bytes(size=(2400, 1200), fmt="JPEG", exif=True, mode="RGB") -> bytes:
    image = Image.new(mode, size, (200, 30, 30) if mode == "RGB" else (200, 30, 30, 128))
    out = io.BytesIO()
    kwargs = {}
    if exif:
        data = Image.Exif()
        data[0x010F] = "PhoneMaker"  # Make
        data[0x8825] = {2: (21.0, 0.0, 0.0)}  # GPS latitude
        kwargs["exif"] = data
    image.save(out, format=fmt, **kwargs)
    return out.getvalue()
