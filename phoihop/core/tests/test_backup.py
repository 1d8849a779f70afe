"""`phoihop backup` and `phoihop restore`: a round trip is identical by checksum, on
whichever database the leg runs (SQLite or PostgreSQL); a damaged archive changes nothing.
"""

from __future__ import annotations

import io
import json
import tarfile
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from phoihop.core.backup import media_checksums, table_checksums, verify_backup
from phoihop.core.models import Abbreviation, User

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def media(settings, tmp_path):
    root = tmp_path / "media"
    (root / "activities" / "2023").mkdir(parents=True)
    (root / "activities" / "2023" / "ảnh-hiến-máu.jpg").write_bytes(
        b"\xff\xd8\xff" + bytes(range(256)) * 40
    )
    (root / "news" / "bài viết").mkdir(parents=True)
    (root / "news" / "bài viết" / "tin.txt").write_text("Hội nghị sơ kết", encoding="utf-8")
    settings.MEDIA_ROOT = root
    return root


def _some_data(world):
    Abbreviation.objects.create(short="PHHĐ", expansion="Phối hợp hoạt động", folded="x")
    Abbreviation.objects.create(short="CTĐ", expansion="Chữ thập đỏ", folded="y")


def test_round_trip_is_identical_by_checksum(world, media, tmp_path):
    _some_data(world)
    tables, files = table_checksums(), media_checksums()
    assert len(files) == 2
    archive = tmp_path / "out" / "backup.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert archive.exists()

    # Change everything a backup should bring back: rows, a file, a new file.
    Abbreviation.objects.filter(short="CTĐ").delete()
    Abbreviation.objects.create(short="HND", expansion="Hội Nông dân", folded="z")
    User.objects.filter(username="focal_a").update(first_name="đã sửa")
    (media / "news" / "bài viết" / "tin.txt").write_text("sửa", encoding="utf-8")
    (media / "extra.bin").write_bytes(b"new")
    assert table_checksums() != tables
    assert media_checksums() != files

    call_command("restore", str(archive), stdout=io.StringIO())
    assert table_checksums() == tables
    assert media_checksums() == files
    assert set(Abbreviation.objects.values_list("short", flat=True)) == {"PHHĐ", "CTĐ"}


def test_backup_into_a_folder_names_the_file(world, media, tmp_path):
    call_command("backup", str(tmp_path), stdout=io.StringIO())
    made = list(tmp_path.glob("phoihop-*.tar.gz"))
    assert len(made) == 1
    manifest = verify_backup(made[0])
    assert set(manifest["files"]) >= {
        "media/activities/2023/ảnh-hiến-máu.jpg",
        "media/news/bài viết/tin.txt",
    }
    assert ["core", "0001_initial"] in manifest["migrations"]


def _tamper(source: Path, target: Path, name: str, data: bytes | None) -> None:
    """Copy the archive, replacing (or, with data None, dropping) one member."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            content = old.extractfile(member).read()
            if member.name == name:
                if data is None:
                    continue
                content = data
            info = tarfile.TarInfo(member.name)
            info.size = len(content)
            new.addfile(info, io.BytesIO(content))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ("altered", "không khớp"),
        ("missing", "thiếu"),
    ],
)
def test_damaged_archive_is_refused_and_nothing_changes(world, media, tmp_path, change, message):
    _some_data(world)
    archive = tmp_path / "good.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    bad = tmp_path / "bad.tar.gz"
    data = b"tampered" if change == "altered" else None
    _tamper(archive, bad, "media/news/bài viết/tin.txt", data)

    Abbreviation.objects.create(short="HND", expansion="Hội Nông dân", folded="z")
    tables, files = table_checksums(), media_checksums()
    with translation.override("vi"), pytest.raises(CommandError) as refused:
        call_command("restore", str(bad), stdout=io.StringIO())
    assert message in str(refused.value)
    assert "Chưa khôi phục" in str(refused.value)
    assert table_checksums() == tables
    assert media_checksums() == files


def test_extra_member_or_path_escape_is_refused(world, media, tmp_path):
    archive = tmp_path / "good.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    bad = tmp_path / "bad.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(bad, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        info = tarfile.TarInfo("media/../../evil.txt")
        info.size = 4
        new.addfile(info, io.BytesIO(b"evil"))
    with pytest.raises(CommandError):
        call_command("restore", str(bad), stdout=io.StringIO())
    assert not (tmp_path / "evil.txt").exists()


def test_check_only_verifies(world, media, tmp_path):
    archive = tmp_path / "b.tar.gz"
    call_command("backup", str(archive), stdout=io.StringIO())
    Abbreviation.objects.create(short="HND", expansion="Hội Nông dân", folded="z")
    tables = table_checksums()
    out = io.StringIO()
    call_command("restore", str(archive), "--check", stdout=out)
    assert table_checksums() == tables
    assert out.getvalue()


def test_not_a_backup(tmp_path):
    junk = tmp_path / "junk.tar.gz"
    with tarfile.open(junk, "w:gz") as archive:
        data = json.dumps({"hello": 1}).encode()
        info = tarfile.TarInfo("other.json")
        info.size = len(data)
        archive.addfile(info, io.BytesIO(data))
    with pytest.raises(CommandError):
        call_command("restore", str(junk), stdout=io.StringIO())
    (tmp_path / "plain.tar.gz").write_bytes(b"not gzip at all")
    with pytest.raises(CommandError):
        call_command("restore", str(tmp_path / "plain.tar.gz"), stdout=io.StringIO())
