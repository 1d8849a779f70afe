"""The secretariat's people pages, through HTTP: onboarding from a sheet (all or
nothing, per-line messages), the one-time passwords handed out once, the first sign-in
forcing a new password, resets without email, and the list with its exports."""

from __future__ import annotations

import csv
import io

import pytest
from django.contrib.auth import authenticate as _authenticate
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, RequestFactory
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from phoihop.core.models import User
from phoihop.orgs.models import Person, RoleAssignment
from phoihop.orgs.services import PersonRow, people_onboard

pytestmark = pytest.mark.django_db


def authenticate(**credentials):
    return _authenticate(RequestFactory().post("/"), **credentials)


HEAD = ["Họ và tên", "Tổ chức", "Điện thoại", "Email"]


def xlsx(rows, head=HEAD) -> SimpleUploadedFile:
    book = Workbook()
    sheet = book.active
    sheet.append(head)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return SimpleUploadedFile("nguoi.xlsx", buffer.getvalue())


def csv_file(rows, head=HEAD, delimiter=",") -> SimpleUploadedFile:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=delimiter)
    writer.writerow(head)
    writer.writerows(rows)
    return SimpleUploadedFile("nguoi.csv", out.getvalue().encode("utf-8-sig"))


def upload(client, sheet, role="focal"):
    return client.post(reverse("orgs:people_import"), {"sheet": sheet, "role": role})


