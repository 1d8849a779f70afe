"""The offline app's endpoints through HTTP: scope, idempotent uploads, conflicts."""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from phoihop.activities import services as activity_services
from phoihop.activities.models import Activity, Attachment
from phoihop.activities.tests import factories

pytestmark = pytest.mark.django_db


@pytest.fixture
def s(world):
    return factories.setup(world)


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def payload(s, **overrides):
    data = {
        "uuid": str(uuid.uuid4()),
        "base_version": None,
        "organization": s.world.org_a.pk,
        "content": s.content.pk,
        "title": "Tuyên truyền pháp luật ở bản Lác",
        "start_date": "2023-03-27",
        "end_date": "2023-03-27",
        "locality": s.world.commune.pk,
        "narrative": "Nói chuyện chuyên đề",
        "participants": {str(s.cadres.pk): 12, str(s.people.pk): 80},
        "values": {str(s.sessions.pk): "2"},
        "funding": {"own": 1_500_000},
    }
    data.update(overrides)
    return data


def send(client, data):
    return client.post(reverse("field:sync"), json.dumps(data), content_type="application/json")


def test_reference_holds_only_the_focal_points_contents(s, client_for):
    data = client_for("focal_b").get(reverse("field:reference")).json()
    assert [o["id"] for o in data["organizations"]] == [s.world.org_b.pk]
    # Org B co-operates on the main content and leads the other one.
    assert {c["id"] for c in data["contents"]} == {s.content.pk, s.other_content.pk}
    main = next(c for c in data["contents"] if c["id"] == s.content.pk)
    assert {g["id"] for g in main["target_groups"]} == {s.cadres.pk, s.people.pk}
    assert {i["id"] for i in main["indicators"]} == {s.sessions.pk, s.ratio.pk}
    assert [u["id"] for u in data["communes"]] == [s.world.commune.pk]
    assert data["communes"][0]["folded"] == "thi tran mai chau"

    focal_a = client_for("focal_a").get(reverse("field:reference")).json()
    assert {c["id"] for c in focal_a["contents"]} == {s.content.pk}
    # Someone who reports for no organization gets nothing to report on.
    nothing = client_for("secretariat").get(reverse("field:reference")).json()
    assert nothing["contents"] == []
    assert nothing["organizations"] == []


def test_a_report_made_offline_arrives_once_however_often_it_is_sent(s, client_for):
    client = client_for("focal_a")
    data = payload(s)
    first = send(client, data)
    assert first.status_code == 201, first.content
    again = send(client, data)  # the answer was lost: the phone sends it again
    assert again.status_code == 200
    assert again.json()["report"]["uuid"] == data["uuid"]
    assert Activity.objects.filter(uuid=data["uuid"]).count() == 1
    report = Activity.objects.get(uuid=data["uuid"])
    assert report.created_by == s.user("focal_a")
    assert report.status == "draft"
    assert {p.target_group_id: p.count for p in report.participations.all()} == {
        s.cadres.pk: 12,
        s.people.pk: 80,
    }


def test_an_edit_against_the_current_version_applies(s, client_for):
    client = client_for("focal_a")
    data = payload(s)
    version = send(client, data).json()["report"]["version"]
    edited = send(client, {**data, "base_version": version, "title": "Đã sửa trên điện thoại"})
    assert edited.status_code == 200, edited.content
    assert Activity.objects.get(uuid=data["uuid"]).title == "Đã sửa trên điện thoại"


