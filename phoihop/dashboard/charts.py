"""Charts drawn on the server as script-free SVG (matplotlib, no internet, no JavaScript).

Each function takes figures already computed by `phoihop.figures` and only draws them;
nothing here adds, divides or filters numbers. Pages embed the SVG as a `data:` image
(the CSP allows `img-src data:`), so a chart needs no second request and no inline
style in the page itself; the table beside each chart carries the same numbers.

pyplot is never imported: its global state is not safe across threads, and a `Figure`
with its own SVG canvas needs none. Drawing takes a tenth of a second or more per chart
on a small server, and the same figures give the same bytes, so each process keeps the
charts it drew last (`functools.lru_cache`, keyed by everything drawn).
"""

from __future__ import annotations

import base64
import functools
import io
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import matplotlib
from matplotlib.backends.backend_svg import FigureCanvasSVG
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator

# Colours that keep a 3:1 contrast on white (WCAG non-text contrast).
PALETTE = ("#9b1c1c", "#0b4f9c", "#1d6b3a", "#8a5a00", "#5b2a86", "#37474f")
TARGET_COLOUR = "#1d2430"

# Typed loosely: matplotlib's stubs want literal keys.
_RC: Any = {
    # Text stays text (smaller files, selectable, the reader's own font for Vietnamese);
    # DejaVu Sans and Liberation Sans, both in Debian, carry every Vietnamese glyph.
    "svg.fonttype": "none",
    "svg.hashsalt": "phoihop",  # stable ids: the same figures give the same bytes
    "font.family": "sans-serif",
    "font.sans-serif": ["DejaVu Sans", "Liberation Sans"],
    "font.size": 10,
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.edgecolor": "#5a6474",
    "axes.titlesize": 11,
}


