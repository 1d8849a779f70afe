"""Objects for the news tests and the route matrix, made through the services."""

from __future__ import annotations

import io

from PIL import Image

from phoihop.news import services


def jpeg(size=(800, 600)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (30, 90, 160)).save(out, format="JPEG")
    return out.getvalue()


def _cache(world, key, make):
    store = world.__dict__.setdefault("_news_cache", {})
    if key not in store:
        store[key] = make()
    return store[key]


def category(world):
    return _cache(
        world,
        "category",
        lambda: services.category_create(
            actor=world.user("editor"), committee=world.committee, name="Hoạt động phối hợp"
        ),
    )


def empty_category(world):
    return _cache(
        world,
        "empty_category",
        lambda: services.category_create(
            actor=world.user("editor"), committee=world.committee, name="Chuyên mục trống"
        ),
    )


def published_article(world):
    def make():
        editor = world.user("editor")
        article = services.article_create(
            actor=editor,
            committee=world.committee,
            category=category(world),
            title="Ủy ban Mặt trận Tổ quốc tỉnh sơ kết phối hợp hoạt động",
            lead="Đảng ủy Quân sự tỉnh và các tổ chức chính trị – xã hội họp sơ kết.",
            body="<p>Nội dung hội nghị sơ kết năm 2022.</p>",
        )
        services.image_add(
            actor=editor, article=article, upload=jpeg(), alt_text="Quang cảnh hội nghị"
        )
        article = services.article_submit_for_review(actor=editor, article=article)
        return services.article_publish(actor=editor, article=article)

    return _cache(world, "published", make)


def draft_article(world):
    return _cache(
        world,
        "draft",
        lambda: services.article_create(
            actor=world.user("editor"),
            committee=world.committee,
            category=category(world),
            title="Bản nháp nội bộ chưa công bố",
            body="<p>Ghi chú nội bộ của ban biên tập.</p>",
        ),
    )


def image(world):
    return published_article(world).images.first()


def published_program(world):
    def make():
        from phoihop.programs import services as programs
        from phoihop.programs.choices import ProgramStatus
        from phoihop.programs.tests.factories import make_program

        program = make_program(world, year=2023, status=ProgramStatus.IN_FORCE)
        return programs.program_publish(actor=world.user("secretariat"), program=program)

    return _cache(world, "program", make)