def test_a_report_changed_on_the_server_meanwhile_is_a_conflict_not_an_overwrite(s, client_for):
    client = client_for("focal_a")
    data = payload(s)
    version = send(client, data).json()["report"]["version"]
    report = Activity.objects.get(uuid=data["uuid"])
    activity_services.activity_update(
        actor=s.user("focal_a"),
        activity=report,
        expected_version=version,
        title="Sửa trên máy tính",
    )
    conflict = send(client, {**data, "base_version": version, "title": "Sửa trên điện thoại"})
    assert conflict.status_code == 409
    body = conflict.json()
    assert body["server"]["title"] == "Sửa trên máy tính"
    assert body["server"]["version"] == version + 1
    assert "thay đổi" in body["message"]
    assert Activity.objects.get(uuid=data["uuid"]).title == "Sửa trên máy tính"
    # The person chooses their own version: sent again against the server's version.
    kept = send(client, {**data, "base_version": version + 1, "title": "Sửa trên điện thoại"})
    assert kept.status_code == 200
    assert Activity.objects.get(uuid=data["uuid"]).title == "Sửa trên điện thoại"


def test_a_submitted_report_can_no_longer_be_changed_from_the_phone(s, client_for):
    client = client_for("focal_a")
    data = payload(s)
    version = send(client, data).json()["report"]["version"]
    report = Activity.objects.get(uuid=data["uuid"])
    activity_services.activity_submit(actor=s.user("focal_a"), activity=report)
    answer = send(client, {**data, "base_version": version, "title": "Muộn"})
    assert answer.status_code == 409
    assert answer.json()["server"]["editable"] is False


def test_bad_reports_get_field_messages_and_change_nothing(s, client_for):
    client = client_for("focal_a")
    answer = send(client, payload(s, locality=None, start_date="2023-02-30"))
    assert answer.status_code == 400
    extra = answer.json()["extra"]
    assert "locality" in extra or "start_date" in extra
    assert not Activity.objects.exists()
    # A date outside the program is refused by the report's own rules.
    outside = send(client, payload(s, start_date="2022-12-31", end_date="2022-12-31"))
    assert outside.status_code == 400
    assert not Activity.objects.exists()


def test_another_committees_content_or_organization_is_not_reachable(s, client_for, world):
    client = client_for("other_secretariat")
    answer = send(client, payload(s))
    assert answer.status_code == 400
    assert not Activity.objects.exists()


def test_someone_elses_report_id_is_not_revealed(s, client_for):
    data = payload(s)
    send(client_for("focal_a"), data)
    answer = send(client_for("other_secretariat"), {**data, "base_version": 1})
    assert answer.status_code == 400
    assert "server" not in answer.json()


def test_a_photo_sent_twice_is_attached_once(s, client_for, media):
    client = client_for("focal_a")
    data = payload(s)
    send(client, data)
    photo_id = str(uuid.uuid4())
    url = reverse("field:photo", kwargs={"report": data["uuid"]})
    for expected in (201, 200):
        upload = factories.upload("anh.jpg", factories.jpeg_with_exif((800, 600)), "image/jpeg")
        answer = client.post(url, {"file": upload, "id": photo_id, "caption": "Buổi nói chuyện"})
        assert answer.status_code == expected, answer.content
    photos = Attachment.objects.filter(activity__uuid=data["uuid"])
    assert [str(p.uuid) for p in photos] == [photo_id]
    assert photos[0].caption == "Buổi nói chuyện"


def test_json_endpoints_ask_for_a_new_sign_in_instead_of_redirecting(client):
    answer = client.get(reverse("field:reference"))
    assert answer.status_code == 401
    assert "Đăng nhập" in answer.json()["message"] or "đăng nhập" in answer.json()["message"]


def test_the_service_worker_is_scoped_to_the_app_and_caches_no_data(client):
    answer = client.get(reverse("field:service-worker"))
    assert answer["Content-Type"].startswith("application/javascript")
    assert answer["Service-Worker-Allowed"] == reverse("field:app")
    script = answer.content.decode()
    assert f'const SHELL = "{reverse("field:app")}"' in script
    # Reference data and reports are never put in the worker's cache.
    assert reverse("field:reference") not in script.split("const PRECACHE")[1].split(";")[0]
    manifest = client.get(reverse("field:manifest")).json()
    assert manifest["scope"] == manifest["start_url"] == reverse("field:app")
    assert {i["sizes"] for i in manifest["icons"]} == {"192x192", "512x512"}
