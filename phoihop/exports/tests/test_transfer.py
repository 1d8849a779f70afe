"""A committee's programs moved as JSON: export → import → export is the same document."""

from __future__ import annotations

import datetime
import io
import json
import zipfile
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from phoihop.activities import services
from phoihop.activities.models import Activity, Attachment, Credit, NilReport
from phoihop.activities.tests import factories
from phoihop.core.models import User
from phoihop.exports import transfer
from phoihop.figures import selectors as figures
from phoihop.figures.models import FigureCell
from phoihop.orgs.models import Person
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
)
from phoihop.reviews import selectors as review_selectors
from phoihop.reviews import services as review_services
from phoihop.reviews.models import (
    CarriedItem,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)
from phoihop.search.models import SearchEntry

pytestmark = pytest.mark.django_db


def _rich(s):
    world = s.world
    party = ProgramParty(
        program=s.program, organization=world.org_a, order=1, name_as_signed="Bộ CHQS"
    )
    party.full_clean()
    party.save()
    signature = Signature(
        party=party,
        signer_name="Nguyễn Văn Thử",
        signer_title="Chỉ huy trưởng",
        signed_at=datetime.datetime(2023, 1, 10, 2, 30, tzinfo=datetime.UTC),
        recorded_by=world.user("admin"),
    )
    signature.full_clean()
    signature.save()
    Target.objects.create(indicator=s.sessions, organization=None, value=Decimal("120.50"))
    Target.objects.create(indicator=s.sessions, organization=world.org_b, value=Decimal(40))
    nxt = factories.program(world, year=2024, status="draft")
    nxt.previous = s.program
    nxt.save()
    content = factories.content(nxt, lead=world.org_b, co=(world.org_a,), groups=(s.people,))
    content.lineage = s.content
    content.save()
    indicator = factories.indicator(content, name="Buổi tuyên truyền")
    indicator.lineage = s.sessions
    indicator.save()


def test_export_import_export_is_exact(s):
    _rich(s)
    world = s.world
    admin = world.user("admin")
    first = transfer.export_programs(actor=admin, committee=world.committee)
    assert len(first["programs"]) == 2
    programs = transfer.import_programs(
        actor=admin, committee=world.other_committee, data=json.loads(json.dumps(first))
    )
    assert len(programs) == 2
    second = transfer.export_programs(actor=admin, committee=world.other_committee)
    first.pop("committee")
    second.pop("committee")
    assert second == first
    moved = Program.objects.get(committee=world.other_committee, year=2024)
    assert moved.previous.committee == world.other_committee
    assert Indicator.objects.get(content__program=moved).lineage.content.program.year == 2023


def test_import_is_all_or_nothing_and_checked(s):
    _rich(s)
    world = s.world
    admin = world.user("admin")
    data = transfer.export_programs(actor=admin, committee=world.committee)
    data["programs"][1]["contents"][0]["indicators"][0]["aggregation"] = "average"
    before = Program.all_objects.count()
    with pytest.raises(ValidationError):
        transfer.import_programs(actor=admin, committee=world.other_committee, data=data)
    assert Program.all_objects.count() == before
    with pytest.raises(ValidationError):
        transfer.import_programs(
            actor=admin,
            committee=world.committee,
            data=transfer.export_programs(actor=admin, committee=world.committee),
        )
    with pytest.raises(PermissionDenied):
        transfer.import_programs(actor=world.user("focal_a"), committee=world.committee, data=data)


def test_download_and_upload_pages(s, client_for):
    _rich(s)
    world = s.world
    url = reverse("exports:committee_programs", args=[world.committee.pk])
    response = client_for("secretariat").get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/zip"
    content = b"".join(response.streaming_content)
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert json.loads(archive.read(transfer.DOCUMENT_NAME))["format"] == transfer.FORMAT
    assert client_for("focal_a").get(url).status_code == 403
    assert client_for("other_secretariat").get(url).status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client_for("other_secretariat").post(
        reverse("exports:committee_programs_import", args=[world.other_committee.pk]),
        {"file": SimpleUploadedFile("p.zip", content)},
    )
    assert upload.status_code == 302
    assert Program.objects.filter(committee=world.other_committee).count() == 2


# -- reports, files, practices: the whole committee to an empty installation ---------------


