"""What the dashboard pages read, composed from the selectors of the apps below.

Every read goes through those apps' selectors (so through `restrict`); every number
comes from `phoihop.figures`. This module only chooses the committee and program a page
is about and gathers the lists a home page shows.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Prefetch, QuerySet

from phoihop.activities import selectors as activity_selectors
from phoihop.activities.models import Activity, Credit
from phoihop.core import permissions
from phoihop.core.permissions import ADMIN, EDITOR, FOCAL, LEADER, SECRETARIAT, get_scope
from phoihop.orgs.models import Committee, Organization
from phoihop.orgs.selectors import committees_for
from phoihop.programs import selectors as program_selectors
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.models import Program, ProgramContent, ProgramParty

HOME_LIST_LIMIT = 10

# Statuses a program is worked in, most relevant first when choosing the default.
_WORKING = (ProgramStatus.IN_FORCE, ProgramStatus.IN_REVIEW, ProgramStatus.SIGNING)


def committees_of(user: Any) -> list[Committee]:
    """Committees the user works in, then (for leaders and the secretariat) the earlier
    committees theirs took over from, read-only; the system administrator: every one."""
    scope = get_scope(user)
    qs = committees_for(user)
    if not scope.is_admin:
        shown = set(scope.member_committees)
        if scope.committees_with(LEADER, SECRETARIAT):
            shown |= scope.read_only
        qs = qs.filter(pk__in=shown)
    return sorted(qs, key=lambda c: (c.pk in scope.read_only, c.name))


def choose_committee(
    user: Any, committee_id: Any = None, *, committees: list[Committee] | None = None
) -> Committee | None:
    """The committee asked for (if the user works in it), else their first one.
    `committees`: the user's `committees_of`, when the caller has already read them."""
    if committees is None:
        committees = committees_of(user)
    for committee in committees:
        if str(committee.pk) == str(committee_id):
            return committee
    return committees[0] if committees else None


def programs_of(user: Any, committee: Committee | None) -> list[Program]:
    if committee is None:
        return []
    return list(program_selectors.programs_for(user).filter(committee=committee))


def choose_program(programs: list[Program], program_id: Any = None) -> Program | None:
    """The program asked for, else the newest one being worked in, else the newest."""
    for program in programs:
        if str(program.pk) == str(program_id):
            return program
    working = [p for p in programs if p.status in _WORKING]
    if working:
        return max(working, key=lambda p: p.year)
    return programs[0] if programs else None


def roles_in(user: Any, committee: Committee | None) -> frozenset[str]:
    scope = get_scope(user)
    if committee is None:
        return frozenset({ADMIN}) if scope.is_admin else frozenset()
    held = set(scope.roles.get(committee.pk, frozenset()))
    if committee.pk in scope.read_only:
        # A predecessor's figures are read as a leader reads them, nothing more.
        held |= {LEADER} if scope.committees_with(LEADER, SECRETARIAT) else set()
    if scope.is_admin:
        held.add(ADMIN)
    return frozenset(held)


def focal_organizations(user: Any, committee: Committee) -> QuerySet[Organization]:
    """The organizations the user reports for in the committee."""
    ids = get_scope(user).orgs_for(committee.pk, FOCAL)
    return (
        Organization.objects.restrict(user, permissions.VIEW)
        .filter(pk__in=ids)
        .select_related("parent")
        .order_by("name")
    )


def signing_programs(user: Any, committee: Committee) -> QuerySet[Program]:
    """Programs of the committee being signed, with each party and its signature."""
    parties = ProgramParty.objects.select_related("organization", "signature").order_by(
        "order", "id"
    )
    return (
        program_selectors.programs_for(user)
        .filter(committee=committee, status=ProgramStatus.SIGNING)
        .prefetch_related(Prefetch("parties", queryset=parties))
    )


@dataclass
class FocalHome:
    organizations: list[Organization]
    contents: dict[int, list[ProgramContent]] = field(default_factory=dict)
    drafts: list[Activity] = field(default_factory=list)
    returned: list[Activity] = field(default_factory=list)
    credits: list[Credit] = field(default_factory=list)
    draft_count: int = 0
    returned_count: int = 0


def focal_home(user: Any, committee: Committee, program: Program | None) -> FocalHome:
    organizations = list(focal_organizations(user, committee))
    home = FocalHome(organizations=organizations)
    if program is not None:
        for organization in organizations:
            home.contents[organization.pk] = list(
                program_selectors.contents_for_org(user, organization, program)
            )
    drafts = activity_selectors.my_drafts(user).filter(committee=committee)
    returned = activity_selectors.returned_to_me(user).filter(committee=committee)
    home.draft_count = drafts.count()
    home.returned_count = returned.count()
    home.drafts = list(drafts[:HOME_LIST_LIMIT])
    home.returned = list(returned[:HOME_LIST_LIMIT])
    home.credits = list(
        activity_selectors.credits_to_confirm(user).filter(activity__committee=committee)[
            :HOME_LIST_LIMIT
        ]
    )
    return home


@dataclass
class SecretariatHome:
    queue: list[Activity]
    queue_count: int
    signing: list[Program]


def secretariat_home(user: Any, committee: Committee) -> SecretariatHome:
    queue = activity_selectors.approval_queue(user).filter(committee=committee)
    return SecretariatHome(
        queue=list(queue[:HOME_LIST_LIMIT]),
        queue_count=queue.count(),
        signing=list(signing_programs(user, committee)),
    )


def to_sign(
    user: Any, committee: Committee, *, programs: list[Program] | None = None
) -> list[ProgramParty]:
    """Parties the user signs for that have not signed yet (leaders mostly).

    `programs`: the committee's programs the user sees (`programs_of`), when the caller
    has read them: a party to sign is always of one of them being signed (only members
    of the committee sign, and only a draft goes to the trash), so when none is being
    signed there is nothing to read."""
    if programs is not None and all(p.status != ProgramStatus.SIGNING for p in programs):
        return []
    return list(program_selectors.parties_to_sign(user).filter(program__committee=committee))


def is_reader(user: Any, committee: Committee | None) -> bool:
    """Leaders, the secretariat and administrators read the whole committee."""
    return bool(roles_in(user, committee) & {LEADER, SECRETARIAT, ADMIN})


def only_editor(user: Any, committee: Committee | None) -> bool:
    return roles_in(user, committee) == frozenset({EDITOR})
