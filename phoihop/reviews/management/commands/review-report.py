# noqa: N999 - the file name is the command name the issue asks for: review-report
"""`phoihop review-report`: a review's report as .docx, .xlsx or PDF.

    phoihop review-report --review 12 --format docx --out bao-cao.docx
    phoihop review-report --committee hoa-binh --year 2022 --period year --format pdf --out bc.pdf
    phoihop review-report --committee hoa-binh --year 2022 --period 2022-01-01:2022-09-30 ...

The second form makes a report on the fly for the committee's program of that year,
without saving a review (nothing is written). Both run the same code as the pages
(phoihop.reviews.report.render). The file name is the one the pages would give when
--out names a folder.
"""

from __future__ import annotations

import datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from phoihop.orgs.models import Committee
from phoihop.programs.models import Program
from phoihop.reviews import report
from phoihop.reviews.choices import ReviewKind
from phoihop.reviews.documents.pdf import PdfError
from phoihop.reviews.models import ReviewPeriod


def parse_day(text: str) -> datetime.date:
    for pattern in ("%Y-%m-%d", "%d/%m/%Y"):
        try:
            return datetime.datetime.strptime(text.strip(), pattern).date()  # noqa: DTZ007
        except ValueError:
            continue
    raise CommandError(f"Not a date (use YYYY-MM-DD or dd/mm/yyyy): {text!r}")


def on_the_fly(committee_code: str, year: int, period: str) -> ReviewPeriod:
    """An unsaved review of the committee's program of `year`."""
    committee = Committee.objects.filter(code=committee_code).first()
    if committee is None:
        raise CommandError(f"No committee with the code {committee_code!r}.")
    program = Program.objects.filter(committee=committee, year=year).first()
    if program is None:
        raise CommandError(f"The committee {committee_code!r} has no program for {year}.")
    if period == "year":
        kind, start, end = ReviewKind.YEAR, program.period_start, program.period_end
    elif period == "half":
        kind, start = ReviewKind.HALF_YEAR, program.period_start
        end = min(program.period_end, datetime.date(year, 6, 30))
    elif ":" in period:
        first, _, last = period.partition(":")
        kind, start, end = ReviewKind.CUSTOM, parse_day(first), parse_day(last)
        if end < start:
            raise CommandError("The period must end on or after its start.")
    else:
        raise CommandError("--period is year, half, or FROM:TO (two dates).")
    phrase = report.narrative.period_phrase(kind, start, end)
    return ReviewPeriod(
        program=program,
        committee=committee,
        kind=kind,
        title=f"Sơ kết thực hiện Chương trình phối hợp hoạt động {phrase}",
        period_start=start,
        period_end=end,
    )


class Command(BaseCommand):
    help = "Write a review's report as .docx, .xlsx (annex) or PDF."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--review", type=int, help="id of a saved review")
        parser.add_argument("--committee", help="committee code, for a report on the fly")
        parser.add_argument("--year", type=int, help="program year, with --committee")
        parser.add_argument(
            "--period", default="year", help="year, half, or FROM:TO (with --committee)"
        )
        parser.add_argument("--format", choices=sorted(report.FORMATS), default="docx")
        parser.add_argument("--out", required=True, help="file (or folder) to write")

    def handle(self, *args: Any, **options: Any) -> None:
        if options["review"] is not None:
            review = ReviewPeriod.objects.filter(pk=options["review"]).first()
            if review is None:
                raise CommandError(f"No review with id {options['review']}.")
        elif options["committee"] and options["year"]:
            review = on_the_fly(options["committee"], options["year"], options["period"])
        else:
            raise CommandError("Give --review ID, or --committee CODE with --year YEAR.")
        try:
            data, name, _type = report.render(review, options["format"])
        except PdfError as exc:
            raise CommandError(str(exc)) from exc
        out = Path(options["out"])
        if out.is_dir():
            out = out / name
        out.write_bytes(data)
        self.stdout.write(f"{out} ({len(data):,} bytes)")
