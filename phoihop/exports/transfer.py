"""A committee's programs as JSON, to move them to another installation, and back.

The export holds each program with its parties and signatures, contents (lead and
co-operating organizations, target groups, lineage), indicators (lineage) and targets.
Rows are referred to by what identifies them on both installations, never by id:
organizations by name (with their kind, level and locality, created if missing),
administrative units by (scheme, level, code), target groups by code, a program by
(year, number), a content by its position. Reports are not part of it (their authors
and approvers are accounts of the first installation).

Importing is all or nothing, by an administrator or the target committee's secretariat,
with each row checked (full_clean) and audited. Export → import → export gives the same
document (tested)."""

from __future__ import annotations

import datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from phoihop.core import audit, permissions
from phoihop.core.models import User
from phoihop.geo.models import AdminUnit
from phoihop.orgs import services as org_services
from phoihop.orgs.models import Committee, Organization
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)

FORMAT = "phoihop-programs"
MAX_BYTES = 20 * 1024 * 1024
VERSION = 1


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _unit(unit: AdminUnit | None) -> list[Any] | None:
    return [unit.scheme, unit.level, unit.code] if unit else None


def export_programs(*, actor: User, committee: Committee) -> dict[str, Any]:
    if not permissions.can(actor, permissions.CHANGE, committee):
        raise PermissionDenied
    programs = list(
        Program.objects.filter(committee=committee)
        .select_related("previous")
        .order_by("year", "number", "pk")
    )
    content_ref: dict[int, list[Any]] = {}
    indicator_ref: dict[int, list[Any]] = {}
    orgs: dict[int, Organization] = {}
    body = []
    for p_index, program in enumerate(programs):
        contents = list(
            ProgramContent.objects.filter(program=program)
            .select_related("lead")
            .prefetch_related("co_organizations", "target_groups")
            .order_by("order", "pk")
        )
        for c_index, content in enumerate(contents):
            content_ref[content.pk] = [p_index, c_index]
            for i_index, indicator in enumerate(content.indicators.order_by("order", "pk")):
                indicator_ref[indicator.pk] = [p_index, c_index, i_index]
        body.append((program, contents))
    out_programs = []
    for program, contents in body:
        parties = []
        for party in program.parties.select_related("organization").order_by("order", "pk"):
            orgs[party.organization_id] = party.organization
            signature = Signature.objects.filter(party=party).first()
            parties.append(
                {
                    "organization": party.organization.name,
                    "order": party.order,
                    "name_as_signed": party.name_as_signed,
                    "signature": None
                    if signature is None
                    else {
                        "signer_name": signature.signer_name,
                        "signer_title": signature.signer_title,
                        "signed_at": signature.signed_at.isoformat(),
                    },
                }
            )
        out_contents = []
        for content in contents:
            orgs[content.lead_id] = content.lead
            co = sorted(content.co_organizations.all(), key=lambda o: o.name)
            orgs.update({o.pk: o for o in co})
            indicators = []
            for indicator in content.indicators.order_by("order", "pk"):
                targets = []
                for target in indicator.targets.select_related("organization").order_by(
                    "organization__name", "pk"
                ):
                    if target.organization is not None:
                        orgs[target.organization.pk] = target.organization
                    targets.append(
                        {
                            "organization": target.organization.name
                            if target.organization
                            else None,
                            "value": str(target.value),
                        }
                    )
                indicators.append(
                    {
                        "order": indicator.order,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "aggregation": indicator.aggregation,
                        "lineage": indicator_ref.get(indicator.lineage_id)
                        if indicator.lineage_id
                        else None,
                        "targets": targets,
                    }
                )
            out_contents.append(
                {
                    "order": content.order,
                    "title": content.title,
                    "description": content.description,
                    "lead": content.lead.name,
                    "co_organizations": [o.name for o in co],
                    "target_groups": sorted(g.code for g in content.target_groups.all()),
                    "starts_on": _day(content.starts_on),
                    "ends_on": _day(content.ends_on),
                    "lineage": content_ref.get(content.lineage_id) if content.lineage_id else None,
                    "indicators": indicators,
                }
            )
        out_programs.append(
            {
                "year": program.year,
                "title": program.title,
                "number": program.number,
                "period_start": _day(program.period_start),
                "period_end": _day(program.period_end),
                "status": program.status,
                "previous": [program.previous.year, program.previous.number]
                if program.previous
                else None,
                "reporting_frequency": program.reporting_frequency,
                "deadline_days": program.deadline_days,
                "lead_may_approve": program.lead_may_approve,
                "signed_on": _day(program.signed_on),
                "is_published": program.is_published,
                "parties": parties,
                "contents": out_contents,
            }
        )
    groups = TargetGroup.objects.filter(
        pk__in=ProgramContent.target_groups.through.objects.filter(
            programcontent__program__committee=committee
        ).values("targetgroup_id")
    ).order_by("code")
    return {
        "format": FORMAT,
        "version": VERSION,
        "committee": {"code": committee.code, "name": committee.name},
        "organizations": [
            {
                "name": o.name,
                "abbreviation": o.abbreviation,
                "kind": o.kind,
                "level": o.level,
                "locality": _unit(o.locality),
                "valid_from": _day(o.valid_from),
                "valid_to": _day(o.valid_to),
            }
            for o in sorted(orgs.values(), key=lambda o: o.name)
        ],
        "target_groups": [{"code": g.code, "name": g.name, "order": g.order} for g in groups],
        "programs": out_programs,
    }