def test_sheet_creates_accounts_with_one_time_passwords(world, client_for):
    client = client_for("secretariat")
    sheet = xlsx(
        [
            ["Nguyễn Văn An", "Bộ CHQS tỉnh", 912345678, "an@example.org"],
            ["Trần Thị Bình", "Hội Chữ thập đỏ tỉnh Hòa Bình", "0987 654 321", ""],
            ["Lê An", "hoi ctd tinh", "", ""],
        ]
    )
    response = upload(client, sheet)
    assert response.status_code == 200
    rows = response.context["rows"]
    assert [r[0] for r in rows] == ["Nguyễn Văn An", "Trần Thị Bình", "Lê An"]
    an = User.objects.get(username="annv")
    assert an.must_change_password
    assert an.phone == "0912345678"
    assert Person.objects.get(user=an).organization == world.org_a
    assert RoleAssignment.objects.get(user=an).role == "focal"
    assert User.objects.filter(username="binhtt").exists()
    assert User.objects.get(username="anl").person.organization == world.org_b
    # The password on the page signs in, and nowhere is it stored in clear.
    assert response["Cache-Control"] == "no-store"
    password = rows[0][5]
    assert authenticate(username="annv", password=password) == an
    assert password not in an.password
    assert password in response.content.decode()

    # The sheet to hand out, from the signed payload the page carries.
    payload = response.context["payload"]
    sheet = client.post(reverse("orgs:people_import_sheet"), {"payload": payload})
    assert sheet["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(sheet.content))
    values = list(book.active.iter_rows(values_only=True))
    assert values[1][4:6] == ("annv", password)
    as_csv = client.post(reverse("orgs:people_import_sheet"), {"payload": payload, "format": "csv"})
    assert "annv," + password in as_csv.content.decode("utf-8-sig")
    # Another secretariat's session cannot replay it into a download of its own? It can
    # only with the payload; a forged one is refused.
    forged = client.post(reverse("orgs:people_import_sheet"), {"payload": payload + "x"})
    assert forged.status_code == 403


def test_a_bad_line_creates_nothing_and_every_problem_is_named(world, client_for):
    client = client_for("secretariat", language="vi")
    before = User.objects.count()
    sheet = csv_file(
        [
            ["Nguyễn Văn An", "Bộ CHQS tỉnh", "0912345678", "an@example.org"],
            ["", "Bộ CHQS tỉnh", "", ""],
            ["Phạm Văn Cường", "Hội Nông dân huyện X", "12", "khong-phai-email"],
            ["Đỗ Thị Dung", "Bộ CHQS tỉnh", "0912.345.678", "AN@example.org"],
        ],
        delimiter=";",
    )
    response = upload(client, sheet)
    assert response.status_code == 200
    problems = response.context["problems"]
    text = "\n".join(problems)
    assert "Dòng 3" in text
    assert "họ và tên" in text.lower()
    assert "Dòng 4" in text
    assert "Hội Nông dân huyện X" in text
    assert "0912345678" not in text or "Dòng 5" in text
    assert any(p.startswith("Dòng 5") and "dòng 2" in p for p in problems)
    assert "Không tạo tài khoản nào" in response.content.decode()
    assert User.objects.count() == before
    assert not Person.objects.filter(full_name="Nguyễn Văn An").exists()


def test_sheet_without_headings_or_of_the_wrong_kind(world, client_for):
    client = client_for("secretariat")
    response = upload(client, xlsx([["An", "Bộ CHQS tỉnh"]], head=["A", "B"]))
    assert "column headings" in response.content.decode()
    response = upload(client, SimpleUploadedFile("x.xlsx", b"not a workbook at all"))
    assert response.status_code == 200
    assert response.context["form"].errors["sheet"]


def test_existing_email_is_refused(world, client_for):
    world.user("focal_a").email = "a@example.org"
    world.user("focal_a").save()
    response = upload(
        client_for("secretariat"), xlsx([["Mai Văn Tư", "Bộ CHQS tỉnh", "", "A@example.org"]])
    )
    assert "already exists" in "\n".join(response.context["problems"])


def test_only_the_secretariat_onboards(world, client_for):
    for role in ("focal_a", "leader", "editor"):
        assert client_for(role).get(reverse("orgs:people_import")).status_code == 403
    response = upload(client_for("focal_a"), xlsx([["Mai Tư", "Bộ CHQS tỉnh", "", ""]]))
    assert response.status_code == 403
    assert not User.objects.filter(username="tum").exists()


def test_first_sign_in_forces_a_new_password(world):
    done = people_onboard(
        actor=world.user("secretariat"),
        committee=world.committee,
        rows=[PersonRow(row=2, full_name="Hoàng Văn Năm", organization="Bộ CHQS tỉnh")],
    )
    user, password = done[0].user, done[0].password
    client = Client()
    response = client.post(reverse("login"), {"username": user.username, "password": password})
    assert response.status_code == 302
    # Every page leads to the password change until it is done.
    for url in (reverse("core:home"), reverse("programs:list")):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"] == reverse("password_change")
    new = "Mat-khau-moi-cua-Nam-2026"
    response = client.post(
        reverse("password_change"),
        {"old_password": password, "new_password1": new, "new_password2": new},
    )
    assert response.status_code == 302
    user.refresh_from_db()
    assert not user.must_change_password
    assert client.get(reverse("programs:list")).status_code == 200
    # The one-time password no longer works; the new one does.
    assert authenticate(username=user.username, password=password) is None
    assert authenticate(username=user.username, password=new) == user


def test_reset_password_shows_a_one_time_password_once(world, client_for):
    client = client_for("secretariat")
    target = world.user("focal_a")
    url = reverse("orgs:password_reset", args=[target.pk])
    assert "one-time-password" not in client.get(url).content.decode()
    response = client.post(url)
    password = response.context["password"]
    assert response["Cache-Control"] == "no-store"
    target.refresh_from_db()
    assert target.must_change_password
    assert authenticate(username="focal_a", password=password) == target
    # Another committee's secretariat does not even see the account.
    assert client_for("other_secretariat").post(url).status_code == 404
    assert client_for("focal_b").post(url).status_code == 404


def test_people_list_filters_sorts_paginates_and_exports(
    world, client_for, django_assert_max_num_queries
):
    people_onboard(
        actor=world.user("secretariat"),
        committee=world.committee,
        rows=[
            PersonRow(row=i + 2, full_name=f"Người Thứ {i:02d}", organization="Hội CTĐ tỉnh")
            for i in range(30)
        ]
        + [PersonRow(row=40, full_name="Đặng Thị Yến", organization="Bộ CHQS tỉnh")],
    )
    client = client_for("secretariat")
    url = reverse("orgs:people")
    with django_assert_max_num_queries(15):
        response = client.get(url)
    assert response.status_code == 200
    table = response.context["table"]
    assert table.paginator.count == 31
    assert len(table.page.object_list) == 25
    page2 = client.get(url, {"page": 2})
    assert len(page2.context["table"].page.object_list) == 6
    found = client.get(url, {"q": "dang thi yen"})
    assert [r.record.full_name for r in found.context["table"].page.object_list] == ["Đặng Thị Yến"]
    by_org = client.get(url, {"organization": world.org_a.pk})
    assert by_org.context["table"].paginator.count == 1
    one_time = client.get(url, {"account": "one_time"})
    assert one_time.context["table"].paginator.count == 31
    last = client.get(url, {"sort": "-full_name", "q": "nguoi thu"})
    assert last.context["table"].page.object_list[0].record.full_name == "Người Thứ 29"
    first = client.get(url, {"sort": "full_name", "q": "nguoi thu"})
    assert first.context["table"].page.object_list[0].record.full_name == "Người Thứ 00"
    exported = client.get(url, {"export": "csv", "q": "nguoi thu"})
    assert exported.content.startswith("\ufeff".encode())
    lines = exported.content.decode("utf-8-sig").strip().splitlines()
    assert len(lines) == 31  # heading + every match, not one page
    xlsx_export = client.get(url, {"export": "xlsx"})
    book = load_workbook(io.BytesIO(xlsx_export.content))
    assert book.active.max_row == 32
    # Another committee's secretariat sees none of them.
    other = client_for("other_secretariat").get(url)
    assert other.context["table"].paginator.count == 0


def test_a_thousand_people_in_one_upload(world, client_for):
    rows = [
        [f"Nguyễn Văn Số{i}", "Hội CTĐ tỉnh", f"09{i:08d}", f"so{i}@example.org"]
        for i in range(1000)
    ]
    response = upload(client_for("secretariat"), xlsx(rows))
    assert response.status_code == 200
    assert len(response.context["rows"]) == 1000
    assert User.objects.filter(must_change_password=True).count() == 1000
    usernames = [r[4] for r in response.context["rows"]]
    assert len(set(usernames)) == 1000
