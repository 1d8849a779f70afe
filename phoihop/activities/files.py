"""What an uploaded file really is, judged by its bytes, never by its name.

Photos are decoded and re-encoded (orientation applied, at most 1,600 px, no EXIF);
documents are accepted as PDF, .docx or .xlsx by their signatures. Anything else —
HTML or SVG renamed .jpg included — is refused: stored files are named by the server
with the extension of what they are, so nothing uploaded can be served as a page.
"""

from __future__ import annotations

import io
import warnings
import zipfile
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from phoihop.activities.choices import AttachmentKind

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_PHOTO_SIDE = 1600
MAX_PHOTO_PIXELS = 50_000_000  # larger claims are refused before decoding (decompression bombs)
PHOTO_FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"})
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)

_OFFICE = {
    "word/document.xml": (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xl/workbook.xml": (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
}


@dataclass(frozen=True)
class Sniffed:
    kind: str
    extension: str
    content_type: str
    data: bytes  # what to store: the re-encoded photo, or the document as uploaded


def _open(data: bytes) -> Image.Image | None:
    try:
        with warnings.catch_warnings():
            # Pillow only warns between its own limits; here every bomb is refused.
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            return Image.open(io.BytesIO(data))
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The photo has too many pixels."), code="too_large") from exc
    except _UNREADABLE:
        return None


def _reencode(data: bytes) -> tuple[bytes, bool]:
    """The photo upright, within 1,600 px, without any metadata; PNG when transparent."""
    with Image.open(io.BytesIO(data)) as original:
        original.seek(0)
        original.load()
        upright = ImageOps.exif_transpose(original)
        has_alpha = upright.mode in ("RGBA", "LA", "PA") or (
            upright.mode == "P" and "transparency" in upright.info
        )
        clean = upright.convert("RGBA" if has_alpha else "RGB")
    clean.thumbnail((MAX_PHOTO_SIDE, MAX_PHOTO_SIDE), Image.Resampling.LANCZOS)
    # Phones write GPS positions into EXIF, and military sites must not leak through a
    # photo: start from empty metadata so nothing of the original is written back.
    clean.info = {}
    out = io.BytesIO()
    if has_alpha:
        clean.save(out, format="PNG", optimize=True)
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True)
    return out.getvalue(), has_alpha


def photo(data: bytes) -> Sniffed | None:
    probe = _open(data)
    if probe is None:
        return None
    try:
        with probe:
            if probe.format not in PHOTO_FORMATS:
                return None
            width, height = probe.size
            if width * height > MAX_PHOTO_PIXELS:
                raise ValidationError(
                    _("The photo is too large ({width} × {height} px).").format(
                        width=width, height=height
                    ),
                    code="too_large",
                )
            probe.verify()
        encoded, transparent = _reencode(data)
    except _UNREADABLE:
        return None
    if transparent:
        return Sniffed(AttachmentKind.PHOTO, "png", "image/png", encoded)
    return Sniffed(AttachmentKind.PHOTO, "jpg", "image/jpeg", encoded)


def document(data: bytes) -> Sniffed | None:
    if data.startswith(b"%PDF-"):
        return Sniffed(AttachmentKind.DOCUMENT, "pdf", "application/pdf", data)
    if not data.startswith(b"PK\x03\x04"):
        return None
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError):
        return None
    if "[Content_Types].xml" not in names:
        return None
    if any(name.endswith("vbaProject.bin") for name in names):
        raise ValidationError(
            _("Documents with macros are not accepted; save it as .docx or .xlsx without macros."),
            code="macros",
        )
    for marker, (extension, content_type) in _OFFICE.items():
        if marker in names:
            return Sniffed(AttachmentKind.DOCUMENT, extension, content_type, data)
    return None


def sniff(data: bytes) -> Sniffed:
    """What the bytes are, whatever the file's name says; refused if not allowed."""
    found = document(data) or photo(data)
    if found is None:
        raise ValidationError(
            _(
                "Only photos (JPEG, PNG, WebP, GIF, BMP, TIFF) and PDF, Word (.docx) or Excel "
                "(.xlsx) documents can be attached; this file is none of these."
            ),
            code="file_type",
        )
    return found
