"""Routes of the offline reporting app for the authorization matrix.

JSON endpoints answer 401 to a visitor with no session (the phone keeps its reports
and asks for a new sign-in) instead of redirecting to the sign-in page.
"""

from phoihop.core.testing.routes import PUBLIC, SIGNED_IN, Route, outcomes

REPORT = "00000000-0000-4000-8000-000000000000"

ROUTES = {
    "field:app": Route(expect=SIGNED_IN),
    "field:manifest": Route(expect=PUBLIC),
    "field:service-worker": Route(expect=PUBLIC),
    "field:reference": Route(expect=outcomes(200, anonymous=401)),
    "field:reports": Route(expect=outcomes(200, anonymous=401)),
    # An empty body is not a report: every signed-in role is told what is wrong.
    "field:sync": Route(method="post", expect=outcomes(400, anonymous=401)),
    "field:photo": Route(
        method="post",
        kwargs=lambda w: {"report": REPORT},
        expect=outcomes(400, anonymous=401),
    ),
}
