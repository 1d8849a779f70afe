"""Routes of the practices app for the authorization matrix."""

from phoihop.core.testing.routes import Route, outcomes


def _practice(world, status="pilot"):
    """A model of org A (registered by its focal point), moved on to `status`."""
    from phoihop.practices import services
    from phoihop.practices.models import Practice
    from phoihop.practices.tests.conftest import STARTED, advance

    found = Practice.objects.filter(committee=world.committee).first()
    if found is None:
        found = services.practice_register(
            actor=world.user("focal_a"),
            owner=world.org_a,
            title="Mô hình “Dân vận khéo”",
            started_on=STARTED,
        )
    return advance(world, found, status) if status != found.status else found


ROUTES: dict = {
    "practices:list": Route(expect=outcomes(200, anonymous="login")),
    "practices:recommended": Route(expect=outcomes(200, anonymous="login")),
    # Focal points register for their organization, the secretariat for any.
    "practices:register": Route(
        expect=outcomes(
            403,
            anonymous="login",
            focal_a=200,
            focal_b=200,
            secretariat=200,
            admin=200,
            other_secretariat=200,
        )
    ),
    "practices:detail": Route(
        kwargs=lambda w: {"pk": _practice(w).pk},
        expect=outcomes(200, anonymous="login", other_secretariat=404),
    ),
    # The owner's focal point and the secretariat keep the model's description.
    "practices:edit": Route(
        kwargs=lambda w: {"pk": _practice(w).pk},
        expect=outcomes(
            403,
            anonymous="login",
            other_secretariat=404,
            focal_a=200,
            secretariat=200,
            admin=200,
        ),
    ),
    "practices:evaluate": Route(
        kwargs=lambda w: {"pk": _practice(w).pk},
        expect=outcomes(403, anonymous="login", other_secretariat=404, secretariat=200, admin=200),
    ),
    # Replications are recorded by the secretariat or a focal point of the replicating
    # organization (any focal point of the committee may open the form).
    "practices:replicate": Route(
        kwargs=lambda w: {"pk": _practice(w, "recommended").pk},
        expect=outcomes(
            403,
            anonymous="login",
            other_secretariat=404,
            focal_a=200,
            focal_b=200,
            secretariat=200,
            admin=200,
        ),
    ),
    # A pilot without an evaluation cannot become effective: refused as a message.
    "practices:move": Route(
        method="post",
        kwargs=lambda w: {"pk": _practice(w).pk, "move": "effective"},
        expect=outcomes(
            403,
            anonymous="login",
            other_secretariat=404,
            secretariat="redirect",
            admin="redirect",
        ),
    ),
}
