import datetime
import io

import pytest
from django.core.management import call_command

from phoihop.core import audit, clock
from phoihop.core.services import trash
from phoihop.orgs.models import Organization


@pytest.mark.django_db
def test_purge_deletes_only_what_is_older_than_30_days(world):
    actor = world.user("secretariat")
    long_ago = clock.now() - datetime.timedelta(days=31)
    with clock.frozen_at(long_ago):
        trash(actor=actor, obj=world.org_b)
    recent = world.org_a
    with clock.frozen_at(clock.now() - datetime.timedelta(days=10)):
        trash(actor=world.user("admin"), obj=recent)
    out = io.StringIO()
    call_command("purge_trash", stdout=out)
    assert "1" in out.getvalue()
    assert not Organization.all_objects.filter(pk=world.org_b.pk).exists()
    assert Organization.all_objects.filter(pk=recent.pk, deleted_at__isnull=False).exists()
    purge = audit.AuditEvent.objects.get(action="purge")
    assert purge.before["name"] == world.org_b.name
