"""The permission mechanism itself: scopes, policies, 404 versus 403."""

import pytest
from django.core.exceptions import ImproperlyConfigured, PermissionDenied
from django.http import Http404

from phoihop.core import permissions as p
from phoihop.core.models import Abbreviation, AuditEvent, SiteFlag, User
from phoihop.orgs.models import Organization


def test_anonymous_has_the_empty_scope():
    from django.contrib.auth.models import AnonymousUser

    scope = p.get_scope(AnonymousUser())
    assert scope.is_anonymous
    assert not scope.is_admin
    assert scope.member_committees == frozenset()


@pytest.mark.django_db
def test_scope_lists_roles_per_committee(world):
    scope = p.get_scope(world.user("focal_a"))
    assert scope.roles == {world.committee.pk: frozenset({p.FOCAL})}
    assert scope.orgs_in(world.committee.pk) == {world.org_a.pk}
    assert p.get_scope(world.user("admin")).is_admin


@pytest.mark.django_db
def test_a_model_without_policy_is_refused_not_open(world):
    from django.contrib.contenttypes.models import ContentType

    with pytest.raises(ImproperlyConfigured):
        p.restrict(ContentType.objects.all(), world.user("focal_a"))


@pytest.mark.django_db
def test_get_for_action_hides_other_committees_and_forbids_what_is_visible(world):
    secretariat = world.user("secretariat")
    orgs = Organization.objects.all()
    with pytest.raises(Http404):
        p.get_for_action(orgs, secretariat, p.VIEW, pk=world.other_org.pk)
    assert p.get_for_action(orgs, secretariat, p.CHANGE, pk=world.org_a.pk) == world.org_a
    with pytest.raises(PermissionDenied):
        p.get_for_action(orgs, world.user("focal_a"), p.CHANGE, pk=world.org_a.pk)
    with pytest.raises(Http404):
        p.get_for_action(orgs, world.user("focal_a"), p.CHANGE, pk=world.other_org.pk)


@pytest.mark.django_db
def test_audit_history_is_read_by_own_secretariat_only(world):
    events = AuditEvent.objects.filter(committee_id=world.committee.pk)
    assert events.exists()
    assert set(events.restrict(world.user("secretariat"))) == set(events)
    assert not events.restrict(world.user("other_secretariat")).exists()
    assert not events.restrict(world.user("focal_a")).exists()
    assert not events.restrict(world.user("admin"), p.CHANGE).exists()


@pytest.mark.django_db
def test_glossary_is_public_and_kept_by_secretariat(world):
    Abbreviation.objects.create(short="PHHĐ", expansion="Phối hợp hoạt động")
    assert Abbreviation.objects.restrict(None).count() == 1
    assert Abbreviation.objects.restrict(world.user("secretariat"), p.CHANGE).count() == 1
    assert Abbreviation.objects.restrict(world.user("focal_a"), p.CHANGE).count() == 0


@pytest.mark.django_db
def test_site_flags_are_for_admins(world):
    SiteFlag.objects.create(key="x")
    assert SiteFlag.objects.restrict(world.user("secretariat")).count() == 0
    # Other flags exist too (the report filter's versions, written with the world).
    assert SiteFlag.objects.restrict(world.user("admin"), p.CHANGE).filter(key="x").count() == 1


@pytest.mark.django_db
def test_scope_is_computed_once_per_user_object(world, django_assert_num_queries):
    user = User.objects.get(pk=world.user("focal_a").pk)
    p.get_scope(user)
    with django_assert_num_queries(0):
        p.get_scope(user)


@pytest.mark.django_db
def test_secretariat_cannot_raise_an_account_to_superuser(world, client_for):
    from django.urls import reverse

    target = world.user("focal_a")
    client = client_for("secretariat")
    url = reverse("admin:core_user_change", args=[target.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert 'name="is_superuser"' not in page.content.decode()
    client.post(
        url,
        {
            "username": target.username,
            "first_name": "x",
            "last_name": "",
            "email": "",
            "is_active": "on",
            "is_superuser": "on",
            "is_staff": "on",
            "phone": "",
        },
    )
    target.refresh_from_db()
    assert not target.is_superuser
    assert not target.is_staff
    password_url = reverse("admin:auth_user_password_change", args=[target.pk])
    assert client.get(password_url).status_code == 403
    assert client.get(reverse("admin:core_user_add")).status_code == 403
    assert client_for("admin").get(password_url).status_code == 200


@pytest.mark.django_db
def test_refused_update_leaves_the_object_as_stored(world):
    from django.core.exceptions import ValidationError

    from phoihop.core.services import model_update

    org = world.org_a
    with pytest.raises(ValidationError):
        model_update(actor=world.user("secretariat"), obj=org, data={"kind": "nonsense"})
    assert org.kind == "military"
