"""The practices services: the status map, who may do what, and the audit trail."""

from __future__ import annotations

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from phoihop.core import audit
from phoihop.core.models import AuditEvent
from phoihop.practices import services
from phoihop.practices.choices import PracticeStatus as S
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.practices.tests.conftest import STARTED, advance

pytestmark = pytest.mark.django_db

ALL = [s.value for s in S]
ALLOWED = {
    ("pilot", "effective"),
    ("pilot", "stopped"),
    ("effective", "recommended"),
    ("effective", "stopped"),
    ("recommended", "replicated"),
    ("recommended", "stopped"),
    ("replicated", "stopped"),
    ("stopped", "pilot"),
}


def at(practice: Practice, status: str) -> Practice:
    """Put a practice in a status for a test (the services are tested separately)."""
    Practice.all_objects.filter(pk=practice.pk).update(status=status)
    practice.refresh_from_db()
    return practice


def evaluate(world, practice, score=85, day=datetime.date(2023, 9, 1)):
    return services.practice_evaluate(
        actor=world.user("secretariat"),
        practice=practice,
        criteria="Hiệu quả; khả năng nhân rộng",
        score=score,
        evaluator="Đoàn kiểm tra BCĐ",
        evaluated_on=day,
    )


def last(action: str) -> AuditEvent:
    return AuditEvent.objects.filter(action=action).order_by("-id").first()


# -- the map ------------------------------------------------------------------------------
@pytest.mark.parametrize("src", ALL)
@pytest.mark.parametrize("dst", ALL)
def test_transition_map(src, dst):
    assert services.TRANSITIONS.can(src, dst) is ((src, dst) in ALLOWED)
    if (src, dst) not in ALLOWED:
        with pytest.raises(ValidationError, match="cannot move"):
            services.TRANSITIONS.check(src, dst)


OPERATIONS = {
    "mark_effective": ("effective", {"pilot"}),
    "recommend": ("recommended", {"effective"}),
    "stop": ("stopped", {"pilot", "effective", "recommended", "replicated"}),
    "resume": ("pilot", {"stopped"}),
}


@pytest.mark.parametrize("operation", sorted(OPERATIONS))
@pytest.mark.parametrize("src", ALL)
def test_every_status_move_allowed_or_refused(world, practice, operation, src):
    target, sources = OPERATIONS[operation]
    evaluate(world, practice)
    practice = at(practice, src)
    move = getattr(services, f"practice_{operation}")
    before = AuditEvent.objects.count()
    if src in sources:
        moved = move(actor=world.user("secretariat"), practice=practice)
        assert moved.status == target
        assert Practice.objects.get(pk=practice.pk).status == target
        row = AuditEvent.objects.order_by("-id").first()
        assert (row.before["status"], row.after["status"]) == (src, target)
        assert row.actor == world.user("secretariat")
    else:
        with pytest.raises(ValidationError, match="cannot move"):
            move(actor=world.user("secretariat"), practice=practice)
        assert Practice.objects.get(pk=practice.pk).status == src
        assert AuditEvent.objects.count() == before


@pytest.mark.parametrize("src", ALL)
def test_replication_by_status(world, practice, src):
    practice = at(practice, src)
    record = lambda: services.practice_record_replication(  # noqa: E731
        actor=world.user("secretariat"),
        practice=practice,
        locality=world.district,
        organization=world.org_b,
        since=datetime.date(2024, 1, 1),
        results="12 hộ tham gia",
    )
    if src in {"recommended", "replicated"}:
        replication = record()
        assert Practice.objects.get(pk=practice.pk).status == "replicated"
        assert audit.history(replication).get().action == "create"
        moved = audit.history(practice).filter(action="replicated")
        assert moved.count() == (1 if src == "recommended" else 0)
    else:
        with pytest.raises(ValidationError, match="Only a model recommended"):
            record()
        assert not Replication.objects.exists()


# -- registering and editing --------------------------------------------------------------
def test_register_by_owner_focal_point(world, practice):
    assert (practice.committee, practice.owner, practice.status) == (
        world.committee,
        world.org_a,
        "pilot",
    )
    assert list(practice.localities.all()) == [world.commune]
    row = audit.history(practice).get()
    assert (row.action, row.actor, row.committee_id) == (
        "create",
        world.user("focal_a"),
        world.committee.pk,
    )
    assert row.after["localities"] == [world.commune.pk]
    assert row.after["status"] == "pilot"


@pytest.mark.parametrize(
    ("role", "allowed"),
    [
        ("focal_a", True),
        ("focal_b", False),
        ("leader", False),
        ("editor", False),
        ("secretariat", True),
        ("admin", True),
        ("other_secretariat", False),
    ],
)
def test_who_registers_for_org_a(world, role, allowed):
    def register():
        return services.practice_register(
            actor=world.user(role), owner=world.org_a, title="Mô hình thử", started_on=STARTED
        )

    if allowed:
        assert register().committee == world.committee
    else:
        with pytest.raises(PermissionDenied):
            register()


