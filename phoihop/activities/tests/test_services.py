"""The services: every rule, every allowed and refused move, every audit row."""

from __future__ import annotations

import datetime
import uuid
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phoihop.activities import events, services
from phoihop.activities.choices import ActivityStatus as S
from phoihop.activities.models import (
    Activity,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.activities.tests import factories as f
from phoihop.core.models import AuditEvent
from phoihop.orgs import services as org_services
from phoihop.orgs.choices import OrgKind, OrgLevel, Role
from phoihop.programs.choices import ProgramStatus


def events_of(obj, action: str) -> list[AuditEvent]:
    return list(
        AuditEvent.objects.filter(
            action=action, object_id=str(obj.pk), content_type__model=obj._meta.model_name
        )
    )


def codes(exc: ValidationError) -> set[str | None]:
    return {e.code for e in exc.error_list} if hasattr(exc, "error_list") else set()


# -- create ------------------------------------------------------------------------------


class TestCreate:
    def test_creates_a_draft_with_its_parts_and_credits(self, s):
        activity = f.report(s, co_organizations=[s.world.org_b])
        assert activity.status == S.DRAFT
        assert activity.version == 1
        assert activity.committee_id == s.world.committee.pk
        assert activity.created_by == s.user("focal_a")
        assert dict(activity.participations.values_list("target_group__code", "count")) == {
            "can-bo": 40,
            "nhan-dan": 210,
        }
        ratio = activity.values.get(indicator=s.ratio)
        assert (ratio.value, ratio.denominator) == (Decimal(45), Decimal(60))
        assert dict(activity.funding.values_list("source", "amount")) == {
            "state": 5_000_000,
            "mobilized": 2_500_000,
        }
        by_org = {c.organization_id: c for c in activity.credits.all()}
        assert by_org[s.world.org_a.pk].confirmed_at is not None
        assert by_org[s.world.org_a.pk].confirmed_by == s.user("focal_a")
        assert by_org[s.world.org_b.pk].confirmed_at is None

    def test_create_is_audited_with_the_parts(self, s):
        activity = f.report(s)
        (event,) = events_of(activity, "create")
        assert event.actor == s.user("focal_a")
        assert event.before is None
        assert event.after["title"] == activity.title
        assert event.after["participants"] == {str(s.cadres.pk): 40, str(s.people.pk): 210}
        assert event.after["funding"] == {"mobilized": 2_500_000, "state": 5_000_000}
        assert event.committee_id == s.world.committee.pk

    def test_same_uuid_twice_gives_one_report_unchanged(self, s):
        key = uuid.uuid4()
        first = f.report(s, uuid=key)
        again = f.report(s, uuid=str(key), title="A different title on the retry")
        assert again.pk == first.pk
        assert Activity.all_objects.filter(uuid=key).count() == 1
        again.refresh_from_db()
        assert again.title == first.title
        assert len(events_of(first, "create")) == 1

    def test_the_retry_is_answered_even_after_the_program_moved_on(self, s):
        key = uuid.uuid4()
        first = f.report(s, uuid=key)
        s.program.status = ProgramStatus.IN_REVIEW
        s.program.save()
        assert f.report(s, uuid=key).pk == first.pk

    def test_uuid_of_someone_elses_report_is_refused(self, s, make_user):
        key = uuid.uuid4()
        f.report(s, uuid=key)
        colleague = make_user("focal_a2", (Role.FOCAL, s.world.org_a))
        with pytest.raises(ValidationError) as exc:
            f.report(s, uuid=key, actor=colleague)
        assert codes(exc.value) == {"uuid_taken"}
        assert Activity.all_objects.filter(uuid=key).count() == 1

    def test_malformed_uuid_is_refused(self, s):
        with pytest.raises(ValidationError):
            f.report(s, uuid="not-a-uuid")

    @pytest.mark.parametrize(
        ("status", "allowed"),
        [
            (ProgramStatus.DRAFT, False),
            (ProgramStatus.SIGNING, True),
            (ProgramStatus.IN_FORCE, True),
            (ProgramStatus.IN_REVIEW, False),
            (ProgramStatus.CLOSED, False),
        ],
    )
    def test_drafts_only_while_signing_or_in_force(self, world, status, allowed):
        s = f.setup(world, status=status)
        if allowed:
            assert f.report(s).status == S.DRAFT
        else:
            with pytest.raises(ValidationError) as exc:
                f.report(s)
            assert codes(exc.value) == {"program_status"}
            assert not Activity.all_objects.exists()

    @pytest.mark.parametrize("role", ["focal_b", "secretariat", "leader", "editor", "admin"])
    def test_only_the_organizations_focal_point_reports(self, s, role):
        with pytest.raises(PermissionDenied):
            f.report(s, actor=s.user(role))

    def test_content_must_be_led_or_co_operated_by_the_organization(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, content=s.other_content, values={}, participants={})
        assert "content" in exc.value.message_dict

    def test_a_branch_reports_under_its_parents_content(self, s, make_user):
        root = s.user("admin")
        branch = org_services.organization_create(
            actor=root,
            committee=s.world.committee,
            name="Ban CHQS huyện Mai Châu",
            kind=OrgKind.MILITARY,
            level=OrgLevel.DISTRICT,
            parent=s.world.org_a,
            locality=s.world.district,
            valid_from=datetime.date(2020, 1, 1),
        )
        focal = make_user("focal_branch", (Role.FOCAL, branch))
        activity = f.report(s, actor=focal, organization=branch)
        assert activity.organization == branch

    def test_values_only_for_the_contents_indicators(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, values={s.other_indicator: Decimal(1)})
        assert "values" in exc.value.message_dict
        assert not Activity.all_objects.exists()

    def test_participants_only_for_the_contents_groups(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, participants={s.soldiers: 5})
        assert "participants" in exc.value.message_dict

    def test_a_content_without_groups_takes_any_group(self, s):
        activity = f.report(
            s,
            actor=s.user("focal_b"),
            organization=s.world.org_b,
            content=s.other_content,
            participants={s.soldiers: 12},
            values={s.other_indicator: 2},
        )
        assert activity.participations.get().target_group == s.soldiers

    @pytest.mark.parametrize("count", [-1, 1.5, "12", True])
    def test_participant_counts_are_whole_and_not_negative(self, s, count):
        with pytest.raises(ValidationError) as exc:
            f.report(s, participants={s.cadres: count})
        assert "participants" in exc.value.message_dict

    def test_zero_participants_and_zero_amounts_are_not_stored(self, s):
        activity = f.report(s, participants={s.cadres: 0, s.people: 3}, funding={"own": 0})
        assert list(activity.participations.values_list("count", flat=True)) == [3]
        assert not activity.funding.exists()

    @pytest.mark.parametrize("amount", [-1, Decimal("10.5"), 2.0, "abc"])
    def test_funding_is_whole_dong_not_negative(self, s, amount):
        with pytest.raises(ValidationError) as exc:
            f.report(s, funding={"state": amount})
        assert "funding" in exc.value.message_dict

    def test_unknown_ids_are_reported_not_crashed_on(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(
                s,
                participants={"abc": 1, 999999: 2},
                values={"x": 1},
                co_organizations=["?"],
            )
        assert {"participants", "values", "co_organizations"} <= set(exc.value.message_dict)
        assert len(exc.value.message_dict["participants"]) == 2

    def test_unknown_funding_source_is_refused(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, funding={"lottery": 5})
        assert "funding" in exc.value.message_dict

    @pytest.mark.parametrize(
        "value",
        [Decimal(-1), "x", 1.5, (Decimal(1), Decimal(0)), Decimal("1.234")],
        ids=["negative", "text", "float", "zero-denominator", "three-decimals"],
    )
    def test_bad_values_are_refused(self, s, value):
        target = s.ratio if isinstance(value, tuple) else s.sessions
        with pytest.raises(ValidationError) as exc:
            f.report(s, values={target: value})
        assert "values" in exc.value.message_dict

    def test_ratio_needs_a_denominator_and_a_sum_takes_none(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, values={s.ratio: Decimal(3), s.sessions: (Decimal(2), Decimal(4))})
        assert len(exc.value.message_dict["values"]) == 2

    def test_dates_inside_the_program_period(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, start_date=datetime.date(2022, 12, 31))
        assert "start_date" in exc.value.message_dict

    def test_end_before_start_is_refused(self, s):
        with pytest.raises(ValidationError):
            f.report(s, start_date=datetime.date(2023, 5, 2), end_date=datetime.date(2023, 5, 1))

    def test_co_organizer_of_another_committee_is_refused(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(s, co_organizations=[s.world.other_org])
        assert "co_organizations" in exc.value.message_dict

    def test_all_errors_come_together(self, s):
        with pytest.raises(ValidationError) as exc:
            f.report(
                s,
                title="",
                participants={s.soldiers: 1},
                values={s.other_indicator: 1},
                funding={"state": -5},
            )
        assert {"title", "participants", "values", "funding"} <= set(exc.value.message_dict)


# -- update ---------------------------------------------------------------------------------


class TestUpdate:
    def test_changes_fields_and_replaces_parts(self, s):
        activity = f.report(s, co_organizations=[s.world.org_b])
        updated = services.activity_update(
            actor=s.user("focal_a"),
            activity=activity,
            expected_version=1,
            title="Tuyên truyền pháp luật",
            participants={s.people: 99},
            values={s.sessions: 4},
            funding={"own": 1_000_000},
            co_organizations=[],
        )
        assert updated.version == 2
        assert activity.version == 2  # the caller's object is not left stale
        assert updated.title == "Tuyên truyền pháp luật"
        assert list(
            Participation.objects.filter(activity=activity).values_list("count", flat=True)
        ) == [99]
        assert list(
            IndicatorValue.objects.filter(activity=activity).values_list("value", flat=True)
        ) == [4]
        assert list(Funding.objects.filter(activity=activity).values_list("source", flat=True)) == [
            "own"
        ]
        assert list(activity.credits.values_list("organization", flat=True)) == [s.world.org_a.pk]

    def test_parts_not_given_are_kept(self, s):
        activity = f.report(s)
        services.activity_update(
            actor=s.user("focal_a"), activity=activity, expected_version=1, narrative="Đã bổ sung"
        )
        assert activity.participations.count() == 2
        assert activity.funding.count() == 2

    def test_update_is_audited_before_and_after(self, s):
        activity = f.report(s)
        services.activity_update(
            actor=s.user("focal_a"),
            activity=activity,
            expected_version=1,
            title="Mới",
            participants={s.people: 5},
        )
        (event,) = events_of(activity, "update")
        assert event.before["title"] != "Mới"
        assert event.after["title"] == "Mới"
        assert event.before["participants"] == {str(s.cadres.pk): 40, str(s.people.pk): 210}
        assert event.after["participants"] == {str(s.people.pk): 5}
        assert event.before["version"] == 1
        assert event.after["version"] == 2
        assert "participants" in event.changed_fields

    def test_stale_version_is_a_conflict_with_the_servers_values(self, s):
        activity = f.report(s)
        services.activity_update(
            actor=s.user("focal_a"), activity=activity, expected_version=1, title="Bản của A1"
        )
        with pytest.raises(services.ActivityConflict) as exc:
            services.activity_update(
                actor=s.user("focal_a"), activity=activity, expected_version=1, title="Bản của A2"
            )
        assert isinstance(exc.value, ValidationError)
        assert exc.value.current_version == 2
        assert exc.value.current["title"] == "Bản của A1"
        assert exc.value.current["participants"] == {str(s.cadres.pk): 40, str(s.people.pk): 210}
        activity.refresh_from_db()
        assert (activity.title, activity.version) == ("Bản của A1", 2)

    @pytest.mark.parametrize("status", [S.SUBMITTED, S.APPROVED, S.SUPERSEDED])
    def test_locked_statuses_cannot_be_edited(self, s, status):
        activity = f.force_status(f.report(s), status, decider=s.user("secretariat"))
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                actor=s.user("focal_a"), activity=activity, expected_version=1, title="X"
            )
        assert codes(exc.value) == {"locked"}

    def test_returned_report_can_be_edited(self, s):
        activity = f.force_status(f.report(s), S.RETURNED, decider=s.user("secretariat"))
        updated = services.activity_update(
            actor=s.user("focal_a"), activity=activity, expected_version=1, title="Đã sửa"
        )
        assert updated.status == S.RETURNED
        assert updated.title == "Đã sửa"

    @pytest.mark.parametrize("role", ["focal_b", "secretariat", "leader", "other_secretariat"])
    def test_only_the_reporting_focal_point_edits(self, s, role):
        activity = f.report(s, co_organizations=[s.world.org_b])
        with pytest.raises(PermissionDenied):
            services.activity_update(
                actor=s.user(role), activity=activity, expected_version=1, title="X"
            )

    def test_unknown_fields_are_a_programming_error(self, s):
        activity = f.report(s)
        with pytest.raises(TypeError):
            services.activity_update(
                actor=s.user("focal_a"), activity=activity, expected_version=1, status=S.APPROVED
            )

    def test_changing_the_content_checks_the_values_kept(self, s):
        activity = f.report(s)
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                actor=s.user("focal_a"),
                activity=activity,
                expected_version=1,
                content=s.other_content,
            )
        assert "values" in exc.value.message_dict

    def test_program_out_of_drafting_refuses_edits(self, s):
        activity = f.report(s)
        s.program.status = ProgramStatus.CLOSED
        s.program.save()
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                actor=s.user("focal_a"), activity=activity, expected_version=1, title="X"
            )
        assert codes(exc.value) == {"program_status"}


