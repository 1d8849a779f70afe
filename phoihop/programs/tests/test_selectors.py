"""Reads of programs: narrowed by the policies, and in a fixed number of queries."""

from __future__ import annotations

import pytest
from django.http import Http404

from phoihop.orgs.choices import OrgLevel
from phoihop.programs import selectors, services
from phoihop.programs.choices import ProgramStatus
from phoihop.programs.tests.factories import make_organization, make_program

pytestmark = pytest.mark.django_db


def test_programs_for_lists_the_users_committees_newest_first(world):
    older = make_program(world, year=2022)
    newer = make_program(world, year=2023)
    assert list(selectors.programs_for(world.user("focal_a"))) == [newer, older]
    assert list(selectors.programs_for(world.user("other_secretariat"))) == []
    assert list(selectors.programs_for(world.user("focal_a"), "change")) == []
    assert list(selectors.programs_for(world.user("secretariat"), "change")) == [newer, older]


def test_contents_for_org_where_it_leads_or_cooperates(world):
    program = make_program(world)
    focal = world.user("focal_a")
    titles_a = [c.title for c in selectors.contents_for_org(focal, world.org_a, program)]
    assert titles_a == ["Tuyên truyền, giáo dục chính trị, pháp luật, quốc phòng - an ninh"]
    titles_b = [c.title for c in selectors.contents_for_org(focal, world.org_b, program)]
    assert titles_b == [  # co-operates in the first, leads the second; each once
        "Tuyên truyền, giáo dục chính trị, pháp luật, quốc phòng - an ninh",
        "Vận động hiến máu tình nguyện",
    ]
    assert (
        list(selectors.contents_for_org(world.user("other_secretariat"), world.org_a, program))
        == []
    )


def test_a_branch_works_under_its_parents_contents(world):
    program = make_program(world)
    branch = make_organization(
        world, name="Hội CTĐ xã Mai Châu", parent=world.org_b, level=OrgLevel.COMMUNE
    )
    user = world.user("secretariat")
    assert selectors.contents_for_org(user, branch, program).count() == 2
    assert selectors.contents_for_org(user, branch, program, with_parents=False).count() == 0


def test_program_detail_prefetches_everything(world, django_assert_max_num_queries):
    program = make_program(world, status=ProgramStatus.IN_FORCE)
    user = world.user("leader")
    with django_assert_max_num_queries(14):
        detail = selectors.program_detail(user, program.pk)
        summary = [
            (party.organization.name, party.signature.signer_name) for party in detail.parties.all()
        ]
        for content in detail.contents.all():
            _ = (content.lead.name, list(content.co_organizations.all()))
            _ = (list(content.target_groups.all()), list(content.legal_basis.all()))
            for indicator in content.indicators.all():
                _ = [(t.organization, t.value) for t in indicator.targets.all()]
        _ = list(detail.legal_basis.all()), detail.committee.name
    assert len(summary) == 2


def test_program_detail_hides_other_committees(world):
    program = make_program(world)
    with pytest.raises(Http404):
        selectors.program_detail(world.user("other_secretariat"), program.pk)


def test_parties_to_sign(world):
    program = make_program(world, status=ProgramStatus.SIGNING)
    leader = world.user("leader")
    assert [p.organization for p in selectors.parties_to_sign(leader)] == [world.org_a]
    assert selectors.parties_to_sign(world.user("secretariat")).count() == 2
    assert selectors.parties_to_sign(world.user("focal_a")).count() == 0
    party = program.parties.get(organization=world.org_a)
    from django.utils import timezone

    services.program_sign(
        actor=leader,
        party=party,
        signer_name="A",
        signer_title="B",
        signed_at=timezone.now(),
    )
    assert selectors.parties_to_sign(leader).count() == 0


def test_public_programs(world):
    program = make_program(world, status=ProgramStatus.IN_FORCE)
    assert list(selectors.public_programs()) == []
    services.program_publish(actor=world.user("secretariat"), program=program)
    assert list(selectors.public_programs()) == [program]
