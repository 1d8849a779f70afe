"""Text widths in Times New Roman, for rules drawn to a fraction of a line's width.

Liberation Serif (Debian's fonts-liberation2) has the metrics of Times New Roman, so a
width measured with it is the width Word or LibreOffice lays out. Without the font files
an average glyph width is used instead (the rules then stay within their bounds for
ordinary Vietnamese text, only less exactly).
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

FONT_DIRS = (
    Path("/usr/share/fonts/truetype/liberation2"),
    Path("/usr/share/fonts/truetype/liberation"),
)
FILES = {
    (False, False): "LiberationSerif-Regular.ttf",
    (True, False): "LiberationSerif-Bold.ttf",
    (False, True): "LiberationSerif-Italic.ttf",
    (True, True): "LiberationSerif-BoldItalic.ttf",
}
_SCALE = 1000


@functools.cache
def _font(bold: bool, italic: bool) -> Any:
    from PIL import ImageFont

    for folder in FONT_DIRS:
        path = folder / FILES[(bold, italic)]
        if path.exists():
            return ImageFont.truetype(str(path), _SCALE)
    return None


def text_width(text: str, size_pt: float, *, bold: bool = False, italic: bool = False) -> float:
    """The width of `text` on one line, in points."""
    font = _font(bold, italic)
    if font is None:
        return len(text) * size_pt * (0.62 if bold else 0.55)
    return float(font.getlength(text)) * size_pt / _SCALE


def wrapped_width(
    text: str, size_pt: float, box_pt: float, *, bold: bool = False, italic: bool = False
) -> float:
    """The width of the longest line once `text` is wrapped at spaces into `box_pt`."""
    widest = 0.0
    line = ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and text_width(candidate, size_pt, bold=bold, italic=italic) > box_pt:
            widest = max(widest, text_width(line, size_pt, bold=bold, italic=italic))
            line = word
        else:
            line = candidate
    widest = max(widest, text_width(line, size_pt, bold=bold, italic=italic))
    return min(widest, box_pt)
