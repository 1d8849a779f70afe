"""Routes of the dashboard app for the authorization matrix.

The news editor works on no figures (403).
"""

from phoihop.core.testing.routes import SIGNED_IN, Route, outcomes

FIGURES = outcomes(200, anonymous="login", editor=403)


def _a_program(world):
    """The committee's program (routes checked before may have made one already)."""
    from phoihop.activities.tests import factories
    from phoihop.programs.models import Program

    if not Program.objects.filter(committee=world.committee).exists():
        factories.program(world, year=2031)
    return {"table": "progress", "fmt": "csv"}


ROUTES = {
    "dashboard:home": Route(expect=SIGNED_IN),
    "dashboard:dashboard": Route(expect=FIGURES),
    "dashboard:completeness": Route(expect=FIGURES),
    # Another committee's secretariat has no program of its own to export.
    "dashboard:export": Route(
        kwargs=_a_program,
        expect=outcomes(200, anonymous="login", editor=403, other_secretariat=404),
    ),
    # No program in the matrix's world: nothing to report nothing for.
    "dashboard:nil_report": Route(
        method="post",
        data=lambda w: {"program": 0, "organization": w.org_a.pk, "period": "2023-01-01"},
        expect=outcomes(404, anonymous="login"),
    ),
    # Leaders and the secretariat see every organization of their committee; a focal
    # point only their own.
    "dashboard:organization": Route(
        kwargs=lambda w: {"pk": w.org_a.pk},
        expect=outcomes(
            404, anonymous="login", focal_a=200, leader=200, secretariat=200, admin=200
        ),
    ),
}