class _Importer:
    def __init__(self, actor: User, committee: Committee) -> None:
        self.actor = actor
        self.committee = committee
        self.created: list[Any] = []
        self.orgs: dict[str, Organization] = {}

    def save(self, obj: Any) -> Any:
        obj.full_clean()
        obj.save()
        self.created.append(obj)
        return obj

    def unit(self, ref: list[Any] | None) -> AdminUnit | None:
        if not ref:
            return None
        try:
            return AdminUnit.objects.get(scheme=ref[0], level=ref[1], code=ref[2])
        except AdminUnit.DoesNotExist as exc:
            raise ValidationError(
                _("The administrative unit {ref} is not known here; load the units first.").format(
                    ref="/".join(str(r) for r in ref)
                )
            ) from exc

    def organizations(self, rows: list[dict[str, Any]]) -> None:
        existing = {o.name: o for o in Organization.objects.filter(committee=self.committee)}
        for row in rows:
            org = existing.get(row["name"])
            if org is None:
                org = org_services.organization_create(
                    actor=self.actor,
                    committee=self.committee,
                    name=row["name"],
                    abbreviation=row["abbreviation"],
                    kind=row["kind"],
                    level=row["level"],
                    locality=self.unit(row["locality"]),
                    valid_from=parse_date(row["valid_from"] or "") or self.committee.valid_from,
                    valid_to=parse_date(row["valid_to"] or ""),
                )
            self.orgs[row["name"]] = org

    def org(self, name: str | None) -> Organization | None:
        if name is None:
            return None
        if name not in self.orgs:
            raise ValidationError(
                _("The organization “{name}” is not in the file's list.").format(name=name)
            )
        return self.orgs[name]


def _group(code: str, rows: dict[str, dict[str, Any]]) -> TargetGroup:
    found = TargetGroup.objects.filter(code=code).first()
    if found is not None:
        return found
    row = rows.get(code, {"name": code, "order": 0})
    group = TargetGroup(code=code, name=row["name"], order=row["order"])
    group.full_clean()
    group.save()
    return group


@transaction.atomic
def import_programs(*, actor: User, committee: Committee, data: dict[str, Any]) -> list[Program]:
    """Create the document's programs in `committee`: all, or none with a message."""
    if not permissions.can(actor, permissions.CHANGE, committee):
        raise PermissionDenied
    if data.get("format") != FORMAT or data.get("version") != VERSION:
        raise ValidationError(_("This is not a PhốiHợp programs export (format version 1)."))
    try:
        return _import(actor, committee, data)
    except (KeyError, TypeError, IndexError, ValueError) as exc:
        raise ValidationError(
            _("The file is incomplete or damaged ({detail}).").format(detail=exc)
        ) from exc