# -- transitions ---------------------------------------------------------------------------


ALL = list(S.values)
SERVICE_FOR = {
    S.SUBMITTED: ("focal_a", lambda actor, a: services.activity_submit(actor=actor, activity=a)),
    S.APPROVED: (
        "secretariat",
        lambda actor, a: services.activity_approve(actor=actor, activity=a),
    ),
    S.RETURNED: (
        "secretariat",
        lambda actor, a: services.activity_return(actor=actor, activity=a, reason="Thiếu ảnh"),
    ),
}


def test_the_transition_map():
    assert set(services.TRANSITIONS.pairs()) == {
        (S.DRAFT, S.SUBMITTED),
        (S.RETURNED, S.SUBMITTED),
        (S.SUBMITTED, S.APPROVED),
        (S.SUBMITTED, S.RETURNED),
        (S.APPROVED, S.SUPERSEDED),
    }


@pytest.mark.parametrize("target", list(SERVICE_FOR))
@pytest.mark.parametrize("source", ALL)
def test_every_transition_is_allowed_or_refused_by_the_map(s, source, target):
    activity = f.report(s)
    Activity.all_objects.filter(pk=activity.pk).update(submitted_by=s.user("focal_a"))
    activity = f.force_status(activity, source, decider=s.user("leader"))
    role, run = SERVICE_FOR[target]
    if services.TRANSITIONS.can(source, target):
        result = run(s.user(role), activity)
        assert result.status == target
        assert result.version == 2
    else:
        with pytest.raises(ValidationError) as exc:
            run(s.user(role), activity)
        assert codes(exc.value) == {"invalid_transition"}
        activity.refresh_from_db()
        assert activity.status == source


