"""Routes of the api app for the authorization matrix.

Anonymous callers get 401 (never a redirect). Details of rows the world does not hold
are asked for with id 0: every signed-in role gets 404, as for a row out of scope."""

from phoihop.core.testing.routes import PUBLIC, Route, outcomes

API = outcomes(200, anonymous="401")
MEMBERS = outcomes(200, anonymous="401", other_secretariat=404)
ABSENT = outcomes(404, anonymous="401")
REFUSED_INPUT = outcomes(400, anonymous="401")
NONE = lambda world: {"pk": 0}  # noqa: E731 - a row that does not exist

ROUTES = {
    "api:schema": Route(expect=PUBLIC),
    "api:docs": Route(expect=PUBLIC),
    # Without a user name and password: refused with the error shape, for everyone.
    "api:token": Route(method="post", expect=outcomes(400)),
    "api:committee-detail": Route(expect=MEMBERS, kwargs=lambda world: {"pk": world.committee.pk}),
    "api:organization-detail": Route(expect=MEMBERS, kwargs=lambda world: {"pk": world.org_a.pk}),
    "api:admin-unit-detail": Route(expect=API, kwargs=lambda world: {"pk": world.commune.pk}),
    "api:activity-list": Route(expect=API),
    "api:nil-report-list": Route(expect=API),
    # The Excel import: the world holds no program (id 0), so 404 for every signed-in role.
    "api:excel-template": Route(
        expect=ABSENT, kwargs=lambda world: {"program": 0, "organization": world.org_a.pk}
    ),
    "api:excel-upload": Route(
        method="post",
        expect=ABSENT,
        kwargs=lambda world: {"program": 0, "organization": world.org_a.pk},
    ),
    "api:import-job-list": Route(expect=API),
    "api:import-job-detail": Route(expect=ABSENT, kwargs=NONE),
    "api:import-job-marked": Route(expect=ABSENT, kwargs=NONE),
}

for _name in (
    "committee",
    "organization",
    "admin-unit",
    "target-group",
    "program",
    "content",
    "indicator",
    "target",
    "party",
    "signature",
    "credit",
    "practice",
    "evaluation",
    "replication",
    "review",
):
    ROUTES[f"api:{_name}-list"] = Route(expect=API)

for _name in (
    "target-group",
    "program",
    "content",
    "indicator",
    "target",
    "party",
    "signature",
    "activity",
    "credit",
    "nil-report",
    "practice",
    "evaluation",
    "replication",
    "review",
):
    ROUTES[f"api:{_name}-detail"] = Route(expect=ABSENT, kwargs=NONE)

for _name in (
    "program-figures",
    "program-indicator-summary",
    "program-completeness",
    "review-figures",
):
    ROUTES[f"api:{_name}"] = Route(expect=ABSENT, kwargs=NONE)

for _name in (
    "party-sign",
    "activity-submit",
    "activity-approve",
    "activity-return",
    "activity-revise",
    "credit-confirm",
    "practice-mark-effective",
    "practice-recommend",
    "practice-stop",
    "practice-resume",
    "review-finalize",
):
    ROUTES[f"api:{_name}"] = Route(method="post", expect=ABSENT, kwargs=NONE)