def _import(actor: User, committee: Committee, data: dict[str, Any]) -> list[Program]:
    importer = _Importer(actor, committee)
    importer.organizations(data["organizations"])
    group_rows = {row["code"]: row for row in data["target_groups"]}
    programs: list[Program] = []
    contents: list[list[ProgramContent]] = []
    indicators: list[list[list[Indicator]]] = []
    by_number: dict[tuple[int, str], Program] = {}
    for row in data["programs"]:
        if Program.all_objects.filter(
            committee=committee, year=row["year"], number=row["number"]
        ).exists():
            raise ValidationError(
                _("The program {number} of {year} is already here.").format(
                    number=row["number"], year=row["year"]
                )
            )
        program = Program(
            committee=committee,
            year=row["year"],
            title=row["title"],
            number=row["number"],
            period_start=row["period_start"],
            period_end=row["period_end"],
            status=row["status"],
            previous=by_number.get(tuple(row["previous"])) if row["previous"] else None,
            reporting_frequency=row["reporting_frequency"],
            deadline_days=row["deadline_days"],
            lead_may_approve=row["lead_may_approve"],
            is_published=row["is_published"],
        )
        program.signed_on = parse_date(row["signed_on"] or "")
        importer.save(program)
        by_number[(program.year, program.number)] = program
        programs.append(program)
        for party_row in row["parties"]:
            party = importer.save(
                ProgramParty(
                    program=program,
                    organization=importer.org(party_row["organization"]),
                    order=party_row["order"],
                    name_as_signed=party_row["name_as_signed"],
                )
            )
            signed = party_row["signature"]
            if signed:
                signature = Signature(
                    party=party,
                    signer_name=signed["signer_name"],
                    signer_title=signed["signer_title"],
                    signed_at=signed["signed_at"],
                )
                signature.recorded_by = actor
                importer.save(signature)
        program_contents: list[ProgramContent] = []
        program_indicators: list[list[Indicator]] = []
        for c_row in row["contents"]:
            content = importer.save(
                ProgramContent(
                    program=program,
                    order=c_row["order"],
                    title=c_row["title"],
                    description=c_row["description"],
                    lead=importer.org(c_row["lead"]),
                    starts_on=parse_date(c_row["starts_on"] or ""),
                    ends_on=parse_date(c_row["ends_on"] or ""),
                )
            )
            content.co_organizations.set([importer.org(n) for n in c_row["co_organizations"]])
            content.target_groups.set([_group(c, group_rows) for c in c_row["target_groups"]])
            program_contents.append(content)
            content_indicators = []
            for i_row in c_row["indicators"]:
                indicator = importer.save(
                    Indicator(
                        content=content,
                        order=i_row["order"],
                        name=i_row["name"],
                        unit=i_row["unit"],
                        aggregation=i_row["aggregation"],
                    )
                )
                for t_row in i_row["targets"]:
                    importer.save(
                        Target(
                            indicator=indicator,
                            organization=importer.org(t_row["organization"]),
                            value=Decimal(t_row["value"]),
                        )
                    )
                content_indicators.append(indicator)
            program_indicators.append(content_indicators)
        contents.append(program_contents)
        indicators.append(program_indicators)
    # Lineages point at rows of the same document, set once all exist.
    for p_index, row in enumerate(data["programs"]):
        for c_index, c_row in enumerate(row["contents"]):
            content = contents[p_index][c_index]
            if c_row["lineage"]:
                p, c = c_row["lineage"]
                content.lineage = contents[p][c]
                content.full_clean()
                content.save(update_fields=["lineage"])
            for i_index, i_row in enumerate(c_row["indicators"]):
                if i_row["lineage"]:
                    p, c, i = i_row["lineage"]
                    indicator = indicators[p_index][c_index][i_index]
                    indicator.lineage = indicators[p][c][i]
                    indicator.full_clean()
                    indicator.save(update_fields=["lineage"])
    audit.record_many(
        actor=actor,
        action="import",
        changes=[(obj, None, audit.snapshot(obj)) for obj in importer.created],
    )
    return programs
