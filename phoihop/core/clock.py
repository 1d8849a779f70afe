"""The current time as services see it.

Services stamp records (submitted, approved, signed) with `clock.now()`. Loading
historical data (the demo, an import of last year's paper reports) runs inside
`clock.frozen_at(moment)` so the records carry the dates they really had.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.utils import timezone

_frozen: ContextVar[datetime.datetime | None] = ContextVar("phoihop_frozen_now", default=None)


def now() -> datetime.datetime:
    return _frozen.get() or timezone.now()


def today() -> datetime.date:
    return timezone.localdate(now())


@contextmanager
def frozen_at(moment: datetime.datetime) -> Iterator[None]:
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)
    token = _frozen.set(moment)
    try:
        yield
    finally:
        _frozen.reset(token)
