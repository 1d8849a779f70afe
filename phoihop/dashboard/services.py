"""Reminders to focal points: an email for each report still missing after its deadline,
an in-app notification when a deadline is near.

Run daily by cron (`phoihop remind`). Which slots are missing or nearly due comes from
`phoihop.figures.completeness`; this module only words and sends the reminders.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, mailers
from django.db import transaction
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from phoihop.core import clock
from phoihop.core.models import Notification, User
from phoihop.core.services import notification_create
from phoihop.figures import selectors as figures
from phoihop.figures import types as ft
from phoihop.orgs.models import Organization
from phoihop.orgs.selectors import focal_points_of
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Program

DEADLINE_KIND = "deadline"
# A deadline is "near" this many days ahead (and until the day itself).
NEAR_DAYS = 5


@dataclass
class ReminderResult:
    emails: int = 0  # messages sent (one per focal point)
    missing_slots: int = 0  # organization × period slots reminded about
    notifications: int = 0
    without_email: list[str] = field(default_factory=list)  # usernames with no address


def _period_text(period: ft.ReportingPeriod) -> str:
    return _("{start}–{end} (due {deadline})").format(
        start=period.start.strftime("%d/%m/%Y"),
        end=period.end.strftime("%d/%m/%Y"),
        deadline=period.deadline.strftime("%d/%m/%Y"),
    )


def _focal_points(org_ids: set[int], as_of: datetime.date) -> dict[int, list[User]]:
    organizations = Organization.objects.filter(pk__in=org_ids).order_by("pk")
    return {org.pk: list(focal_points_of(org, on=as_of).order_by("pk")) for org in organizations}


@transaction.atomic
def reminders_send(
    *,
    as_of: datetime.date | None = None,
    near_days: int = NEAR_DAYS,
    dry_run: bool = False,
    programs: list[Program] | None = None,
    site_url: str = "",
) -> ReminderResult:
    """Email every focal point whose organization has a missing report, listing the
    periods; notify in the app those whose deadline falls within `near_days` (a
    notification is not repeated for the same period). `dry_run` counts, sends nothing.
    `site_url` (e.g. https://phoihop.example.vn) makes the link in the email absolute.
    """
    as_of = as_of or clock.today()
    if programs is None:
        programs = list(
            Program.objects.filter(status=ProgramStatus.IN_FORCE).order_by("committee_id", "year")
        )
    result = ReminderResult()
    missing: dict[int, list[tuple[Program, str, ft.ReportingPeriod]]] = defaultdict(list)
    near: list[tuple[Program, int, str, ft.ReportingPeriod]] = []
    for program in programs:
        found = figures.completeness(program, as_of=as_of)
        for org in found.organizations:
            for slot in org.slots:
                if slot.status == ft.MISSING:
                    missing[org.organization_id].append(
                        (program, org.organization_name, slot.period)
                    )
                elif (
                    slot.status == ft.NOT_DUE
                    and slot.period.end < as_of <= slot.period.deadline
                    and (slot.period.deadline - as_of).days <= near_days
                ):
                    near.append((program, org.organization_id, org.organization_name, slot.period))
    people = _focal_points(set(missing) | {org_id for _, org_id, _, _ in near}, as_of)
    with translation.override(settings.LANGUAGE_CODE):
        messages = _missing_emails(missing, people, result, site_url)
        _near_notifications(near, people, result, dry_run=dry_run)
    if not dry_run and messages:
        mailers.default.send_messages(messages)
    result.emails = len(messages)
    return result


def _missing_emails(
    missing: dict[int, list[tuple[Program, str, ft.ReportingPeriod]]],
    people: dict[int, list[User]],
    result: ReminderResult,
    site_url: str,
) -> list[EmailMessage]:
    by_user: dict[int, list[str]] = defaultdict(list)
    users: dict[int, User] = {}
    for org_id, slots in missing.items():
        result.missing_slots += len(slots)
        for user in people.get(org_id, []):
            users[user.pk] = user
            for program, org_name, period in slots:
                by_user[user.pk].append(
                    _("- {organization}, {program}: period {period}").format(
                        organization=org_name, program=program.title, period=_period_text(period)
                    )
                )
    link = site_url.rstrip("/") + reverse("dashboard:home")
    messages = []
    for pk, lines in sorted(by_user.items()):
        user = users[pk]
        if not user.email:
            result.without_email.append(user.username)
            continue
        body = "\n".join(
            [
                _("Hello {name},").format(name=user.get_full_name() or user.username),
                "",
                _("These reports of the coordination program are past their deadline:"),
                *lines,
                "",
                _(
                    "Please report the activities of these periods, or send a nil report if "
                    "there was nothing to report: {link}"
                ).format(link=link),
            ]
        )
        messages.append(
            EmailMessage(
                subject=_("[PhốiHợp] Reports missing: {count} periods").format(count=len(lines)),
                body=body,
                to=[user.email],
            )
        )
    return messages


def _near_notifications(
    near: list[tuple[Program, int, str, ft.ReportingPeriod]],
    people: dict[int, list[User]],
    result: ReminderResult,
    *,
    dry_run: bool,
) -> None:
    url = reverse("dashboard:home")
    for program, org_id, org_name, period in near:
        text = _("Deadline near: report of {organization} for {period}, {program}.").format(
            organization=org_name, period=_period_text(period), program=program.title
        )
        recipients = [u.pk for u in people.get(org_id, [])]
        already = set(
            Notification.objects.filter(
                recipient_id__in=recipients, kind=DEADLINE_KIND, text=text[:500]
            ).values_list("recipient_id", flat=True)
        )
        fresh = [pk for pk in recipients if pk not in already]
        result.notifications += len(fresh)
        if fresh and not dry_run:
            notification_create(recipients=fresh, kind=DEADLINE_KIND, text=text, url=url)
