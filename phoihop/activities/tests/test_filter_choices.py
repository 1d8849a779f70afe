"""The report list's filter choices (programs and organizations) come from a versioned
cache (activities.cache): fresh after every write through the services, never beyond
what the user may see, and one query instead of two on a repeated page."""

from __future__ import annotations

import datetime
import html
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from phoihop.activities import cache
from phoihop.orgs import services as org_services
from phoihop.orgs.choices import OrgKind, OrgLevel, Role
from phoihop.programs import services as program_services

pytestmark = pytest.mark.django_db

OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]*)</option>')


def choices(client, name: str) -> dict[int, str]:
    """The options of the filter's `name` select on the list page (the empty one aside)."""
    page = client.get(reverse("activities:list"))
    assert page.status_code == 200
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', page.content.decode(), re.S)
    assert select is not None
    return {int(pk): html.unescape(label) for pk, label in OPTION.findall(select.group(1))}


def new_organization(actor, committee, name: str):
    return org_services.organization_create(
        actor=actor,
        committee=committee,
        name=name,
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.PROVINCE,
        valid_from=datetime.date(2020, 1, 1),
    )


def test_organizations_created_renamed_trashed_and_restored_show_on_the_next_page(
    world, client_for
):
    secretariat = world.user("secretariat")
    client = client_for("secretariat")
    before = choices(client, "organization")
    assert set(before) == {world.org_a.pk, world.org_b.pk}
    assert choices(client, "organization") == before  # served from the cache

    org = new_organization(secretariat, world.committee, "Hội Nông dân tỉnh")
    assert choices(client, "organization")[org.pk] == "Hội Nông dân tỉnh"

    org_services.organization_update(
        actor=secretariat, organization=org, data={"name": "Hội Nông dân tỉnh Hòa Bình"}
    )
    assert choices(client, "organization")[org.pk] == "Hội Nông dân tỉnh Hòa Bình"

    org_services.organization_trash(actor=secretariat, organization=org)
    assert choices(client, "organization") == before

    org_services.organization_restore(actor=secretariat, organization=org)
    assert org.pk in choices(client, "organization")


def test_programs_created_renamed_and_trashed_show_on_the_next_page(world, client_for):
    secretariat = world.user("secretariat")
    client = client_for("focal_a")
    assert choices(client, "program") == {}

    program = program_services.program_create(
        actor=secretariat, committee=world.committee, year=2024, title="Chương trình 2024"
    )
    assert choices(client, "program") == {program.pk: "Chương trình 2024"}

    older = program_services.program_create(
        actor=secretariat, committee=world.committee, year=2023, title="Chương trình 2023"
    )
    assert list(choices(client, "program")) == [program.pk, older.pk]  # newest year first

    program_services.program_update(
        actor=secretariat, program=program, data={"title": "Chương trình phối hợp 2024"}
    )
    assert choices(client, "program")[program.pk] == "Chương trình phối hợp 2024"

    program_services.program_trash(actor=secretariat, program=program)
    assert choices(client, "program") == {older.pk: "Chương trình 2023"}


def test_choices_never_reach_beyond_what_the_user_may_see(world, client_for):
    admin = world.user("admin")
    program_services.program_create(
        actor=admin, committee=world.other_committee, year=2024, title="Chương trình tỉnh khác"
    )
    # The administrator's lists (every committee) are cached first, in the same process.
    everything = choices(client_for("admin"), "organization")
    assert world.other_org.pk in everything
    assert "Chương trình tỉnh khác" in choices(client_for("admin"), "program").values()

    focal = client_for("focal_a")
    assert world.other_org.pk not in choices(focal, "organization")
    assert choices(focal, "program") == {}
    assert set(choices(client_for("other_secretariat"), "organization")) == {world.other_org.pk}

    # A write in the other committee renews its lists, still only for its readers.
    extra = new_organization(admin, world.other_committee, "Hội Cựu chiến binh tỉnh Phú Thọ")
    assert extra.pk not in choices(focal, "organization")
    assert extra.pk in choices(client_for("other_secretariat"), "organization")

    # A role given in the other committee widens the lists; ended, it narrows them again.
    assignment = org_services.role_assign(
        actor=admin,
        user=world.user("focal_a"),
        role=Role.EDITOR,
        committee=world.other_committee,
        valid_from=datetime.date(2020, 1, 1),
    )
    assert {world.other_org.pk, extra.pk} <= set(choices(focal, "organization"))
    org_services.role_end(actor=admin, assignment=assignment, on=datetime.date(2020, 12, 31))
    assert world.other_org.pk not in choices(focal, "organization")
    assert extra.pk not in choices(focal, "organization")


def test_a_repeated_page_reads_the_choices_from_the_cache(
    world, client_for, django_assert_num_queries
):
    program_services.program_create(
        actor=world.user("secretariat"), committee=world.committee, year=2024, title="CT 2024"
    )
    client = client_for("secretariat")
    client.get(reverse("activities:list"))  # warm the session and content types
    cache.clear()
    with CaptureQueriesContext(connection) as cold:
        client.get(reverse("activities:list"))
    # A cold page reads the versions and the two lists; a warm one, the versions only
    # (without the cache the page read the two lists: one query more than now).
    with django_assert_num_queries(len(cold.captured_queries) - 2):
        client.get(reverse("activities:list"))
    misses, hits = cache.stats.misses, cache.stats.hits
    client_for("focal_a").get(reverse("activities:list"))  # same committee: same lists
    assert cache.stats.misses == misses
    assert cache.stats.hits == hits + 2  # the lists and the empty form rendered from them


FILTER_FORM = re.compile(r'<form method="get" class="filter-form">(.*?)</form>', re.S)


def filter_form(client, **params) -> str:
    """The filter form's HTML, the spaces between tags aside."""
    found = FILTER_FORM.search(client.get(reverse("activities:list"), params).content.decode())
    assert found is not None
    return re.sub(r"\s+", " ", re.sub(r">\s+<", "><", found.group(1))).strip()


def test_the_empty_filter_form_is_served_as_rendered_per_version_and_language(world, client_for):
    client = client_for("secretariat")
    cache.clear()
    cached = filter_form(client)
    assert filter_form(client) == cached
    # The same fields as a bound form renders them field by field (an empty search).
    assert filter_form(client, q="") == cached
    assert "Mọi chương trình" in cached

    # Another language: its own rendering, the lists' labels translated.
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = filter_form(client)
    assert "All programs" in english
    assert english == filter_form(client, q="")
    client.post(reverse("set_language"), {"language": "vi", "next": "/"})
    assert filter_form(client) == cached

    # A new organization: a new rendering, in every language.
    org = new_organization(world.user("secretariat"), world.committee, "Hội Liên hiệp Phụ nữ")
    assert f'<option value="{org.pk}">Hội Liên hiệp Phụ nữ</option>' in filter_form(client)
