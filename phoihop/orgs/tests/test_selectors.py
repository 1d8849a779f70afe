"""The scope provider and the read helpers."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from phoihop.core import permissions
from phoihop.core.models import User
from phoihop.orgs import selectors, services
from phoihop.orgs.choices import OrgKind, OrgLevel, Position, Role
from phoihop.orgs.models import Committee, RoleAssignment

pytestmark = pytest.mark.django_db

START = datetime.date(2020, 1, 1)


def _fresh(user):
    permissions.forget_scope(user)
    return permissions.get_scope(user)


def _branch(world, name, parent, valid_from=START):
    return services.organization_create(
        actor=world.user("admin"),
        committee=world.committee,
        name=name,
        kind=OrgKind.SOCIOPOLITICAL,
        level=OrgLevel.DISTRICT,
        parent=parent,
        valid_from=valid_from,
    )


# -- scope_for_user -------------------------------------------------------------------------
def test_scope_of_each_role(world):
    c, other = world.committee.pk, world.other_committee.pk
    focal = selectors.scope_for_user(world.user("focal_a"))
    assert focal.roles == {c: frozenset({Role.FOCAL})}
    assert focal.orgs_in(c) == {world.org_a.pk}
    assert not focal.is_admin
    leader = selectors.scope_for_user(world.user("leader"))
    assert leader.committees_with(Role.LEADER) == {c}
    assert leader.orgs_in(c) == {world.org_a.pk}
    secretariat = selectors.scope_for_user(world.user("secretariat"))
    assert secretariat.committees_with(Role.SECRETARIAT) == {c}
    assert other not in secretariat.readable_committees
    assert selectors.scope_for_user(world.user("admin")).is_admin


def test_admin_role_without_superuser_flag(world):
    user = world.user("editor")
    services.role_assign(actor=world.user("admin"), user=user, role=Role.ADMIN, valid_from=START)
    assert selectors.scope_for_user(user).is_admin


@pytest.mark.parametrize(
    ("valid_from", "valid_to", "counts"),
    [
        (-10, None, True),
        (-10, 0, True),  # the last day still counts
        (-10, -1, False),  # expired
        (1, None, False),  # not started yet
        (0, 5, True),
    ],
)
def test_role_validity_dates(world, valid_from, valid_to, counts):
    today = timezone.localdate()
    user = world.user("editor")
    RoleAssignment.objects.filter(user=user).delete()
    RoleAssignment.objects.create(
        user=user,
        role=Role.FOCAL,
        committee=world.committee,
        organization=world.org_b,
        valid_from=today + datetime.timedelta(days=valid_from),
        valid_to=None if valid_to is None else today + datetime.timedelta(days=valid_to),
    )
    scope = selectors.scope_for_user(user)
    assert (world.committee.pk in scope.committees_with(Role.FOCAL)) is counts
    assert (world.org_b.pk in scope.all_organizations) is counts


def test_successor_reads_predecessors_transitively_read_only(world):
    root = world.user("admin")
    oldest = services.committee_create(
        actor=root,
        code="ha-son-binh",
        name="BCĐ Hà Sơn Bình",
        province=world.province,
        valid_from=datetime.date(1976, 1, 1),
        valid_to=datetime.date(1991, 10, 11),
    )
    services.committee_set_successor(actor=root, committee=oldest, successor=world.committee)
    services.committee_set_successor(
        actor=root, committee=world.committee, successor=world.other_committee
    )
    scope = _fresh(world.user("other_secretariat"))
    assert scope.read_only == {world.committee.pk, oldest.pk}
    assert world.committee.pk not in scope.committees_with(Role.SECRETARIAT)
    # Reading works; writing does not.
    assert permissions.can(world.user("other_secretariat"), "view", world.org_a)
    assert not permissions.can(world.user("other_secretariat"), "change", world.org_a)
    # Predecessors do not read their successors.
    scope = _fresh(world.user("secretariat"))
    assert scope.read_only == {oldest.pk}
    assert world.other_committee.pk not in scope.readable_committees


def test_member_of_both_is_not_read_only(world):
    services.committee_set_successor(
        actor=world.user("admin"), committee=world.committee, successor=world.other_committee
    )
    user = world.user("other_secretariat")
    services.role_assign(
        actor=world.user("admin"), user=user, role=Role.EDITOR, committee=world.committee
    )
    scope = _fresh(user)
    assert scope.read_only == frozenset()
    assert scope.member_committees == {world.committee.pk, world.other_committee.pk}


def test_scope_for_user_query_count(world, django_assert_max_num_queries):
    root = world.user("admin")
    chain = [world.committee]
    for n in range(5):  # a long chain of terms costs no more queries
        nxt = services.committee_create(
            actor=root,
            code=f"term-{n}",
            name=f"BCĐ khóa {n}",
            province=world.province,
            valid_from=START,
        )
        services.committee_set_successor(actor=root, committee=chain[-1], successor=nxt)
        chain.append(nxt)
    user = world.user("focal_a")
    services.role_assign(actor=root, user=user, role=Role.LEADER, committee=chain[-1])
    with django_assert_max_num_queries(2):
        scope = selectors.scope_for_user(user)
    assert scope.read_only == {c.pk for c in chain[1:-1]}
    nobody = User.objects.create_user("nobody", password=None)
    with django_assert_max_num_queries(1):  # no roles: the committee graph is not read
        assert selectors.scope_for_user(nobody).member_committees == frozenset()


def test_scope_is_cached_per_user_object(world, django_assert_num_queries):
    user = world.user("focal_b")
    permissions.forget_scope(user)
    permissions.get_scope(user)
    with django_assert_num_queries(0):
        permissions.get_scope(user)


# -- committee helpers ----------------------------------------------------------------------
def test_committee_lineage_and_successors(world):
    root = world.user("admin")
    third = services.committee_create(
        actor=root, code="third", name="BCĐ ba", province=world.province, valid_from=START
    )
    services.committee_set_successor(
        actor=root, committee=world.committee, successor=world.other_committee
    )
    services.committee_set_successor(actor=root, committee=world.other_committee, successor=third)
    assert selectors.successors_of(world.committee) == [world.other_committee.pk, third.pk]
    assert selectors.predecessors_of({third.pk}) == {world.committee.pk, world.other_committee.pk}
    lineage = selectors.committee_lineage(world.other_committee)
    assert {c.pk for c in lineage} == {world.committee.pk, world.other_committee.pk, third.pk}


def test_committees_for(world):
    assert list(selectors.committees_for(world.user("focal_a"))) == [world.committee]
    assert set(selectors.committees_for(world.user("admin"))) == set(Committee.objects.all())
    assert list(selectors.committees_for(world.user("focal_a"), "change")) == []


# -- organizations --------------------------------------------------------------------------
def test_organizations_for(world):
    assert set(selectors.organizations_for(world.user("focal_a"))) == {world.org_a, world.org_b}
    assert list(selectors.organizations_for(world.user("focal_a"), "change")) == []
    assert set(selectors.organizations_for(world.user("secretariat"), "change")) == {
        world.org_a,
        world.org_b,
    }
    assert set(
        selectors.organizations_for(world.user("admin"), committee=world.other_committee)
    ) == {world.other_org}
    assert list(selectors.organizations_for(None)) == []


def test_branches_of_now_and_then(world):
    district = _branch(world, "Ban CHQS huyện Mai Châu", world.org_a)
    commune = _branch(world, "Ban CHQS xã Mai Hạ", district)
    other = _branch(world, "Chi hội CTĐ xã Mai Hạ", world.org_b)
    assert set(selectors.branches_of(world.org_a)) == {district, commune}
    assert set(selectors.branches_of(district)) == {commune}
    assert list(selectors.branches_of(commune)) == []
    # In 2025 the district command is replaced: the commune moves under org_b.
    moved_on = datetime.date(2025, 7, 1)
    services.organization_reparent(
        actor=world.user("admin"), organization=commune, parent=world.org_b, on=moved_on
    )
    assert set(selectors.branches_of(world.org_a)) == {district}
    assert set(selectors.branches_of(world.org_b)) == {other, commune}
    before = datetime.date(2025, 6, 30)
    assert set(selectors.branches_of(world.org_a, on=before)) == {district, commune}
    assert set(selectors.branches_of(world.org_b, on=before)) == {other}


def test_organization_tree(world):
    district = _branch(world, "Ban CHQS huyện Mai Châu", world.org_a)
    commune = _branch(world, "Ban CHQS xã Mai Hạ", district)
    tree = selectors.organization_tree(world.user("focal_b"), world.committee)
    assert tree == [(world.org_a, 0), (district, 1), (commune, 2), (world.org_b, 0)]
    assert selectors.organization_tree(world.user("focal_b"), world.other_committee) == []


def test_successor_chain(world):
    root = world.user("admin")
    services.organization_succeed(
        actor=root,
        predecessors=[world.org_a],
        successor=world.org_b,
        kind="rename",
        on=datetime.date(2025, 7, 1),
    )
    assert selectors.successor_chain(world.org_a) == [world.org_b]
    assert selectors.successor_chain(world.org_b) == []


# -- people and roles -----------------------------------------------------------------------
def test_people_and_positions_for(world):
    root = world.user("admin")
    head = services.person_create(actor=root, committee=world.committee, full_name="Đại tá A")
    member = services.person_create(actor=root, committee=world.committee, full_name="Bà B")
    stranger = services.person_create(
        actor=root, committee=world.other_committee, full_name="Ông C"
    )
    services.position_assign(
        actor=root,
        committee=world.committee,
        person=member,
        position=Position.MEMBER,
        valid_from=START,
    )
    services.position_assign(
        actor=root,
        committee=world.committee,
        person=head,
        position=Position.HEAD,
        valid_from=START,
    )
    services.position_assign(
        actor=root,
        committee=world.committee,
        person=member,
        position=Position.DEPUTY,
        valid_from=START,
        valid_to=datetime.date(2021, 1, 1),
    )
    assert set(selectors.people_for(world.user("focal_a"))) == {head, member}
    assert stranger not in selectors.people_for(world.user("secretariat"))
    current = list(selectors.positions_for(world.user("focal_a"), world.committee))
    assert [p.person for p in current] == [head, member]
    then = selectors.positions_for(
        world.user("focal_a"), world.committee, on=datetime.date(2020, 6, 1)
    )
    assert [p.position for p in then] == [Position.HEAD, Position.DEPUTY, Position.MEMBER]


def test_roles_for_and_focal_points(world):
    assert {r.role for r in selectors.roles_for(world.user("focal_a"))} == {Role.FOCAL}
    managed = selectors.roles_for(world.user("secretariat"), "change")
    assert {r.user.username for r in managed} == {
        "focal_a",
        "focal_b",
        "leader",
        "editor",
        "secretariat",
    }
    assert list(selectors.focal_points_of(world.org_a)) == [world.user("focal_a")]
    assert list(selectors.focal_points_of(world.org_a, on=datetime.date(2019, 1, 1))) == []
