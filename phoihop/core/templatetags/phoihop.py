"""Vietnamese number display: `{{ value|num }}` -> 1.234.567, `{{ ratio|pct }}` -> 85,3 %."""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django import template
from django.utils.formats import number_format

register = template.Library()


@register.filter
def num(value: object, decimals: int | None = None) -> str:
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
        if decimals:
            number = number.normalize()
            decimals = max(0, -number.as_tuple().exponent)  # type: ignore[operator]
    return number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)


@register.filter
def pct(value: object, decimals: int = 1) -> str:
    """A ratio (0.853) as a percentage; None (no target) shows as a dash."""
    if value is None or value == "":
        return "–"
    try:
        number = Decimal(str(value)) * 100
    except InvalidOperation:
        return str(value)
    return f"{number_format(number, decimal_pos=decimals, use_l10n=True, force_grouping=True)} %"
