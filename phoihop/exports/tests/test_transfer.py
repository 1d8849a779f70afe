"""A committee's programs moved as JSON: export → import → export is the same document."""

from __future__ import annotations

import datetime
import json
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from phoihop.activities.tests import factories
from phoihop.exports import transfer
from phoihop.programs.models import Indicator, Program, ProgramParty, Signature, Target

pytestmark = pytest.mark.django_db


def _rich(s):
    world = s.world
    party = ProgramParty(
        program=s.program, organization=world.org_a, order=1, name_as_signed="Bộ CHQS"
    )
    party.full_clean()
    party.save()
    signature = Signature(
        party=party,
        signer_name="Nguyễn Văn Thử",
        signer_title="Chỉ huy trưởng",
        signed_at=datetime.datetime(2023, 1, 10, 2, 30, tzinfo=datetime.UTC),
        recorded_by=world.user("admin"),
    )
    signature.full_clean()
    signature.save()
    Target.objects.create(indicator=s.sessions, organization=None, value=Decimal("120.50"))
    Target.objects.create(indicator=s.sessions, organization=world.org_b, value=Decimal(40))
    nxt = factories.program(world, year=2024, status="draft")
    nxt.previous = s.program
    nxt.save()
    content = factories.content(nxt, lead=world.org_b, co=(world.org_a,), groups=(s.people,))
    content.lineage = s.content
    content.save()
    indicator = factories.indicator(content, name="Buổi tuyên truyền")
    indicator.lineage = s.sessions
    indicator.save()


def test_export_import_export_is_exact(s):
    _rich(s)
    world = s.world
    admin = world.user("admin")
    first = transfer.export_programs(actor=admin, committee=world.committee)
    assert len(first["programs"]) == 2
    programs = transfer.import_programs(
        actor=admin, committee=world.other_committee, data=json.loads(json.dumps(first))
    )
    assert len(programs) == 2
    second = transfer.export_programs(actor=admin, committee=world.other_committee)
    first.pop("committee")
    second.pop("committee")
    assert second == first
    moved = Program.objects.get(committee=world.other_committee, year=2024)
    assert moved.previous.committee == world.other_committee
    assert Indicator.objects.get(content__program=moved).lineage.content.program.year == 2023


def test_import_is_all_or_nothing_and_checked(s):
    _rich(s)
    world = s.world
    admin = world.user("admin")
    data = transfer.export_programs(actor=admin, committee=world.committee)
    data["programs"][1]["contents"][0]["indicators"][0]["aggregation"] = "average"
    before = Program.all_objects.count()
    with pytest.raises(ValidationError):
        transfer.import_programs(actor=admin, committee=world.other_committee, data=data)
    assert Program.all_objects.count() == before
    with pytest.raises(ValidationError):
        transfer.import_programs(
            actor=admin,
            committee=world.committee,
            data=transfer.export_programs(actor=admin, committee=world.committee),
        )
    with pytest.raises(PermissionDenied):
        transfer.import_programs(actor=world.user("focal_a"), committee=world.committee, data=data)


def test_download_and_upload_pages(s, client_for):
    _rich(s)
    world = s.world
    url = reverse("exports:committee_programs", args=[world.committee.pk])
    response = client_for("secretariat").get(url)
    assert response.status_code == 200
    assert json.loads(response.content)["format"] == transfer.FORMAT
    assert client_for("focal_a").get(url).status_code == 403
    assert client_for("other_secretariat").get(url).status_code == 404
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = client_for("other_secretariat").post(
        reverse("exports:committee_programs_import", args=[world.other_committee.pk]),
        {"file": SimpleUploadedFile("p.json", response.content)},
    )
    assert upload.status_code == 302
    assert Program.objects.filter(committee=world.other_committee).count() == 2
