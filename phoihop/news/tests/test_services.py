"""News services: slugs, cleaning, the status map, scheduling, images, audit."""

from __future__ import annotations

import datetime
import io
import zoneinfo

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from PIL import Image

from phoihop.core import audit, clock
from phoihop.core.models import AuditEvent
from phoihop.news import services
from phoihop.news.choices import ArticleStatus as S
from phoihop.news.models import Article, ArticleImage, Category
from phoihop.news.policies import article_is_public, public_articles
from phoihop.news.tests.conftest import photo_bytes, publish

pytestmark = pytest.mark.django_db

HANOI = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")

MARCH_24 = datetime.datetime(2023, 3, 24, 9, 0, tzinfo=HANOI)


def _create(world, title, **kwargs):
    return services.article_create(
        actor=world.user("editor"), committee=world.committee, title=title, **kwargs
    )


# -- slugs --------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("title", "slug"),
    [
        ("Ủy ban Mặt trận Tổ quốc", "uy-ban-mat-tran-to-quoc"),
        ("Đảng bộ tỉnh Hòa Bình", "dang-bo-tinh-hoa-binh"),
        ("  Hội CTĐ: hiến máu 2023!  ", "hoi-ctd-hien-mau-2023"),
        ("!!!", ""),
    ],
)
def test_slug_from_title(title, slug):
    assert services.slug_from_title(title) == slug


def test_slug_is_cut_at_a_word(world):
    slug = services.slug_from_title("Phối hợp " * 60, max_length=30)
    assert slug == "phoi-hop-phoi-hop-phoi-hop"


def test_article_slug_unique_by_suffix_within_committee(world):
    first = _create(world, "Ủy ban họp")
    second = _create(world, "Ủy ban họp")
    third = _create(world, "Ủy ban: họp")
    assert (first.slug, second.slug, third.slug) == ("uy-ban-hop", "uy-ban-hop-2", "uy-ban-hop-3")
    other = services.article_create(
        actor=world.user("other_secretariat"), committee=world.other_committee, title="Ủy ban họp"
    )
    assert other.slug == "uy-ban-hop"


def test_title_without_letters_gets_a_default_slug(world):
    assert _create(world, "???").slug == services.DEFAULT_SLUG


def test_draft_follows_its_title_published_keeps_its_address(world, article):
    editor = world.user("editor")
    article = services.article_update(actor=editor, article=article, data={"title": "Đảng ủy"})
    assert article.slug == "dang-uy"
    article = publish(world, article)
    article = services.article_update(actor=editor, article=article, data={"title": "Tin mới"})
    assert (article.title, article.slug) == ("Tin mới", "dang-uy")


def test_slug_can_be_given(world):
    assert _create(world, "Tin", slug="hoi-nghi").slug == "hoi-nghi"


def test_trashed_article_frees_its_slug_and_restore_renames(world, article):
    editor = world.user("editor")
    services.article_trash(actor=editor, article=article)
    again = _create(world, article.title)
    assert again.slug == article.slug
    restored = services.article_restore(actor=editor, article=article)
    assert not restored.is_trashed
    assert restored.slug == f"{article.slug}-2"


# -- cleaning on every way in ------------------------------------------------------------
def test_create_and_update_clean_the_body(world):
    article = _create(world, "Tin", body='<p onclick="x()">a<script>b</script></p>')
    assert article.body == "<p>a</p>"
    article = services.article_update(
        actor=world.user("editor"),
        article=article,
        data={"body": '<p><a href="javascript:x()">c</a><iframe></iframe></p>'},
    )
    article.refresh_from_db()
    assert article.body == '<p><a rel="noopener noreferrer">c</a></p>'


def test_update_refuses_status_and_committee(world, article):
    for field in ("status", "committee", "publish_at", "author"):
        with pytest.raises(ValidationError, match="cannot be changed here"):
            services.article_update(actor=world.user("editor"), article=article, data={field: 1})


def test_category_of_another_committee_is_refused(world):
    foreign = services.category_create(
        actor=world.user("other_secretariat"), committee=world.other_committee, name="Tin"
    )
    with pytest.raises(ValidationError) as caught:
        _create(world, "Tin", category=foreign)
    assert "category" in caught.value.error_dict


def test_author_defaults_to_actor_and_can_be_explicit(world):
    assert _create(world, "A").author == world.user("editor")
    article = _create(world, "B", author=world.user("secretariat"))
    assert article.author == world.user("secretariat")


# -- status map ---------------------------------------------------------------------------
def test_full_path(world, article):
    editor = world.user("editor")
    article = services.article_submit_for_review(actor=editor, article=article)
    assert article.status == S.IN_REVIEW
    article = services.article_return_to_draft(actor=editor, article=article, note="Sửa sapo")
    assert article.status == S.DRAFT
    article = publish(world, article)
    assert article.status == S.PUBLISHED
    assert article.published_by == editor
    article = services.article_archive(actor=editor, article=article)
    assert article.status == S.ARCHIVED
    assert not article_is_public(article)
    article = services.article_reopen(actor=editor, article=article)
    assert (article.status, article.publish_at, article.published_by) == (S.DRAFT, None, None)


