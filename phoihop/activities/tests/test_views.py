"""The report pages through HTTP: list and exports, the form and its autosave, the
report's page with its decisions, photos, credits, comments, and the approval queue."""

from __future__ import annotations

import io
import uuid as uuidlib
from html.parser import HTMLParser
from pathlib import Path

import openpyxl
import pytest
from django.contrib.staticfiles import finders
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation
from PIL import Image

from phoihop.activities import services
from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity, Attachment
from phoihop.activities.tables import ActivityTable, QueueTable
from phoihop.activities.tests import factories
from phoihop.core.models import Notification

pytestmark = pytest.mark.django_db


def form_data(s, **overrides):
    data = {
        "uuid": str(uuidlib.uuid4()),
        "version": "",
        "organization": s.world.org_a.pk,
        "content": s.content.pk,
        "title": "Tuyên truyền pháp luật tại thị trấn Mai Châu",
        "start_date": "2023-04-10",
        "end_date": "10/04/2023",
        "locality": s.world.commune.pk,
        "narrative": "Hơn 200 lượt người tham dự.",
        f"p_{s.cadres.pk}": "40",
        f"p_{s.people.pk}": "210",
        f"v_{s.sessions.pk}": "3",
        f"v_{s.ratio.pk}": "45",
        f"d_{s.ratio.pk}": "60",
        "f_state": "5000000",
        "co": [str(s.world.org_b.pk)],
        "action": "save",
    }
    data.update(overrides)
    return data


# -- the form -----------------------------------------------------------------------------


def test_form_lists_only_contents_of_the_organization_and_its_parts(s, client_for):
    s.content.co_organizations.clear()  # org B takes part in the other content only
    response = client_for("focal_b").get(reverse("activities:create"))
    html = response.content.decode()
    assert response.status_code == 200
    assert s.other_content.title in html
    assert s.content.title not in html
    # Parts appear for the chosen content: its groups and indicators, not another's.
    parts = client_for("focal_a").get(reverse("activities:parts"), {"content": s.content.pk})
    text = parts.content.decode()
    assert "Cán bộ" in text
    assert "Buổi tuyên truyền" in text
    assert "Nhà đại đoàn kết" not in text
    assert "Cán bộ chiến sĩ LLVT" not in text  # in the catalogue, not a group of the content


def test_saving_the_form_creates_one_draft_with_its_parts_even_when_sent_twice(s, client_for):
    client = client_for("focal_a")
    data = form_data(s)
    first = client.post(reverse("activities:create"), data)
    second = client.post(reverse("activities:create"), data)  # a double tap or a retry
    activity = Activity.objects.get(uuid=data["uuid"])
    assert first.status_code == second.status_code == 302
    assert first["Location"] == reverse("activities:detail", args=[activity.pk])
    assert Activity.objects.filter(title=data["title"]).count() == 1
    assert activity.status == ActivityStatus.DRAFT
    assert {p.target_group_id: p.count for p in activity.participations.all()} == {
        s.cadres.pk: 40,
        s.people.pk: 210,
    }
    value = activity.values.get(indicator=s.ratio)
    assert (value.value, value.denominator) == (45, 60)
    assert set(activity.credits.values_list("organization_id", flat=True)) == {
        s.world.org_a.pk,
        s.world.org_b.pk,
    }


def test_form_errors_say_what_to_fix(s, client_for):
    data = form_data(s, start_date="2024-02-01", end_date="2024-02-01", locality="")
    response = client_for("focal_a").post(reverse("activities:create"), data)
    html = response.content.decode()
    assert response.status_code == 200
    assert "Tìm xã theo tên và chọn trong danh sách." in html
    assert not Activity.objects.filter(uuid=data["uuid"]).exists()
    data = form_data(s, start_date="2024-02-01", end_date="2024-02-01")
    html = client_for("focal_a").post(reverse("activities:create"), data).content.decode()
    assert "phải nằm trong thời gian thực hiện chương trình" in html


