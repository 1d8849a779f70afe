"""Routes of the activities app for the authorization matrix.

Each row that acts on a report gets a fresh report (built through the services), so the
rows never depend on one another. The reports are org A's, written by focal_a."""

from __future__ import annotations

import datetime
from typing import Any

from phoihop.activities import services
from phoihop.activities.tests import factories
from phoihop.core.testing.routes import SIGNED_IN, Route, outcomes
from phoihop.core.testing.world import World
from phoihop.programs.models import Program

# Who sees org A's unapproved report: its focal point, the committee's secretariat, admins.
UNSEEN = {"focal_b": 404, "leader": 404, "editor": 404, "other_secretariat": 404}
ANON = {"anonymous": "login"}


def _setup(world: World) -> factories.Setup:
    """A program of a year no other app's rows use (they share the world)."""
    found = getattr(world, "_activities_setup", None)
    if found is None:
        used = set(Program.objects.filter(committee=world.committee).values_list("year", flat=True))
        year = next(y for y in range(2031, 2100) if y not in used)
        found = factories.setup(world, year=year)
        world._activities_setup = found  # type: ignore[attr-defined]
    return found


def _dates(world: World) -> dict[str, Any]:
    day = datetime.date(_setup(world).program.year, 3, 27)
    return {"start_date": day, "end_date": day}


def _draft(world: World) -> dict[str, Any]:
    return {"pk": factories.report(_setup(world), **_dates(world)).pk}


def _submitted(world: World) -> dict[str, Any]:
    return {"pk": factories.submitted(_setup(world), **_dates(world)).pk}


def _approved(world: World) -> dict[str, Any]:
    return {"pk": factories.approved(_setup(world), **_dates(world)).pk}


def _credited(world: World) -> dict[str, Any]:
    activity = factories.report(_setup(world), co_organizations=[world.org_b], **_dates(world))
    credit = activity.credits.get(organization=world.org_b)
    return {"pk": activity.pk, "credit_pk": credit.pk}


def _with_photo(world: World) -> dict[str, Any]:
    activity = factories.report(_setup(world), **_dates(world))
    attachment = services.attachment_add(
        actor=world.user("focal_a"),
        activity=activity,
        file=factories.upload("anh.jpg", factories.jpeg_with_exif((40, 30))),
    )
    return {"pk": activity.pk, "attachment_pk": attachment.pk}


ROUTES = {
    "activities:list": Route(expect=SIGNED_IN),
    "activities:queue": Route(expect=SIGNED_IN),
    "activities:bulk": Route(method="post", expect=outcomes("redirect", **ANON)),
    "activities:create": Route(
        expect=outcomes(403, focal_a=200, focal_b=200, **ANON)  # only focal points report
    ),
    # An empty autosave is "not saved yet", not an error.
    "activities:autosave": Route(method="post", expect=outcomes(200, **ANON)),
    "activities:parts": Route(expect=SIGNED_IN),
    "activities:communes": Route(expect=SIGNED_IN, query="?q=mai"),
    "activities:detail": Route(kwargs=_draft, expect=outcomes(200, **UNSEEN, **ANON)),
    "activities:edit": Route(
        kwargs=_draft,
        expect=outcomes(200, secretariat=403, admin=403, **UNSEEN, **ANON),
    ),
    "activities:submit": Route(
        method="post",
        kwargs=_draft,
        expect=outcomes("redirect", secretariat=403, admin=403, **UNSEEN, **ANON),
    ),
    # The author sees its own report but is told someone else must decide (a message).
    "activities:approve": Route(
        method="post", kwargs=_submitted, expect=outcomes("redirect", **UNSEEN, **ANON)
    ),
    "activities:return": Route(
        method="post",
        kwargs=_submitted,
        data=lambda w: {"reason": "Thiếu ảnh"},
        expect=outcomes("redirect", **UNSEEN, **ANON),
    ),
    "activities:revise": Route(
        method="post",
        kwargs=_approved,
        expect=outcomes(403, focal_a="redirect", other_secretariat=404, **ANON),
    ),
    "activities:trash": Route(
        method="post",
        kwargs=_draft,
        expect=outcomes("redirect", admin=403, **UNSEEN, **ANON),
    ),
    "activities:comment": Route(
        method="post",
        kwargs=_draft,
        data=lambda w: {"text": "Đề nghị bổ sung ảnh."},
        expect=outcomes("redirect", **UNSEEN, **ANON),
    ),
    "activities:credit_confirm": Route(
        method="post",
        kwargs=_credited,
        expect=outcomes(
            403, focal_b="redirect", leader=404, editor=404, other_secretariat=404, **ANON
        ),
    ),
    # No file sent: the form says so (a message), before any service is reached.
    "activities:attachment_add": Route(
        method="post", kwargs=_draft, expect=outcomes("redirect", **UNSEEN, **ANON)
    ),
    "activities:attachment": Route(kwargs=_with_photo, expect=outcomes(200, **UNSEEN, **ANON)),
    "activities:attachment_remove": Route(
        method="post",
        kwargs=_with_photo,
        expect=outcomes("redirect", secretariat=403, admin=403, **UNSEEN, **ANON),
    ),
}
