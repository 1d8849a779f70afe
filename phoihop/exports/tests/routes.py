"""Routes of the exports app for the authorization matrix.

The world holds no program or import job: asked for with id 0, every signed-in role
gets 404, as for another committee's rows (the tests in test_import.py cover real ones)."""

from phoihop.core.testing.routes import SIGNED_IN, Route, outcomes

ABSENT = outcomes(404, anonymous="login")
PAIR = lambda world: {"program": 0, "organization": world.org_a.pk}  # noqa: E731
NONE = lambda world: {"pk": 0}  # noqa: E731

COMMITTEE = lambda world: {"pk": world.committee.pk}  # noqa: E731
SECRETARIAT_ONLY = outcomes(
    403, anonymous="login", secretariat=200, admin=200, other_secretariat=404
)

ROUTES = {
    "exports:committee_programs": Route(expect=SECRETARIAT_ONLY, kwargs=COMMITTEE),
    # Without a file: the form is shown again with its error.
    "exports:committee_programs_import": Route(
        method="post",
        kwargs=COMMITTEE,
        expect=outcomes(403, anonymous="login", secretariat=400, admin=400, other_secretariat=404),
    ),
    "exports:index": Route(expect=SIGNED_IN),
    "exports:template": Route(expect=ABSENT, kwargs=PAIR),
    "exports:upload": Route(method="post", expect=ABSENT, kwargs=PAIR),
    "exports:job": Route(expect=ABSENT, kwargs=NONE),
    "exports:job_status": Route(expect=ABSENT, kwargs=NONE),
    "exports:job_marked": Route(expect=ABSENT, kwargs=NONE),
    "exports:program_breakdown": Route(expect=ABSENT, kwargs=lambda w: {"pk": 0, "fmt": "xlsx"}),
    "exports:review_breakdown": Route(expect=ABSENT, kwargs=lambda w: {"pk": 0, "fmt": "csv"}),
}
