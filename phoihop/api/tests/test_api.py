"""The API as a script uses it: token, reads in scope, workflow steps, the error shape."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity
from phoihop.activities.tests import factories
from phoihop.core.testing.world import PASSWORD

pytestmark = pytest.mark.django_db


def _payload(s, **overrides):
    data = {
        "uuid": str(uuid.uuid4()),
        "program": s.program.pk,
        "content": s.content.pk,
        "organization": s.world.org_a.pk,
        "title": "Tuyên truyền pháp luật tại xã",
        "start_date": "2023-04-02",
        "end_date": "2023-04-02",
        "locality": s.world.commune.pk,
        "participants": [
            {"target_group": s.cadres.pk, "count": 12},
            {"target_group": s.people.pk, "count": 80},
        ],
        "values": [
            {"indicator": s.sessions.pk, "value": "2"},
            {"indicator": s.ratio.pk, "value": "30", "denominator": "40"},
        ],
        "funding": [{"source": "state", "amount": 3000000}],
        "co_organizations": [s.world.org_b.pk],
    }
    data.update(overrides)
    return data


def test_anonymous_gets_401_in_the_error_shape(api):
    response = api("anonymous").get(reverse("api:program-list"))
    assert response.status_code == 401
    assert set(response.json()) == {"message", "extra"}
    assert response.json()["extra"] == {}
    assert response["WWW-Authenticate"] == "Token"


def test_token_is_issued_for_name_and_password(api, world):
    response = api("anonymous").post(
        reverse("api:token"), {"username": "focal_a", "password": PASSWORD}, format="json"
    )
    assert response.status_code == 200
    token = response.json()["token"]
    again = api("anonymous")
    again.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    assert again.get(reverse("api:program-list")).status_code == 200
    wrong = api("anonymous").post(
        reverse("api:token"), {"username": "focal_a", "password": "sai"}, format="json"
    )
    assert wrong.status_code == 400
    assert wrong.json()["message"]


def test_script_creates_submits_and_secretariat_approves(api, s):
    focal = api("focal_a")
    payload = _payload(s)
    created = focal.post(reverse("api:activity-list"), payload, format="json")
    assert created.status_code == 201, created.json()
    body = created.json()
    assert body["status"] == ActivityStatus.DRAFT
    assert {p["target_group"]: p["count"] for p in body["participants"]} == {
        s.cadres.pk: 12,
        s.people.pk: 80,
    }
    assert {c["organization"] for c in body["credits"]} == {s.world.org_a.pk, s.world.org_b.pk}
    # A retry with the same uuid gives the same report back, not a second one.
    retry = focal.post(reverse("api:activity-list"), payload, format="json")
    assert retry.json()["id"] == body["id"]
    assert Activity.objects.filter(uuid=payload["uuid"]).count() == 1

    submitted = focal.post(
        reverse("api:activity-submit", kwargs={"pk": body["id"]}),
        {"expected_version": body["version"]},
        format="json",
    )
    assert submitted.status_code == 200, submitted.json()
    assert submitted.json()["status"] == ActivityStatus.SUBMITTED

    # The author cannot approve; the secretariat can.
    own = focal.post(reverse("api:activity-approve", kwargs={"pk": body["id"]}), {}, format="json")
    assert own.status_code in (400, 403)
    approved = api("secretariat").post(
        reverse("api:activity-approve", kwargs={"pk": body["id"]}), {}, format="json"
    )
    assert approved.status_code == 200, approved.json()
    assert approved.json()["status"] == ActivityStatus.APPROVED


def test_field_errors_come_back_per_field_in_vietnamese(api, s):
    payload = _payload(
        s,
        start_date="2023-02-30",
        participants=[{"target_group": s.cadres.pk, "count": "nhiều"}],
    )
    del payload["title"]
    response = api("focal_a").post(reverse("api:activity-list"), payload, format="json")
    assert response.status_code == 400
    body = response.json()
    assert set(body) == {"message", "extra"}
    assert "title" in body["extra"]
    assert "start_date" in body["extra"]
    assert "participants.0.count" in body["extra"]
    assert "Trường này là bắt buộc." in body["extra"]["title"]
    assert "title" in body["message"]


def test_service_rules_come_back_in_the_same_shape(api, s):
    # Dates outside the program and a negative count: refused by the service, per field.
    payload = _payload(
        s,
        start_date="2024-02-01",
        end_date="2024-02-01",
        participants=[{"target_group": s.cadres.pk, "count": -3}],
    )
    response = api("focal_a").post(reverse("api:activity-list"), payload, format="json")
    assert response.status_code == 400
    extra = response.json()["extra"]
    assert "start_date" in extra
    assert "participants" in extra
    assert not Activity.objects.exists()


def test_return_needs_a_reason(api, s):
    activity = factories.submitted(s)
    response = api("secretariat").post(
        reverse("api:activity-return", kwargs={"pk": activity.pk}), {"reason": " "}, format="json"
    )
    assert response.status_code == 400
    assert list(response.json()["extra"]) == ["reason"]
    ok = api("secretariat").post(
        reverse("api:activity-return", kwargs={"pk": activity.pk}),
        {"reason": "Thiếu số liệu kinh phí"},
        format="json",
    )
    assert ok.json()["status"] == ActivityStatus.RETURNED


def test_stale_version_is_a_conflict_with_the_current_version(api, s):
    activity = factories.report(s)
    url = reverse("api:activity-detail", kwargs={"pk": activity.pk})
    first = api("focal_a").patch(url, {"expected_version": 1, "title": "Mới"}, format="json")
    assert first.status_code == 200
    stale = api("focal_a").patch(url, {"expected_version": 1, "title": "Cũ"}, format="json")
    assert stale.status_code == 409
    assert stale.json()["extra"] == {"current_version": ["2"]}
    activity.refresh_from_db()
    assert activity.title == "Mới"


def test_out_of_scope_is_404_and_not_allowed_is_403(api, s):
    draft = factories.report(s, co_organizations=[s.world.org_b])
    url = reverse("api:activity-detail", kwargs={"pk": draft.pk})
    # Focal B sees the draft (org B is credited) but may not submit org A's report.
    assert api("focal_b").get(url).status_code == 200
    assert api("other_secretariat").get(url).status_code == 404
    assert api("leader").get(url).status_code == 404  # leaders see approved reports only
    submit = reverse("api:activity-submit", kwargs={"pk": draft.pk})
    assert api("focal_b").post(submit, {}, format="json").status_code == 403
    assert Activity.objects.get(pk=draft.pk).status == ActivityStatus.DRAFT


def test_credit_confirmation_by_the_credited_organization(api, s):
    activity = factories.report(s, co_organizations=[s.world.org_b])
    credit = activity.credits.get(organization=s.world.org_b)
    url = reverse("api:credit-confirm", kwargs={"pk": credit.pk})
    assert api("focal_a").post(url, format="json").status_code == 403
    response = api("focal_b").post(url, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["confirmed_at"]


def test_lists_filter_and_paginate(api, s, django_assert_max_num_queries):
    for day in range(1, 8):
        factories.report(
            s, title=f"Hoạt động {day}", start_date=f"2023-05-0{day}", end_date=f"2023-05-0{day}"
        )
    client = api("secretariat")
    with django_assert_max_num_queries(12):
        page = client.get(reverse("api:activity-list"), {"page_size": 3}).json()
    assert page["count"] == 7
    assert len(page["results"]) == 3
    assert page["next"]
    narrowed = client.get(
        reverse("api:activity-list"), {"start_from": "2023-05-05", "program": s.program.pk}
    ).json()
    assert narrowed["count"] == 3
    assert client.get(reverse("api:activity-list"), {"program": "x"}).status_code == 400
    assert client.get(reverse("api:activity-list"), {"program": 0}).json()["count"] == 0


def test_nil_report_through_the_api(api, s):
    payload = {
        "program": s.program.pk,
        "organization": s.world.org_b.pk,
        "period_start": "2023-01-01",
        "period_end": "2023-03-31",
    }
    assert (
        api("focal_a").post(reverse("api:nil-report-list"), payload, format="json").status_code
        == 403
    )
    created = api("focal_b").post(reverse("api:nil-report-list"), payload, format="json")
    assert created.status_code == 201, created.json()
    pk = created.json()["id"]
    deleted = api("focal_b").delete(reverse("api:nil-report-detail", kwargs={"pk": pk}))
    assert deleted.status_code == 204


def test_docs_are_served_locally_under_the_csp(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "<script>" not in html  # no inline script: the start-up code is its own file
    assert "http://" not in html
    assert "https://" not in html
    assert "swagger-ui-bundle.js" in html
    script = client.get(reverse("api:docs") + "?script=")
    assert script.status_code == 200
    assert reverse("api:schema") in script.content.decode()
    schema = client.get(reverse("api:schema"), HTTP_ACCEPT="application/json")
    assert schema.status_code == 200
    assert "/api/activities/{id}/submit/" in schema.json()["paths"]


def test_figures_come_from_the_figures_module(api, s):
    factories.approved(s)
    factories.report(s, title="Bản nháp không tính")
    client = api("leader")
    url = reverse("api:program-figures", kwargs={"pk": s.program.pk})
    total = client.get(url).json()
    assert total["total"]["activities"] == 1
    assert total["total"]["participants"] == 250
    by_content = client.get(url, {"by": "content,month"}).json()
    assert [row["key"][0] for row in by_content["rows"]] == [s.content.pk]
    bad = client.get(url, {"by": "content,colour"})
    assert bad.status_code == 400
    assert list(bad.json()["extra"]) == ["by"]
    assert "colour" in bad.json()["extra"]["by"][0]
    summary = client.get(reverse("api:program-indicator-summary", kwargs={"pk": s.program.pk}))
    assert {line["indicator"]["indicator_id"] for line in summary.json()} >= {s.sessions.pk}
    assert api("other_secretariat").get(url).status_code == 404
    completeness = client.get(reverse("api:program-completeness", kwargs={"pk": s.program.pk}))
    assert completeness.status_code == 200
