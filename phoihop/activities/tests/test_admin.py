"""The activities admin: restricted lists, decisions through the bulk services, forms
that save through activity_create / activity_update, deletes into the trash."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse

from phoihop.activities import services
from phoihop.activities.choices import ActivityStatus as S
from phoihop.activities.models import Activity, NilReport
from phoihop.activities.tests import factories as f
from phoihop.core.models import AuditEvent
from phoihop.orgs.choices import Role


def url(model, view="changelist", *args):
    return reverse(f"admin:activities_{model._meta.model_name}_{view}", args=args)


def rows(obj, action):
    return AuditEvent.objects.filter(
        action=action, object_id=str(obj.pk), content_type__model=obj._meta.model_name
    )


def messages_of(response) -> list[str]:
    return [str(m) for m in get_messages(response.wsgi_request)]


@pytest.fixture
def staff_focal(s, make_user):
    """A staff account that is both secretariat and org A's focal point: the only kind of
    admin user who may write a report there."""
    user = make_user(
        "staff_focal", (Role.FOCAL, s.world.org_a), (Role.SECRETARIAT, None), staff=True
    )
    client = Client()
    client.force_login(user)
    return user, client


def management(
    prefixes=("participations", "values", "funding", "credits", "attachments", "comments"),
    totals=None,
):
    data = {}
    for prefix in prefixes:
        data[f"{prefix}-TOTAL_FORMS"] = (totals or {}).get(prefix, 0)
        data[f"{prefix}-INITIAL_FORMS"] = 0
        data[f"{prefix}-MIN_NUM_FORMS"] = 0
        data[f"{prefix}-MAX_NUM_FORMS"] = 1000
    return data


@pytest.mark.parametrize("role", ["secretariat", "admin"])
def test_changelists_answer_with_filters_and_search(s, client_for, role):
    f.approved(s)
    f.report(s, title="Nháp", not_for_publication=True)
    client = client_for(role)
    for model in (Activity, NilReport):
        assert client.get(url(model)).status_code == 200, model
        assert client.get(url(model) + "?q=mai+chau").status_code == 200, model
    for query in (
        "?status__exact=approved",
        f"?program__id__exact={s.program.pk}",
        f"?organization__id__exact={s.world.org_a.pk}",
        "?not_for_publication__exact=1",
        "?q=Tuyên+truyền",
    ):
        response = client.get(url(Activity) + query)
        assert response.status_code == 200, query
    response = client.get(url(Activity) + "?status__exact=approved")
    assert [a.status for a in response.context["cl"].result_list] == [S.APPROVED]


def test_secretariat_lists_only_its_committee(s, world, client_for):
    mine = f.report(s)
    listed = list(client_for("secretariat").get(url(Activity)).context["cl"].result_list)
    assert listed == [mine]
    assert list(client_for("other_secretariat").get(url(Activity)).context["cl"].result_list) == []
    assert client_for("other_secretariat").get(url(Activity, "change", mine.pk)).status_code == 302


def test_change_page_is_read_only_for_the_secretariat(s, client_for):
    draft = f.report(s)
    services.comment_add(actor=s.user("secretariat"), activity=draft, text="Đề nghị bổ sung ảnh")
    client = client_for("secretariat")
    page = client.get(url(Activity, "change", draft.pk))
    assert page.status_code == 200
    assert not page.context["has_change_permission"]
    assert "Đề nghị bổ sung ảnh" in page.content.decode()  # the thread is shown beside it
    assert client.get(url(Activity, "add")).status_code == 403
    client.post(url(Activity, "change", draft.pk), {"title": "Đổi tên"})
    draft.refresh_from_db()
    assert draft.title != "Đổi tên"


def test_approve_selected(s, client_for):
    reports = [f.submitted(s, title=f"Hoạt động {i}") for i in range(2)]
    response = client_for("secretariat").post(
        url(Activity),
        {"action": "approve_selected", "_selected_action": [r.pk for r in reports]},
    )
    assert response.status_code == 302
    assert set(Activity.objects.values_list("status", flat=True)) == {S.APPROVED}
    assert AuditEvent.objects.filter(action="approve").count() == 2


def test_approve_selected_is_all_or_nothing(s, client_for):
    good = f.submitted(s, title="Tốt")
    bad = f.report(s, title="Nháp chưa gửi")
    response = client_for("secretariat").post(
        url(Activity),
        {"action": "approve_selected", "_selected_action": [good.pk, bad.pk]},
        follow=True,
    )
    good.refresh_from_db()
    assert good.status == S.SUBMITTED
    assert any("Nháp chưa gửi" in m for m in messages_of(response))
    assert not AuditEvent.objects.filter(action="approve").exists()


def test_return_selected_needs_the_reason(s, client_for):
    report = f.submitted(s)
    client = client_for("secretariat")
    client.post(url(Activity), {"action": "return_selected", "_selected_action": [report.pk]})
    report.refresh_from_db()
    assert report.status == S.SUBMITTED
    client.post(
        url(Activity),
        {
            "action": "return_selected",
            "_selected_action": [report.pk],
            "reason": "Thiếu danh sách người tham gia",
        },
    )
    report.refresh_from_db()
    assert (report.status, report.return_reason) == (S.RETURNED, "Thiếu danh sách người tham gia")


def test_delete_moves_to_the_trash(s, client_for):
    report = f.submitted(s)
    response = client_for("secretariat").post(url(Activity, "delete", report.pk), {"post": "yes"})
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.is_trashed
    assert rows(report, "trash").exists()


def test_approved_reports_cannot_be_deleted_in_the_admin(s, client_for):
    report = f.approved(s)
    response = client_for("secretariat").get(url(Activity, "delete", report.pk))
    assert response.status_code == 403


def test_staff_focal_point_adds_a_report_with_its_parts(s, staff_focal):
    user, client = staff_focal
    data = {
        "program": s.program.pk,
        "content": s.content.pk,
        "organization": s.world.org_a.pk,
        "title": "Hội thi tìm hiểu pháp luật",
        "start_date": "2023-03-27",
        "end_date": "2023-03-27",
        "locality": s.world.commune.pk,
        "narrative": "",
        "co_organizations": [s.world.org_b.pk],
        **management(totals={"participations": 1, "funding": 1}),
        "participations-0-target_group": s.people.pk,
        "participations-0-count": 120,
        "funding-0-source": "own",
        "funding-0-amount": 3_000_000,
    }
    response = client.post(url(Activity, "add"), data)
    assert response.status_code == 302, response.context and response.context["errors"]
    activity = Activity.objects.get(title="Hội thi tìm hiểu pháp luật")
    assert activity.created_by == user
    assert list(activity.participations.values_list("count", flat=True)) == [120]
    assert list(activity.funding.values_list("amount", flat=True)) == [3_000_000]
    assert set(activity.credits.values_list("organization", flat=True)) == {
        s.world.org_a.pk,
        s.world.org_b.pk,
    }
    assert rows(activity, "create").count() == 1


def test_staff_focal_point_add_errors_come_back_on_the_form(s, staff_focal):
    _, client = staff_focal
    data = {
        "program": s.program.pk,
        "content": s.other_content.pk,  # not a content of org A
        "organization": s.world.org_a.pk,
        "title": "Sai nội dung",
        "start_date": "2023-03-27",
        "end_date": "2023-03-27",
        "locality": s.world.commune.pk,
        **management(),
    }
    response = client.post(url(Activity, "add"), data)
    assert response.status_code == 200
    assert response.context["errors"]
    assert not Activity.all_objects.filter(title="Sai nội dung").exists()


def test_staff_focal_point_edits_through_the_service_with_the_version(s, staff_focal):
    user, client = staff_focal
    draft = f.report(s, actor=user)
    address = url(Activity, "change", draft.pk)
    page = client.get(address)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {
        "content": s.content.pk,
        "title": "Đã sửa trong trang quản trị",
        "start_date": "2023-03-27",
        "end_date": "2023-03-27",
        "locality": s.world.commune.pk,
        "narrative": "",
        "expected_version": form["expected_version"].value(),
        "co_organizations": [],
    }
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        mgmt = formset.management_form
        for name in ("TOTAL_FORMS", "INITIAL_FORMS", "MIN_NUM_FORMS", "MAX_NUM_FORMS"):
            data[mgmt.add_prefix(name)] = mgmt.initial.get(name, 0) or 0
        for i, sub in enumerate(formset.forms):
            data[f"{formset.prefix}-{i}-id"] = sub.instance.pk
            data[f"{formset.prefix}-{i}-activity"] = draft.pk
            for name in sub.fields:
                if name in ("id", "activity", "DELETE"):
                    continue
                value = sub[name].value()
                data[f"{formset.prefix}-{i}-{name}"] = "" if value is None else value
    # Someone else saves first: the stale form must not overwrite their change.
    stale = dict(data)
    response = client.post(address, data)
    assert response.status_code == 302, response.context and response.context["errors"]
    draft.refresh_from_db()
    assert (draft.title, draft.version) == ("Đã sửa trong trang quản trị", 2)
    assert draft.participations.count() == 2  # the inlines went through unchanged
    stale["title"] = "Bản cũ"
    response = client.post(address, stale)
    assert response.status_code == 200
    draft.refresh_from_db()
    assert draft.title == "Đã sửa trong trang quản trị"
    assert rows(draft, "update").count() == 1


def test_nil_report_added_through_the_service(s, client_for):
    client = client_for("secretariat")
    response = client.post(
        url(NilReport, "add"),
        {
            "program": s.program.pk,
            "organization": s.world.org_b.pk,
            "period_start": "2023-04-01",
            "period_end": "2023-06-30",
            "note": "Không phát sinh",
        },
    )
    assert response.status_code == 302, response.context and response.context["errors"]
    report = NilReport.objects.get()
    assert report.created_by == s.user("secretariat")
    assert rows(report, "create").count() == 1
    # Entered twice: the service's refusal comes back on the form.
    again = client.post(
        url(NilReport, "add"),
        {
            "program": s.program.pk,
            "organization": s.world.org_b.pk,
            "period_start": "2023-04-01",
            "period_end": "2023-06-30",
        },
    )
    assert again.status_code == 200
    assert NilReport.objects.count() == 1
    response = client.post(url(NilReport, "delete", report.pk), {"post": "yes"})
    assert response.status_code == 302
    assert not NilReport.objects.exists()