@pytest.mark.parametrize(
    ("start", "move"),
    [
        (S.DRAFT, services.article_publish),
        (S.DRAFT, services.article_unpublish),
        (S.DRAFT, services.article_archive),
        (S.DRAFT, services.article_return_to_draft),
        (S.DRAFT, services.article_reopen),
        (S.IN_REVIEW, services.article_submit_for_review),
        (S.IN_REVIEW, services.article_unpublish),
        (S.PUBLISHED, services.article_publish),
        (S.PUBLISHED, services.article_return_to_draft),
        (S.PUBLISHED, services.article_reopen),
        (S.ARCHIVED, services.article_unpublish),
        (S.ARCHIVED, services.article_publish),
    ],
)
def test_refused_moves_leave_the_status(world, article, start, move):
    editor = world.user("editor")
    if start != S.DRAFT:
        article = services.article_submit_for_review(actor=editor, article=article)
    if start in (S.PUBLISHED, S.ARCHIVED):
        article = services.article_publish(actor=editor, article=article)
    if start == S.ARCHIVED:
        article = services.article_archive(actor=editor, article=article)
    with pytest.raises(ValidationError) as caught:
        move(actor=editor, article=article)
    assert caught.value.code == "invalid_transition"
    assert Article.objects.get(pk=article.pk).status == start


def test_empty_article_cannot_go_to_review(world):
    article = _create(world, "Tin trống")
    with pytest.raises(ValidationError, match="lead or the body"):
        services.article_submit_for_review(actor=world.user("editor"), article=article)


def test_trashed_article_does_not_move(world, article):
    editor = world.user("editor")
    services.article_trash(actor=editor, article=article)
    with pytest.raises(ValidationError, match="trash"):
        services.article_submit_for_review(actor=editor, article=article)


def test_focal_point_cannot_write(world, article, category):
    focal = world.user("focal_a")
    with pytest.raises(PermissionDenied):
        services.article_create(actor=focal, committee=world.committee, title="X")
    with pytest.raises(PermissionDenied):
        services.article_update(actor=focal, article=article, data={"title": "X"})
    with pytest.raises(PermissionDenied):
        services.article_submit_for_review(actor=focal, article=article)
    with pytest.raises(PermissionDenied):
        services.category_create(actor=focal, committee=world.committee, name="X")
    with pytest.raises(PermissionDenied):
        services.category_delete(actor=focal, category=category)


def test_other_committee_secretariat_cannot_write(world, article):
    other = world.user("other_secretariat")
    with pytest.raises(PermissionDenied):
        services.article_create(actor=other, committee=world.committee, title="X")
    with pytest.raises(PermissionDenied):
        services.article_trash(actor=other, article=article)


# -- publication and scheduling -------------------------------------------------------------
def test_publish_now_is_stamped_with_the_clock(world, article):
    with clock.frozen_at(MARCH_24):
        article = publish(world, article)
    assert article.publish_at == MARCH_24
    with clock.frozen_at(MARCH_24 + datetime.timedelta(minutes=1)):
        assert article_is_public(article)
        assert list(public_articles()) == [article]


def test_scheduled_article_is_public_only_from_its_time(world, article):
    later = MARCH_24 + datetime.timedelta(days=2)
    with clock.frozen_at(MARCH_24):
        article = publish(world, article, at=later)
        assert article.status == S.PUBLISHED
        assert not article_is_public(article)
        assert list(public_articles()) == []
    with clock.frozen_at(later - datetime.timedelta(seconds=1)):
        assert list(public_articles()) == []
    with clock.frozen_at(later):
        assert article_is_public(article)
        assert list(public_articles()) == [article]


def test_publication_in_the_past_is_refused(world, article):
    editor = world.user("editor")
    article = services.article_submit_for_review(actor=editor, article=article)
    with clock.frozen_at(MARCH_24), pytest.raises(ValidationError) as caught:
        services.article_publish(
            actor=editor, article=article, at=MARCH_24 - datetime.timedelta(hours=1)
        )
    assert "publish_at" in caught.value.error_dict
    assert Article.objects.get(pk=article.pk).status == S.IN_REVIEW


def test_unpublish_hides_it_at_once(world, article):
    article = publish(world, article)
    article = services.article_unpublish(actor=world.user("editor"), article=article)
    assert (article.status, article.publish_at) == (S.DRAFT, None)
    assert not public_articles().exists()


def test_trash_hides_a_published_article(world, article):
    article = publish(world, article)
    services.article_trash(actor=world.user("secretariat"), article=article)
    article = Article.all_objects.get(pk=article.pk)
    assert not article_is_public(article)
    assert not public_articles().exists()


# -- audit --------------------------------------------------------------------------------
def test_audit_before_and_after(world, article):
    editor = world.user("editor")
    with clock.frozen_at(MARCH_24):
        publish(world, article)
    events = list(audit.history(article).order_by("id"))
    assert [e.action for e in events] == ["create", "submit", "publish"]
    published = events[-1]
    assert published.actor == editor
    assert published.committee_id == world.committee.pk
    assert published.before["status"] == S.IN_REVIEW
    assert published.after["status"] == S.PUBLISHED
    assert published.before["publish_at"] is None
    assert published.after["publish_at"] == MARCH_24.isoformat()
    assert published.at == MARCH_24


