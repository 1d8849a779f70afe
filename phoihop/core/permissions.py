"""The one permission mechanism: querysets narrowed to what a user may do.

Every page, admin screen, API endpoint, export and search reads through
`Model.objects.restrict(user, action)`. Apps register a *policy* per model, a
function `(queryset, scope, action) -> queryset`; core knows nothing of the domain
apps. The user's *scope* (which committees they act in, in which role, for which
organizations) is computed by a provider that the orgs app registers.

Outcomes (see get_for_action):
- an object outside what the user may *view* -> 404 (its existence is not leaked);
- visible but the action is not allowed -> 403.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist, PermissionDenied
from django.db import models
from django.http import Http404

M = TypeVar("M", bound=models.Model)

# Roles (values of orgs.RoleAssignment.role).
ADMIN = "admin"
SECRETARIAT = "secretariat"
LEADER = "leader"
EDITOR = "editor"
FOCAL = "focal"

# Actions.
VIEW = "view"
CHANGE = "change"
DELETE = "delete"
SUBMIT = "submit"
APPROVE = "approve"
SIGN = "sign"
MANAGE = "manage"


@dataclass(frozen=True)
class Scope:
    """What one user may act on, by committee (the tenant) and organization."""

    user_id: int | None = None
    is_admin: bool = False
    # committee id -> set of roles held there now
    roles: Mapping[int, frozenset[str]] = field(default_factory=dict)
    # committee id -> every organization the user acts for there, in any role
    organizations: Mapping[int, frozenset[int]] = field(default_factory=dict)
    # (committee id, role) -> the organizations of that role: a focal point of X who
    # also signs for Y as leader reports only for X and signs only for Y
    role_organizations: Mapping[tuple[int, str], frozenset[int]] = field(default_factory=dict)
    # committees readable only, as predecessors of one the user works in
    read_only: frozenset[int] = frozenset()

    @property
    def is_anonymous(self) -> bool:
        return self.user_id is None

    def committees_with(self, *roles: str) -> frozenset[int]:
        wanted = set(roles)
        return frozenset(c for c, held in self.roles.items() if held & wanted)

    @property
    def member_committees(self) -> frozenset[int]:
        """Committees where the user holds any role."""
        return frozenset(c for c, held in self.roles.items() if held)

    @property
    def readable_committees(self) -> frozenset[int]:
        return self.member_committees | self.read_only

    def orgs_in(self, committee_id: int) -> frozenset[int]:
        return self.organizations.get(committee_id, frozenset())

    def orgs_for(self, committee_id: int, role: str) -> frozenset[int]:
        """The organizations the user holds `role` for in that committee."""
        return self.role_organizations.get((committee_id, role), frozenset())

    @property
    def all_organizations(self) -> frozenset[int]:
        return (
            frozenset().union(*self.organizations.values()) if self.organizations else frozenset()
        )


ANONYMOUS = Scope()

Policy = Callable[[models.QuerySet, Scope, str], models.QuerySet]
_policies: dict[type[models.Model], Policy] = {}
_scope_provider: Callable[[Any], Scope] | None = None


def register_policy(model: type[models.Model]) -> Callable[[Policy], Policy]:
    def decorator(func: Policy) -> Policy:
        _policies[model] = func
        return func

    return decorator


def set_scope_provider(provider: Callable[[Any], Scope]) -> None:
    global _scope_provider  # noqa: PLW0603 - set once at app start by orgs
    _scope_provider = provider


def get_scope(user: Any) -> Scope:
    """The user's scope, computed once per user object (i.e. once per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return ANONYMOUS
    cached = getattr(user, "_phoihop_scope", None)
    if cached is not None:
        return cached
    if _scope_provider is None:
        raise ImproperlyConfigured("No scope provider registered (the orgs app sets it).")
    scope = _scope_provider(user)
    user._phoihop_scope = scope
    return scope


def forget_scope(user: Any) -> None:
    """Drop the cached scope after the user's roles changed."""
    if hasattr(user, "_phoihop_scope"):
        del user._phoihop_scope


def _policy_for(model: type[models.Model]) -> Policy:
    for klass in model.__mro__:
        if klass in _policies:
            return _policies[klass]
    raise ImproperlyConfigured(f"No permission policy registered for {model.__name__}.")


def restrict[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: str = VIEW
) -> models.QuerySet[M]:
    scope = get_scope(user)
    if scope.is_admin and action == VIEW:
        return queryset
    return _policy_for(queryset.model)(queryset, scope, action)


def can(user: Any, action: str, obj: models.Model) -> bool:
    model = type(obj)
    manager = getattr(model, "all_objects", None) or model._default_manager
    return restrict(manager.filter(pk=obj.pk), user, action).exists()


def get_for_action[M: models.Model](
    queryset: models.QuerySet[M], user: Any, action: str = VIEW, **lookup: Any
) -> M:
    """The object if the user may do `action` to it; 404 if it is not visible; else 403."""
    try:
        obj = restrict(queryset, user, VIEW).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc
    if action != VIEW and not restrict(queryset.filter(pk=obj.pk), user, action).exists():
        raise PermissionDenied
    return obj


def require(user: Any, action: str, obj: models.Model) -> None:
    """For services: refuse an action the user may not take."""
    if not can(user, action, obj):
        raise PermissionDenied


def tenant_policy(committee_path: str = "committee") -> Policy:
    """Policy of committee-owned rows: members (and successors) read; the secretariat of
    the committee itself writes. `committee_path` leads to the committee."""
    lookup = f"{committee_path}_id__in"

    def policy(qs: models.QuerySet, scope: Scope, action: str) -> models.QuerySet:
        if scope.is_admin:
            return qs
        if action == VIEW:
            return qs.filter(**{lookup: scope.readable_committees})
        return qs.filter(**{lookup: scope.committees_with(SECRETARIAT)})

    return policy
