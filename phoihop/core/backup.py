"""Backups: the database and the uploaded files in one archive, with checksums.

`create_backup(path)` writes a gzip'd tar holding

- `manifest.json`: format, time, database engine, Django's applied migrations, and the
  SHA-256 and size of every other member;
- `database.sqlite3` (SQLite's online backup API: a consistent copy while the site
  runs) or `database.pgdump` (`pg_dump --format=custom`, one consistent snapshot);
- `media/...`: every file under MEDIA_ROOT.

`restore_backup(path)` checks every checksum first and refuses the whole archive on any
mismatch, missing or unexpected member, before anything is changed. It then replaces
the database in one transaction (SQLite's backup API into the live database;
`pg_restore --single-transaction` for PostgreSQL) and swaps the media folder in with two
renames. `table_checksums()` and `media_checksums()` describe the current state, so a
round trip can be compared.

The archive is written beside its final name and renamed into place, so a backup that
fails half-way leaves no file that looks complete.
"""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections
from django.utils.translation import gettext as _

FORMAT = "phoihop-backup/1"
MANIFEST = "manifest.json"
SQLITE_MEMBER = "database.sqlite3"
PG_MEMBER = "database.pgdump"
MEDIA_PREFIX = "media/"
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message says why, for a person."""


@dataclass(frozen=True)
class BackupResult:
    path: Path
    manifest: dict[str, Any]


def _sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _sha256_stream(handle: Any) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    while chunk := handle.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


def _engine(alias: str) -> str:
    vendor = connections[alias].vendor
    if vendor not in ("sqlite", "postgresql"):
        raise BackupError(
            _("Backups support SQLite and PostgreSQL only; this database is {vendor}.").format(
                vendor=vendor
            )
        )
    return vendor


def _pg_env(alias: str) -> tuple[list[str], dict[str, str]]:
    """Connection arguments for pg_dump / pg_restore, the password in the environment."""
    conf = connections[alias].settings_dict
    args = []
    if conf.get("HOST"):
        args += ["--host", str(conf["HOST"])]
    if conf.get("PORT"):
        args += ["--port", str(conf["PORT"])]
    if conf.get("USER"):
        args += ["--username", str(conf["USER"])]
    env = {**os.environ}
    if conf.get("PASSWORD"):
        env["PGPASSWORD"] = str(conf["PASSWORD"])
    return [*args, "--dbname", str(conf["NAME"])], env


def _run(cmd: list[str], env: dict[str, str], what: str) -> None:
    try:
        result = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    except FileNotFoundError as exc:
        raise BackupError(
            _("{program} is not installed (Debian package postgresql-client).").format(
                program=cmd[0]
            )
        ) from exc
    if result.returncode != 0:
        raise BackupError(
            _("{what} failed: {error}").format(what=what, error=result.stderr.strip()[-2000:])
        )


def _dump_database(alias: str, engine: str, workdir: Path) -> Path:
    if engine == "sqlite":
        target = workdir / SQLITE_MEMBER
        connection = connections[alias]
        connection.ensure_connection()
        raw = connection.connection
        dest = sqlite3.connect(target)
        try:
            # One step (pages=-1): the copy is one consistent state of the database.
            raw.backup(dest, pages=-1)
        finally:
            dest.close()
        return target
    target = workdir / PG_MEMBER
    args, env = _pg_env(alias)
    _run(
        [
            "pg_dump",
            "--format=custom",
            "--no-owner",
            "--no-privileges",
            *("--file", str(target)),
            *args,
        ],
        env,
        "pg_dump",
    )
    return target


def _applied_migrations(alias: str) -> list[list[str]]:
    from django.db.migrations.recorder import MigrationRecorder

    recorder = MigrationRecorder(connections[alias])
    return sorted([app, name] for app, name in recorder.applied_migrations())


def _media_files(media_root: Path) -> list[Path]:
    if not media_root.exists():
        return []
    return sorted(p for p in media_root.rglob("*") if p.is_file() and not p.is_symlink())


def create_backup(path: str | os.PathLike[str], *, alias: str = DEFAULT_DB_ALIAS) -> BackupResult:
    """Write a backup of the database and the media files to `path` (a .tar.gz)."""
    target = Path(path)
    if target.is_dir():
        stamp = datetime.datetime.now(tz=datetime.UTC).strftime("%Y%m%d-%H%M%S")
        target = target / f"phoihop-{stamp}.tar.gz"
    target.parent.mkdir(parents=True, exist_ok=True)
    engine = _engine(alias)
    media_root = Path(settings.MEDIA_ROOT)
    with tempfile.TemporaryDirectory(dir=target.parent, prefix=".phoihop-backup-") as tmp:
        workdir = Path(tmp)
        dump = _dump_database(alias, engine, workdir)
        members: dict[str, dict[str, Any]] = {
            dump.name: {"sha256": _sha256_file(dump), "size": dump.stat().st_size}
        }
        media = _media_files(media_root)
        for file in media:
            name = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
            members[name] = {"sha256": _sha256_file(file), "size": file.stat().st_size}
        manifest = {
            "format": FORMAT,
            "created_at": datetime.datetime.now(tz=datetime.UTC).isoformat(),
            "engine": engine,
            "migrations": _applied_migrations(alias),
            "files": members,
        }
        partial = workdir / "archive.tar.gz"
        with tarfile.open(partial, "w:gz") as archive:
            data = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size = len(data)
            info.mode = 0o600
            archive.addfile(info, io.BytesIO(data))
            archive.add(dump, arcname=dump.name, recursive=False)
            for file in media:
                name = MEDIA_PREFIX + file.relative_to(media_root).as_posix()
                archive.add(file, arcname=name, recursive=False)
        partial.chmod(0o600)
        os.replace(partial, target)
    return BackupResult(path=target, manifest=manifest)


def _safe_name(name: str) -> bool:
    pure = PurePosixPath(name)
    return not pure.is_absolute() and ".." not in pure.parts and name == pure.as_posix()


def verify_backup(path: str | os.PathLike[str]) -> dict[str, Any]:
    """The manifest, once every member's checksum and size match; else BackupError."""
    source = Path(path)
    if not source.is_file():
        raise BackupError(_("The backup file {path} does not exist.").format(path=source))
    try:
        with tarfile.open(source, "r:gz") as archive:
            try:
                handle = archive.extractfile(MANIFEST)
            except KeyError:
                handle = None
            if handle is None:
                raise BackupError(
                    _("{path} is not a PhốiHợp backup: it has no manifest.").format(path=source)
                )
            manifest = json.loads(handle.read().decode())
            if manifest.get("format") != FORMAT:
                raise BackupError(
                    _("{path} is not a backup this version can read.").format(path=source)
                )
            expected: dict[str, dict[str, Any]] = manifest["files"]
            seen: set[str] = set()
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if not member.isfile() or not _safe_name(member.name):
                    raise BackupError(
                        _(
                            "The backup holds an entry it should not ({name}); "
                            "nothing was restored."
                        ).format(name=member.name)
                    )
                if member.name not in expected:
                    raise BackupError(
                        _(
                            "The backup holds a file its manifest does not list ({name}); "
                            "nothing was restored."
                        ).format(name=member.name)
                    )
                stream = archive.extractfile(member)
                digest, size = _sha256_stream(stream)
                want = expected[member.name]
                if digest != want["sha256"] or size != want["size"]:
                    raise BackupError(
                        _(
                            "The backup is damaged: the checksum of {name} does not match its "
                            "manifest. Nothing was restored; use another backup."
                        ).format(name=member.name)
                    )
                seen.add(member.name)
    except (tarfile.TarError, OSError, EOFError, ValueError, KeyError) as exc:
        if isinstance(exc, BackupError):
            raise
        raise BackupError(
            _("The backup {path} cannot be read ({error}). Nothing was restored.").format(
                path=source, error=exc
            )
        ) from exc
    missing = sorted(set(expected) - seen)
    if missing:
        raise BackupError(
            _(
                "The backup is incomplete: {names} listed in its manifest are missing. "
                "Nothing was restored."
            ).format(names=", ".join(missing[:5]))
        )
    return manifest


