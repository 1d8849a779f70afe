"""Routes of the orgs app for the authorization matrix."""

from phoihop.core.testing.routes import Route, outcomes

SECRETARIAT_ONLY = outcomes(
    403, anonymous="login", secretariat=200, admin=200, other_secretariat=200
)

ROUTES: dict = {
    "orgs:people": Route(expect=SECRETARIAT_ONLY),
    "orgs:people_import": Route(expect=SECRETARIAT_ONLY),
    "orgs:people_template": Route(expect=SECRETARIAT_ONLY),
    # Without a signed payload (one only the import page makes) nothing is written out.
    "orgs:people_import_sheet": Route(
        method="post", data=lambda w: {"payload": "forged"}, expect=outcomes(403, anonymous="login")
    ),
    # Another committee's account is not there at all; one's own is seen, not reset.
    "orgs:password_reset": Route(
        kwargs=lambda w: {"pk": w.user("focal_a").pk},
        expect=outcomes(404, anonymous="login", focal_a=403, secretariat=200, admin=200),
    ),
}
