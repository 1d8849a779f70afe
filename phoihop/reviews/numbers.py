"""Numbers as a Vietnamese document writes them, whatever the page's language: a dot
between thousands, a comma before decimals ("1.450", "12,5", "96,7%")."""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal


def _group(digits: str) -> str:
    parts: list[str] = []
    while len(digits) > 3:
        parts.insert(0, digits[-3:])
        digits = digits[:-3]
    parts.insert(0, digits)
    return ".".join(parts)


def vi_number(value: Decimal | int | float, decimals: int | None = None) -> str:
    number = Decimal(str(value))
    if decimals is None:
        decimals = 0 if number == number.to_integral_value() else 2
    quantum = Decimal(1).scaleb(-decimals)
    number = number.quantize(quantum, rounding=ROUND_HALF_UP)
    sign = "-" if number < 0 else ""
    whole, _, fraction = f"{abs(number):f}".partition(".")
    fraction = fraction.rstrip("0")
    text = _group(whole)
    return f"{sign}{text},{fraction}" if fraction else f"{sign}{text}"


def vi_percent(value: Decimal | float | None, *, sign: bool = True) -> str:
    """A percentage already in percent (96.7 → "96,7%"), one decimal at most."""
    if value is None:
        return ""
    text = vi_number(Decimal(str(value)), 1)
    return f"{text}%" if sign else text


def percent_of(result: Decimal | None, target: Decimal | None) -> Decimal | None:
    """Result as a percentage of the target, one decimal; None without a target."""
    if result is None or not target:
        return None
    return (Decimal(result) * 100 / Decimal(target)).quantize(
        Decimal("0.1"), rounding=ROUND_HALF_UP
    )
