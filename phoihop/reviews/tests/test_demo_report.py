"""The demo's 2022 program yields a report whose format assertions all pass and whose
figures equal the raw rows (computed here from the activity rows, not by the figures
module); the frozen snapshot is intact and a recomputation changes nothing."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from phoihop.activities.models import Activity, IndicatorValue, Participation
from phoihop.demo.builder import DemoBuilder
from phoihop.reviews import report, selectors
from phoihop.reviews.choices import ReviewStatus
from phoihop.reviews.models import ReviewPeriod
from phoihop.reviews.numbers import vi_number

from .decree30 import annex_rows, check_docx

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def test_the_demo_2022_review_report():
    DemoBuilder(activities_scale=0.05).build()
    review = ReviewPeriod.objects.get(program__year=2022, program__committee__code="hoa-binh")
    assert review.status == ReviewStatus.FINALIZED
    assert selectors.snapshot_intact(review)
    assert selectors.review_differences(review) == []

    # Raw rows: the approved (current) revisions of the program dated in 2022.
    start, end = datetime.date(2022, 1, 1), datetime.date(2022, 12, 31)
    counted = Activity.objects.filter(
        program=review.program, status="approved", start_date__range=(start, end)
    )
    participants = sum(p.count for p in Participation.objects.filter(activity__in=counted))
    sums: dict[int, Decimal] = {}
    for value in IndicatorValue.objects.filter(activity__in=counted, indicator__aggregation="sum"):
        sums[value.indicator_id] = sums.get(value.indicator_id, Decimal(0)) + value.value
    assert counted.count() > 0
    assert review.snapshot["total"]["activities"] == counted.count()
    assert review.snapshot["total"]["participants"] == participants

    docx, _, _ = report.render(review, "docx")
    found = check_docx(docx)
    assert found.date_line == "Hòa Bình, ngày 24 tháng 3 năm 2023"
    rows = annex_rows(docx)
    lines = {line["indicator_id"]: line for line in review.snapshot["indicators"]}
    by_name = {}
    for line in lines.values():
        by_name.setdefault(line["name"], []).append(line)
    checked = 0
    for row in rows:
        if row[2] and len(by_name.get(row[1], [])) == 1:
            line = by_name[row[1]][0]
            if line["aggregation"] == "sum":
                expected = sums.get(line["indicator_id"])
                assert row[4] == (vi_number(expected) if expected is not None else ""), row
                checked += 1
    assert checked >= 3

    xlsx, _, _ = report.render(review, "xlsx")
    book = load_workbook(io.BytesIO(xlsx), data_only=True)
    contents = book["Kết quả theo nội dung phối hợp"]
    total = next(r for r in contents.iter_rows(min_row=5) if r[0].value == "Tổng cộng")
    assert total[2].value == counted.count()
    assert total[3].value == participants

    # The narrative drafted from the same figures states the same totals.
    drafted = report.drafted_sections(review)
    assert f"thực hiện {vi_number(counted.count())} hoạt động phối hợp" in drafted["results"]
    assert f"thu hút {vi_number(participants)} lượt người" in drafted["results"]