def test_register_refusals(world, practice):
    with pytest.raises(ValidationError, match="already registered"):
        services.practice_register(
            actor=world.user("focal_a"), owner=world.org_a, title=practice.title, started_on=STARTED
        )
    from phoihop.orgs.models import Organization
    from phoihop.orgs.services import organization_trash

    spare = Organization.objects.create(
        committee=world.committee,
        name="Chi hội CTĐ",
        kind="redcross",
        level="commune",
        valid_from=STARTED,
    )
    organization_trash(actor=world.user("secretariat"), organization=spare)
    with pytest.raises(ValidationError, match="in the trash"):
        services.practice_register(
            actor=world.user("secretariat"), owner=spare, title="x", started_on=STARTED
        )


def test_update(world, practice):
    services.practice_update(
        actor=world.user("focal_a"),
        practice=practice,
        data={"description": "Mới"},
        localities=[world.commune, world.district],
    )
    row = audit.history(practice).filter(action="update").get()
    assert row.before["description"] != "Mới"
    assert row.after["description"] == "Mới"
    assert row.after["localities"] == sorted([world.commune.pk, world.district.pk])
    with pytest.raises(ValidationError, match="status"):
        services.practice_update(
            actor=world.user("secretariat"), practice=practice, data={"status": "replicated"}
        )
    with pytest.raises(PermissionDenied):  # the owner changes by the secretariat only
        services.practice_update(
            actor=world.user("focal_a"), practice=practice, data={"owner": world.org_b}
        )
    services.practice_update(
        actor=world.user("secretariat"), practice=practice, data={"owner": world.org_b}
    )
    with pytest.raises(ValidationError):
        services.practice_update(
            actor=world.user("secretariat"), practice=practice, data={"owner": world.other_org}
        )
    practice = Practice.objects.get(pk=practice.pk)  # the refused change is not stored
    assert practice.owner == world.org_b
    # Now org B's: its focal point edits, org A's no longer does.
    services.practice_update(actor=world.user("focal_b"), practice=practice, data={"title": "y"})
    for role in ("focal_a", "leader", "other_secretariat"):
        with pytest.raises(PermissionDenied):
            services.practice_update(actor=world.user(role), practice=practice, data={"title": "x"})


# -- judging ------------------------------------------------------------------------------
def test_evaluate(world, practice):
    evaluation = evaluate(world, practice, score=Decimal("72.5"))
    assert evaluation.recorded_by == world.user("secretariat")
    row = audit.history(evaluation).get()
    assert (row.action, row.after["score"], row.committee_id) == (
        "create",
        "72.50",
        world.committee.pk,
    )
    assert Practice.objects.get(pk=practice.pk).status == "pilot"  # evaluating moves nothing
    with pytest.raises(ValidationError, match="between 0 and 100"):
        evaluate(world, practice, score=101)
    for role in ("focal_a", "leader", "other_secretariat"):
        with pytest.raises(PermissionDenied):
            services.practice_evaluate(
                actor=world.user(role),
                practice=practice,
                criteria="c",
                score=90,
                evaluator="x",
                evaluated_on=datetime.date(2023, 9, 1),
            )


@pytest.mark.parametrize(
    ("scores", "becomes_effective"),
    [([], False), ([69], False), ([70], True), ([95, 60], False), ([60, 80], True)],
)
def test_effective_needs_latest_evaluation_at_threshold(world, practice, scores, becomes_effective):
    for n, score in enumerate(scores):
        evaluate(world, practice, score=score, day=datetime.date(2023, 6 + n, 1))
    if becomes_effective:
        moved = services.practice_mark_effective(actor=world.user("secretariat"), practice=practice)
        assert moved.status == "effective"
        assert "points" in last("mark_effective").note
    else:
        with pytest.raises(ValidationError, match="at least 70"):
            services.practice_mark_effective(actor=world.user("secretariat"), practice=practice)
        assert Practice.objects.get(pk=practice.pk).status == "pilot"


