"""The review services: transitions allowed and refused, draft locks, permissions, audit."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from phoihop.core import audit, clock
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.tests.factories import make_program
from phoihop.reviews import services
from phoihop.reviews.choices import (
    CommendationForm,
    CommendationStatus,
    RecipientKind,
    ReviewKind,
    ReviewStatus,
    SectionKey,
)
from phoihop.reviews.models import Direction, ReviewPeriod, ReviewSection

from .conftest import YEAR_END, YEAR_START

pytestmark = pytest.mark.django_db

NOT_WRITERS = ("focal_a", "focal_b", "leader", "editor", "other_secretariat", "anonymous")


def last_event(obj):
    return audit.history(obj).order_by("-id").first()


def propose(world, review, **fields):
    values = {
        "actor": world.user("secretariat"),
        "review": review,
        "recipient_kind": RecipientKind.COLLECTIVE,
        "organization": world.org_b,
        "form": CommendationForm.CERTIFICATE,
        "issuer": "Bộ Chỉ huy Quân sự tỉnh",
        "reason": "Có thành tích xuất sắc trong thực hiện Chương trình phối hợp năm 2022",
    }
    values.update(fields)
    return services.commendation_propose(**values)


# -- transitions -----------------------------------------------------------------------


def test_transition_maps():
    assert set(services.TRANSITIONS.pairs()) == {
        (ReviewStatus.DRAFT, ReviewStatus.FINALIZED),
        (ReviewStatus.FINALIZED, ReviewStatus.DRAFT),
    }
    assert set(services.COMMENDATION_TRANSITIONS.pairs()) == {
        (CommendationStatus.PROPOSED, CommendationStatus.APPROVED),
        (CommendationStatus.PROPOSED, CommendationStatus.REJECTED),
    }


# -- the review ------------------------------------------------------------------------


def test_create_is_a_draft_of_the_programs_committee_and_audited(world, review, program):
    assert review.status == ReviewStatus.DRAFT
    assert review.committee == world.committee
    assert review.program == program
    assert review.snapshot is None
    assert review.snapshot_hash == ""
    event = last_event(review)
    assert event.action == "create"
    assert event.actor == world.user("secretariat")
    assert event.committee_id == world.committee.pk
    assert event.after["period_end"] == "2022-12-31"


@pytest.mark.parametrize(
    "status", [ProgramStatus.IN_FORCE, ProgramStatus.IN_REVIEW, ProgramStatus.CLOSED]
)
def test_programs_in_force_or_later_can_be_reviewed(world, status):
    program = make_program(world, year=2022, status=status)
    review = services.review_create(
        actor=world.user("secretariat"),
        program=program,
        kind=ReviewKind.YEAR,
        title="Sơ kết",
        period_start=YEAR_START,
        period_end=YEAR_END,
    )
    assert review.pk


@pytest.mark.parametrize("status", [ProgramStatus.DRAFT, ProgramStatus.SIGNING])
def test_programs_not_yet_in_force_cannot_be_reviewed(world, status):
    program = make_program(world, year=2022, status=status)
    with pytest.raises(ValidationError, match="come into force"):
        services.review_create(
            actor=world.user("secretariat"),
            program=program,
            kind=ReviewKind.YEAR,
            title="Sơ kết",
            period_start=YEAR_START,
            period_end=YEAR_END,
        )
    assert not ReviewPeriod.objects.exists()


def test_admin_may_create(world, program):
    review = services.review_create(
        actor=world.user("admin"),
        program=program,
        kind=ReviewKind.HALF_YEAR,
        title="Sơ kết 6 tháng",
        period_start=YEAR_START,
        period_end=datetime.date(2022, 6, 30),
    )
    assert review.committee == world.committee


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_creates(world, program, role):
    with pytest.raises(PermissionDenied):
        services.review_create(
            actor=world.user(role),
            program=program,
            kind=ReviewKind.YEAR,
            title="Sơ kết",
            period_start=YEAR_START,
            period_end=YEAR_END,
        )


def test_update_a_draft_is_audited_with_before_and_after(world, review):
    services.review_update(
        actor=world.user("secretariat"),
        review=review,
        data={"title": "  Báo cáo sơ kết 01 năm  ", "period_end": datetime.date(2022, 12, 14)},
    )
    review.refresh_from_db()
    assert review.title == "Báo cáo sơ kết 01 năm"
    event = last_event(review)
    assert event.action == "update"
    assert event.before["period_end"] == "2022-12-31"
    assert event.after["period_end"] == "2022-12-14"


def test_update_refuses_an_invalid_period_and_keeps_the_stored_one(world, review):
    with pytest.raises(ValidationError, match="must end on or after its start"):
        services.review_update(
            actor=world.user("secretariat"),
            review=review,
            data={
                "period_start": datetime.date(2022, 6, 1),
                "period_end": datetime.date(2022, 5, 1),
            },
        )
    review.refresh_from_db()
    assert (review.period_start, review.period_end) == (YEAR_START, YEAR_END)


def test_update_refuses_workflow_fields(world, review):
    with pytest.raises(ValueError, match="status"):
        services.review_update(
            actor=world.user("secretariat"), review=review, data={"status": "finalized"}
        )


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_updates(world, review, role):
    with pytest.raises(PermissionDenied):
        services.review_update(actor=world.user(role), review=review, data={"title": "x"})


def test_finalize_stamps_with_the_clock_and_freezes_the_figures(world, review):
    moment = datetime.datetime(2023, 3, 20, 2, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(moment):
        services.review_finalize(actor=world.user("secretariat"), review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.FINALIZED
    assert review.finalized_at == moment
    assert review.finalized_by == world.user("secretariat")
    assert review.snapshot["period"] == {
        "from": "2022-01-01",
        "to": "2022-12-31",
        "as_of": "2023-01-10",  # the period's end + the program's deadline days
    }
    assert len(review.snapshot_hash) == 64
    event = last_event(review)
    assert event.action == "finalize"
    assert event.before["status"] == "draft"
    assert event.after["status"] == "finalized"
    assert event.at == moment


def test_finalize_twice_is_refused(world, review):
    services.review_finalize(actor=world.user("secretariat"), review=review)
    with pytest.raises(ValidationError, match="already been finalized"):
        services.review_finalize(actor=world.user("secretariat"), review=review)


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_finalizes(world, review, role):
    with pytest.raises(PermissionDenied):
        services.review_finalize(actor=world.user(role), review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT


def test_finalize_waits_for_every_commendation_to_be_decided(world, review):
    proposal = propose(world, review)
    with pytest.raises(ValidationError, match="1 proposed commendation"):
        services.review_finalize(actor=world.user("secretariat"), review=review)
    services.commendation_approve(actor=world.user("secretariat"), commendation=proposal)
    services.review_finalize(actor=world.user("secretariat"), review=review)


def test_finalized_review_is_frozen(world, review, person):
    section = services.section_set(
        actor=world.user("secretariat"), review=review, key=SectionKey.RESULTS, text="A"
    )
    direction = services.direction_add(
        actor=world.user("secretariat"), review=review, text="Tiếp tục"
    )
    services.review_finalize(actor=world.user("secretariat"), review=review)
    actor = world.user("secretariat")
    frozen = "has been finalized"
    with pytest.raises(ValidationError, match=frozen):
        services.review_update(actor=actor, review=review, data={"title": "x"})
    with pytest.raises(ValidationError, match=frozen):
        services.section_set(actor=actor, review=review, key=SectionKey.RESULTS, text="B")
    with pytest.raises(ValidationError, match=frozen):
        services.direction_add(actor=actor, review=review, text="Mới")
    with pytest.raises(ValidationError, match=frozen):
        services.direction_update(actor=actor, direction=direction, data={"text": "Sửa"})
    with pytest.raises(ValidationError, match=frozen):
        services.direction_remove(actor=actor, direction=direction)
    with pytest.raises(ValidationError, match=frozen):
        propose(world, review)
    section.refresh_from_db()
    assert section.text == "A"
    assert Direction.objects.filter(review=review).count() == 1


def test_only_a_system_admin_reopens(world, review):
    services.review_finalize(actor=world.user("secretariat"), review=review)
    with pytest.raises(PermissionDenied):
        services.review_reopen(actor=world.user("secretariat"), review=review)
    ReviewPeriod.objects.filter(pk=review.pk).update(snapshot={"x": 1}, snapshot_hash="abc")
    services.review_reopen(actor=world.user("admin"), review=review)
    review.refresh_from_db()
    assert review.status == ReviewStatus.DRAFT
    assert review.finalized_at is None
    assert review.finalized_by is None
    assert review.snapshot is None
    assert review.snapshot_hash == ""
    event = last_event(review)
    assert event.action == "reopen"
    assert event.before["snapshot"] == {"x": 1}
    assert event.before["snapshot_hash"] == "abc"


def test_reopen_a_draft_is_refused(world, review):
    with pytest.raises(ValidationError, match="Only a finalized review"):
        services.review_reopen(actor=world.user("admin"), review=review)


# -- sections and directions -----------------------------------------------------------


def test_section_set_creates_with_standard_heading_and_place_then_updates(world, review):
    actor = world.user("secretariat")
    section = services.section_set(
        actor=actor, review=review, key=SectionKey.LESSONS, text="Bài học 1"
    )
    assert section.title == "Lessons learned"  # the catalog gives "Bài học kinh nghiệm"
    assert section.order == 7
    assert last_event(section).action == "create"
    again = services.section_set(
        actor=actor, review=review, key=SectionKey.LESSONS, text="Bài học 2", title="4. Bài học"
    )
    assert again.pk == section.pk
    assert ReviewSection.objects.filter(review=review).count() == 1
    event = last_event(section)
    assert event.action == "update"
    assert event.before["text"] == "Bài học 1"
    assert event.after["text"] == "Bài học 2"
    assert event.after["title"] == "4. Bài học"


def test_new_section_heading_is_in_the_users_language(world, review):
    with translation.override("vi"):
        section = services.section_set(
            actor=world.user("secretariat"), review=review, key=SectionKey.DIRECTIONS, text=""
        )
    assert section.title == "Phương hướng, nhiệm vụ kỳ tới"


def test_section_set_refuses_an_unknown_key(world, review):
    with pytest.raises(ValidationError, match="Unknown report section"):
        services.section_set(
            actor=world.user("secretariat"), review=review, key="appendix", text=""
        )


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_writes_sections(world, review, role):
    with pytest.raises(PermissionDenied):
        services.section_set(
            actor=world.user(role), review=review, key=SectionKey.SITUATION, text="x"
        )


def test_directions_are_numbered_updated_and_removed_with_audit(world, review):
    actor = world.user("secretariat")
    first = services.direction_add(actor=actor, review=review, text=" Tuyên truyền ")
    second = services.direction_add(actor=actor, review=review, text="Hiến máu")
    assert (first.text, first.order, second.order) == ("Tuyên truyền", 1, 2)
    services.direction_update(actor=actor, direction=second, data={"text": "Hiến máu tình nguyện"})
    assert last_event(second).after["text"] == "Hiến máu tình nguyện"
    pk = first.pk
    services.direction_remove(actor=actor, direction=first)
    assert not Direction.objects.filter(pk=pk).exists()
    first.pk = pk
    event = last_event(first)
    assert event.action == "delete"
    assert event.before["text"] == "Tuyên truyền"


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_writes_directions(world, review, role):
    direction = services.direction_add(actor=world.user("secretariat"), review=review, text="x")
    with pytest.raises(PermissionDenied):
        services.direction_add(actor=world.user(role), review=review, text="y")
    with pytest.raises(PermissionDenied):
        services.direction_remove(actor=world.user(role), direction=direction)


# -- commendations ---------------------------------------------------------------------


def test_propose_collective_and_individual(world, review, person):
    collective = propose(world, review)
    assert collective.status == CommendationStatus.PROPOSED
    assert collective.recipient_name == world.org_b.name
    assert last_event(collective).action == "create"
    individual = propose(
        world,
        review,
        recipient_kind=RecipientKind.INDIVIDUAL,
        organization=world.org_a,
        person=person,
        form=CommendationForm.MERIT,
        issuer="Chủ tịch UBND tỉnh",
    )
    assert individual.recipient_name == "Nguyễn Văn Hùng"


def test_propose_without_a_recipient_is_refused(world, review):
    with pytest.raises(ValidationError, match="Name the recipient"):
        propose(world, review, organization=None)


def test_approve_stamps_and_audits(world, review):
    proposal = propose(world, review)
    moment = datetime.datetime(2023, 3, 24, 1, 0, tzinfo=datetime.UTC)
    with clock.frozen_at(moment):
        services.commendation_approve(actor=world.user("secretariat"), commendation=proposal)
    proposal.refresh_from_db()
    assert proposal.status == CommendationStatus.APPROVED
    assert proposal.decided_at == moment
    assert proposal.decided_by == world.user("secretariat")
    event = last_event(proposal)
    assert (event.action, event.before["status"], event.after["status"]) == (
        "approve",
        "proposed",
        "approved",
    )


def test_reject_needs_a_reason_and_keeps_it(world, review):
    proposal = propose(world, review)
    with pytest.raises(ValidationError, match="Say why"):
        services.commendation_reject(
            actor=world.user("secretariat"), commendation=proposal, reason="  "
        )
    services.commendation_reject(
        actor=world.user("secretariat"), commendation=proposal, reason="Chưa đủ tiêu chuẩn"
    )
    proposal.refresh_from_db()
    assert proposal.status == CommendationStatus.REJECTED
    assert proposal.decision_note == "Chưa đủ tiêu chuẩn"
    assert last_event(proposal).action == "reject"


@pytest.mark.parametrize("first", ["approve", "reject"])
def test_a_decision_is_final(world, review, first):
    proposal = propose(world, review)
    actor = world.user("secretariat")
    if first == "approve":
        services.commendation_approve(actor=actor, commendation=proposal)
    else:
        services.commendation_reject(actor=actor, commendation=proposal, reason="Không")
    with pytest.raises(ValidationError, match="already been decided"):
        services.commendation_approve(actor=actor, commendation=proposal)
    with pytest.raises(ValidationError, match="already been decided"):
        services.commendation_reject(actor=actor, commendation=proposal, reason="Không")
    with pytest.raises(ValidationError, match="only a proposal can be changed"):
        services.commendation_update(actor=actor, commendation=proposal, data={"issuer": "x"})


def test_update_a_proposal_to_another_recipient_renames_it(world, review, person):
    proposal = propose(world, review)
    services.commendation_update(
        actor=world.user("secretariat"),
        commendation=proposal,
        data={"recipient_kind": RecipientKind.INDIVIDUAL, "person": person},
    )
    proposal.refresh_from_db()
    assert proposal.recipient_name == "Nguyễn Văn Hùng"
    services.commendation_update(
        actor=world.user("secretariat"),
        commendation=proposal,
        data={"recipient_kind": RecipientKind.COLLECTIVE},
    )
    proposal.refresh_from_db()
    assert proposal.person is None
    assert proposal.recipient_name == world.org_b.name


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_proposes_and_decides(world, review, role):
    proposal = propose(world, review)
    with pytest.raises(PermissionDenied):
        propose(world, review, actor=world.user(role))
    with pytest.raises(PermissionDenied):
        services.commendation_approve(actor=world.user(role), commendation=proposal)
    with pytest.raises(PermissionDenied):
        services.commendation_reject(actor=world.user(role), commendation=proposal, reason="x")


def test_commendation_of_another_committee_is_refused(world, review):
    with pytest.raises(ValidationError):
        propose(world, review, organization=world.other_org)


# -- the conference --------------------------------------------------------------------


def test_conference_captures_the_chair_as_they_were(world, review, person, program):
    next_program = make_program(world, year=2023)
    conference = services.conference_record(
        actor=world.user("secretariat"),
        review=review,
        date=datetime.date(2023, 3, 24),
        place="Liên đoàn Lao động tỉnh Hòa Bình",
        chair=person,
        attendees="Lãnh đạo 8 cơ quan, đơn vị",
        programs_signed=[next_program],
    )
    assert (conference.chair_name, conference.chair_title) == (
        "Nguyễn Văn Hùng",
        "Chính ủy Bộ CHQS tỉnh",
    )
    assert list(conference.programs_signed.all()) == [next_program]
    event = last_event(conference)
    assert event.action == "create"
    assert event.after["programs_signed"] == [next_program.pk]
    assert event.committee_id == world.committee.pk
    # The person's later title does not change the record.
    person.title = "Phó Chủ tịch UBND tỉnh"
    person.save()
    conference.refresh_from_db()
    assert conference.chair_title == "Chính ủy Bộ CHQS tỉnh"


def test_conference_written_name_wins_over_the_persons(world, review, person):
    conference = services.conference_record(
        actor=world.user("secretariat"),
        review=review,
        date=datetime.date(2023, 3, 24),
        place="Hội trường",
        chair=person,
        chair_title="Đại tá, Chính ủy Bộ CHQS tỉnh, Phó Trưởng Ban Chỉ đạo",
    )
    assert conference.chair_name == "Nguyễn Văn Hùng"
    assert conference.chair_title == "Đại tá, Chính ủy Bộ CHQS tỉnh, Phó Trưởng Ban Chỉ đạo"


def test_one_conference_per_review(world, review):
    actor = world.user("secretariat")
    day = datetime.date(2023, 3, 24)
    services.conference_record(actor=actor, review=review, date=day, place="A")
    with pytest.raises(ValidationError, match="already recorded"):
        services.conference_record(actor=actor, review=review, date=day, place="B")


def test_conference_refuses_the_reviewed_program_and_other_committees(world, review, program):
    actor = world.user("secretariat")
    day = datetime.date(2023, 3, 24)
    with pytest.raises(ValidationError, match="other programs of the review's committee"):
        services.conference_record(
            actor=actor, review=review, date=day, place="A", programs_signed=[program]
        )
    foreign = make_program(world, year=2023, committee=world.other_committee)
    with pytest.raises(ValidationError, match="other programs of the review's committee"):
        services.conference_record(
            actor=actor, review=review, date=day, place="A", programs_signed=[foreign]
        )


def test_conference_refuses_a_chair_of_another_committee(world, review):
    from phoihop.orgs import services as org_services

    stranger = org_services.person_create(
        actor=world.user("admin"), committee=world.other_committee, full_name="Trần Văn B"
    )
    with pytest.raises(ValidationError, match="chair must be a person"):
        services.conference_record(
            actor=world.user("secretariat"),
            review=review,
            date=datetime.date(2023, 3, 24),
            place="A",
            chair=stranger,
        )


def test_conference_can_be_corrected_after_finalizing(world, review, person):
    actor = world.user("secretariat")
    conference = services.conference_record(
        actor=actor, review=review, date=datetime.date(2023, 3, 24), place="A"
    )
    services.review_finalize(actor=actor, review=review)
    next_program = make_program(world, year=2023)
    services.conference_update(
        actor=actor,
        conference=conference,
        data={"place": "Liên đoàn Lao động tỉnh", "chair": person},
        programs_signed=[next_program],
    )
    conference.refresh_from_db()
    assert conference.place == "Liên đoàn Lao động tỉnh"
    assert conference.chair_name == "Nguyễn Văn Hùng"
    assert list(conference.programs_signed.all()) == [next_program]
    event = last_event(conference)
    assert event.before["place"] == "A"
    assert event.before["programs_signed"] == []
    assert event.after["programs_signed"] == [next_program.pk]


@pytest.mark.parametrize("role", NOT_WRITERS)
def test_only_the_secretariat_records_the_conference(world, review, role):
    with pytest.raises(PermissionDenied):
        services.conference_record(
            actor=world.user(role), review=review, date=datetime.date(2023, 3, 24), place="A"
        )
