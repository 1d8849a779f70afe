"""Article images are judged by their bytes and re-encoded: at most 1,600 px, no EXIF
(phones write GPS positions, and military sites must not leak through a photo), stored
under a server-made name with the extension of what they are. SVG, HTML and anything
Pillow cannot decode as a raster photo are refused.
"""

from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
MAX_SIDE = 1600
MAX_PIXELS = 50_000_000  # larger claims are refused before decoding (decompression bombs)
FORMATS = frozenset({"JPEG", "MPO", "PNG", "WEBP", "GIF", "BMP", "TIFF"})
_UNREADABLE = (UnidentifiedImageError, OSError, SyntaxError, ValueError, EOFError)


@dataclass(frozen=True)
class CleanImage:
    data: bytes
    extension: str
    width: int
    height: int


def _refuse() -> ValidationError:
    return ValidationError(
        _("Only photos in JPEG, PNG, WebP, GIF, BMP or TIFF can be added; this file is not one."),
        code="file_type",
    )


def reencode(data: bytes) -> CleanImage:
    """The photo upright, within MAX_SIDE, without metadata; PNG only when transparent."""
    if len(data) > MAX_UPLOAD_BYTES:
        raise ValidationError(
            _("The file is larger than {size} MB.").format(size=MAX_UPLOAD_BYTES // 1024 // 1024),
            code="too_large",
        )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            probe = Image.open(io.BytesIO(data))
            with probe:
                if probe.format not in FORMATS:
                    raise _refuse()
                width, height = probe.size
                if width * height > MAX_PIXELS:
                    raise ValidationError(
                        _("The photo is too large ({width} × {height} px).").format(
                            width=width, height=height
                        ),
                        code="too_large",
                    )
                probe.verify()
            with Image.open(io.BytesIO(data)) as original:
                original.seek(0)
                original.load()
                upright = ImageOps.exif_transpose(original)
                transparent = upright.mode in ("RGBA", "LA", "PA") or (
                    upright.mode == "P" and "transparency" in upright.info
                )
                clean = upright.convert("RGBA" if transparent else "RGB")
    except (Image.DecompressionBombWarning, Image.DecompressionBombError) as exc:
        raise ValidationError(_("The photo has too many pixels."), code="too_large") from exc
    except _UNREADABLE as exc:
        raise _refuse() from exc
    clean.thumbnail((MAX_SIDE, MAX_SIDE), Image.Resampling.LANCZOS)
    clean.info = {}  # start from empty metadata: nothing of the original is written back
    out = io.BytesIO()
    if transparent:
        clean.save(out, format="PNG", optimize=True)
        extension = "png"
    else:
        clean.save(out, format="JPEG", quality=85, optimize=True)
        extension = "jpg"
    return CleanImage(out.getvalue(), extension, clean.width, clean.height)