class TestSubmit:
    def test_submit_records_who_and_when_and_is_audited(self, s):
        activity = f.submitted(s)
        assert activity.status == S.SUBMITTED
        assert activity.submitted_by == s.user("focal_a")
        assert activity.submitted_at is not None
        (event,) = events_of(activity, "submit")
        assert (event.before["status"], event.after["status"]) == (S.DRAFT, S.SUBMITTED)

    def test_submission_opens_when_the_program_is_in_force(self, world):
        s = f.setup(world, status=ProgramStatus.SIGNING)
        activity = f.report(s)
        with pytest.raises(ValidationError) as exc:
            services.activity_submit(actor=s.user("focal_a"), activity=activity)
        assert codes(exc.value) == {"program_status"}
        s.program.status = ProgramStatus.IN_FORCE
        s.program.save()
        assert (
            services.activity_submit(actor=s.user("focal_a"), activity=activity).status
            == S.SUBMITTED
        )

    @pytest.mark.parametrize("role", ["focal_b", "secretariat", "leader"])
    def test_only_the_reporting_organization_submits(self, s, role):
        activity = f.report(s, co_organizations=[s.world.org_b])
        with pytest.raises(PermissionDenied):
            services.activity_submit(actor=s.user(role), activity=activity)

    def test_submit_with_a_stale_version_conflicts(self, s):
        activity = f.report(s)
        services.activity_update(
            actor=s.user("focal_a"), activity=activity, expected_version=1, title="v2"
        )
        with pytest.raises(services.ActivityConflict):
            services.activity_submit(actor=s.user("focal_a"), activity=activity, expected_version=1)


