"""The chart helper: script-free SVG, Vietnamese text kept as text, same input → same bytes."""

from __future__ import annotations

import base64
import re

from phoihop.dashboard import charts


def test_a_chart_is_svg_with_no_script_and_its_labels_as_text():
    chart = charts.bars(
        ["Thị trấn Mai Châu", "Xã Đồng Bảng"], {"Hoạt động": [3, 1]}, value_label="Hoạt động"
    )
    assert chart.svg.startswith("<svg")
    assert "<script" not in chart.svg
    assert not re.search(r"\son[a-z]+=", chart.svg)  # no event handlers either
    assert "Thị trấn Mai Châu" in chart.svg
    assert "Xã Đồng Bảng" in chart.svg
    assert chart.width > 0
    assert chart.height > 0
    assert base64.b64decode(chart.uri.split(",", 1)[1]).decode() == chart.svg


def test_the_same_figures_give_the_same_chart():
    first = charts.lines(["T1", "T2", "T3"], {"Hoạt động": [1, 4, 2]})
    charts._lines_cached.cache_clear()
    again = charts.lines(["T1", "T2", "T3"], {"Hoạt động": [1, 4, 2]})
    assert first is not again
    assert first.svg == again.svg
    other = charts.lines(["T1", "T2", "T3"], {"Hoạt động": [1, 4, 3]})
    assert other.svg != first.svg


def test_long_labels_are_shortened_and_progress_marks_the_target():
    label = "Tuyên truyền, phổ biến, giáo dục pháp luật cho đồng bào dân tộc thiểu số vùng cao"
    chart = charts.progress_bars([label], [0.85], ratio_label="% chỉ tiêu giao")
    assert label not in chart.svg
    assert label[:20] in chart.svg
    assert "…" in chart.svg
    assert "% chỉ tiêu giao" in chart.svg