def test_judging_is_the_secretariats(world, practice):
    evaluate(world, practice)
    with pytest.raises(PermissionDenied):
        services.practice_mark_effective(actor=world.user("focal_a"), practice=practice)
    practice = services.practice_mark_effective(actor=world.user("secretariat"), practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_recommend(actor=world.user("focal_a"), practice=practice)
    with pytest.raises(PermissionDenied):
        services.practice_recommend(actor=world.user("leader"), practice=practice)


# -- replication --------------------------------------------------------------------------
def test_replication_by_the_replicating_focal_point(world, practice):
    practice = advance(world, practice, "recommended")
    replication = services.practice_record_replication(
        actor=world.user("focal_b"),
        practice=practice,
        locality=world.commune,
        organization=world.org_b,
        since=datetime.date(2024, 2, 1),
    )
    assert Practice.objects.get(pk=practice.pk).status == "replicated"
    row = last("replicated")
    assert (row.before["status"], row.after["status"], row.actor) == (
        "recommended",
        "replicated",
        world.user("focal_b"),
    )
    services.replication_update(
        actor=world.user("focal_b"), replication=replication, data={"results": "30 hộ"}
    )
    assert last("update").after["results"] == "30 hộ"
    # Not for another organization, nor by a leader, nor from another committee.
    with pytest.raises(PermissionDenied):
        services.practice_record_replication(
            actor=world.user("focal_b"),
            practice=practice,
            locality=world.district,
            organization=world.org_a,
            since=datetime.date(2024, 2, 1),
        )
    with pytest.raises(PermissionDenied):
        services.practice_record_replication(
            actor=world.user("leader"),
            practice=practice,
            locality=world.district,
            organization=world.org_a,
            since=datetime.date(2024, 2, 1),
        )
    with pytest.raises(PermissionDenied):
        services.practice_record_replication(
            actor=world.user("other_secretariat"),
            practice=practice,
            locality=world.district,
            organization=world.other_org,
            since=datetime.date(2024, 2, 1),
        )
    with pytest.raises(ValidationError, match="cannot be changed here"):
        services.replication_update(
            actor=world.user("focal_b"), replication=replication, data={"organization": world.org_a}
        )


def test_second_replication_keeps_status(world, practice):
    practice = advance(world, practice, "replicated")
    services.practice_record_replication(
        actor=world.user("secretariat"),
        practice=practice,
        locality=world.commune,
        organization=world.org_a,
        since=datetime.date(2024, 5, 1),
    )
    assert practice.replications.count() == 2
    assert audit.history(practice).filter(action="replicated").count() == 1


# -- stop, resume, trash ------------------------------------------------------------------
def test_stop_and_resume_by_owner(world, practice):
    practice = advance(world, practice, "recommended")
    stopped = services.practice_stop(
        actor=world.user("focal_a"), practice=practice, reason="Hết kinh phí"
    )
    assert stopped.status == "stopped"
    assert last("stop").note == "Hết kinh phí"
    with pytest.raises(PermissionDenied):
        services.practice_resume(actor=world.user("focal_b"), practice=stopped)
    resumed = services.practice_resume(actor=world.user("focal_a"), practice=stopped)
    assert resumed.status == "pilot"  # it earns its status again
    # A resumed pilot with an old good evaluation can be marked effective again.
    assert (
        services.practice_mark_effective(actor=world.user("secretariat"), practice=resumed).status
        == "effective"
    )


def test_trash_and_restore(world, practice):
    with pytest.raises(PermissionDenied):
        services.practice_trash(actor=world.user("focal_b"), practice=practice)
    services.practice_trash(actor=world.user("focal_a"), practice=practice)
    assert not Practice.objects.filter(pk=practice.pk).exists()
    trashed = Practice.all_objects.get(pk=practice.pk)
    assert last("trash").object_id == str(practice.pk)
    with pytest.raises(ValidationError, match="in the trash"):
        services.practice_stop(actor=world.user("secretariat"), practice=trashed)
    with pytest.raises(ValidationError, match="in the trash"):
        evaluate(world, trashed)
    with pytest.raises(PermissionDenied):
        services.practice_restore(actor=world.user("focal_a"), practice=trashed)
    services.practice_restore(actor=world.user("secretariat"), practice=trashed)
    assert Practice.objects.filter(pk=practice.pk).exists()
    assert last("restore").after["deleted_at"] is None


def test_owner_cannot_trash_a_judged_model(world, practice):
    practice = advance(world, practice, "effective")
    with pytest.raises(PermissionDenied):
        services.practice_trash(actor=world.user("focal_a"), practice=practice)
    services.practice_trash(actor=world.user("secretariat"), practice=practice)


def test_walk_writes_audit_for_every_step(world, practice):
    practice = advance(world, practice, "replicated")
    practice = services.practice_stop(actor=world.user("secretariat"), practice=practice)
    services.practice_resume(actor=world.user("secretariat"), practice=practice)
    actions = list(
        AuditEvent.objects.filter(committee_id=world.committee.pk, at__isnull=False)
        .filter(content_type__app_label="practices")
        .order_by("id")
        .values_list("action", flat=True)
    )
    assert actions == [
        "create",
        "create",
        "mark_effective",
        "recommend",
        "create",
        "replicated",
        "stop",
        "resume",
    ]
    assert Evaluation.objects.count() == 1


def test_status_message_in_vietnamese(world, practice):
    from django.utils import translation

    with translation.override("vi"), pytest.raises(ValidationError) as exc:
        services.practice_recommend(actor=world.user("secretariat"), practice=practice)
    assert exc.value.messages == [
        "Bản ghi ở trạng thái “thí điểm” không thể chuyển sang “đề nghị nhân rộng”."
    ]
