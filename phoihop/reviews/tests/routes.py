"""Routes of the reviews app for the authorization matrix.

Members of the committee read (focal points, leader, editor, secretariat; admins);
the secretariat and admins write; another committee's secretariat gets 404. The review
used is a draft year review of a 2022 program in force, made once per world.
"""

from __future__ import annotations

import datetime

from phoihop.core.testing.routes import Route, outcomes


def review_of(world):
    from phoihop.programs.choices import ProgramStatus
    from phoihop.programs.models import Program
    from phoihop.programs.tests.factories import make_program
    from phoihop.reviews import services
    from phoihop.reviews.choices import ReviewKind
    from phoihop.reviews.models import ReviewPeriod

    found = ReviewPeriod.objects.filter(committee=world.committee).order_by("pk").first()
    if found is not None:
        return found
    program = Program.objects.filter(committee=world.committee, year=2022).first() or make_program(
        world, year=2022, status=ProgramStatus.IN_FORCE
    )
    return services.review_create(
        actor=world.user("secretariat"),
        program=program,
        kind=ReviewKind.YEAR,
        title="Báo cáo sơ kết năm 2022",
        period_start=datetime.date(2022, 1, 1),
        period_end=datetime.date(2022, 12, 31),
    )


def commendation_of(world):
    from phoihop.reviews import services
    from phoihop.reviews.models import Commendation

    review = review_of(world)
    found = Commendation.objects.filter(review=review).first()
    return found or services.commendation_propose(
        actor=world.user("secretariat"),
        review=review,
        recipient_kind="collective",
        form="praise",
        issuer="Ban Chỉ đạo",
        reason="Thành tích tốt",
        organization=world.org_b,
    )


def next_program_of(world):
    """A program started from the reviewed one (a draft)."""
    from phoihop.programs import services as program_services
    from phoihop.programs.models import Program

    review = review_of(world)
    found = Program.objects.filter(previous=review.program).order_by("pk").first()
    if found is not None:
        return found
    # a year no other app's route data has taken in the committee
    taken = set(
        Program.all_objects.filter(committee=world.committee).values_list("year", flat=True)
    )
    year = review.program.year + 1
    while year in taken:
        year += 1
    return program_services.program_clone(
        actor=world.user("secretariat"), source=review.program, year=year
    )


def pk(world):
    return {"pk": review_of(world).pk}


READ = outcomes(200, anonymous="login", other_secretariat=404)
WRITE_PAGE = outcomes(403, anonymous="login", secretariat=200, admin=200, other_secretariat=404)
WRITE_POST = outcomes(
    403, anonymous="login", secretariat="redirect", admin="redirect", other_secretariat=404
)

ROUTES = {
    # Every signed-in user sees the list (empty outside their committees).
    "reviews:list": Route(expect=outcomes(200, anonymous="login")),
    # Only who writes to some program may start a review; others have nothing to pick
    # (the other committee has no program in the test world).
    "reviews:create": Route(expect=outcomes(404, anonymous="login", secretariat=200, admin=200)),
    "reviews:detail": Route(kwargs=pk, expect=READ),
    "reviews:header": Route(kwargs=pk, expect=WRITE_PAGE),
    "reviews:section": Route(kwargs=lambda w: {**pk(w), "key": "situation"}, expect=WRITE_PAGE),
    "reviews:draft": Route(kwargs=pk, method="post", expect=WRITE_POST),
    "reviews:finalize": Route(kwargs=pk, method="post", expect=WRITE_POST),
    "reviews:direction_add": Route(
        kwargs=pk, method="post", data=lambda w: {"text": "Tiếp tục"}, expect=WRITE_POST
    ),
    "reviews:download": Route(kwargs=lambda w: {**pk(w), "fmt": "xlsx"}, expect=READ),
    "reviews:commendations": Route(kwargs=pk, expect=READ),
    "reviews:decide": Route(
        kwargs=lambda w: {"pk": commendation_of(w).pk},
        method="post",
        data=lambda w: {"decision": "approve"},
        expect=WRITE_POST,
    ),
    "reviews:conference": Route(kwargs=pk, expect=READ),
    "reviews:carry_over": Route(kwargs=pk, expect=READ),
    "reviews:carry_over_apply": Route(
        kwargs=lambda w: {**pk(w), "program_pk": next_program_of(w).pk}, expect=WRITE_PAGE
    ),
}
