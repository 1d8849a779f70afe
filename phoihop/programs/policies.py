"""Who may see and change programs and their parts."""

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


@p.register_policy(LegalDocument)
@p.register_policy(TargetGroup)
def reference_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """Shared catalogues: every signed-in user reads; admins and secretariats write."""
    if scope.is_admin:
        return qs
    if action == p.VIEW:
        return qs if not scope.is_anonymous else qs.none()
    return qs if scope.committees_with(p.SECRETARIAT) else qs.none()


p.register_policy(Program)(p.tenant_policy("committee"))
p.register_policy(ProgramContent)(p.tenant_policy("program__committee"))
p.register_policy(Indicator)(p.tenant_policy("content__program__committee"))
p.register_policy(Target)(p.tenant_policy("indicator__content__program__committee"))
p.register_policy(Signature)(p.tenant_policy("party__program__committee"))

_party_base = p.tenant_policy("program__committee")


@p.register_policy(ProgramParty)
def party_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    """A party is signed by a leader who signs for that organization, or recorded by the
    secretariat on the signer's behalf."""
    if action != p.SIGN:
        return _party_base(qs, scope, action)
    if scope.is_admin:
        return qs
    leader_orgs = {
        org
        for committee in scope.committees_with(p.LEADER)
        for org in scope.orgs_in(committee)
    }
    return qs.filter(
        Q(program__committee_id__in=scope.committees_with(p.SECRETARIAT))
        | Q(organization_id__in=leader_orgs, program__committee_id__in=scope.committees_with(p.LEADER))
    )
