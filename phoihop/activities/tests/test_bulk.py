"""activities_create_many: the same reports, refusals, retries and audit events as
activity_create called once per report, written in a few queries, all or nothing."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phoihop.activities import events, services
from phoihop.activities.models import Activity, Credit
from phoihop.activities.tests import factories as f
from phoihop.core.models import AuditEvent
from phoihop.orgs.choices import Role
from phoihop.programs.choices import ProgramStatus

pytestmark = pytest.mark.django_db

# Differ between two reports by construction: ids, keys and times.
VOLATILE = {"id", "uuid", "series", "created_at", "updated_at"}


def _input(s, **overrides):
    report = {
        "content": s.content,
        "title": "Tuyên truyền Luật Nghĩa vụ quân sự tại thị trấn Mai Châu",
        "start_date": f.DAY,
        "end_date": f.DAY,
        "locality": s.world.commune,
        "narrative": "Hai buổi tại nhà văn hoá.",
        "participants": {s.cadres: 40, s.people.pk: 210},
        "values": {s.sessions: Decimal(3), s.ratio.pk: (Decimal(45), Decimal(60))},
        "funding": {"state": 5_000_000, "mobilized": 2_500_000},
        "co_organizations": [s.world.org_b],
    }
    report.update(overrides)
    return report


def _many(s, reports, actor=None):
    return services.activities_create_many(
        actor=actor or s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        reports=reports,
    )


def _one(s, report, actor=None):
    return services.activity_create(
        actor=actor or s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        **report,
    )


def _state(activity):
    """Everything stored about a report that does not differ by construction."""
    activity = Activity.all_objects.get(pk=activity.pk)
    fields = {
        f.attname: getattr(activity, f.attname)
        for f in Activity._meta.concrete_fields
        if f.attname not in VOLATILE
    }
    (event,) = AuditEvent.objects.filter(
        action="create", object_id=str(activity.pk), content_type__model="activity"
    )
    after = {k: v for k, v in event.after.items() if k not in VOLATILE and k != "id"}
    return {
        "fields": fields,
        "participants": sorted(activity.participations.values_list("target_group_id", "count")),
        "values": sorted(activity.values.values_list("indicator_id", "value", "denominator")),
        "funding": sorted(activity.funding.values_list("source", "amount")),
        "credits": sorted(
            (c.organization_id, c.confirmed_at is not None, c.confirmed_by_id)
            for c in activity.credits.all()
        ),
        "audit": (event.actor_id, event.before, event.committee_id, event.object_repr, after),
    }


def test_reports_are_stored_exactly_as_activity_create_stores_them(s):
    variants = [
        {},
        {"participants": {}, "values": {}, "funding": {}, "co_organizations": []},
        {"not_for_publication": True, "funding": {"state": 0}, "participants": {s.cadres: 0}},
    ]
    for overrides in variants:
        single = _one(s, _input(s, uuid=uuid.uuid4(), **overrides))
        (bulk,) = _many(s, [_input(s, uuid=uuid.uuid4(), **overrides)])
        assert _state(bulk) == _state(single)


def test_many_reports_come_back_in_order_with_their_keys(s):
    keys = [uuid.uuid4() for _ in range(5)]
    made = _many(s, [_input(s, uuid=k, title=f"Hoạt động {n}") for n, k in enumerate(keys)])
    assert [a.uuid for a in made] == keys
    assert [a.title for a in made] == [f"Hoạt động {n}" for n in range(5)]
    assert Activity.objects.count() == 5
    assert Credit.objects.filter(confirmed_at__isnull=False).count() == 5
    assert AuditEvent.objects.filter(action="create", content_type__model="activity").count() == 5


def test_a_report_without_a_key_gets_one(s):
    (made,) = _many(s, [_input(s)])
    assert made.pk is not None
    assert Activity.objects.get(pk=made.pk).uuid == made.uuid


BAD = {
    "title": {"title": ""},
    "dates": {"start_date": datetime.date(2023, 5, 2), "end_date": datetime.date(2023, 5, 1)},
    "outside-period": {"start_date": datetime.date(2022, 12, 31)},
    "content": {"content": "other"},
    "groups": {"participants": {"abc": 1, 999999: 2}},
    "values": {"values": {"x": 1}},
    "funding": {"funding": {"lottery": 5, "state": -1}},
    "co-organizer": {"co_organizations": ["other_org"]},
    "negative-value": {"values": "negative"},
    "zero-denominator": {"values": "zero-denominator"},
    "not-a-number": {"values": "nan"},
    "all": {"title": "", "participants": {"soldiers": 1}, "funding": {"state": -5}},
}


def _resolve(s, overrides):
    resolved = dict(overrides)
    if resolved.get("content") == "other":
        resolved.update(content=s.other_content, values={}, participants={})
    if resolved.get("co_organizations") == ["other_org"]:
        resolved["co_organizations"] = [s.world.other_org]
    odd_values = {
        "negative": {s.sessions: Decimal(-1)},
        "zero-denominator": {s.ratio: (Decimal(1), Decimal(0))},
        "nan": {s.sessions: "NaN", s.ratio: ("Infinity", 5)},
    }
    if isinstance(resolved.get("values"), str):
        resolved["values"] = odd_values[resolved["values"]]
    if resolved.get("participants") == {"soldiers": 1}:
        resolved["participants"] = {s.soldiers: 1}
    return resolved


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_input_is_refused_with_the_same_messages_and_nothing_written(s, case):
    bad = _input(s, **_resolve(s, BAD[case]))
    with pytest.raises(ValidationError) as single:
        _one(s, bad)
    with pytest.raises(services.ReportsRefused) as bulk:
        _many(s, [_input(s), bad, _input(s)])
    assert set(bulk.value.by_index) == {1}
    assert bulk.value.by_index[1].message_dict == single.value.message_dict
    assert bulk.value.message_dict == single.value.message_dict
    assert not Activity.all_objects.exists()
    assert not AuditEvent.objects.filter(action="create", content_type__model="activity").exists()


def test_every_refused_report_is_listed(s):
    with pytest.raises(services.ReportsRefused) as exc:
        _many(s, [_input(s, title=""), _input(s), _input(s, uuid="not-a-uuid")])
    assert set(exc.value.by_index) == {0, 2}
    assert [e.code for e in exc.value.by_index[2].error_list] == ["invalid_uuid"]


@pytest.mark.parametrize("role", ["focal_b", "secretariat", "leader", "admin"])
def test_only_the_organizations_focal_point_reports(s, role):
    with pytest.raises(PermissionDenied):
        _many(s, [_input(s)], actor=s.user(role))
    assert not Activity.all_objects.exists()


@pytest.mark.parametrize(
    ("status", "allowed"),
    [
        (ProgramStatus.DRAFT, False),
        (ProgramStatus.SIGNING, True),
        (ProgramStatus.IN_REVIEW, False),
        (ProgramStatus.CLOSED, False),
    ],
)
def test_drafts_only_while_the_program_allows_them(world, status, allowed):
    s = f.setup(world, status=status)
    report = _input(s)
    if allowed:
        assert len(_many(s, [report])) == 1
        return
    with pytest.raises(ValidationError) as single:
        _one(s, report)
    with pytest.raises(ValidationError) as bulk:
        _many(s, [report])
    assert bulk.value.messages == single.value.messages
    assert not Activity.all_objects.exists()


def test_stored_keys_come_back_unchanged_as_a_retry(s):
    first_key, second_key = uuid.uuid4(), uuid.uuid4()
    single = _one(s, _input(s, uuid=first_key))
    made = _many(s, [_input(s, uuid=first_key, title="Khác"), _input(s, uuid=second_key)])
    assert made[0].pk == single.pk
    again = _many(s, [_input(s, uuid=str(second_key), title="Khác nữa")])
    assert again[0].pk == made[1].pk
    assert Activity.objects.count() == 2
    assert set(Activity.objects.values_list("title", flat=True)) == {_input(s)["title"]}
    assert AuditEvent.objects.filter(action="create", content_type__model="activity").count() == 2


def test_a_key_given_twice_in_one_call_makes_one_report(s):
    key = uuid.uuid4()
    made = _many(s, [_input(s, uuid=key), _input(s, uuid=key, title="Khác")])
    assert made[0].pk == made[1].pk
    assert Activity.objects.count() == 1


def test_a_key_of_someone_elses_report_is_refused_as_activity_create_does(s, make_user):
    key = uuid.uuid4()
    _one(s, _input(s, uuid=key))
    colleague = make_user("focal_a2", (Role.FOCAL, s.world.org_a))
    with pytest.raises(ValidationError) as single:
        _one(s, _input(s, uuid=key), actor=colleague)
    with pytest.raises(services.ReportsRefused) as bulk:
        _many(s, [_input(s), _input(s, uuid=key)], actor=colleague)
    assert bulk.value.by_index[1].messages == single.value.messages
    assert Activity.objects.count() == 1


def test_a_failure_while_writing_leaves_nothing(s, monkeypatch):
    def broken(**kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services.audit, "record_many", broken)
    with pytest.raises(RuntimeError):
        _many(s, [_input(s), _input(s)])
    assert not Activity.all_objects.exists()
    assert not Credit.objects.exists()


def test_new_reports_are_announced_to_created_listeners_not_to_figures(s):
    created, changes = [], []

    def on_created(ids):
        created.append(ids)

    def on_change(change):
        changes.append(change)

    events.register_created_listener(on_created)
    events.register_listener(on_change)
    try:
        made = _many(s, [_input(s), _input(s)])
    finally:
        events._created_listeners.remove(on_created)
        events.unregister_listener(on_change)
    assert created == [tuple(a.pk for a in made)]
    assert changes == []  # as activity_create: a new draft changes no figures


# -- activities_update_many: activity_update for many reports ---------------------------------

UPDATE_VOLATILE = VOLATILE | {"version"}


def _twins(s, **overrides):
    """Two stored reports alike but for their keys."""
    return _one(s, _input(s, **overrides)), _one(s, _input(s, **overrides))


def _update_one(s, activity, changes, actor=None):
    return services.activity_update(
        actor=actor or s.user("focal_a"),
        activity=activity,
        expected_version=activity.version,
        **changes,
    )


def _update_many(s, items, actor=None):
    return services.activities_update_many(
        actor=actor or s.user("focal_a"),
        changes=[
            services.Change(activity=a, expected_version=a.version, changes=c) for a, c in items
        ],
    )


def _updated_state(activity):
    activity = Activity.all_objects.get(pk=activity.pk)
    (event,) = AuditEvent.objects.filter(
        action="update", object_id=str(activity.pk), content_type__model="activity"
    )

    def strip(data):
        return {k: v for k, v in data.items() if k not in UPDATE_VOLATILE}

    return {
        "fields": {
            f.attname: getattr(activity, f.attname)
            for f in Activity._meta.concrete_fields
            if f.attname not in VOLATILE
        },
        "participants": sorted(activity.participations.values_list("target_group_id", "count")),
        "values": sorted(activity.values.values_list("indicator_id", "value", "denominator")),
        "funding": sorted(activity.funding.values_list("source", "amount")),
        "credits": sorted(
            (c.organization_id, c.confirmed_at is not None) for c in activity.credits.all()
        ),
        "audit": (event.actor_id, strip(event.before), strip(event.after), event.committee_id),
    }


GOOD_CHANGES = {
    "fields": {"title": "Tên mới", "narrative": "", "not_for_publication": True},
    "parts": {
        "participants": {"people": 5},
        "values": {},
        "funding": {"own": 7},
        "co_organizations": [],
    },
    "dates": {"start_date": datetime.date(2023, 6, 1), "end_date": datetime.date(2023, 6, 2)},
}


@pytest.mark.parametrize("case", sorted(GOOD_CHANGES))
def test_updates_are_stored_exactly_as_activity_update_stores_them(s, case):
    changes = dict(GOOD_CHANGES[case])
    if "participants" in changes:
        changes["participants"] = {s.people: 5}
    single, bulk = _twins(s)
    _update_one(s, single, changes)
    (made,) = _update_many(s, [(bulk, changes)])
    assert made.version == single.version == 2
    assert bulk.version == 2  # the caller's object is in step, as activity_update leaves it
    assert _updated_state(made) == _updated_state(single)


def test_many_updates_in_one_call(s):
    stored = [_one(s, _input(s, title=f"Cũ {n}")) for n in range(4)]
    made = _update_many(s, [(a, {"title": f"Mới {n}"}) for n, a in enumerate(stored)])
    assert [a.title for a in made] == [f"Mới {n}" for n in range(4)]
    assert sorted(Activity.objects.values_list("title", flat=True)) == [
        f"Mới {n}" for n in range(4)
    ]
    assert AuditEvent.objects.filter(action="update").count() == 4


@pytest.mark.parametrize("case", sorted(BAD))
def test_bad_updates_are_refused_with_the_same_messages_and_nothing_written(s, case):
    changes = _resolve(s, BAD[case])
    single, bulk = _twins(s)
    fine = _one(s, _input(s))
    with pytest.raises(ValidationError) as one:
        _update_one(s, single, changes)
    with pytest.raises(services.ReportsRefused) as many:
        _update_many(s, [(fine, {"title": "Được"}), (bulk, changes)])
    assert set(many.value.by_index) == {1}
    assert many.value.by_index[1].message_dict == one.value.message_dict
    assert not Activity.objects.filter(version__gt=1).exists()
    assert not AuditEvent.objects.filter(action="update").exists()


def test_reversed_dates_alone_are_worded_as_activity_update_words_them(s):
    # Constraints are checked by the write in the bulk path: the refusal is the same.
    changes = {"start_date": datetime.date(2023, 5, 2), "end_date": datetime.date(2023, 5, 1)}
    single, bulk = _twins(s)
    with pytest.raises(ValidationError) as one:
        _update_one(s, single, changes)
    with pytest.raises(services.ReportsRefused) as many:
        _update_many(s, [(bulk, changes)])
    assert many.value.by_index[0].message_dict == one.value.message_dict
    assert Activity.objects.get(pk=bulk.pk).version == 1


def test_locked_reports_and_stale_versions_are_refused_as_activity_update_does(s):
    single, bulk = f.submitted(s), f.submitted(s)
    with pytest.raises(ValidationError) as one:
        _update_one(s, single, {"title": "Khác"})
    with pytest.raises(services.ReportsRefused) as many:
        _update_many(s, [(bulk, {"title": "Khác"})])
    assert many.value.by_index[0].messages == one.value.messages

    stale = _one(s, _input(s))
    services.activity_update(
        actor=s.user("focal_a"), activity=stale, expected_version=1, title="Đã sửa"
    )
    with pytest.raises(services.ReportsRefused) as conflict:
        services.activities_update_many(
            actor=s.user("focal_a"),
            changes=[services.Change(activity=stale, expected_version=1, changes={"title": "X"})],
        )
    assert isinstance(conflict.value.by_index[0], services.ActivityConflict)


def test_reports_of_another_organization_are_denied(s):
    mine = _one(s, _input(s))
    with pytest.raises(PermissionDenied):
        _update_one(s, mine, {"title": "Khác"}, actor=s.user("focal_b"))
    with pytest.raises(services.ReportsDenied) as many:
        _update_many(s, [(mine, {"title": "Khác"})], actor=s.user("focal_b"))
    assert many.value.indexes == [0]


def test_a_change_between_the_check_and_the_write_is_a_conflict(s):
    report = _one(s, _input(s))
    checked = services.activities_check_updates(
        actor=s.user("focal_a"),
        changes=[services.Change(activity=report, expected_version=1, changes={"title": "A"})],
    )
    services.activity_update(
        actor=s.user("focal_a"), activity=report, expected_version=1, title="B"
    )
    with pytest.raises(services.ReportsRefused) as exc:
        services.activities_apply_checked(checked)
    assert isinstance(exc.value.by_index[0], services.ActivityConflict)
    assert Activity.objects.get(pk=report.pk).title == "B"


def test_updates_are_announced_to_those_who_follow_saves(s):
    created = []
    events.register_created_listener(created.append)
    report = _one(s, _input(s))
    try:
        _update_many(s, [(report, {"title": "Mới"})])
    finally:
        events._created_listeners.remove(created.append)
    assert created == [(report.pk,)]


def test_the_program_closing_between_the_check_and_the_write_refuses_the_writes(s):
    from phoihop.programs.models import Program

    stored = _one(s, _input(s))
    drafts = services.activities_check_many(
        actor=s.user("focal_a"), program=s.program, organization=s.world.org_a, reports=[_input(s)]
    )
    changes = services.activities_check_updates(
        actor=s.user("focal_a"),
        changes=[services.Change(activity=stored, expected_version=1, changes={"title": "A"})],
    )
    Program.all_objects.filter(pk=s.program.pk).update(status=ProgramStatus.CLOSED)
    with pytest.raises(ValidationError) as new:
        services.activities_insert_checked(drafts)
    assert [e.code for e in new.value.error_list] == ["program_status"]
    with pytest.raises(services.ReportsRefused) as edit:
        services.activities_apply_checked(changes)
    assert [e.code for e in edit.value.by_index[0].error_list] == ["program_status"]
    assert Activity.objects.count() == 1
    assert Activity.objects.get().title == _input(s)["title"]


# -- progress: told after each chunk, with that much written ------------------------------------


def test_inserts_tell_their_progress_a_chunk_at_a_time_as_they_write(s):
    count = services.CHUNK + 1
    told: list[tuple[int, int, int]] = []

    def progress(done):  # what is written when each chunk is told
        told.append((done, Activity.objects.count(), AuditEvent.objects.count()))

    checking: list[int] = []
    checked = services.activities_check_many(
        actor=s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        reports=[_input(s, title=f"Báo cáo {n}") for n in range(count)],
        progress=checking.append,
    )
    assert checking == [services.CHUNK, count]
    assert Activity.objects.count() == 0
    audits = AuditEvent.objects.count()
    services.activities_insert_checked(checked, progress=progress)
    assert told == [
        (services.CHUNK, services.CHUNK, audits + services.CHUNK),
        (count, count, audits + count),
    ]


def test_updates_tell_their_progress_a_chunk_at_a_time_as_they_write(s):
    count = services.CHUNK + 1
    stored = _many(s, [_input(s, title=f"Cũ {n}") for n in range(count)])
    changes = [
        services.Change(activity=a, expected_version=a.version, changes={"title": f"Mới {n}"})
        for n, a in enumerate(stored)
    ]
    checking: list[int] = []
    checked = services.activities_check_updates(
        actor=s.user("focal_a"), changes=changes, progress=checking.append
    )
    assert checking == [services.CHUNK, count]
    told: list[tuple[int, int]] = []
    services.activities_apply_checked(
        checked,
        progress=lambda done: told.append(
            (done, Activity.objects.filter(title__startswith="Mới").count())
        ),
    )
    assert told == [(services.CHUNK, services.CHUNK), (count, count)]
    assert AuditEvent.objects.filter(action="update").count() == count


def test_a_key_stored_between_the_check_and_the_write_fails_the_whole_write(s):
    """The database refuses it (COPY on PostgreSQL, INSERT elsewhere) as Django's
    IntegrityError, which the callers handle; nothing of the call is written."""
    from django.db import IntegrityError, transaction

    key = uuid.uuid4()
    checked = services.activities_check_many(
        actor=s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        reports=[_input(s, title="Trước"), _input(s, uuid=key)],
    )
    _one(s, _input(s, uuid=key, title="Chen ngang"))
    with pytest.raises(IntegrityError), transaction.atomic():
        services.activities_insert_checked(checked)
    assert list(Activity.objects.values_list("title", flat=True)) == ["Chen ngang"]