def _reported(s):
    """Reports in every state, with parts, credits, comments, a photo, a revision, a nil
    report and a good-practice model with an evaluation and a replication."""
    world = s.world
    focal_a, focal_b, secretariat = s.user("focal_a"), s.user("focal_b"), s.user("secretariat")
    draft = factories.report(s, co_organizations=[world.org_b])
    services.attachment_add(
        actor=focal_a,
        activity=draft,
        file=factories.upload("anh.jpg", factories.jpeg_with_exif((64, 48))),
        caption="Buổi tuyên truyền",
    )
    services.credit_confirm(
        actor=focal_b, credit=Credit.objects.get(activity=draft, organization=world.org_b)
    )
    services.activity_submit(actor=focal_a, activity=draft)
    approved = services.activity_approve(actor=secretariat, activity=draft)
    services.comment_add(actor=secretariat, activity=approved, text="Số liệu khớp biên bản.")
    revision = services.activity_revise(actor=focal_a, activity=approved)
    returned = factories.submitted(
        s,
        title="Tuyên truyền tại xã",
        start_date=datetime.date(2023, 5, 4),
        end_date=datetime.date(2023, 5, 4),
    )
    services.activity_return(actor=secretariat, activity=returned, reason="Thiếu ảnh")
    factories.approved(
        s,
        content=s.other_content,
        title="Xây nhà đại đoàn kết",
        participants={},
        values={s.other_indicator: Decimal(2)},
        organization=world.org_b,
        actor=focal_b,
        start_date=datetime.date(2023, 6, 1),
        end_date=datetime.date(2023, 6, 2),
    )
    nil = NilReport(
        committee_id=world.committee.pk,
        program=s.program,
        organization=world.org_b,
        period_start=datetime.date(2023, 9, 1),
        period_end=datetime.date(2023, 9, 30),
        note="Không có hoạt động",
        created_by=focal_b,
    )
    nil.full_clean()
    nil.save()
    practice = Practice(
        committee=world.committee,
        owner=world.org_a,
        content=s.content,
        title="Hũ gạo tình thương",
        started_on=datetime.date(2023, 2, 1),
    )
    practice.full_clean()
    practice.save()
    practice.localities.set([world.commune])
    Evaluation.objects.create(
        practice=practice,
        evaluated_on=datetime.date(2023, 8, 1),
        evaluator="Phòng Chính trị",
        criteria="Hiệu quả, khả năng nhân rộng",
        score=Decimal("87.50"),
        recorded_by=secretariat,
    )
    Replication.objects.create(
        practice=practice,
        locality=world.commune,
        organization=world.org_b,
        since=datetime.date(2023, 7, 1),
        results="12 hộ",
    )
    return revision


def _reviewed(s):
    """A finalized year review of the program: sections, a direction carried into the
    next program, an approved commendation of a person, and its conference."""
    world = s.world
    secretariat = s.user("secretariat")
    review = review_services.review_create(
        actor=secretariat,
        program=s.program,
        kind="year",
        title="Báo cáo tổng kết năm 2023",
        period_start=datetime.date(2023, 1, 1),
        period_end=datetime.date(2023, 12, 31),
    )
    ReviewSection.objects.create(review=review, key="results", title="Kết quả", text="Tốt.")
    direction = Direction.objects.create(review=review, text="Mở rộng mô hình", order=1)
    person = Person(committee=world.committee, full_name="Trần Thị Hoa", organization=world.org_b)
    person.full_clean()
    person.save()
    commendation = review_services.commendation_propose(
        actor=secretariat,
        review=review,
        recipient_kind="individual",
        form="certificate",
        issuer="Bộ CHQS tỉnh",
        reason="Thành tích xuất sắc",
        person=person,
    )
    review_services.commendation_approve(actor=secretariat, commendation=commendation)
    conference = ReviewConference.objects.create(
        review=review, date=datetime.date(2023, 12, 28), place="Hội trường", chair=person
    )
    nxt = Program.objects.get(committee=world.committee, year=2024)
    conference.programs_signed.set([nxt])
    CarriedItem.objects.create(
        review=review, program=nxt, direction=direction, content=nxt.contents.first()
    )
    return review_services.review_finalize(actor=secretariat, review=review)


def _without_ids(value):
    if isinstance(value, dict):
        return {k: _without_ids(v) for k, v in value.items() if k != "id" and not k.endswith("_id")}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _figures(program):
    """What the figures say, by names rather than ids."""
    total = figures.program_figures(program).total
    lines = [
        (line.content_title, line.indicator.name, line.indicator.target, line.indicator.result)
        for line in figures.indicator_summary(program)
    ]
    by_content = sorted(
        (row.labels, row.measures.activities, row.measures.participants, row.measures.funding)
        for row in figures.program_figures(program, by=("content",)).rows
    )
    return total.activities, total.participants, total.funding, lines, by_content


