"""Area classification services: periods without overlap, audited, for keepers only."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phoihop.core import audit
from phoihop.geo import services
from phoihop.geo.choices import AreaKind
from phoihop.geo.models import AreaClassification

pytestmark = pytest.mark.django_db

D = datetime.date


def classify(world, role="secretariat", **kwargs):
    values = {
        "unit": world.commune,
        "kind": AreaKind.EXTREMELY_DIFFICULT,
        "valid_from": D(2021, 1, 1),
        "valid_to": D(2025, 6, 30),
        "source": " QĐ 861/QĐ-TTg ",
    }
    values.update(kwargs)
    return services.area_classification_set(actor=world.user(role), **values)


def test_set_saves_and_audits(world):
    area = classify(world)
    assert area.pk is not None
    assert area.source == "QĐ 861/QĐ-TTg"
    events = audit.history(area)
    assert [e.action for e in events] == ["create"]
    assert events[0].actor == world.user("secretariat")
    assert events[0].after["kind"] == AreaKind.EXTREMELY_DIFFICULT


@pytest.mark.parametrize(
    ("start", "end"),
    [
        (D(2025, 6, 30), None),  # starts on the last day of the other
        (D(2020, 1, 1), D(2021, 1, 1)),  # ends on its first day
        (D(2022, 1, 1), D(2022, 12, 31)),  # inside
        (D(2019, 1, 1), None),  # covers it
    ],
)
def test_overlapping_period_of_the_same_kind_is_refused(world, start, end):
    classify(world)
    with translation.override("vi"), pytest.raises(ValidationError) as excinfo:
        classify(world, valid_from=start, valid_to=end)
    message = " ".join(excinfo.value.messages)
    assert "01/01/2021" in message
    assert "30/06/2025" in message
    assert "trùng" in message  # said in Vietnamese
    assert AreaClassification.objects.count() == 1


def test_open_ended_period_is_named_in_the_refusal(world):
    classify(world, valid_to=None)
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        classify(world, valid_from=D(2030, 1, 1))
    assert "from 01/01/2021, with no end date" in " ".join(excinfo.value.messages)


def test_adjacent_periods_and_other_kinds_are_fine(world):
    classify(world)
    classify(world, valid_from=D(2025, 7, 1), valid_to=None)
    classify(world, kind=AreaKind.REMOTE, valid_from=D(2022, 1, 1))
    assert AreaClassification.objects.count() == 3


def test_only_communes_are_classified(world):
    with translation.override("en"), pytest.raises(ValidationError) as excinfo:
        classify(world, unit=world.district)
    assert "Only a commune can be classified" in " ".join(excinfo.value.messages)


def test_end_before_start_is_refused(world):
    with pytest.raises(ValidationError):
        classify(world, valid_from=D(2025, 1, 1), valid_to=D(2024, 12, 31))


@pytest.mark.parametrize("role", ["focal_a", "editor", "leader", "anonymous"])
def test_set_is_refused_to_others_and_leaves_nothing(world, role):
    with pytest.raises(PermissionDenied):
        classify(world, role=role)
    assert AreaClassification.objects.count() == 0


def test_admins_and_any_secretariat_may_keep_classifications(world):
    classify(world, role="admin")
    classify(world, role="other_secretariat", kind=AreaKind.BORDER)
    assert AreaClassification.objects.count() == 2


def test_end_sets_the_last_day_and_audits(world):
    area = classify(world, valid_to=None)
    services.area_classification_end(
        actor=world.user("secretariat"), classification=area, valid_to=D(2025, 6, 30)
    )
    area.refresh_from_db()
    assert area.valid_to == D(2025, 6, 30)
    event = audit.history(area).filter(action="end").get()
    assert event.before["valid_to"] is None
    assert event.after["valid_to"] == "2025-06-30"


def test_end_before_the_start_is_refused(world):
    area = classify(world, valid_to=None)
    with pytest.raises(ValidationError):
        services.area_classification_end(
            actor=world.user("secretariat"), classification=area, valid_to=D(2020, 12, 31)
        )
    area.refresh_from_db()
    assert area.valid_to is None


def test_extending_into_the_next_period_is_refused(world):
    first = classify(world)
    classify(world, valid_from=D(2025, 7, 1), valid_to=None)
    with pytest.raises(ValidationError):
        services.area_classification_end(
            actor=world.user("secretariat"), classification=first, valid_to=D(2026, 1, 1)
        )


def test_end_and_delete_are_refused_to_a_focal_point(world):
    area = classify(world, valid_to=None)
    with pytest.raises(PermissionDenied):
        services.area_classification_end(
            actor=world.user("focal_a"), classification=area, valid_to=D(2025, 6, 30)
        )
    with pytest.raises(PermissionDenied):
        services.area_classification_delete(actor=world.user("focal_a"), classification=area)
    area.refresh_from_db()
    assert area.valid_to is None


def test_update_changes_source_and_an_unchanged_update_writes_no_event(world):
    area = classify(world)
    services.area_classification_update(
        actor=world.user("secretariat"),
        classification=area,
        valid_to=area.valid_to,
        source="QĐ 497/QĐ-UBDT",
    )
    services.area_classification_update(
        actor=world.user("secretariat"),
        classification=area,
        valid_to=area.valid_to,
        source="QĐ 497/QĐ-UBDT",
    )
    assert [e.action for e in audit.history(area).order_by("id")] == ["create", "update"]


def test_delete_audits_the_removed_period(world):
    area = classify(world)
    pk = area.pk
    services.area_classification_delete(actor=world.user("secretariat"), classification=area)
    assert not AreaClassification.objects.filter(pk=pk).exists()
    from phoihop.core.models import AuditEvent

    event = AuditEvent.objects.get(action="delete", object_id=str(pk))
    assert event.before["source"] == "QĐ 861/QĐ-TTg"
