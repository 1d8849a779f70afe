"""Loading all units takes a second or two, so a test module that needs them loads them
once (committed, outside the tests' transactions) and removes them when it is done, so
that other apps' tests on the same worker see the usual small world."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection

from phoihop.core.models import AuditEvent, SiteFlag
from phoihop.geo import services
from phoihop.geo.models import AdminUnit, AdminUnitSuccession, AreaClassification


def _clear() -> None:
    # Plain DELETEs: the ORM's delete() would check every model that refers to a unit,
    # 14,000 units at a time, which takes seconds; nothing else is committed here.
    AdminUnit.objects.update(parent=None, province=None)
    with connection.cursor() as cursor:
        for model in (AreaClassification, AdminUnitSuccession, AdminUnit):
            table = connection.ops.quote_name(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table}")  # noqa: S608 - a model's table name
    flag_type = ContentType.objects.get_for_model(SiteFlag)
    AuditEvent.objects.filter(content_type=flag_type).delete()
    SiteFlag.objects.filter(key=services.PACKAGE_FLAG).delete()


@pytest.fixture(scope="module")
def geo_units(django_db_setup, django_db_blocker) -> Iterator[services.LoadSummary]:
    """All units and successions of the package, loaded once for the module."""
    with django_db_blocker.unblock():
        _clear()
        summary = services.admin_units_load(actor=None)
    yield summary
    with django_db_blocker.unblock():
        _clear()
