"""Core's routes, and the project-level ones (sign-in, language, admin index)."""

from phoihop.core.testing.routes import PUBLIC, SIGNED_IN, Route, outcomes


def _trashed_organization(world):
    """A fresh organization of the first committee, in the trash."""
    import datetime

    from phoihop.orgs import services
    from phoihop.orgs.choices import OrgKind, OrgLevel

    root = world.user("admin")
    org = services.organization_create(
        actor=root,
        committee=world.committee,
        name="Đoàn Thanh niên tỉnh Hòa Bình",
        abbreviation="Tỉnh đoàn",
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.PROVINCE,
        locality=world.province,
        valid_from=datetime.date(2020, 1, 1),
    )
    services.organization_trash(actor=root, organization=org)
    return {"model": "orgs.organization", "pk": org.pk}


ROUTES = {
    # Sends everyone on to their home page by role (dashboard:home).
    "core:home": Route(expect=outcomes("redirect", anonymous="login")),
    "core:healthz": Route(expect=PUBLIC),
    # Signed-in users are sent on from the sign-in page.
    "login": Route(expect=outcomes("redirect", anonymous=200)),
    "logout": Route(method="post", expect=outcomes("redirect")),
    "password_change": Route(expect=SIGNED_IN),
    "password_change_done": Route(expect=SIGNED_IN),
    "set_language": Route(
        method="post", data=lambda w: {"language": "en"}, expect=outcomes("redirect")
    ),
    "javascript-catalog": Route(expect=PUBLIC),
    # The trash: the secretariat (of any committee) and system admins; another
    # committee's record is as good as absent.
    "core:trash": Route(
        expect=outcomes(403, anonymous="login", secretariat=200, admin=200, other_secretariat=200)
    ),
    "core:trash_restore": Route(
        method="post",
        kwargs=_trashed_organization,
        expect=outcomes(
            403, anonymous="login", secretariat="redirect", admin="redirect", other_secretariat=404
        ),
    ),
}


def _notification_of_focal_a(world):
    from phoihop.core.services import notification_create

    (item,) = notification_create(
        recipients=[world.user("focal_a")], kind="test", text="Báo cáo đã được duyệt.", url="/home/"
    )
    return {"pk": item.pk}


ROUTES.update(
    {
        "core:notifications": Route(expect=SIGNED_IN),
        # Someone else's notification is not there for them.
        "core:notification_open": Route(
            method="post",
            kwargs=_notification_of_focal_a,
            expect=outcomes(404, focal_a="redirect", anonymous="login"),
        ),
        "core:notifications_read_all": Route(
            method="post", expect=outcomes("redirect", anonymous="login")
        ),
    }
)
