"""Generic services write audit events with before/after values, atomically."""

import pytest
from django.core.exceptions import ValidationError

from phoihop.core import audit
from phoihop.core.models import Abbreviation, AuditEvent
from phoihop.core.services import model_create, model_update, restore, trash
from phoihop.orgs.models import Organization


@pytest.mark.django_db
def test_create_and_update_are_audited_with_before_and_after(world):
    actor = world.user("secretariat")
    item = model_create(actor=actor, obj=Abbreviation(short="CTĐ", expansion="Chữ thập đỏ"))
    assert item.folded == "chu thap do"
    created = audit.history(item).get()
    assert created.action == "create"
    assert created.actor == actor
    assert created.after["short"] == "CTĐ"

    model_update(actor=actor, obj=item, data={"expansion": "Hội Chữ thập đỏ"})
    event = audit.history(item).filter(action="update").get()
    assert event.before["expansion"] == "Chữ thập đỏ"
    assert event.after["expansion"] == "Hội Chữ thập đỏ"
    assert event.changed_fields == ["expansion", "folded"]


@pytest.mark.django_db
def test_an_update_that_changes_nothing_writes_no_event(world):
    actor = world.user("secretariat")
    item = model_create(actor=actor, obj=Abbreviation(short="BCĐ", expansion="Ban Chỉ đạo"))
    model_update(actor=actor, obj=item, data={"expansion": "Ban Chỉ đạo"})
    assert audit.history(item).count() == 1


@pytest.mark.django_db
def test_invalid_update_changes_nothing_and_writes_no_event(world):
    actor = world.user("secretariat")
    before = AuditEvent.objects.count()
    with pytest.raises(ValidationError):
        model_update(actor=actor, obj=world.org_a, data={"kind": "not-a-kind"})
    assert AuditEvent.objects.count() == before
    world.org_a.refresh_from_db()
    assert world.org_a.kind == "military"


@pytest.mark.django_db
def test_trash_hides_and_restore_brings_back(world):
    actor = world.user("secretariat")
    trash(actor=actor, obj=world.org_b)
    assert not Organization.objects.filter(pk=world.org_b.pk).exists()
    assert Organization.all_objects.filter(pk=world.org_b.pk, deleted_by=actor).exists()
    restore(actor=actor, obj=world.org_b)
    assert Organization.objects.filter(pk=world.org_b.pk).exists()
    assert [e.action for e in audit.history(world.org_b).order_by("at", "id")][-2:] == [
        "trash",
        "restore",
    ]


@pytest.mark.django_db
def test_unique_names_ignore_trashed_rows_and_restore_rechecks(world):
    from phoihop.orgs import services

    actor = world.user("secretariat")
    trash(actor=actor, obj=world.org_b)
    twin = services.organization_create(
        actor=actor,
        committee=world.committee,
        name=world.org_b.name,
        kind="redcross",
        level="province",
        valid_from=world.org_b.valid_from,
    )
    assert twin.pk != world.org_b.pk
    with pytest.raises(ValidationError):
        restore(actor=actor, obj=world.org_b)


@pytest.mark.django_db
def test_snapshots_never_hold_password_hashes(world):
    for event in AuditEvent.objects.filter(content_type__model="user"):
        assert "password" not in (event.after or {})
        assert "password" not in (event.before or {})


@pytest.mark.django_db
def test_request_id_is_recorded(world, client_for):
    client = client_for("secretariat")
    response = client.get("/", headers={"X-Request-ID": "abc123"})
    assert response["X-Request-ID"] == "abc123"


@pytest.mark.django_db
def test_save_checked_gives_the_constraint_message_when_the_database_refuses(world):
    from phoihop.core.services import save_checked
    from phoihop.orgs.models import Organization

    twin = Organization(
        committee=world.committee,
        name=world.org_a.name,
        kind="military",
        level="province",
        valid_from=world.org_a.valid_from,
    )
    with pytest.raises(ValidationError) as refused:
        save_checked(twin)
    constraint = next(
        c for c in Organization._meta.constraints if c.name == "orgs_org_committee_name_uniq"
    )
    assert refused.value.messages == [str(constraint.violation_error_message)]
    assert twin.pk is None
    fine = Organization(
        committee=world.committee,
        name="Hội Cựu chiến binh tỉnh Hòa Bình",
        kind="sociopolitical",
        level="province",
        valid_from=world.org_a.valid_from,
    )
    assert save_checked(fine).pk is not None


@pytest.mark.django_db
def test_save_checked_still_validates_fields(world):
    from phoihop.core.services import save_checked
    from phoihop.orgs.models import Organization

    with pytest.raises(ValidationError) as refused:
        save_checked(
            Organization(
                committee=world.committee,
                name="X",
                kind="nonsense",
                level="province",
                valid_from=world.org_a.valid_from,
            )
        )
    assert "kind" in refused.value.message_dict