def _wipe(committee):
    """The committee's programs and everything under them, gone as from a new database
    (organizations, accounts and the people directory stay: the import finds them)."""
    ReviewPeriod.objects.filter(committee=committee).delete()
    activities = Activity.all_objects.filter(committee=committee)
    activities.update(revision_of=None)
    activities.delete()
    NilReport.objects.filter(committee=committee).delete()
    Practice.all_objects.filter(committee=committee).delete()
    programs = Program.all_objects.filter(committee=committee)
    programs.update(previous=None)
    ProgramContent.objects.filter(program__committee=committee).update(lineage=None)
    Indicator.objects.filter(content__program__committee=committee).update(lineage=None)
    Target.objects.filter(indicator__content__program__committee=committee).delete()
    Indicator.objects.filter(content__program__committee=committee).delete()
    ProgramContent.objects.filter(program__committee=committee).delete()
    Signature.objects.filter(party__program__committee=committee).delete()
    ProgramParty.objects.filter(program__committee=committee).delete()
    programs.delete()


def test_reports_files_and_practices_round_trip_exactly(s, django_capture_on_commit_callbacks):
    _rich(s)
    _reported(s)
    frozen = _reviewed(s).snapshot
    world = s.world
    admin = world.user("admin")
    archive = transfer.export_archive(actor=admin, committee=world.committee)
    first = transfer.export_programs(actor=admin, committee=world.committee)
    assert [r["status"] for r in first["reviews"]] == ["finalized"]
    program = first["programs"][0]
    statuses = sorted(r["status"] for r in program["reports"])
    assert statuses == ["approved", "approved", "draft", "returned"]
    assert len(program["nil_reports"]) == 1
    assert len(first["practices"]) == 1
    before = _figures(s.program)
    assert before[0] == 2  # two approved reports counted

    _wipe(world.committee)
    with django_capture_on_commit_callbacks(execute=True):
        programs = transfer.import_file(
            actor=admin, committee=world.committee, upload=io.BytesIO(archive)
        )
    second = transfer.export_programs(actor=admin, committee=world.committee)
    assert second == first
    again = transfer.export_archive(actor=admin, committee=world.committee)
    with zipfile.ZipFile(io.BytesIO(archive)) as a, zipfile.ZipFile(io.BytesIO(again)) as b:
        assert sorted(a.namelist()) == sorted(b.namelist())
        for name in a.namelist():
            if name.startswith(transfer.FILES_DIR):
                assert a.read(name) == b.read(name)

    moved = programs[0]
    assert _figures(moved) == before
    assert FigureCell.objects.filter(program=moved).exists()  # rollups were told
    revision = Activity.objects.get(program=moved, status="draft")
    assert revision.revision_of.status == "approved"
    assert revision.revision_of.attachments.get().file.name == revision.attachments.get().file.name
    assert (
        SearchEntry.objects.filter(
            kind="activity", object_id__in=Activity.objects.filter(program=moved).values("pk")
        ).count()
        == 4
    )
    review = ReviewPeriod.objects.get(program=moved)
    assert review.carried.get().program.year == 2024
    assert review.conference.chair.full_name == "Trần Thị Hoa"
    # The frozen figures are read again from the imported reports: the same numbers.
    assert _without_ids(review.snapshot) == _without_ids(frozen)
    assert review_selectors.snapshot_intact(review)


def _archive_with(document, files=None):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr(transfer.DOCUMENT_NAME, json.dumps(document))
        for name, data in (files or {}).items():
            archive.writestr(name, data)
    out.seek(0)
    return out


def _counts():
    return (
        Program.all_objects.count(),
        Activity.all_objects.count(),
        Attachment.objects.count(),
        Practice.all_objects.count(),
    )


@pytest.mark.parametrize(
    ("spoil", "message"),
    [
        (
            lambda d, f: d["programs"][0]["reports"][0].update(locality=["vn", "commune", "99999"]),
            "99999",
        ),
        (
            lambda d, f: d["programs"][0]["reports"][1].update(
                uuid=d["programs"][0]["reports"][0]["uuid"]
            ),
            "hai lần",
        ),
        (lambda d, f: d.update(version=99), "phiên bản 99"),
        (lambda d, f: d.update(format="other"), "không phải"),
        (lambda d, f: f.update(dict.fromkeys(f, b"<svg/>")), ""),
        (lambda d, f: f.clear(), ".zip"),
        (lambda d, f: d["programs"][0]["reports"][0].update(created_by="nobody"), "nobody"),
    ],
)
def test_bad_transfers_are_refused_whole_with_a_message(s, spoil, message, settings):
    settings.LANGUAGE_CODE = "vi"
    _reported(s)
    world = s.world
    admin = world.user("admin")
    archive = transfer.export_archive(actor=admin, committee=world.committee)
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        document = json.loads(source.read(transfer.DOCUMENT_NAME))
        files = {n: source.read(n) for n in source.namelist() if n != transfer.DOCUMENT_NAME}
    _wipe(world.committee)
    spoil(document, files)
    before = _counts()
    stored = sorted(p.name for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file())
    with pytest.raises(ValidationError) as refused:
        transfer.import_file(
            actor=admin, committee=world.committee, upload=_archive_with(document, files)
        )
    assert message in " ".join(refused.value.messages)
    assert _counts() == before
    assert sorted(p.name for p in (settings.MEDIA_ROOT).rglob("*") if p.is_file()) == stored