def _short(label: str, limit: int = 38) -> str:
    return label if len(label) <= limit else label[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class Chart:
    svg: str
    width: int  # CSS pixels at 100 %
    height: int

    @property
    def uri(self) -> str:
        return "data:image/svg+xml;base64," + base64.b64encode(self.svg.encode()).decode()


def _svg(figure: Figure) -> Chart:
    out = io.StringIO()
    FigureCanvasSVG(figure)
    figure.savefig(out, format="svg", metadata={"Date": None, "Creator": None})
    text = out.getvalue()
    width, height = figure.get_size_inches() * figure.dpi
    # Keep only the <svg> element: no XML prolog or DOCTYPE for a data URI.
    return Chart(svg=text[text.index("<svg") :], width=round(width), height=round(height))


def _new(width: float, height: float) -> Figure:
    return Figure(figsize=(width, height), dpi=72, layout="constrained")


def _progress_bars(
    labels: Sequence[str], ratios: Sequence[float | None], *, title: str = "", ratio_label: str
) -> Chart:
    """Horizontal bars: each item's achieved share of its target (1.0 = 100 %); a vertical
    line marks the target. Items without a target show no bar."""
    with matplotlib.rc_context(_RC):
        height = 0.9 + 0.36 * max(1, len(labels))
        figure = _new(6.4, height)
        axes = figure.add_subplot()
        shown = [min(r, 2.0) * 100 if r is not None else 0.0 for r in ratios]
        positions = list(range(len(labels)))
        axes.barh(positions, shown, color=PALETTE[0], height=0.6)
        axes.axvline(100, color=TARGET_COLOUR, linewidth=1, linestyle="--")
        axes.set_yticks(positions, [_short(label) for label in labels])
        axes.invert_yaxis()
        axes.set_xlabel(ratio_label)
        axes.set_xlim(0, max([110.0, *shown]))
        if title:
            axes.set_title(title, loc="left")
        return _svg(figure)


def _bars(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str = "",
    value_label: str = "",
    horizontal: bool = True,
    integer: bool = True,
) -> Chart:
    """Grouped bars: one group per label, one bar per series."""
    with matplotlib.rc_context(_RC):
        count = max(1, len(series))
        if horizontal:
            figure = _new(6.4, 0.9 + 0.3 * max(1, len(labels)) * (1 + 0.5 * (count - 1)))
        else:
            figure = _new(6.4, 3.2)
        axes = figure.add_subplot()
        width = 0.8 / count
        positions = list(range(len(labels)))
        for index, (name, values) in enumerate(series.items()):
            offsets = [p - 0.4 + width * (index + 0.5) for p in positions]
            colour = PALETTE[index % len(PALETTE)]
            if horizontal:
                axes.barh(offsets, list(values), height=width, color=colour, label=name)
            else:
                axes.bar(offsets, list(values), width=width, color=colour, label=name)
        ticks = [_short(label) for label in labels]
        value_axis = axes.xaxis if horizontal else axes.yaxis
        if integer:
            value_axis.set_major_locator(MaxNLocator(integer=True))
        if horizontal:
            axes.set_yticks(positions, ticks)
            axes.invert_yaxis()
            axes.set_xlabel(value_label)
            axes.set_xlim(left=0)
        else:
            axes.set_xticks(positions, ticks)
            axes.set_ylabel(value_label)
            axes.set_ylim(bottom=0)
        if count > 1:
            axes.legend(frameon=False, fontsize=9)
        if title:
            axes.set_title(title, loc="left")
        return _svg(figure)


def _lines(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str = "",
    value_label: str = "",
) -> Chart:
    """One line per series over the labels (months)."""
    with matplotlib.rc_context(_RC):
        figure = _new(6.4, 3.0)
        axes = figure.add_subplot()
        positions = list(range(len(labels)))
        for index, (name, values) in enumerate(series.items()):
            axes.plot(
                positions,
                list(values),
                marker="o",
                markersize=3,
                color=PALETTE[index % len(PALETTE)],
                label=name,
            )
        axes.set_xticks(positions, list(labels))
        axes.set_ylabel(value_label)
        axes.yaxis.set_major_locator(MaxNLocator(integer=True))
        axes.set_ylim(bottom=0)
        if len(series) > 1:
            axes.legend(frameon=False, fontsize=9)
        if title:
            axes.set_title(title, loc="left")
        return _svg(figure)


# -- the cached entry points (arguments made hashable) -------------------------------------

CACHE_SIZE = 256  # about 10 KB a chart


@functools.lru_cache(maxsize=CACHE_SIZE)
def _progress_cached(
    labels: tuple[str, ...], ratios: tuple[float | None, ...], title: str, ratio_label: str
) -> Chart:
    return _progress_bars(labels, ratios, title=title, ratio_label=ratio_label)


def progress_bars(
    labels: Sequence[str], ratios: Sequence[float | None], *, title: str = "", ratio_label: str
) -> Chart:
    """Horizontal bars: each item's achieved share of its target (1.0 = 100 %); a dashed
    line marks the target."""
    return _progress_cached(tuple(labels), tuple(ratios), title, ratio_label)


def _frozen(series: dict[str, Sequence[float]]) -> tuple[tuple[str, tuple[float, ...]], ...]:
    return tuple((name, tuple(float(v) for v in values)) for name, values in series.items())


@functools.lru_cache(maxsize=CACHE_SIZE)
def _bars_cached(
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    *,
    title: str,
    value_label: str,
    horizontal: bool,
    integer: bool,
) -> Chart:
    return _bars(
        labels,
        dict(series),
        title=title,
        value_label=value_label,
        horizontal=horizontal,
        integer=integer,
    )


def bars(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str = "",
    value_label: str = "",
    horizontal: bool = True,
    integer: bool = True,
) -> Chart:
    """Grouped bars: one group per label, one bar per series."""
    return _bars_cached(
        tuple(labels),
        _frozen(series),
        title=title,
        value_label=value_label,
        horizontal=horizontal,
        integer=integer,
    )


@functools.lru_cache(maxsize=CACHE_SIZE)
def _lines_cached(
    labels: tuple[str, ...],
    series: tuple[tuple[str, tuple[float, ...]], ...],
    title: str,
    value_label: str,
) -> Chart:
    return _lines(labels, dict(series), title=title, value_label=value_label)


def lines(
    labels: Sequence[str],
    series: dict[str, Sequence[float]],
    *,
    title: str = "",
    value_label: str = "",
) -> Chart:
    """One line per series over the labels (months)."""
    return _lines_cached(tuple(labels), _frozen(series), title, value_label)
