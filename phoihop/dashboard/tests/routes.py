"""Routes of the dashboard app for the authorization matrix.

The matrix's world has no program: figure pages answer with their "no program yet"
state, and an export has no table to give (404). The news editor works on no figures.
"""

from phoihop.core.testing.routes import SIGNED_IN, Route, outcomes

FIGURES = outcomes(200, anonymous="login", editor=403)

ROUTES = {
    "dashboard:home": Route(expect=SIGNED_IN),
    "dashboard:dashboard": Route(expect=FIGURES),
    "dashboard:completeness": Route(expect=FIGURES),
    "dashboard:export": Route(
        kwargs=lambda w: {"table": "progress", "fmt": "csv"},
        expect=outcomes(404, anonymous="login", editor=403),
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
