import datetime
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import timezone, translation


def render(source: str, **context) -> str:
    return Template("{% load phoihop %}" + source).render(Context(context))


@pytest.mark.parametrize(
    ("value", "shown"),
    [(1234567, "1.234.567"), (Decimal("12.50"), "12,5"), (0, "0"), (None, "–"), (2023, "2.023")],
)
def test_num_groups_vietnamese_style(value, shown):
    with translation.override("vi"):
        assert render("{{ v|num }}", v=value) == shown


def test_pct_and_missing_target():
    with translation.override("vi"):
        assert render("{{ v|pct }}", v=Decimal("0.853")) == "85,3 %"
        assert render("{{ v|pct }}", v=None) == "–"


def test_years_and_ids_are_not_grouped_by_default():
    with translation.override("vi"):
        assert render("{{ v }}", v=2023) == "2023"


def test_dates_are_day_first_and_times_24_hour():
    moment = datetime.datetime(2023, 3, 27, 17, 0, tzinfo=timezone.get_default_timezone())
    with translation.override("vi"):
        assert render("{{ d|date }}", d=datetime.date(2023, 3, 24)) == "24/03/2023"
        assert render("{{ m|date:'DATETIME_FORMAT' }}", m=moment) == "27/03/2023 17:00"


def test_time_zone_is_vietnam(settings):
    assert settings.TIME_ZONE == "Asia/Ho_Chi_Minh"
    assert settings.LANGUAGE_CODE == "vi"
