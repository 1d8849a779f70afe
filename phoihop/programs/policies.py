"""Who may see and change programs and their parts.

- Members of a committee (secretariat, leaders, focal points, editors) read all of its
  programs; members of a successor committee read them too, read-only.
- The committee's secretariat (and system admins) change them; the services add the
  status rules (what may change once the program is past draft).
- A party is signed by a leader who holds the leader role *for that organization*, or
  recorded by the secretariat on the signer's behalf (action "sign").
- Action "public": what anyone, signed in or not, may read — programs the secretariat
  has published, their parties, contents, indicators and targets; never signatures
  (the scanned copies are internal).
"""

from django.db import models
from django.db.models import Q

from phoihop.core import permissions as p
from phoihop.programs.models import (
    Indicator,
    LegalDocument,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)

PUBLIC = "public"


@p.register_policy(LegalDocument)
@p.register_policy(TargetGroup)
def reference_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Shared catalogues: every signed-in user reads; admins and secretariats write."""
    if action == PUBLIC:
        return qs
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        return qs if not scope.is_anonymous else qs.none()
    return qs if scope.committees_with(p.SECRETARIAT) else qs.none()


def _program_policy(program_path: str) -> p.Policy:
    """The tenant rule along `program_path`, plus the public reading of published programs."""
    prefix = f"{program_path}__" if program_path else ""
    tenant = p.tenant_policy(f"{prefix}committee")

    def policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
        if action == PUBLIC:
            return qs.filter(**{f"{prefix}is_published": True, f"{prefix}deleted_at__isnull": True})
        return tenant(qs, scope, action)

    return policy


p.register_policy(Program)(_program_policy(""))
p.register_policy(ProgramContent)(_program_policy("program"))
p.register_policy(Indicator)(_program_policy("content__program"))
p.register_policy(Target)(_program_policy("indicator__content__program"))

_signature_tenant = p.tenant_policy("party__program__committee")


@p.register_policy(Signature)
def signature_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    if action == PUBLIC:
        return qs.none()
    return _signature_tenant(qs, scope, action)


_party_base = _program_policy("program")


def _leader_organizations(scope: p.Scope) -> Q:
    """Parties the user signs for: organizations of their current leader roles (a focal
    point role for another organization of the same committee gives no signing right)."""
    q = Q(pk__in=[])
    for committee in scope.committees_with(p.LEADER):
        q |= Q(
            program__committee_id=committee,
            organization_id__in=scope.orgs_for(committee, p.LEADER),
        )
    return q


@p.register_policy(ProgramParty)
def party_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """A party is signed by a leader who signs for that organization, or recorded by the
    secretariat on the signer's behalf."""
    if action != p.SIGN:
        return _party_base(qs, scope, action)
    if scope.is_admin:
        return qs
    if scope.is_anonymous:
        return qs.none()
    return qs.filter(
        Q(program__committee_id__in=scope.committees_with(p.SECRETARIAT))
        | _leader_organizations(scope)
    )