def test_reports_already_here_and_files_not_ours_are_refused(s):
    _reported(s)
    admin = s.world.user("admin")
    archive = transfer.export_archive(actor=admin, committee=s.world.committee)
    with pytest.raises(ValidationError, match=r"already here|đã có"):
        transfer.import_file(
            actor=admin, committee=s.world.other_committee, upload=io.BytesIO(archive)
        )
    for junk in (b"PK\x03\x04 not really a zip", b"{not json", b"\x89PNG\r\n"):
        with pytest.raises(ValidationError):
            transfer.import_file(
                actor=admin, committee=s.world.other_committee, upload=io.BytesIO(junk)
            )
    with pytest.raises(ValidationError):
        transfer.import_file(
            actor=admin,
            committee=s.world.other_committee,
            upload=_archive_with({"anything": 1}),
        )
    assert not Program.all_objects.filter(committee=s.world.other_committee).exists()


def test_version_1_files_are_still_read(s):
    _rich(s)
    admin = s.world.user("admin")
    data = transfer.export_programs(actor=admin, committee=s.world.committee)
    old = {k: v for k, v in data.items() if k not in ("people", "practices")}
    old["version"] = 1
    for program in old["programs"]:
        del program["reports"], program["nil_reports"]
    upload = io.BytesIO(json.dumps(old).encode())
    programs = transfer.import_file(actor=admin, committee=s.world.other_committee, upload=upload)
    assert len(programs) == 2


def test_unknown_people_arrive_as_inactive_accounts(s):
    _reported(s)
    admin = s.world.user("admin")
    data = transfer.export_programs(actor=admin, committee=s.world.committee)
    archive = transfer.export_archive(actor=admin, committee=s.world.committee)
    with zipfile.ZipFile(io.BytesIO(archive)) as source:
        files = {n: source.read(n) for n in source.namelist() if n != transfer.DOCUMENT_NAME}
    _wipe(s.world.committee)
    focal = next(p for p in data["people"] if p["username"] == "focal_b")
    focal["username"] = "focal_b_tinh_khac"
    for program in data["programs"]:
        for report in program["reports"]:
            for key in ("created_by", "submitted_by", "decided_by"):
                if report[key] == "focal_b":
                    report[key] = "focal_b_tinh_khac"
            for credit in report["credits"]:
                if credit["confirmed_by"] == "focal_b":
                    credit["confirmed_by"] = "focal_b_tinh_khac"
        for nil in program["nil_reports"]:
            if nil["created_by"] == "focal_b":
                nil["created_by"] = "focal_b_tinh_khac"
    transfer.import_file(
        actor=admin, committee=s.world.committee, upload=_archive_with(data, files)
    )
    arrived = User.objects.get(username="focal_b_tinh_khac")
    assert not arrived.is_active
    assert not arrived.has_usable_password()
    # The same username on another person's account stops the import.
    _wipe(s.world.committee)
    User.objects.filter(pk=arrived.pk).update(email="nguoi.khac@example.vn")
    focal["email"] = "focal_b@example.vn"
    with pytest.raises(ValidationError, match="focal_b_tinh_khac"):
        transfer.import_file(
            actor=admin, committee=s.world.committee, upload=_archive_with(data, files)
        )


def test_an_attachment_missing_from_the_storage_stops_the_export(s, client_for, settings):
    settings.LANGUAGE_CODE = "vi"
    _reported(s)
    attachment = Attachment.objects.first()
    attachment.file.storage.delete(attachment.file.name)
    with pytest.raises(ValidationError, match=r"anh\.jpg"):
        transfer.export_archive(actor=s.user("admin"), committee=s.world.committee)
    page = client_for("secretariat").get(
        reverse("exports:committee_programs", args=[s.world.committee.pk])
    )
    assert page.status_code == 400
    assert "anh.jpg" in page.content.decode()
