"""Checks of an uploaded workbook before anything reads it as a spreadsheet.

A file is refused, with a message saying what to do, when it is not an .xlsx by name,
too big, not a zip archive (a renamed file), encrypted, carries macros, or would expand
to far more than a real workbook does (a zip bomb). Then the structure: the expected
sheets, no hidden sheet or hidden row except in the lookup sheet, no merged cells."""

from __future__ import annotations

import re
import zipfile
from typing import IO, Any
from xml.etree import ElementTree as ET

from django.utils.translation import gettext as _

from phoihop.exports.workbook import DATA_SHEETS, LOOKUP

MAX_UPLOAD_BYTES = 25 * 1024 * 1024
MAX_UNCOMPRESSED_BYTES = 400 * 1024 * 1024
MAX_RATIO = 120  # real sheets compress about 5-30 times
MAX_MEMBERS = 500
MAX_ROWS = 100_000

NS_MAIN = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"
NS_REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}"
NS_PKG_REL = "{http://schemas.openxmlformats.org/package/2006/relationships}"


class FileRefused(Exception):  # noqa: N818 - a refusal, not a bug
    """The whole file is refused; `message` says why and what to do."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def check_name_and_size(name: str, size: int) -> None:
    if not name.lower().endswith(".xlsx"):
        raise FileRefused(
            _(
                "“{name}” is not an Excel workbook (.xlsx). Download the template, fill it in "
                "and upload it as .xlsx (not .xls, .csv or .ods)."
            ).format(name=name)
        )
    if size > MAX_UPLOAD_BYTES:
        raise FileRefused(
            _("The file is {size} MB; at most {limit} MB may be uploaded. Split it.").format(
                size=round(size / 1024 / 1024, 1), limit=MAX_UPLOAD_BYTES // 1024 // 1024
            )
        )
    if size == 0:
        raise FileRefused(_("The file is empty."))


def check_archive(fileobj: IO[bytes]) -> None:
    """The container: a zip of reasonable size, without macros or encryption."""
    fileobj.seek(0)
    not_excel = _(
        "The file is not an Excel workbook, even though its name ends in .xlsx (was another "
        "file renamed?). Open it in Excel and save it as “Excel Workbook (.xlsx)”."
    )
    if not zipfile.is_zipfile(fileobj):
        raise FileRefused(not_excel)
    fileobj.seek(0)
    try:
        with zipfile.ZipFile(fileobj) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise FileRefused(not_excel)
            if len(members) > MAX_MEMBERS:
                raise FileRefused(_("The workbook has too many parts to be a data sheet."))
            if any(m.flag_bits & 0x1 for m in members):
                raise FileRefused(_("The workbook is password-protected; remove the password."))
            if any(name.lower().endswith("vbaproject.bin") for name in names):
                raise FileRefused(_("The workbook contains macros; save it as a plain .xlsx."))
            total = sum(m.file_size for m in members)
            too_dense = any(
                m.file_size > 1024 * 1024 and m.file_size > MAX_RATIO * max(m.compress_size, 1)
                for m in members
            )
            if total > MAX_UNCOMPRESSED_BYTES or too_dense:
                raise FileRefused(
                    _(
                        "The workbook would expand to far more data than a report sheet holds "
                        "(a compressed “zip bomb”?). It was not opened; upload the template "
                        "filled in with your data."
                    )
                )
    except zipfile.BadZipFile as exc:
        raise FileRefused(not_excel) from exc
    finally:
        fileobj.seek(0)


_ROW_HIDDEN = re.compile(rb'<(?:\w+:)?row\b[^>]*?\bhidden="(?:1|true)"[^>]*>')
_ROW_NUMBER = re.compile(rb'\br="(\d+)"')
_MERGE = re.compile(rb'<(?:\w+:)?mergeCell\b[^>]*?\bref="([A-Z]+\d+:[A-Z]+\d+)"')
_CHUNK = 1024 * 1024


def _sheet_paths(archive: zipfile.ZipFile) -> dict[str, tuple[str, str]]:
    """Sheet name -> (path in the archive, state)."""
    book = ET.fromstring(archive.read("xl/workbook.xml"))  # noqa: S314 - size-checked
    rels = ET.fromstring(archive.read("xl/_rels/workbook.xml.rels"))  # noqa: S314
    targets = {r.get("Id"): r.get("Target", "") for r in rels.iter(f"{NS_PKG_REL}Relationship")}
    out = {}
    for sheet in book.iter(f"{NS_MAIN}sheet"):
        target = targets.get(sheet.get(f"{NS_REL}id"), "")
        path = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        out[sheet.get("name", "")] = (path, sheet.get("state", "visible"))
    return out


def _scan(archive: zipfile.ZipFile, path: str) -> tuple[list[int], list[str]]:
    """Hidden row numbers and merged ranges of one sheet, read in chunks."""
    hidden: list[int] = []
    merged: list[str] = []
    tail = b""
    with archive.open(path) as stream:
        while True:
            chunk = stream.read(_CHUNK)
            if not chunk:
                break
            buffer = tail + chunk
            # Matches ending in the last 512 bytes are left for the next round.
            limit = max(len(buffer) - 512, 0) if len(chunk) == _CHUNK else len(buffer)
            for match in _ROW_HIDDEN.finditer(buffer):
                if match.end() <= limit:
                    number = _ROW_NUMBER.search(match.group(0))
                    hidden.append(int(number.group(1)) if number else 0)
            merged.extend(m.group(1).decode() for m in _MERGE.finditer(buffer) if m.end() <= limit)
            tail = buffer[limit:]
    return hidden, merged


def check_structure(fileobj: IO[bytes]) -> None:
    """Sheets present, none hidden but the lookup sheet, no hidden rows, no merged cells."""
    fileobj.seek(0)
    problems: list[str] = []
    try:
        with zipfile.ZipFile(fileobj) as archive:
            sheets = _sheet_paths(archive)
            missing = [name for name in DATA_SHEETS if name not in sheets]
            if missing:
                raise FileRefused(
                    _(
                        "The workbook has no sheet named {names}. Use the template downloaded "
                        "from the application, without renaming its sheets."
                    ).format(names=", ".join(f"“{n}”" for n in missing))
                )
            for name, (path, state) in sheets.items():
                if name == LOOKUP:
                    continue
                if state != "visible":
                    problems.append(
                        _("Sheet “{sheet}” is hidden; unhide it or delete it.").format(sheet=name)
                    )
                if path not in archive.namelist():
                    continue
                hidden, merged = _scan(archive, path)
                if hidden:
                    shown = ", ".join(str(n) for n in hidden[:20])
                    problems.append(
                        _(
                            "Sheet “{sheet}”: rows {rows} are hidden. Unhide them (their data "
                            "would be imported unseen) or delete them."
                        ).format(sheet=name, rows=shown + ("…" if len(hidden) > 20 else ""))
                    )
                if merged:
                    problems.append(
                        _(
                            "Sheet “{sheet}”: cells {ranges} are merged. Unmerge them and put "
                            "each value in its own cell."
                        ).format(sheet=name, ranges=", ".join(merged[:20]))
                    )
    except (KeyError, ET.ParseError, zipfile.BadZipFile) as exc:
        raise FileRefused(
            _("The workbook is damaged and cannot be read; save it again from Excel.")
        ) from exc
    finally:
        fileobj.seek(0)
    if problems:
        raise FileRefused(" ".join(problems))


def check_all(name: str, fileobj: Any, size: int) -> None:
    check_name_and_size(name, size)
    check_archive(fileobj)
    check_structure(fileobj)