def test_update_audits_the_cleaned_body(world, article):
    services.article_update(
        actor=world.user("editor"), article=article, data={"body": "<p>x<script>y</script></p>"}
    )
    event = audit.history(article).filter(action="update").get()
    assert event.before["body"] == "<p>Nội dung hội nghị.</p>"
    assert event.after["body"] == "<p>x</p>"


# -- categories ---------------------------------------------------------------------------
def test_category_slug_and_uniqueness(world, category):
    assert category.slug == "hoat-dong-phoi-hop"
    with pytest.raises(ValidationError, match="this name"):
        services.category_create(
            actor=world.user("secretariat"), committee=world.committee, name=category.name
        )


def test_category_update_and_delete(world, category):
    sec = world.user("secretariat")
    category = services.category_update(
        actor=sec, category=category, data={"name": "Tin hoạt động", "order": 3}
    )
    assert (category.name, category.slug, category.order) == (
        "Tin hoạt động",
        "hoat-dong-phoi-hop",
        3,
    )
    pk = category.pk
    services.category_delete(actor=sec, category=category)
    assert not Category.objects.filter(pk=pk).exists()
    event = AuditEvent.objects.get(action="delete", object_id=str(pk))
    assert event.before["name"] == "Tin hoạt động"
    assert event.committee_id == world.committee.pk


def test_category_with_articles_is_not_deleted(world, article, category):
    services.article_trash(actor=world.user("editor"), article=article)
    with pytest.raises(ValidationError, match="still holds articles"):
        services.category_delete(actor=world.user("secretariat"), category=category)
    assert Category.objects.filter(pk=category.pk).exists()


# -- images -------------------------------------------------------------------------------
def test_image_is_reencoded_shrunk_and_stripped(world, article, media):
    image = services.image_add(
        actor=world.user("editor"),
        article=article,
        upload=io.BytesIO(photo_bytes()),
        alt_text="Quang cảnh hội nghị",
        caption="Hội nghị sơ kết",
    )
    assert image.image.name.startswith("news/")
    assert image.image.name.endswith(".jpg")
    assert (media / image.image.name).exists()
    with Image.open(media / image.image.name) as stored:
        assert stored.format == "JPEG"
        assert max(stored.size) == 1600
        assert stored.size == (1600, 800)
        assert dict(stored.getexif()) == {}
    assert (image.width, image.height) == (1600, 800)
    assert image.order == 0
    second = services.image_add(
        actor=world.user("editor"), article=article, upload=photo_bytes((10, 10)), alt_text="b"
    )
    assert second.order == 1
    assert audit.history(image).filter(action="create").exists()


def test_transparent_image_stays_png(world, article, media):
    image = services.image_add(
        actor=world.user("editor"),
        article=article,
        upload=photo_bytes((40, 30), fmt="PNG", exif=False, mode="RGBA"),
        alt_text="Logo",
    )
    assert image.image.name.endswith(".png")


@pytest.mark.parametrize(
    "data",
    [
        b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        b"<html><body><script>alert(1)</script></body></html>",
        b"%PDF-1.4 not a photo",
        b"",
    ],
)
def test_not_a_photo_is_refused(world, article, media, data):
    with pytest.raises(ValidationError) as caught:
        services.image_add(actor=world.user("editor"), article=article, upload=data, alt_text="x")
    assert caught.value.code == "file_type"
    assert not ArticleImage.objects.exists()
    assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))


def test_alt_text_is_required(world, article, media):
    with pytest.raises(ValidationError) as caught:
        services.image_add(
            actor=world.user("editor"), article=article, upload=photo_bytes(), alt_text="  "
        )
    assert "alt_text" in caught.value.error_dict


def test_image_remove_deletes_the_file(world, article, media, django_capture_on_commit_callbacks):
    image = services.image_add(
        actor=world.user("editor"), article=article, upload=photo_bytes((20, 20)), alt_text="a"
    )
    path = media / image.image.name
    with django_capture_on_commit_callbacks(execute=True):
        services.image_remove(actor=world.user("secretariat"), image=image)
    assert not ArticleImage.objects.exists()
    assert not path.exists()


def test_image_update_changes_only_text_and_order(world, article, media):
    image = services.image_add(
        actor=world.user("editor"), article=article, upload=photo_bytes((20, 20)), alt_text="a"
    )
    image = services.image_update(
        actor=world.user("editor"), image=image, data={"caption": "Chú thích", "order": 4}
    )
    assert (image.caption, image.order) == ("Chú thích", 4)
    with pytest.raises(ValidationError, match="cannot be changed here"):
        services.image_update(actor=world.user("editor"), image=image, data={"article": article})


def test_focal_point_cannot_add_images(world, article, media):
    with pytest.raises(PermissionDenied):
        services.image_add(
            actor=world.user("focal_a"), article=article, upload=photo_bytes(), alt_text="a"
        )
