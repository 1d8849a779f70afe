"""The news admin writes through the services and shows only what the user may see."""

from __future__ import annotations

import pytest
from django.urls import reverse

from phoihop.core import audit
from phoihop.news import services
from phoihop.news.choices import ArticleStatus
from phoihop.news.models import Article, ArticleImage, Category
from phoihop.news.tests.conftest import photo_bytes

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("role", ["secretariat", "admin"])
@pytest.mark.parametrize("model", ["article", "category", "articleimage"])
def test_changelists_and_forms_answer(client_for, article, media, role, model):
    services.image_add(
        actor=article.author, article=article, upload=photo_bytes((8, 8)), alt_text="a"
    )
    client = client_for(role)
    assert client.get(reverse(f"admin:news_{model}_changelist")).status_code == 200
    assert client.get(reverse(f"admin:news_{model}_add")).status_code == 200


def test_article_change_page(client_for, article):
    url = reverse("admin:news_article_change", args=[article.pk])
    response = client_for("secretariat").get(url)
    assert response.status_code == 200
    assert article.title in response.content.decode()


def test_other_committee_does_not_see_our_draft(client_for, article):
    response = client_for("other_secretariat").get(reverse("admin:news_article_changelist"))
    assert article.title not in response.content.decode()
    url = reverse("admin:news_article_change", args=[article.pk])
    assert client_for("other_secretariat").get(url).status_code in (302, 404)


def test_add_through_the_service_cleans_the_body(world, client_for, category):
    response = client_for("secretariat").post(
        reverse("admin:news_article_add"),
        {
            "committee": world.committee.pk,
            "category": category.pk,
            "title": "Đảng ủy Quân sự tỉnh",
            "slug": "",
            "lead": "Sapo",
            "body": '<p onclick="x()">Nội dung<script>alert(1)</script></p>',
            "origin": "",
            "author": world.user("editor").pk,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    article = Article.objects.get()
    assert (article.slug, article.body) == ("dang-uy-quan-su-tinh", "<p>Nội dung</p>")
    assert article.author == world.user("editor")
    assert article.status == ArticleStatus.DRAFT
    assert [e.action for e in audit.history(article)] == ["create"]


def test_publish_and_unpublish_actions(world, client_for, article):
    services.article_submit_for_review(actor=world.user("editor"), article=article)
    client = client_for("secretariat")
    url = reverse("admin:news_article_changelist")
    client.post(url, {"action": "publish_now", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == ArticleStatus.PUBLISHED
    assert article.published_by == world.user("secretariat")
    client.post(url, {"action": "unpublish", "_selected_action": [article.pk]})
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_refused_action_is_a_message_not_an_error(client_for, article):
    response = client_for("secretariat").post(
        reverse("admin:news_article_changelist"),
        {"action": "publish_now", "_selected_action": [article.pk]},
        follow=True,
    )
    assert response.status_code == 200
    warnings = [str(m) for m in response.context["messages"] if m.level_tag == "warning"]
    assert len(warnings) == 1
    assert article.title in warnings[0]
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_status_is_read_only(world, client_for, article):
    client_for("secretariat").post(
        reverse("admin:news_article_change", args=[article.pk]),
        {
            "category": article.category_id,
            "title": article.title,
            "slug": article.slug,
            "lead": article.lead,
            "body": article.body,
            "origin": "",
            "status": ArticleStatus.PUBLISHED,
            "images-TOTAL_FORMS": "0",
            "images-INITIAL_FORMS": "0",
        },
    )
    article.refresh_from_db()
    assert article.status == ArticleStatus.DRAFT


def test_image_added_in_the_admin_is_reencoded(world, client_for, article, media):
    from django.core.files.uploadedfile import SimpleUploadedFile

    response = client_for("secretariat").post(
        reverse("admin:news_articleimage_add"),
        {
            "article": article.pk,
            "image": SimpleUploadedFile("p.jpg", photo_bytes(), content_type="image/jpeg"),
            "alt_text": "Quang cảnh",
            "caption": "",
            "order": "0",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    image = ArticleImage.objects.get()
    assert image.image.name.startswith("news/")
    assert (image.width, image.height) == (1600, 800)


def test_category_delete_refused_when_used(world, client_for, article, category):
    response = client_for("secretariat").post(
        reverse("admin:news_category_delete", args=[category.pk]), {"post": "yes"}
    )
    assert Category.objects.filter(pk=category.pk).exists()
    assert response.status_code in (200, 302, 400)