def test_save_and_submit(s, client_for):
    data = form_data(s, action="submit")
    response = client_for("focal_a").post(reverse("activities:create"), data)
    activity = Activity.objects.get(uuid=data["uuid"])
    assert response.status_code == 302
    assert activity.status == ActivityStatus.SUBMITTED


def test_autosave_creates_then_updates_the_same_draft(s, client_for):
    client = client_for("focal_a")
    data = form_data(s)
    partial = {k: v for k, v in data.items() if k not in ("title", "locality")}
    response = client.post(reverse("activities:autosave"), partial, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert "giữ trên máy này" in response.content.decode()
    assert not Activity.objects.filter(uuid=data["uuid"]).exists()

    response = client.post(reverse("activities:autosave"), data, HTTP_HX_REQUEST="true")
    activity = Activity.objects.get(uuid=data["uuid"])
    assert response["HX-Replace-Url"] == reverse("activities:edit", args=[activity.pk])
    html = response.content.decode()
    assert 'id="id_version"' in html
    assert f'value="{activity.version}"' in html
    assert 'id="photos"' in html  # the photo form appears once there is a draft

    data.update(version=str(activity.version), narrative="Đã sửa khi đang gõ.")
    response = client.post(reverse("activities:autosave"), data, HTTP_HX_REQUEST="true")
    activity.refresh_from_db()
    assert activity.narrative == "Đã sửa khi đang gõ."
    assert activity.version == 2
    assert Activity.objects.filter(uuid=data["uuid"]).count() == 1
    # A stale version (another tab saved meanwhile) is a conflict, not an overwrite.
    data.update(version="1", narrative="Bản cũ")
    response = client.post(reverse("activities:autosave"), data, HTTP_HX_REQUEST="true")
    activity.refresh_from_db()
    assert activity.narrative == "Đã sửa khi đang gõ."
    assert "người khác" in response.content.decode().lower()


def test_autosave_after_the_session_ended_keeps_the_text_and_asks_to_sign_in(s, client):
    response = client.post(
        reverse("activities:autosave"),
        form_data(s),
        HTTP_HX_REQUEST="true",
        HTTP_HX_CURRENT_URL="http://testserver/app/activities/new/",
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert "Phiên đăng nhập đã hết" in html
    assert "/accounts/login/?next=" in html


def _fold_names(world):
    """The world's units are made without clean(), which fills the folded name."""
    world.commune.full_clean()
    world.commune.save()


def test_commune_type_ahead_ignores_tones(s, client_for):
    _fold_names(s.world)
    response = client_for("focal_a").get(reverse("activities:communes"), {"q": "THI TRAN MAI CHAU"})
    assert f'value="{s.world.commune.pk}"' in response.content.decode()
    empty = client_for("focal_a").get(reverse("activities:communes"), {"q": "khong co xa nay"})
    assert "Không có xã" in empty.content.decode()


def test_form_page_transfers_at_most_200_kb(s, client_for):
    """The HTML and every stylesheet and script it links (uncompressed)."""
    import re

    activity = factories.report(s)
    for url in (reverse("activities:create"), reverse("activities:edit", args=[activity.pk])):
        html = client_for("focal_a").get(url).content.decode()
        total = len(html.encode())
        assets = re.findall(r'(?:src|href)="/static/([^"?]+)"', html)
        assert any(a.endswith("form.js") for a in assets)
        assert any("htmx" in a for a in assets)
        for asset in assets:
            path = finders.find(asset)
            assert path, asset
            total += Path(path).stat().st_size
        assert total <= 200 * 1024, f"{url}: {total} bytes"


def test_edit_of_a_submitted_report_is_refused(s, client_for):
    activity = factories.submitted(s)
    assert (
        client_for("focal_a").get(reverse("activities:edit", args=[activity.pk])).status_code == 403
    )


# -- the report's page and decisions -----------------------------------------------------------


def test_return_shows_the_reason_notifies_and_resubmission_follows(s, client_for):
    activity = factories.submitted(s)
    secretariat = client_for("secretariat")
    page = secretariat.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Trả lại với lý do này" in page
    response = secretariat.post(
        reverse("activities:return", args=[activity.pk]), {"reason": "Thiếu ảnh hoạt động"}
    )
    assert response.status_code == 302
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.RETURNED
    note = Notification.objects.get(recipient=s.user("focal_a"))
    assert note.kind == "returned"
    assert "Thiếu ảnh hoạt động" in note.text
    assert note.url == reverse("activities:detail", args=[activity.pk])

    focal = client_for("focal_a")
    page = focal.get(reverse("activities:detail", args=[activity.pk])).content.decode()
    assert "Thiếu ảnh hoạt động" in page
    assert 'class="return-reason"' in page
    page = focal.get(reverse("activities:list")).content.decode()
    assert 'class="badge">1' in page
    edit = focal.get(reverse("activities:edit", args=[activity.pk])).content.decode()
    assert "Thiếu ảnh hoạt động" in edit
    focal.post(reverse("activities:submit", args=[activity.pk]), {"version": activity.version})
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    secretariat.post(reverse("activities:approve", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED
    assert Notification.objects.filter(recipient=s.user("focal_a"), kind="approved").exists()


def test_return_without_a_reason_is_refused_with_a_message(s, client_for):
    activity = factories.submitted(s)
    response = client_for("secretariat").post(
        reverse("activities:return", args=[activity.pk]), {"reason": "  "}, follow=True
    )
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED
    assert "Đề nghị ghi rõ lý do trả lại" in response.content.decode()


def test_the_author_cannot_approve_its_own_report(s, client_for):
    activity = factories.submitted(s)
    page = client_for("focal_a").get(reverse("activities:detail", args=[activity.pk]))
    assert "Trả lại với lý do này" not in page.content.decode()
    client_for("focal_a").post(reverse("activities:approve", args=[activity.pk]))
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.SUBMITTED


def test_stale_decision_is_refused(s, client_for):
    activity = factories.submitted(s)
    response = client_for("secretariat").post(
        reverse("activities:approve", args=[activity.pk]), {"version": activity.version - 1}
    )
    activity.refresh_from_db()
    assert response.status_code == 302
    assert activity.status == ActivityStatus.SUBMITTED


def test_revision_of_an_approved_report(s, client_for):
    activity = factories.approved(s)
    page = client_for("focal_a").get(reverse("activities:detail", args=[activity.pk]))
    assert "Sửa (tạo bản điều chỉnh)" in page.content.decode()
    response = client_for("focal_a").post(reverse("activities:revise", args=[activity.pk]))
    revision = Activity.objects.get(revision_of=activity)
    assert response["Location"] == reverse("activities:edit", args=[revision.pk])
    activity.refresh_from_db()
    assert activity.status == ActivityStatus.APPROVED  # counts until the revision is approved


def test_co_organizer_confirms_its_credit(s, client_for):
    activity = factories.report(s, co_organizations=[s.world.org_b])
    credit = activity.credits.get(organization=s.world.org_b)
    page = client_for("focal_b").get(reverse("activities:detail", args=[activity.pk]))
    assert "Xác nhận đơn vị tôi có tham gia" in page.content.decode()
    client_for("focal_b").post(reverse("activities:credit_confirm", args=[activity.pk, credit.pk]))
    credit.refresh_from_db()
    assert credit.confirmed_by == s.user("focal_b")


def test_comment_thread_and_history(s, client_for):
    activity = factories.submitted(s)
    client_for("secretariat").post(
        reverse("activities:comment", args=[activity.pk]), {"text": "Đề nghị bổ sung số liệu."}
    )
    page = client_for("focal_a").get(reverse("activities:detail", args=[activity.pk]))
    html = page.content.decode()
    assert "Đề nghị bổ sung số liệu." in html
    assert "gửi duyệt" in html
    assert "tạo báo cáo" in html


def test_photo_upload_strips_exif_and_is_served_only_to_those_who_see_the_report(
    s, client_for, media
):
    activity = factories.report(s)
    client = client_for("focal_a")
    response = client.post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {
            "file": factories.upload("IMG_1.jpg", factories.jpeg_with_exif((3000, 2000))),
            "caption": "Quang cảnh buổi tuyên truyền",
        },
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 200
    assert "Quang cảnh buổi tuyên truyền" in response.content.decode()
    attachment = Attachment.objects.get(activity=activity)
    served = client.get(reverse("activities:attachment", args=[activity.pk, attachment.pk]))
    data = b"".join(served.streaming_content)
    with Image.open(io.BytesIO(data)) as image:
        assert max(image.size) == 1600
        assert not image.getexif()
    outsider = client_for("focal_b").get(
        reverse("activities:attachment", args=[activity.pk, attachment.pk])
    )
    assert outsider.status_code == 404


def test_upload_of_something_else_is_refused_with_a_message(s, client_for, media):
    activity = factories.report(s)
    response = client_for("focal_a").post(
        reverse("activities:attachment_add", args=[activity.pk]),
        {"file": factories.upload("anh.jpg", b"<html><script>alert(1)</script>")},
        HTTP_X_REQUESTED_WITH="fetch",
    )
    assert response.status_code == 400
    assert "Chỉ đính kèm được ảnh" in response.content.decode()
    assert not Attachment.objects.exists()


# -- lists, queue, exports ------------------------------------------------------------------------


def test_list_filters_views_and_permissions(s, client_for):
    _fold_names(s.world)
    draft = factories.report(s, title="Bản nháp của Bộ CHQS")
    factories.submitted(s, title="Báo cáo đã gửi")
    returned = factories.submitted(s, title="Báo cáo bị trả")
    services.activity_return(actor=s.user("secretariat"), activity=returned, reason="Thiếu")
    focal = client_for("focal_a")
    html = focal.get(reverse("activities:list"), {"view": "drafts"}).content.decode()
    assert draft.title in html
    assert "Báo cáo đã gửi" not in html
    html = focal.get(reverse("activities:list"), {"view": "returned"}).content.decode()
    assert "Báo cáo bị trả" in html
    assert draft.title not in html
    html = focal.get(reverse("activities:list"), {"status": "submitted"}).content.decode()
    assert "Báo cáo đã gửi" in html
    assert draft.title not in html
    # The search: words of the title or narrative, or of the commune without tones.
    html = focal.get(reverse("activities:list"), {"q": "mai chau"}).content.decode()
    assert draft.title in html
    # The leader sees approved reports only; focal B sees none of org A's unapproved ones.
    assert draft.title not in client_for("leader").get(reverse("activities:list")).content.decode()
    assert draft.title not in client_for("focal_b").get(reverse("activities:list")).content.decode()


def test_list_sorts_and_pages(s, client_for):
    for n in range(27):
        factories.report(s, title=f"Hoạt động số {n:02d}")
    client = client_for("focal_a")
    first = client.get(reverse("activities:list"), {"sort": "title"}).content.decode()
    assert "Hoạt động số 00" in first
    assert "Hoạt động số 26" not in first
    # Pages are not counted (no COUNT(*) over every report): "Page 1" and a next link.
    assert "Trang 1<" in first
    assert "Trang sau" in first
    second = client.get(reverse("activities:list"), {"sort": "title", "page": 2}).content.decode()
    assert "Hoạt động số 26" in second
    assert "Trang trước" in second
    assert "Trang sau" not in second


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's plans")
def test_a_committee_members_list_walks_its_own_committees_index(s, client_for):
    """A member of one committee reads the first page through act_committee_start_idx,
    newest first, without sorting and without walking other committees' reports."""
    factories.report(s, title="Hoạt động mới nhất")
    client = client_for("secretariat")
    client.get(reverse("activities:list"))  # the filter's choices cached: one query fewer
    with CaptureQueriesContext(connection) as queries:
        assert client.get(reverse("activities:list")).status_code == 200
    (sql,) = [
        q["sql"] for q in queries.captured_queries if 'FROM "activities_activity"' in q["sql"]
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")  # a test table is tiny
        cursor.execute("EXPLAIN " + sql)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "act_committee_start_idx" in plan
    assert f"Index Cond: (committee_id = {s.world.committee.pk})" in plan
    assert "Sort" not in plan


def test_exports_csv_and_xlsx_of_the_filtered_list(s, client_for):
    factories.report(s, title="Hoạt động A")
    factories.submitted(s, title="Hoạt động B")
    client = client_for("focal_a")
    csv = client.get(reverse("activities:list"), {"status": "draft", "_export": "csv"})
    assert csv.content.startswith("\ufeff".encode())  # Excel reads it as UTF-8
    text = csv.content.decode("utf-8")
    assert csv["Content-Type"].startswith("text/csv")
    assert "Hoạt động A" in text
    assert "Hoạt động B" not in text
    assert "<a" not in text
    xlsx = client.get(reverse("activities:list"), {"_export": "xlsx"})
    book = openpyxl.load_workbook(io.BytesIO(xlsx.content))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    titles = {row[0] for row in rows[1:]}
    assert titles == {"Hoạt động A", "Hoạt động B"}
    assert rows[1][-1] == 250  # participants


def test_list_and_queue_queries_do_not_grow_with_rows(s, client_for, django_assert_max_num_queries):
    for n in range(3):
        factories.submitted(s, title=f"Báo cáo {n}")
    client = client_for("secretariat")
    client.get(reverse("activities:list"))  # warm the session and content types
    with django_assert_max_num_queries(14):
        client.get(reverse("activities:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("activities:queue"))
    for n in range(20):
        factories.submitted(s, title=f"Báo cáo thêm {n}")
    with django_assert_max_num_queries(14):
        client.get(reverse("activities:list"))
    with django_assert_max_num_queries(12):
        client.get(reverse("activities:queue"))


def test_bulk_approval_is_all_or_nothing(s, client_for):
    one = factories.submitted(s, title="Một")
    two = factories.submitted(s, title="Hai")
    draft = factories.report(s, title="Nháp")
    client = client_for("secretariat")
    response = client.post(
        reverse("activities:bulk"),
        {"ids": [one.pk, two.pk, draft.pk], "action": "approve"},
        follow=True,
    )
    assert "Không có gì thay đổi" in response.content.decode()
    assert set(Activity.objects.values_list("status", flat=True)) == {"submitted", "draft"}
    client.post(reverse("activities:bulk"), {"ids": [one.pk, two.pk], "action": "approve"})
    assert set(
        Activity.objects.filter(pk__in=[one.pk, two.pk]).values_list("status", flat=True)
    ) == {"approved"}
    assert Notification.objects.filter(kind="approved").count() == 2


def test_bulk_return_needs_a_reason(s, client_for):
    one = factories.submitted(s, title="Một")
    client = client_for("secretariat")
    client.post(reverse("activities:bulk"), {"ids": [one.pk], "action": "return", "reason": ""})
    one.refresh_from_db()
    assert one.status == ActivityStatus.SUBMITTED
    client.post(reverse("activities:bulk"), {"ids": [one.pk], "action": "return", "reason": "Sai"})
    one.refresh_from_db()
    assert one.status == ActivityStatus.RETURNED


def test_menu_entries_by_role(s, client_for):
    focal = client_for("focal_a").get(reverse("core:notifications")).content.decode()
    assert 'data-menu="activities_new"' in focal
    assert 'data-menu="activities_queue"' not in focal
    secretariat = client_for("secretariat").get(reverse("core:notifications")).content.decode()
    assert 'data-menu="activities_queue"' in secretariat
    assert 'data-menu="activities_new"' not in secretariat


def test_detail_queries_do_not_grow_with_comments_and_credits(
    s, client_for, django_assert_max_num_queries
):
    activity = factories.submitted(s, co_organizations=[s.world.org_b])
    client = client_for("secretariat")
    client.get(reverse("activities:detail", args=[activity.pk]))
    with django_assert_max_num_queries(30):
        client.get(reverse("activities:detail", args=[activity.pk]))
    for n in range(10):
        services.comment_add(actor=s.user("secretariat"), activity=activity, text=f"Ý kiến {n}")
    with django_assert_max_num_queries(30):
        response = client.get(reverse("activities:detail", args=[activity.pk]))
    assert "Ý kiến 9" in response.content.decode()


def test_focal_point_of_two_organizations_chooses_which_reports(s, client_for, make_user):
    from phoihop.orgs.choices import Role

    user = make_user("focal_ab", (Role.FOCAL, s.world.org_a), (Role.FOCAL, s.world.org_b))
    from django.test import Client

    client = Client()
    client.force_login(user)
    html = client.get(reverse("activities:create")).content.decode()
    assert s.world.org_a.name in html
    assert s.world.org_b.name in html
    assert s.other_content.title in html  # led by org B
    # Org A takes no part in org B's other content: refused with a message.
    data = form_data(
        s, content=s.other_content.pk, **{f"p_{s.cadres.pk}": "", f"p_{s.people.pk}": ""}
    )
    data = {k: v for k, v in data.items() if not k.startswith(("v_", "d_"))}
    data["co"] = []
    response = client.post(reverse("activities:create"), data)
    assert "không chủ trì cũng không phối hợp" in response.content.decode()
    data["organization"] = s.world.org_b.pk
    response = client.post(reverse("activities:create"), data)
    assert response.status_code == 302
    assert Activity.objects.get(uuid=data["uuid"]).organization == s.world.org_b


def test_new_report_button_only_for_those_who_can_report(s, client_for):
    create = reverse("activities:create")
    assert create in client_for("focal_a").get(reverse("activities:list")).content.decode()
    for role in ("secretariat", "leader"):
        html = client_for(role).get(reverse("activities:list")).content.decode()
        assert f'href="{create}"' not in html, role


# -- the rows of the tables (a plain template loop, not django-tables2's cells) ------------


class _Table(HTMLParser):
    """The report table of a page: its header cells and its body rows, each cell with its
    text (whitespace collapsed), class, link and checkbox."""

    def __init__(self, html: str) -> None:
        super().__init__()
        self.headers: list[dict] = []
        self.rows: list[list[dict]] = []
        self._in_table = False
        self._row: list[dict] = []
        self._cell: dict | None = None
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "table":
            self._in_table = True
        elif not self._in_table:
            return
        elif tag == "tr":
            self._row = []
        elif tag in ("th", "td"):
            self._cell = {"text": "", "class": attrs.get("class"), "href": None, "input": None}
            self._cell.update({k: v for k, v in attrs.items() if k == "aria-sort"})
        elif tag == "a" and self._cell is not None:
            self._cell["href"] = attrs["href"]
        elif tag == "input" and self._cell is not None:
            self._cell["input"] = attrs

    def handle_data(self, data):
        if self._cell is not None:
            self._cell["text"] += data

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("th", "td") and self._cell is not None:
            self._cell["text"] = " ".join(self._cell["text"].split())
            (self.headers if tag == "th" else self._row).append(self._cell)
            self._cell = None
        elif tag == "tr" and self._in_table and self._row:
            self.rows.append(self._row)

    def row_of(self, names: list[str], title: str) -> dict[str, dict]:
        """The row whose title cell reads `title`, by column name."""
        assert len(self.headers) == len(names)
        for row in self.rows:
            assert len(row) == len(names)  # every row has a cell under each header
            cells = dict(zip(names, row, strict=True))
            if cells["title"]["text"] == title:
                return cells
        raise AssertionError(f"no row titled {title!r}")


def _column_names(table_class) -> list[str]:
    return [column.name for column in table_class(Activity.objects.none()).columns]


def test_list_rows_show_each_column_under_its_header(s, client_for):
    activity = factories.submitted(s, title="Tuyên truyền <b>pháp luật</b>")
    factories.report(s, title="Bản nháp khác")
    response = client_for("focal_a").get(reverse("activities:list"))
    table = _Table(response.content.decode())
    names = _column_names(ActivityTable)
    with translation.override("vi"):
        headers = [str(column.header) for column in ActivityTable([]).columns]
        submitted = str(ActivityStatus.SUBMITTED.label)
    assert [h["text"] for h in table.headers] == headers
    # Sorted newest first by default, said to assistive technology on the date's header.
    assert dict(zip(names, table.headers, strict=True))["start_date"]["aria-sort"] == "descending"
    row = table.row_of(names, "Tuyên truyền <b>pháp luật</b>")  # escaped, shown as typed
    assert row["title"]["href"] == reverse("activities:detail", args=[activity.pk])
    assert row["start_date"]["text"] == factories.DAY.strftime("%d/%m/%Y")
    assert row["organization"]["text"] == s.world.org_a.name
    assert row["content"]["text"] == s.content.title
    assert row["locality"]["text"] == s.world.commune.name
    assert row["status"]["text"] == submitted
    assert row["participants"] == {"text": "250", "class": "num", "href": None, "input": None}
    assert len(table.rows) == 2


def test_queue_rows_show_each_column_under_its_header(s, client_for):
    activity = factories.submitted(s, title="Báo cáo chờ duyệt")
    response = client_for("secretariat").get(reverse("activities:queue"))
    table = _Table(response.content.decode())
    row = table.row_of(_column_names(QueueTable), "Báo cáo chờ duyệt")
    assert row["pick"]["input"] == {
        "type": "checkbox",
        "name": "ids",
        "value": str(activity.pk),
        "form": "bulk-form",
        "id": f"pick-{activity.pk}",
        "aria-label": "Báo cáo chờ duyệt",
    }
    assert row["title"]["href"] == reverse("activities:detail", args=[activity.pk])
    assert row["submitted_at"]["text"] == timezone.localtime(activity.submitted_at).strftime(
        "%d/%m/%Y"
    )
    assert row["start_date"]["text"] == factories.DAY.strftime("%d/%m/%Y")
    assert row["participants"]["text"] == "250"


@pytest.mark.parametrize("column", ["title", "start_date", "organization", "content", "locality"])
def test_list_sorts_by_each_sortable_column_both_ways(s, client_for, column):
    factories.report(s, title="Báo cáo A")
    factories.report(s, title="Báo cáo B", organization=s.world.org_b, actor=s.user("focal_b"))
    client = client_for("secretariat")
    names = _column_names(ActivityTable)
    for sort in (column, f"-{column}"):
        table = _Table(client.get(reverse("activities:list"), {"sort": sort}).content.decode())
        header = dict(zip(names, table.headers, strict=True))[column]
        assert header["aria-sort"] == ("descending" if sort.startswith("-") else "ascending")
        assert len(table.rows) == 2


def test_list_filter_selects_list_what_the_user_may_see_and_keep_the_choice(s, client_for):
    factories.report(s, title="Báo cáo của tổ chức A")
    html = (
        client_for("focal_a")
        .get(reverse("activities:list"), {"organization": s.world.org_a.pk})
        .content.decode()
    )
    assert f'<option value="{s.world.org_a.pk}" selected>{s.world.org_a.name}</option>' in html
    assert f'<option value="{s.program.pk}">{s.program.title}</option>' in html
    assert "Báo cáo của tổ chức A" in html
    # An organization outside the filter's queryset is refused, not listed.
    other = client_for("focal_a").get(reverse("activities:list"), {"organization": 999999})
    assert other.status_code == 200
    assert 'class="error"' in other.content.decode()
