"""The demo: the province of the source article, loaded through the services."""

from __future__ import annotations

import datetime

import pytest
from django.core.management import call_command
from django.db import transaction
from django.db.models import Count
from django.utils.timezone import localtime
from django.utils.timezone import now as django_now

from phoihop.activities.models import Activity, Credit, NilReport
from phoihop.core.models import AuditEvent, User
from phoihop.demo import data
from phoihop.demo.builder import DemoBuilder, demo_accounts, quarter_bounds, quarter_of
from phoihop.geo.choices import AreaKind, Scheme
from phoihop.geo.models import AreaClassification
from phoihop.orgs.models import Committee, Organization, RoleAssignment
from phoihop.practices.models import Practice
from phoihop.programs.models import Program, Signature


def fingerprint() -> list[tuple]:
    return list(
        Activity.all_objects.order_by("uuid").values_list(
            "uuid", "status", "title", "start_date", "locality__code", "organization__name"
        )
    )


@pytest.mark.django_db
def test_small_demo_is_deterministic_and_idempotent():
    prints = []
    for _ in range(2):
        with transaction.atomic():
            DemoBuilder(activities_scale=0.01).build()
            prints.append((fingerprint(), AuditEvent.objects.count()))
            call_command("demo")  # already loaded: a second run changes nothing
            assert fingerprint() == prints[-1][0]
            assert AuditEvent.objects.count() == prints[-1][1]
            transaction.set_rollback(True)
    assert prints[0] == prints[1]
    assert len(prints[0][0]) >= 30