def _restore_database(alias: str, engine: str, dump: Path) -> None:
    connection = connections[alias]
    if engine == "sqlite":
        connection.close()
        connection.ensure_connection()
        source = sqlite3.connect(dump)
        try:
            # Copies every page into the live database in one write transaction:
            # other connections see the old database or the new one, nothing between.
            source.backup(connection.connection, pages=-1)
        finally:
            source.close()
        connection.close()
        return
    args, env = _pg_env(alias)
    connection.close()
    _run(
        [
            "pg_restore",
            "--clean",
            "--if-exists",
            "--no-owner",
            "--no-privileges",
            "--single-transaction",
            "--exit-on-error",
            *args,
            str(dump),
        ],
        env,
        "pg_restore",
    )


def restore_backup(
    path: str | os.PathLike[str], *, alias: str = DEFAULT_DB_ALIAS
) -> dict[str, Any]:
    """Replace the database and the media files with the backup's, once it is verified."""
    manifest = verify_backup(path)
    engine = _engine(alias)
    if manifest["engine"] != engine:
        raise BackupError(
            _(
                "This backup is of a {backup} database and cannot be restored into {current}. "
                "Nothing was restored."
            ).format(backup=manifest["engine"], current=engine)
        )
    media_root = Path(settings.MEDIA_ROOT)
    media_root.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(dir=media_root.parent, prefix=".phoihop-restore-") as tmp:
        staging = Path(tmp)
        new_media = staging / "media"
        new_media.mkdir()
        dump = staging / (SQLITE_MEMBER if engine == "sqlite" else PG_MEMBER)
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if member.name == MANIFEST:
                    continue
                if member.name.startswith(MEDIA_PREFIX):
                    out = new_media / member.name[len(MEDIA_PREFIX) :]
                else:
                    out = dump
                out.parent.mkdir(parents=True, exist_ok=True)
                stream = archive.extractfile(member)
                if stream is None:  # pragma: no cover - verified as a file above
                    continue
                with out.open("wb") as handle:
                    shutil.copyfileobj(stream, handle, CHUNK)
        # Checked again after extraction: what is restored is what was verified.
        for name, want in manifest["files"].items():
            extracted = (
                dump if not name.startswith(MEDIA_PREFIX) else new_media / name[len(MEDIA_PREFIX) :]
            )
            if _sha256_file(extracted) != want["sha256"]:
                raise BackupError(
                    _(
                        "The backup is damaged: the checksum of {name} does not match its "
                        "manifest. Nothing was restored; use another backup."
                    ).format(name=name)
                )
        _restore_database(alias, engine, dump)
        # The database is in; now the media folder, swapped with two renames.
        old = staging / "old-media"
        if media_root.exists():
            os.replace(media_root, old)
        os.replace(new_media, media_root)
    return manifest


def table_checksums(*, alias: str = DEFAULT_DB_ALIAS) -> dict[str, str]:
    """Table name -> SHA-256 of its rows (sorted), for comparing two states."""
    connection = connections[alias]
    result = {}
    with connection.cursor() as cursor:
        for table in sorted(connection.introspection.table_names(cursor)):
            cursor.execute(f"SELECT * FROM {connection.ops.quote_name(table)}")  # noqa: S608
            rows = sorted(repr(tuple(row)) for row in cursor.fetchall())
            digest = hashlib.sha256()
            for row in rows:
                digest.update(row.encode())
                digest.update(b"\n")
            result[table] = f"{len(rows)}:{digest.hexdigest()}"
    return result


def media_checksums(media_root: str | os.PathLike[str] | None = None) -> dict[str, str]:
    root = Path(media_root or settings.MEDIA_ROOT)
    return {p.relative_to(root).as_posix(): _sha256_file(p) for p in _media_files(root)}