class TestDecisions:
    def test_approve_records_the_decider(self, s):
        activity = f.approved(s)
        assert activity.status == S.APPROVED
        assert activity.decided_by == s.user("secretariat")
        (event,) = events_of(activity, "approve")
        assert (event.before["status"], event.after["status"]) == (S.SUBMITTED, S.APPROVED)

    def test_the_author_never_approves(self, s, make_user):
        both = make_user(
            "focal_and_secretariat", (Role.FOCAL, s.world.org_a), (Role.SECRETARIAT, None)
        )
        activity = f.submitted(s, actor=both)
        with pytest.raises(ValidationError) as exc:
            services.activity_approve(actor=both, activity=activity)
        assert codes(exc.value) == {"own_report"}
        assert (
            services.activity_approve(actor=s.user("secretariat"), activity=activity).status
            == S.APPROVED
        )

    def test_the_submitter_never_approves(self, s, make_user):
        both = make_user(
            "focal_and_secretariat", (Role.FOCAL, s.world.org_a), (Role.SECRETARIAT, None)
        )
        activity = f.report(s)
        services.activity_submit(actor=both, activity=activity)
        with pytest.raises(ValidationError):
            services.activity_approve(actor=both, activity=activity)
        with pytest.raises(ValidationError):
            services.activity_return(actor=both, activity=activity, reason="x")

    @pytest.mark.parametrize(
        "role", ["focal_a", "focal_b", "leader", "editor", "other_secretariat"]
    )
    def test_who_may_not_approve(self, s, role):
        activity = f.submitted(s, actor=s.user("focal_b"), organization=s.world.org_b)
        with pytest.raises((PermissionDenied, ValidationError)):
            services.activity_approve(actor=s.user(role), activity=activity)
        activity.refresh_from_db()
        assert activity.status == S.SUBMITTED

    def test_lead_organization_approves_when_the_program_says_so(self, world):
        s = f.setup(world, lead_may_approve=True)
        activity = f.submitted(s, actor=s.user("focal_b"), organization=s.world.org_b)
        approved = services.activity_approve(actor=s.user("focal_a"), activity=activity)
        assert approved.status == S.APPROVED
        assert approved.decided_by == s.user("focal_a")

    def test_lead_organization_does_not_approve_otherwise(self, s):
        activity = f.submitted(s, actor=s.user("focal_b"), organization=s.world.org_b)
        with pytest.raises(PermissionDenied):
            services.activity_approve(actor=s.user("focal_a"), activity=activity)

    def test_lead_approval_covers_only_the_led_content(self, world):
        s = f.setup(world, lead_may_approve=True)
        activity = f.submitted(
            s,
            actor=s.user("focal_b"),
            organization=s.world.org_b,
            content=s.other_content,
            participants={},
            values={},
        )
        with pytest.raises(PermissionDenied):
            services.activity_approve(actor=s.user("focal_a"), activity=activity)

    @pytest.mark.parametrize("reason", ["", "   ", None])
    def test_return_needs_a_reason(self, s, reason):
        activity = f.submitted(s)
        with pytest.raises(ValidationError) as exc:
            services.activity_return(actor=s.user("secretariat"), activity=activity, reason=reason)
        assert "reason" in exc.value.message_dict
        activity.refresh_from_db()
        assert activity.status == S.SUBMITTED

    def test_returned_report_is_fixed_and_resubmitted(self, s):
        activity = f.submitted(s)
        returned = services.activity_return(
            actor=s.user("secretariat"), activity=activity, reason="  Thiếu số người tham gia  "
        )
        assert returned.return_reason == "Thiếu số người tham gia"
        (event,) = events_of(activity, "return")
        assert event.after["return_reason"] == "Thiếu số người tham gia"
        fixed = services.activity_update(
            actor=s.user("focal_a"),
            activity=returned,
            expected_version=returned.version,
            participants={s.people: 300},
        )
        again = services.activity_submit(actor=s.user("focal_a"), activity=fixed)
        assert again.status == S.SUBMITTED
        assert (
            services.activity_approve(actor=s.user("secretariat"), activity=again).status
            == S.APPROVED
        )

    def test_decisions_close_with_the_program(self, s):
        activity = f.submitted(s)
        other = f.submitted(s, title="Khác")
        s.program.status = ProgramStatus.IN_REVIEW
        s.program.save()
        assert (
            services.activity_approve(actor=s.user("secretariat"), activity=activity).status
            == S.APPROVED
        )
        s.program.status = ProgramStatus.CLOSED
        s.program.save()
        with pytest.raises(ValidationError) as exc:
            services.activity_approve(actor=s.user("secretariat"), activity=other)
        assert codes(exc.value) == {"program_status"}

    def test_a_trashed_report_is_not_decided(self, s):
        activity = f.submitted(s)
        services.activity_trash(actor=s.user("secretariat"), activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.activity_approve(actor=s.user("secretariat"), activity=activity)
        assert codes(exc.value) == {"trashed"}


# -- revisions ------------------------------------------------------------------------------


class TestRevision:
    def test_revision_copies_everything_in_the_same_series(self, s, media):
        original = f.report(s, co_organizations=[s.world.org_b])
        services.attachment_add(
            actor=s.user("focal_a"),
            activity=original,
            file=f.upload("a.jpg", f.jpeg_with_exif((40, 30))),
        )
        credit_b = original.credits.get(organization=s.world.org_b)
        services.credit_confirm(actor=s.user("focal_b"), credit=credit_b)
        original = services.activity_submit(actor=s.user("focal_a"), activity=original)
        original = services.activity_approve(actor=s.user("secretariat"), activity=original)

        revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
        assert revision.status == S.DRAFT
        assert revision.series == original.series
        assert revision.revision_of == original
        assert revision.uuid != original.uuid
        assert revision.version == 1
        for name in ("title", "start_date", "end_date", "locality_id", "content_id", "narrative"):
            assert getattr(revision, name) == getattr(original, name)

        def parts(a):
            return (
                sorted(a.participations.values_list("target_group", "count")),
                sorted(a.values.values_list("indicator", "value", "denominator")),
                sorted(a.funding.values_list("source", "amount")),
                sorted((c.organization_id, c.confirmed_at is not None) for c in a.credits.all()),
                sorted(a.attachments.values_list("file", flat=True)),
            )

        assert parts(revision) == parts(original)
        (event,) = events_of(revision, "revise")
        assert event.after["revision_of_id"] == original.pk

    def test_old_counts_until_the_revision_is_approved_then_is_superseded(self, s):
        original = f.approved(s)
        revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
        revision = services.activity_update(
            actor=s.user("focal_a"),
            activity=revision,
            expected_version=1,
            participants={s.people: 500},
        )
        revision = services.activity_submit(actor=s.user("focal_a"), activity=revision)
        original.refresh_from_db()
        assert original.status == S.APPROVED  # still the counted one
        approved = Activity.objects.filter(series=original.series, status=S.APPROVED)
        assert list(approved) == [original]

        seen = []
        listener = events.register_listener(seen.append)
        try:
            services.activity_approve(actor=s.user("secretariat"), activity=revision)
        finally:
            events.unregister_listener(listener)
        original.refresh_from_db()
        revision.refresh_from_db()
        assert (original.status, revision.status) == (S.SUPERSEDED, S.APPROVED)
        assert list(Activity.objects.filter(series=original.series, status=S.APPROVED)) == [
            revision
        ]
        assert [(e.kind, e.activity_ids) for e in seen] == [
            (events.SUPERSEDED, (original.pk,)),
            (events.APPROVED, (revision.pk,)),
        ]
        (event,) = events_of(original, "supersede")
        assert (event.before["status"], event.after["status"]) == (S.APPROVED, S.SUPERSEDED)

    def test_returned_revision_leaves_the_old_one_approved(self, s):
        original = f.approved(s)
        revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
        revision = services.activity_submit(actor=s.user("focal_a"), activity=revision)
        services.activity_return(actor=s.user("secretariat"), activity=revision, reason="Không rõ")
        original.refresh_from_db()
        assert original.status == S.APPROVED

    def test_one_revision_at_a_time(self, s):
        original = f.approved(s)
        services.activity_revise(actor=s.user("focal_a"), activity=original)
        with pytest.raises(ValidationError):
            services.activity_revise(actor=s.user("focal_a"), activity=original)

    def test_a_trashed_revision_makes_room_for_another(self, s):
        original = f.approved(s)
        first = services.activity_revise(actor=s.user("focal_a"), activity=original)
        services.activity_trash(actor=s.user("focal_a"), activity=first)
        second = services.activity_revise(actor=s.user("focal_a"), activity=original)
        assert second.series == original.series
        with pytest.raises(ValidationError):
            services.activity_restore(actor=s.user("focal_a"), activity=first)

    @pytest.mark.parametrize("status", [S.DRAFT, S.SUBMITTED, S.RETURNED, S.SUPERSEDED])
    def test_only_the_approved_revision_is_revised(self, s, status):
        activity = f.force_status(f.report(s), status, decider=s.user("secretariat"))
        with pytest.raises(ValidationError) as exc:
            services.activity_revise(actor=s.user("focal_a"), activity=activity)
        assert codes(exc.value) == {"not_approved"}

    @pytest.mark.parametrize("role", ["focal_b", "secretariat", "leader"])
    def test_only_the_reporting_organization_revises(self, s, role):
        original = f.approved(s)
        with pytest.raises(PermissionDenied):
            services.activity_revise(actor=s.user(role), activity=original)

    def test_revise_is_idempotent_on_uuid(self, s):
        original = f.approved(s)
        key = uuid.uuid4()
        first = services.activity_revise(actor=s.user("focal_a"), activity=original, uuid=key)
        again = services.activity_revise(actor=s.user("focal_a"), activity=original, uuid=key)
        assert first.pk == again.pk


# -- bulk -----------------------------------------------------------------------------------


class TestBulk:
    def test_approve_many(self, s):
        reports = [f.submitted(s, title=f"Hoạt động {i}") for i in range(3)]
        done = services.activities_approve_many(actor=s.user("secretariat"), activities=reports)
        assert {a.status for a in done} == {S.APPROVED}
        assert AuditEvent.objects.filter(action="approve").count() == 3
        for activity in reports:
            (event,) = events_of(activity, "approve")
            assert (event.before["status"], event.after["status"]) == (S.SUBMITTED, S.APPROVED)

    def test_one_bad_item_changes_nothing(self, s):
        good = [f.submitted(s, title=f"Tốt {i}") for i in range(2)]
        bad = f.report(s, title="Bản nháp chưa gửi")
        with pytest.raises(ValidationError) as exc:
            services.activities_approve_many(actor=s.user("secretariat"), activities=[*good, bad])
        assert any("Bản nháp chưa gửi" in m for m in exc.value.messages)
        assert set(Activity.objects.values_list("status", flat=True)) == {S.SUBMITTED, S.DRAFT}
        assert not AuditEvent.objects.filter(action="approve").exists()

    def test_a_listener_failure_rolls_the_batch_back(self, s):
        reports = [f.submitted(s, title=f"Hoạt động {i}") for i in range(2)]

        def fail_on_second(change):
            if change.activity_ids == (reports[1].pk,):
                raise RuntimeError("rollup failed")

        events.register_listener(fail_on_second)
        try:
            with pytest.raises(RuntimeError):
                services.activities_approve_many(actor=s.user("secretariat"), activities=reports)
        finally:
            events.unregister_listener(fail_on_second)
        assert set(Activity.objects.values_list("status", flat=True)) == {S.SUBMITTED}
        assert not AuditEvent.objects.filter(action="approve").exists()

    def test_bulk_refuses_own_reports_for_everyone(self, s, make_user):
        both = make_user(
            "focal_and_secretariat", (Role.FOCAL, s.world.org_a), (Role.SECRETARIAT, None)
        )
        mine = f.submitted(s, actor=both, title="Của tôi")
        theirs = f.submitted(s, title="Của người khác")
        with pytest.raises(ValidationError) as exc:
            services.activities_approve_many(actor=both, activities=[mine, theirs])
        assert any("Của tôi" in m for m in exc.value.messages)
        theirs.refresh_from_db()
        assert theirs.status == S.SUBMITTED

    def test_bulk_refuses_reports_out_of_reach(self, s):
        activity = f.submitted(s)
        with pytest.raises(ValidationError):
            services.activities_approve_many(
                actor=s.user("other_secretariat"), activities=[activity]
            )
        with pytest.raises(ValidationError):
            services.activities_approve_many(actor=s.user("secretariat"), activities=[])
        with pytest.raises(ValidationError):
            services.activities_approve_many(
                actor=s.user("secretariat"), activities=[activity.pk + 999]
            )

    def test_return_many(self, s):
        reports = [f.submitted(s, title=f"Hoạt động {i}") for i in range(2)]
        with pytest.raises(ValidationError):
            services.activities_return_many(
                actor=s.user("secretariat"), activities=reports, reason=" "
            )
        done = services.activities_return_many(
            actor=s.user("secretariat"), activities=reports, reason="Thiếu ảnh"
        )
        assert {(a.status, a.return_reason) for a in done} == {(S.RETURNED, "Thiếu ảnh")}
        assert AuditEvent.objects.filter(action="return").count() == 2

    def test_bulk_approval_supersedes_revised_reports(self, s):
        original = f.approved(s)
        revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
        revision = services.activity_submit(actor=s.user("focal_a"), activity=revision)
        other = f.submitted(s, title="Khác")
        services.activities_approve_many(actor=s.user("secretariat"), activities=[revision, other])
        original.refresh_from_db()
        assert original.status == S.SUPERSEDED
        assert len(events_of(original, "supersede")) == 1


# -- credits --------------------------------------------------------------------------------


class TestCredits:
    def test_the_credited_organization_confirms(self, s):
        activity = f.report(s, co_organizations=[s.world.org_b])
        credit = activity.credits.get(organization=s.world.org_b)
        seen = []
        events.register_listener(seen.append)
        try:
            services.credit_confirm(actor=s.user("focal_b"), credit=credit)
        finally:
            events.unregister_listener(seen.append)
        assert credit.confirmed_at is not None
        assert credit.confirmed_by == s.user("focal_b")
        (event,) = events_of(credit, "credit_confirm")
        assert event.before["confirmed_at"] is None
        assert event.after["confirmed_at"] is not None
        assert seen[0].kind == events.CREDIT_CONFIRMED
        assert seen[0].organization_id == s.world.org_b.pk

    @pytest.mark.parametrize("role", ["focal_a", "secretariat", "leader", "other_secretariat"])
    def test_nobody_else_confirms(self, s, role):
        activity = f.report(s, co_organizations=[s.world.org_b])
        credit = activity.credits.get(organization=s.world.org_b)
        with pytest.raises(PermissionDenied):
            services.credit_confirm(actor=s.user(role), credit=credit)
        credit.refresh_from_db()
        assert credit.confirmed_at is None

    def test_confirming_twice_is_refused(self, s):
        activity = f.report(s, co_organizations=[s.world.org_b])
        credit = activity.credits.get(organization=s.world.org_b)
        services.credit_confirm(actor=s.user("focal_b"), credit=credit)
        with pytest.raises(ValidationError):
            services.credit_confirm(actor=s.user("focal_b"), credit=credit)

    def test_add_and_remove_while_editable(self, s):
        activity = f.report(s)
        credit = services.credit_add(
            actor=s.user("focal_a"), activity=activity, organization=s.world.org_b
        )
        assert credit.confirmed_at is None
        assert len(events_of(credit, "credit_add")) == 1
        with pytest.raises(ValidationError):
            services.credit_add(
                actor=s.user("focal_a"), activity=activity, organization=s.world.org_b
            )
        pk = credit.pk
        services.credit_remove(actor=s.user("focal_a"), credit=credit)
        assert not Credit.objects.filter(pk=pk).exists()
        event = AuditEvent.objects.get(action="credit_remove")
        assert event.before["organization_id"] == s.world.org_b.pk
        assert event.after is None

    def test_add_refused_for_others_and_when_locked(self, s):
        activity = f.report(s)
        with pytest.raises(PermissionDenied):
            services.credit_add(
                actor=s.user("focal_b"), activity=activity, organization=s.world.org_b
            )
        with pytest.raises(ValidationError):
            services.credit_add(
                actor=s.user("focal_a"), activity=activity, organization=s.world.other_org
            )
        services.activity_submit(actor=s.user("focal_a"), activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.credit_add(
                actor=s.user("focal_a"), activity=activity, organization=s.world.org_b
            )
        assert codes(exc.value) == {"locked"}

    def test_the_reporters_own_credit_stays(self, s):
        activity = f.report(s)
        own = activity.credits.get()
        with pytest.raises(ValidationError):
            services.credit_remove(actor=s.user("focal_a"), credit=own)


# -- attachments ----------------------------------------------------------------------------


class TestAttachments:
    def test_photo_is_reencoded_upright_small_and_without_exif(self, s, media):
        from PIL import Image

        activity = f.report(s)
        original = f.jpeg_with_exif((3000, 2000))
        assert Image.open(f.upload("x", original)).getexif()  # the fixture has EXIF
        attachment = services.attachment_add(
            actor=s.user("focal_a"),
            activity=activity,
            file=f.upload("IMG_0001.JPG", original, "image/jpeg"),
            caption=" Buổi tuyên truyền ",
        )
        assert attachment.kind == "photo"
        assert attachment.caption == "Buổi tuyên truyền"
        assert attachment.original_name == "IMG_0001.JPG"
        assert attachment.content_type == "image/jpeg"
        assert attachment.file.name.endswith(".jpg")
        assert str(attachment.uuid) in attachment.file.name
        with attachment.file.open("rb") as stored:
            image = Image.open(stored)
            image.load()
        assert image.format == "JPEG"
        assert max(image.size) <= 1600
        assert image.size == (1067, 1600)  # turned upright by the EXIF orientation
        assert not image.getexif()
        assert "exif" not in image.info
        assert attachment.size == attachment.file.size
        (event,) = events_of(attachment, "attachment_add")
        assert event.after["activity_id"] == activity.pk

    def test_transparent_png_stays_png(self, s, media):
        import io

        from PIL import Image

        out = io.BytesIO()
        Image.new("RGBA", (200, 100), (0, 0, 0, 0)).save(out, format="PNG")
        attachment = services.attachment_add(
            actor=s.user("focal_a"), activity=f.report(s), file=f.upload("logo.png", out.getvalue())
        )
        assert attachment.file.name.endswith(".png")
        assert attachment.content_type == "image/png"

    @pytest.mark.parametrize(
        ("name", "data"),
        [
            ("photo.jpg", b"<!DOCTYPE html><html><script>alert(1)</script></html>"),
            (
                "drawing.svg",
                b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
            ),
            ("drawing.jpg", b'<svg xmlns="http://www.w3.org/2000/svg"></svg>'),
            ("archive.zip", None),
            ("truncated.jpg", None),
        ],
        ids=["html-renamed-jpg", "svg", "svg-renamed-jpg", "plain-zip", "truncated-jpeg"],
    )
    def test_unsafe_or_unknown_files_are_refused(self, s, media, name, data):
        import io
        import zipfile

        if name == "archive.zip":
            out = io.BytesIO()
            with zipfile.ZipFile(out, "w") as archive:
                archive.writestr("readme.txt", "hello")
            data = out.getvalue()
        if name == "truncated.jpg":
            data = f.jpeg_with_exif((100, 100))[:200]
        activity = f.report(s)
        with pytest.raises(ValidationError) as exc:
            services.attachment_add(
                actor=s.user("focal_a"), activity=activity, file=f.upload(name, data)
            )
        assert codes(exc.value) == {"file_type"}
        assert not activity.attachments.exists()
        assert not media.exists() or not any(p.is_file() for p in media.rglob("*"))

    def test_too_big_and_empty_files_are_refused(self, s, media):
        activity = f.report(s)
        big = b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024)
        with pytest.raises(ValidationError) as exc:
            services.attachment_add(
                actor=s.user("focal_a"), activity=activity, file=f.upload("big.pdf", big)
            )
        assert codes(exc.value) == {"too_big"}
        with pytest.raises(ValidationError):
            services.attachment_add(
                actor=s.user("focal_a"), activity=activity, file=f.upload("e.pdf", b"")
            )

    def test_documents_by_their_signature(self, s, media):
        import io

        import docx
        import openpyxl

        activity = f.report(s)
        doc_out = io.BytesIO()
        document = docx.Document()
        document.add_paragraph("Báo cáo kết quả")
        document.save(doc_out)
        book_out = io.BytesIO()
        openpyxl.Workbook().save(book_out)
        cases = [
            ("bao-cao.pdf", b"%PDF-1.7\n%\xe2\xe3\n1 0 obj<<>>endobj\n%%EOF", "pdf"),
            ("bao-cao.docx", doc_out.getvalue(), "docx"),
            ("so-lieu.bin", book_out.getvalue(), "xlsx"),  # the name does not matter
        ]
        for name, data, extension in cases:
            attachment = services.attachment_add(
                actor=s.user("focal_a"), activity=activity, file=f.upload(name, data)
            )
            assert attachment.kind == "document"
            assert attachment.file.name.endswith("." + extension)
            with attachment.file.open("rb") as stored:
                assert stored.read() == data

    def test_macro_documents_are_refused(self, s, media):
        import io
        import zipfile

        out = io.BytesIO()
        with zipfile.ZipFile(out, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
            archive.writestr("xl/workbook.xml", "<workbook/>")
            archive.writestr("xl/vbaProject.bin", b"\x00")
        with pytest.raises(ValidationError) as exc:
            services.attachment_add(
                actor=s.user("focal_a"),
                activity=f.report(s),
                file=f.upload("x.xlsx", out.getvalue()),
            )
        assert codes(exc.value) == {"macros"}

    def test_only_editable_reports_of_ones_own_take_attachments(self, s, media):
        activity = f.report(s)
        photo = f.jpeg_with_exif((50, 50))
        with pytest.raises(PermissionDenied):
            services.attachment_add(
                actor=s.user("focal_b"), activity=activity, file=f.upload("a.jpg", photo)
            )
        services.activity_submit(actor=s.user("focal_a"), activity=activity)
        with pytest.raises(ValidationError):
            services.attachment_add(
                actor=s.user("focal_a"), activity=activity, file=f.upload("a.jpg", photo)
            )

    def test_remove_deletes_the_file_once_unused(
        self, s, media, django_capture_on_commit_callbacks
    ):
        activity = f.report(s)
        attachment = services.attachment_add(
            actor=s.user("focal_a"),
            activity=activity,
            file=f.upload("a.jpg", f.jpeg_with_exif((50, 50))),
        )
        path = attachment.file.path
        with django_capture_on_commit_callbacks(execute=True):
            services.attachment_remove(actor=s.user("focal_a"), attachment=attachment)
        assert not activity.attachments.exists()
        assert (
            AuditEvent.objects.get(action="attachment_remove").before["activity_id"] == activity.pk
        )
        import os

        assert not os.path.exists(path)

    def test_a_file_shared_with_the_approved_revision_stays(
        self, s, media, django_capture_on_commit_callbacks
    ):
        import os

        activity = f.report(s)
        services.attachment_add(
            actor=s.user("focal_a"),
            activity=activity,
            file=f.upload("a.jpg", f.jpeg_with_exif((50, 50))),
        )
        services.activity_submit(actor=s.user("focal_a"), activity=activity)
        services.activity_approve(actor=s.user("secretariat"), activity=activity)
        revision = services.activity_revise(actor=s.user("focal_a"), activity=activity)
        copy = revision.attachments.get()
        with django_capture_on_commit_callbacks(execute=True):
            services.attachment_remove(actor=s.user("focal_a"), attachment=copy)
        assert os.path.exists(activity.attachments.get().file.path)


# -- nil reports and comments --------------------------------------------------------------


Q1 = (datetime.date(2023, 1, 1), datetime.date(2023, 3, 31))
Q2 = (datetime.date(2023, 4, 1), datetime.date(2023, 6, 30))


def nil(s, *, actor="focal_a", org=None, period=Q2, **kw):
    return services.nil_report_create(
        actor=s.user(actor),
        program=s.program,
        organization=org or s.world.org_a,
        period_start=period[0],
        period_end=period[1],
        **kw,
    )


class TestNilReport:
    def test_create_and_audit(self, s):
        report = nil(s, note="Không phát sinh hoạt động")
        assert report.committee_id == s.world.committee.pk
        assert report.created_by == s.user("focal_a")
        (event,) = events_of(report, "create")
        assert event.after["period_start"] == "2023-04-01"

    def test_secretariat_records_one_for_an_organization(self, s):
        assert nil(s, actor="secretariat", org=s.world.org_b).organization == s.world.org_b

    @pytest.mark.parametrize("role", ["focal_b", "leader", "other_secretariat", "anonymous"])
    def test_others_may_not(self, s, role):
        with pytest.raises(PermissionDenied):
            nil(s, actor=role)

    def test_refused_when_a_non_draft_report_overlaps_the_period(self, s):
        f.report(s)  # a draft on 27/03 does not count
        nil(s, period=Q1)
        NilReport.objects.all().delete()
        f.submitted(s, title="Đã gửi")
        with pytest.raises(ValidationError) as exc:
            nil(s, period=Q1)
        assert "Đã gửi" in exc.value.messages[0]
        assert nil(s, period=Q2).period_start == Q2[0]

    def test_duplicate_and_bad_periods_are_refused(self, s):
        nil(s)
        with pytest.raises(ValidationError):
            nil(s)
        with pytest.raises(ValidationError):
            nil(s, period=(datetime.date(2023, 12, 1), datetime.date(2024, 1, 31)))
        with pytest.raises(ValidationError):
            nil(s, period=(datetime.date(2023, 9, 30), datetime.date(2023, 9, 1)))

    def test_only_while_the_program_is_in_force(self, world):
        s = f.setup(world, status=ProgramStatus.SIGNING)
        with pytest.raises(ValidationError):
            nil(s)

    def test_delete(self, s):
        report = nil(s)
        pk = report.pk
        with pytest.raises(PermissionDenied):
            services.nil_report_delete(actor=s.user("focal_b"), report=report)
        services.nil_report_delete(actor=s.user("focal_a"), report=report)
        assert not NilReport.objects.exists()
        (event,) = AuditEvent.objects.filter(action="delete", object_id=str(pk))
        assert event.before["organization_id"] == s.world.org_a.pk


class TestComments:
    def test_anyone_who_sees_the_report_comments(self, s):
        activity = f.approved(s)
        comment = services.comment_add(actor=s.user("leader"), activity=activity, text=" Tốt ")
        assert comment.text == "Tốt"
        assert comment.author == s.user("leader")
        (event,) = events_of(comment, "comment_add")
        assert event.after["text"] == "Tốt"

    @pytest.mark.parametrize("role", ["other_secretariat", "anonymous", "leader"])
    def test_those_who_do_not_see_it_cannot(self, s, role):
        draft = f.report(s)
        with pytest.raises(PermissionDenied):
            services.comment_add(actor=s.user(role), activity=draft, text="?")

    def test_blank_comment_is_refused(self, s):
        with pytest.raises(ValidationError):
            services.comment_add(actor=s.user("focal_a"), activity=f.report(s), text="  ")


# -- trash ------------------------------------------------------------------------------------


class TestTrash:
    def test_focal_point_trashes_and_restores_a_draft(self, s):
        activity = f.report(s)
        seen = []
        events.register_listener(seen.append)
        try:
            services.activity_trash(actor=s.user("focal_a"), activity=activity)
            assert activity.is_trashed
            assert not Activity.objects.filter(pk=activity.pk).exists()
            (event,) = events_of(activity, "trash")
            assert event.before["deleted_at"] is None
            assert event.after["deleted_at"] is not None
            services.activity_restore(actor=s.user("focal_a"), activity=activity)
        finally:
            events.unregister_listener(seen.append)
        assert Activity.objects.filter(pk=activity.pk).exists()
        assert len(events_of(activity, "restore")) == 1
        assert [e.kind for e in seen] == [events.TRASHED, events.RESTORED]

    def test_focal_point_cannot_trash_a_submitted_report_but_secretariat_can(self, s):
        activity = f.submitted(s)
        with pytest.raises(PermissionDenied):
            services.activity_trash(actor=s.user("focal_a"), activity=activity)
        services.activity_trash(actor=s.user("secretariat"), activity=activity)
        assert activity.is_trashed

    @pytest.mark.parametrize("role", ["focal_a", "secretariat", "admin"])
    def test_approved_reports_are_never_trashed(self, s, role):
        activity = f.approved(s)
        with pytest.raises(ValidationError) as exc:
            services.activity_trash(actor=s.user(role), activity=activity)
        assert codes(exc.value) == {"locked"}

    @pytest.mark.parametrize("role", ["focal_b", "leader", "other_secretariat"])
    def test_others_cannot_trash(self, s, role):
        activity = f.report(s, co_organizations=[s.world.org_b])
        with pytest.raises(PermissionDenied):
            services.activity_trash(actor=s.user(role), activity=activity)

    def test_trash_twice_and_restore_alive_are_refused(self, s):
        activity = f.report(s)
        with pytest.raises(ValidationError):
            services.activity_restore(actor=s.user("focal_a"), activity=activity)
        services.activity_trash(actor=s.user("focal_a"), activity=activity)
        with pytest.raises(ValidationError):
            services.activity_trash(actor=s.user("focal_a"), activity=activity)

    def test_trashed_report_is_not_edited(self, s):
        activity = f.report(s)
        services.activity_trash(actor=s.user("focal_a"), activity=activity)
        with pytest.raises(ValidationError) as exc:
            services.activity_update(
                actor=s.user("focal_a"), activity=activity, expected_version=1, title="x"
            )
        assert codes(exc.value) == {"trashed"}


# -- every service is audited ------------------------------------------------------------


def test_every_service_writes_its_audit_row(s, media):
    """A walk through every write: each leaves an event with the values it changed."""
    focal_a, focal_b, secretariat = s.user("focal_a"), s.user("focal_b"), s.user("secretariat")
    activity = f.report(s)
    services.activity_update(actor=focal_a, activity=activity, expected_version=1, title="v2")
    credit = services.credit_add(actor=focal_a, activity=activity, organization=s.world.org_b)
    services.credit_confirm(actor=focal_b, credit=credit)
    attachment = services.attachment_add(
        actor=focal_a, activity=activity, file=f.upload("a.jpg", f.jpeg_with_exif((20, 20)))
    )
    services.attachment_remove(actor=focal_a, attachment=attachment)
    services.credit_remove(actor=focal_a, credit=credit)
    services.comment_add(actor=secretariat, activity=activity, text="Bổ sung ảnh")
    services.activity_submit(actor=focal_a, activity=activity)
    services.activity_return(actor=secretariat, activity=activity, reason="Thiếu ảnh")
    services.activity_submit(actor=focal_a, activity=activity)
    services.activity_approve(actor=secretariat, activity=activity)
    revision = services.activity_revise(actor=focal_a, activity=activity)
    services.activity_trash(actor=focal_a, activity=revision)
    services.activity_restore(actor=focal_a, activity=revision)
    report = nil(s)
    services.nil_report_delete(actor=focal_a, report=report)

    expected = {
        # action: (has before, has after)
        "create": (False, True),
        "update": (True, True),
        "credit_add": (False, True),
        "credit_confirm": (True, True),
        "attachment_add": (False, True),
        "attachment_remove": (True, False),
        "credit_remove": (True, False),
        "comment_add": (False, True),
        "submit": (True, True),
        "return": (True, True),
        "approve": (True, True),
        "revise": (False, True),
        "trash": (True, True),
        "restore": (True, True),
        "delete": (True, False),
    }
    found = {e.action: e for e in AuditEvent.objects.filter(action__in=expected)}
    assert set(found) == set(expected)
    for action, (has_before, has_after) in expected.items():
        event = found[action]
        assert (event.before is not None, event.after is not None) == (has_before, has_after), (
            action
        )
        assert event.committee_id == s.world.committee.pk, action
        if has_before and has_after and action not in ("credit_confirm",):
            assert event.changed_fields, action


# -- concurrency -----------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_concurrent_retry_waits_for_the_first_and_gets_it_back(s):
    """The second request finds nothing (the first has not committed), inserts, waits on
    the unique index, and answers with the first request's report instead of failing."""
    import threading
    import time

    from django.db import connection, transaction

    if connection.vendor != "postgresql":
        pytest.skip("needs a database server where two transactions run at once")
    key = uuid.uuid4()
    inserted, release = threading.Event(), threading.Event()
    results: dict[str, object] = {}

    def run(name, body):
        try:
            results[name] = body()
        except Exception as exc:  # reported by the assertion below
            results[name] = exc
        finally:
            connection.close()

    def first():
        with transaction.atomic():
            pk = f.report(s, uuid=key).pk
            inserted.set()
            release.wait(10)
        return pk

    def second():
        inserted.wait(10)
        return f.report(s, uuid=key, title="Gửi lại").pk

    threads = [
        threading.Thread(target=run, args=("first", first)),
        threading.Thread(target=run, args=("second", second)),
    ]
    for thread in threads:
        thread.start()
    time.sleep(1)  # let the second block on the first's uncommitted row
    release.set()
    for thread in threads:
        thread.join(20)
    assert results["first"] == results["second"], results
    assert Activity.all_objects.filter(uuid=key).count() == 1
