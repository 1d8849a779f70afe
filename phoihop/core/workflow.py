"""Status machines: a status changes only along an explicit map of allowed transitions."""

from __future__ import annotations

from collections.abc import Mapping

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class Transitions:
    """`Transitions({"draft": {"submitted"}, ...}, labels)`: the allowed moves of one status."""

    def __init__(self, allowed: Mapping[str, set[str]], labels: Mapping[str, str]) -> None:
        self.allowed = {src: frozenset(dst) for src, dst in allowed.items()}
        self.labels = labels

    def can(self, current: str, target: str) -> bool:
        return target in self.allowed.get(current, frozenset())

    def check(self, current: str, target: str) -> None:
        if not self.can(current, target):
            raise ValidationError(
                _("A record in status “{current}” cannot move to “{target}”.").format(
                    current=self.labels.get(current, current),
                    target=self.labels.get(target, target),
                ),
                code="invalid_transition",
            )

    def pairs(self) -> list[tuple[str, str]]:
        return [(src, dst) for src, dsts in self.allowed.items() for dst in sorted(dsts)]