@pytest.mark.slow
@pytest.mark.django_db
def test_full_demo_has_the_counts_and_the_mix():
    accounts = DemoBuilder().build()
    hb = Committee.objects.get(code="hoa-binh")
    pt = Committee.objects.get(code="phu-tho")

    # Hòa Bình: eight provincial parties with branches in the ten districts.
    provincial = Organization.objects.filter(committee=hb, level="province")
    assert provincial.count() == 8
    assert Organization.objects.filter(committee=hb, level="district").count() == 80
    assert {o.name for o in provincial} >= {
        "Bộ Chỉ huy Quân sự tỉnh Hòa Bình",
        "Hội Chữ thập đỏ tỉnh Hòa Bình",
        "Tỉnh đoàn Hòa Bình",
    }
    head = hb.positions.get(position="head")
    assert "Trưởng ban Dân vận Tỉnh ủy" in head.title
    assert "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh" in head.title
    dbkk = AreaClassification.objects.filter(
        kind=AreaKind.EXTREMELY_DIFFICULT, unit__province__code=17, unit__scheme=Scheme.PRE_2025
    )
    assert dbkk.count() == 59

    # The 2022 and 2023 programs, signed by every party; 2023 at the review conference.
    p2022 = Program.objects.get(committee=hb, year=2022)
    p2023 = Program.objects.get(committee=hb, year=2023)
    assert p2022.status == "closed"
    assert p2023.status == "in_force"
    for program in (p2022, p2023):
        assert 8 <= program.contents.count() <= 12
        assert program.parties.count() == 8
        assert Signature.objects.filter(party__program=program).count() == 8
    signed_2023 = {s.signed_at.date() for s in Signature.objects.filter(party__program=p2023)}
    assert signed_2023 == {datetime.date(2023, 3, 24)}
    assert p2023.contents.filter(lineage__isnull=False).count() == p2023.contents.count()

    # The 2022 review conference of 24/03/2023 at the provincial Labour Federation,
    # where the 2023 program was signed.
    from phoihop.reviews.models import ReviewPeriod

    review = ReviewPeriod.objects.get(program=p2022, kind="year")
    assert review.status == "finalized"
    conference = review.conference
    assert conference.date == datetime.date(2023, 3, 24)
    assert conference.place == "Liên đoàn Lao động tỉnh Hòa Bình"
    assert list(conference.programs_signed.all()) == [p2023]
    assert "Trưởng ban Dân vận Tỉnh ủy" in conference.chair_title

    # At least 3,000 activities over at least 100 communes, with the mix the issue asks.
    series = Activity.objects.filter(committee=hb).values("series").distinct().count()
    series_all = Activity.objects.values("series").distinct().count()
    assert series >= 3000
    communes = Activity.objects.filter(committee=hb).values("locality").distinct().count()
    assert communes >= 100
    total = Activity.objects.filter(revision_of__isnull=True).count()
    assert total == series_all
    drafts = Activity.objects.filter(status="draft", revision_of__isnull=True).count()
    returned = Activity.objects.filter(status="returned").count()
    assert drafts >= 0.10 * total
    assert returned >= 0.05 * total
    assert not Activity.objects.filter(status="returned", return_reason="").exists()
    assert Activity.objects.filter(not_for_publication=True).exists()
    assert Activity.objects.filter(status="superseded").exists()
    assert Activity.objects.filter(revision_of__isnull=False, status="approved").exists()
    assert Activity.objects.filter(revision_of__isnull=False, status="draft").exists()
    co_organized = Activity.objects.annotate(n=Count("credits")).filter(n__gt=1)
    assert co_organized.count() >= 0.15 * total
    assert Credit.objects.filter(confirmed_at__isnull=True).exists()
    assert NilReport.objects.filter(committee=hb).count() >= 40
    # Missing reports: organization × quarter of 2022 with neither a report nor a nil report.
    reported = {
        (org, (day.month - 1) // 3)
        for org, day in Activity.objects.filter(program=p2022).values_list(
            "organization_id", "start_date"
        )
    } | {
        (org, (day.month - 1) // 3)
        for org, day in NilReport.objects.filter(program=p2022).values_list(
            "organization_id", "period_start"
        )
    }
    expected = {
        (org, q)
        for org in Organization.objects.filter(committee=hb).values_list("pk", flat=True)
        for q in range(4)
    }
    assert len(expected - reported) >= 20
    late = [
        pk
        for pk, start, submitted, deadline in Activity.objects.filter(
            committee=hb, submitted_at__isnull=False
        ).values_list("pk", "start_date", "submitted_at", "program__deadline_days")
        if submitted.date()
        > quarter_bounds(start.year, quarter_of(start))[1] + datetime.timedelta(days=deadline)
    ]
    assert len(late) >= 100
    # ... and history keeps its dates: reports of 2022 were submitted in 2022–2023.
    years = {
        s.year
        for s in Activity.objects.filter(program=p2022).values_list("submitted_at", flat=True)
    }
    assert years <= {2022, 2023}

    # Practices with evaluations and replications.
    practices = Practice.objects.filter(committee=hb)
    assert practices.count() == len(data.PRACTICES)
    assert practices.filter(evaluations__isnull=False).distinct().count() >= 6
    assert practices.filter(status="replicated").exists()
    assert practices.filter(replications__isnull=False).distinct().count() >= 3

    # Phú Thọ after 1 July 2025: the successor, a 2026 program on current units.
    assert hb.successor == pt
    p2026 = Program.objects.get(committee=pt, year=2026)
    assert p2026.status == "in_force"
    pt_activities = Activity.objects.filter(committee=pt)
    assert pt_activities.count() >= 200
    assert not pt_activities.exclude(locality__scheme=Scheme.CURRENT).exists()
    assert (
        not Activity.objects.filter(committee=hb).exclude(locality__scheme=Scheme.PRE_2025).exists()
    )
    assert Organization.objects.filter(committee=pt, level="region").count() == 4

    # Accounts for every role, including Phú Thọ and focal points of two organizations.
    listed = {row[0] for row in demo_accounts()}
    assert {"quantri", "thuongtruc", "lanhdao", "bientap", "dm.bochqs", "dm.hoictd"} <= listed
    assert "thuongtruc.phutho" in listed
    roles = set(RoleAssignment.objects.values_list("role", flat=True))
    assert roles >= {"secretariat", "leader", "editor", "focal"}
    assert User.objects.get(username="quantri").is_superuser
    assert User.objects.get(username="dm.hoictd").check_password(data.DEMO_PASSWORD)
    assert accounts.rows == demo_accounts()

    # Sample news written for the demo: published, a draft, one scheduled for later.
    from phoihop.news.models import Article
    from phoihop.news.policies import public_articles

    assert Article.objects.filter(status="published").count() >= 5
    assert Article.objects.filter(status="draft").exists()
    conference = Article.objects.get(
        title__startswith="Sơ kết Chương trình phối hợp hoạt động năm 2022"
    )
    assert conference.committee == hb
    published = localtime(conference.publish_at)
    assert published.strftime("%d/%m/%Y %H:%M") == "27/03/2023 17:00"
    public = set(public_articles())
    assert conference in public
    assert not any(a.status != "published" for a in public)
    scheduled = Article.objects.get(title__startswith="Sơ kết 11 tháng")
    assert scheduled not in public or scheduled.publish_at <= django_now()

    # Loaded through the services: every activity has its audit trail.
    audited = set(
        AuditEvent.objects.filter(content_type__model="activity").values_list(
            "object_id", flat=True
        )
    )
    assert audited == {str(pk) for pk in Activity.all_objects.values_list("pk", flat=True)}


# Rows recorded inside another row's audit event, not one by one: the parts of a
# report are in the report's before/after values; administrative units come from the
# package with one summary event per load; site flags are installation facts.
AUDITED_WITH_PARENT = {
    "activities.Participation",
    "activities.IndicatorValue",
    "activities.Funding",
    "activities.Credit",
    "geo.AdminUnit",
    "geo.AdminUnitSuccession",
    "core.SiteFlag",
    "core.AuditEvent",  # the audit trail itself
}
# Data derived from audited rows and rebuilt from them: the figures' rollups, the search
# index, and the notifications the audited decisions sent.
DERIVED_APPS = {"figures"}
DERIVED = {"search.SearchEntry", "core.Notification"}


@pytest.mark.django_db
def test_every_row_the_demo_writes_went_through_an_audited_service():
    from django.apps import apps
    from django.contrib.contenttypes.models import ContentType

    DemoBuilder(activities_scale=0.01).build()
    unaudited = {}
    for config in apps.get_app_configs():
        if not config.name.startswith("phoihop."):
            continue
        for model in config.get_models():
            if model._meta.label in AUDITED_WITH_PARENT | DERIVED:
                continue
            if model._meta.app_label in DERIVED_APPS:
                continue
            manager = getattr(model, "all_objects", model._default_manager)
            ids = {str(pk) for pk in manager.values_list("pk", flat=True)}
            if not ids:
                continue
            ct = ContentType.objects.get_for_model(model, for_concrete_model=False)
            seen = set(
                AuditEvent.objects.filter(content_type=ct, object_id__in=ids).values_list(
                    "object_id", flat=True
                )
            )
            if ids - seen:
                unaudited[model._meta.label] = len(ids - seen)
    assert unaudited == {}


@pytest.mark.django_db
def test_every_demo_account_signs_in_and_sees_what_its_role_allows(client):
    from phoihop.core import permissions as p

    DemoBuilder(activities_scale=0.02).build()
    for username, _role, _where in demo_accounts():
        response = client.post(
            "/accounts/login/", {"username": username, "password": data.DEMO_PASSWORD}
        )
        assert response.status_code == 302, username
        assert client.get("/home/", follow=True).status_code == 200
        client.post("/accounts/logout/")

    hb = Committee.objects.get(code="hoa-binh")
    approved_hb = Activity.objects.filter(committee=hb, status="approved")
    drafts_hb = Activity.objects.filter(committee=hb, status="draft")

    def user(name):
        return User.objects.get(username=name)

    # Phú Thọ's secretariat reads Hòa Bình's approved reports, changes nothing there.
    pt_secretariat = user("thuongtruc.phutho")
    assert approved_hb.restrict(pt_secretariat).count() == approved_hb.count()
    assert not drafts_hb.restrict(pt_secretariat).exists()
    assert not Activity.objects.filter(committee=hb).restrict(pt_secretariat, p.APPROVE).exists()
    # A focal point sees its own organization's drafts and nobody else's.
    focal = user("dm.hoictd")
    own = drafts_hb.filter(organization__name="Hội Chữ thập đỏ tỉnh Hòa Bình")
    others = drafts_hb.exclude(organization__name="Hội Chữ thập đỏ tỉnh Hòa Bình").exclude(
        credits__organization__name="Hội Chữ thập đỏ tỉnh Hòa Bình"
    )
    assert set(drafts_hb.restrict(focal)) == set(own) | set(
        drafts_hb.filter(credits__organization__name="Hội Chữ thập đỏ tỉnh Hòa Bình")
    )
    assert not others.restrict(focal).exists()
    # The secretariat sees every report of its committee and none of Phú Thọ's drafts.
    secretariat = user("thuongtruc")
    assert Activity.objects.filter(committee=hb).restrict(secretariat).count() == (
        Activity.objects.filter(committee=hb).count()
    )
    assert (
        not Activity.objects.filter(committee__code="phu-tho", status="draft")
        .restrict(secretariat)
        .exists()
    )
