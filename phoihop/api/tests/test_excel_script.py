"""A script does the Excel import through the API, over real HTTP, with a token and no
session: it downloads an organization's workbook for a program, fills it in with
openpyxl, uploads it, follows the job until it is finished, and lists the reports the
job created. Written as a script would be: the standard library and openpyxl only."""

from __future__ import annotations

import io
import json
import time
import urllib.error
import urllib.request
import uuid
from typing import Any

import pytest
from openpyxl import load_workbook
from rest_framework.authtoken.models import Token

from phoihop.activities.models import Activity
from phoihop.activities.tests import factories
from phoihop.exports import workbook

pytestmark = pytest.mark.django_db(transaction=True)


class Script:
    """What the script knows: the server's address and its token."""

    def __init__(self, base: str, token: str) -> None:
        self.base = base.rstrip("/")
        self.token = token

    def call(
        self, method: str, path: str, body: bytes | None = None, content_type: str = ""
    ) -> tuple[int, dict[str, str], bytes]:
        request = urllib.request.Request(  # noqa: S310 - the test server's http URL
            self.base + path, data=body, method=method
        )
        request.add_header("Authorization", f"Token {self.token}")
        request.add_header("Accept-Language", "vi")
        if content_type:
            request.add_header("Content-Type", content_type)
        try:
            with urllib.request.urlopen(request, timeout=60) as response:  # noqa: S310
                return response.status, dict(response.headers), response.read()
        except urllib.error.HTTPError as error:
            return error.code, dict(error.headers), error.read()

    def json(self, method: str, path: str, **kw: Any) -> tuple[int, Any]:
        status, _headers, body = self.call(method, path, **kw)
        return status, json.loads(body)

    def upload(self, path: str, name: str, data: bytes) -> tuple[int, Any]:
        boundary = uuid.uuid4().hex
        body = (
            (
                f"--{boundary}\r\n"
                f'Content-Disposition: form-data; name="file"; filename="{name}"\r\n'
                "Content-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
                "\r\n\r\n"
            ).encode()
            + data
            + f"\r\n--{boundary}--\r\n".encode()
        )
        return self.json(
            "POST", path, body=body, content_type=f"multipart/form-data; boundary={boundary}"
        )


def _fill(template: bytes) -> bytes:
    """Two reports in the blank rows, with participants and an indicator value, the
    content, commune, group and indicator chosen from the workbook's own lists."""
    wb = load_workbook(io.BytesIO(template))
    lookup = wb[workbook.LOOKUP]
    content, commune, group, indicator = (lookup.cell(row=2, column=c).value for c in (1, 2, 3, 4))
    activities = wb[workbook.ACTIVITIES]
    column = {c.key: i for i, c in enumerate(workbook.ACTIVITY_COLUMNS, start=1)}
    keys = []
    for row, title in ((2, "Tuyên truyền Luật Quốc phòng"), (3, "Tuyên truyền tại trường học")):
        key = activities.cell(row=row, column=column["key"]).value
        keys.append(key)
        values = {
            "content": content,
            "title": title,
            "start_date": "02/04/2023",
            "end_date": "02/04/2023",
            "locality": commune,
            "funding_state": 1_500_000,
            "not_for_publication": "Không",
            "narrative": "Đạt yêu cầu",
        }
        for name, value in values.items():
            activities.cell(row=row, column=column[name], value=value)
    participants = wb[workbook.PARTICIPANTS]
    indicator_values = wb[workbook.VALUES]
    for offset, key in enumerate(keys):
        for index, value in enumerate((key, group, 25 + offset), start=1):
            participants.cell(row=2 + offset, column=index, value=value)
        for index, value in enumerate((key, indicator, 1), start=1):
            indicator_values.cell(row=2 + offset, column=index, value=value)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_a_script_imports_a_workbook_through_the_api(world, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    s = factories.setup(world)
    token = Token.objects.create(user=world.user("focal_a"))
    script = Script(live_server.url, token.key)
    pair = f"/api/excel/{s.program.pk}/{world.org_a.pk}"

    status, headers, template = script.call("GET", f"{pair}/template/")
    assert status == 200
    assert headers["Content-Type"].startswith("application/vnd.openxmlformats")

    status, job = script.upload(f"{pair}/upload/", "bao-cao.xlsx", _fill(template))
    assert status == 202, job
    for _attempt in range(100):  # the job runs in the worker; follow it
        status, job = script.json("GET", f"/api/import-jobs/{job['id']}/")
        assert status == 200
        if job["finished"]:
            break
        time.sleep(0.1)
    assert job["status"] == "done", job
    assert job["created_count"] == 2
    assert job["done"] == job["total_rows"]

    status, page = script.json(
        "GET", f"/api/activities/?program={s.program.pk}&organization={world.org_a.pk}"
    )
    assert status == 200
    listed = {a["title"]: a for a in page["results"]}
    assert set(listed) == {"Tuyên truyền Luật Quốc phòng", "Tuyên truyền tại trường học"}
    assert all(a["status"] == "draft" for a in listed.values())
    assert sorted(p["count"] for a in listed.values() for p in a["participants"]) == [25, 26]
    assert Activity.objects.filter(program=s.program).count() == 2


def test_the_script_is_told_what_is_wrong(world, live_server, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    s = factories.setup(world)
    pair = f"/api/excel/{s.program.pk}/{world.org_a.pk}"
    # Without a token: 401 in the error shape; a leader may not upload a focal point's work.
    status, body = Script(live_server.url, "sai").json("GET", f"{pair}/template/")
    assert status == 401
    assert set(body) == {"message", "extra"}
    leader = Script(live_server.url, Token.objects.create(user=world.user("leader")).key)
    status, body = leader.upload(f"{pair}/upload/", "bao-cao.xlsx", b"x")
    assert status == 403
    focal = Script(live_server.url, Token.objects.create(user=world.user("focal_a")).key)
    status, body = focal.upload(f"{pair}/upload/", "bao-cao.xlsx", b"not a workbook")
    assert status == 400
    assert body["extra"]["file"]
    assert not Activity.objects.exists()
    # A refused workbook: the job says why and the marked copy can be fetched.
    _status, _headers, template = focal.call("GET", f"{pair}/template/")
    wb = load_workbook(io.BytesIO(template))
    wb[workbook.ACTIVITIES].cell(row=2, column=3, value="Ngày sai")
    wb[workbook.ACTIVITIES].cell(row=2, column=4, value="99/99/2023")
    out = io.BytesIO()
    wb.save(out)
    status, job = focal.upload(f"{pair}/upload/", "bao-cao.xlsx", out.getvalue())
    assert status == 202
    status, job = focal.json("GET", f"/api/import-jobs/{job['id']}/")
    assert job["status"] == "refused"
    assert job["error_count"] >= 1
    assert job["has_marked_file"]
    status, _headers, marked = focal.call("GET", f"/api/import-jobs/{job['id']}/marked/")
    assert status == 200
    assert marked.startswith(b"PK")
    assert not Activity.objects.exists()
