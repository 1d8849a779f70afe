"""A committee's programs, with everything reported under them, moved to another
installation and back.

The transfer is a .zip: `phoihop-programs.json` (the document below) and the files of
the reports' attachments under `files/` (named by their SHA-256, so a file shared by
revisions of a report travels once). A plain .json (version 1, or version 2 without
attachments) is still read.

The document (version 2) holds, for each program: parties and signatures, contents
(lead and co-operating organizations, target groups, lineage), indicators (lineage) and
targets; its reports with every revision (series, predecessor, status, version, who
wrote, submitted and decided it and when, the reason of a return), their participants
by target group, indicator values, funding, credits with their confirmation, comments
and attachments; its nil reports; the good-practice models hung on its contents, with
their evaluations and replications; and the programs' reviews (sections, directions,
commendations, conference, carried items; the frozen figures are frozen again on
import). docs/transfer.md says what is left out, and why.

Rows are referred to by what identifies them on both installations, never by id:
people by username (listed with name and email; unknown ones are created as inactive
accounts without password or roles), people of the directory by (name, organization),
organizations by name (with their kind, level and locality, created if missing),
administrative units by (scheme, level, code), target groups by code, a program by
(year, number), a content by its position, a report and an attachment by their uuid
(the same on every installation).

Importing is all or nothing, by an administrator or the target committee's secretariat:
each row is checked (full_clean, then the database constraints), files by their bytes
and checksum, and every object is audited. Reports are written as they were (the
writing rules of the services — program status, roles — are not applied again); the
figures' rollups and the search index are told through activities.events, as the bulk
create tells them. Export → import → export gives the same document (tested)."""

from __future__ import annotations

import datetime
import hashlib
import io
import json
import uuid as uuidlib
import zipfile
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.db.models import Model
from django.utils.dateparse import parse_date, parse_datetime
from django.utils.translation import gettext as _
from PIL import Image

from phoihop.activities import events
from phoihop.activities import files as activity_files
from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import (
    Activity,
    Attachment,
    Comment,
    Credit,
    Funding,
    IndicatorValue,
    NilReport,
    Participation,
)
from phoihop.core import audit, permissions
from phoihop.core.models import User
from phoihop.geo.models import AdminUnit
from phoihop.orgs import services as org_services
from phoihop.orgs.models import Committee, Organization, Person
from phoihop.practices.models import Evaluation, Practice, Replication
from phoihop.programs.models import (
    Indicator,
    Program,
    ProgramContent,
    ProgramParty,
    Signature,
    Target,
    TargetGroup,
)
from phoihop.reviews import figures_data
from phoihop.reviews import report as review_report
from phoihop.reviews.choices import ReviewStatus
from phoihop.reviews.models import (
    CarriedItem,
    Commendation,
    Direction,
    ReviewConference,
    ReviewPeriod,
    ReviewSection,
)

FORMAT = "phoihop-programs"
VERSION = 2
READABLE_VERSIONS = frozenset({1, 2})
DOCUMENT_NAME = "phoihop-programs.json"
FILES_DIR = "files/"
MAX_BYTES = 20 * 1024 * 1024  # the JSON document
MAX_ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024  # the .zip, files included (uncompressed)
# A review's document header, carried as it is.
REVIEW_HEADER = (
    "issuer_type",
    "parent_body",
    "issuing_body",
    "number",
    "place_name",
    "signer_authority",
    "signer_position",
    "signer_rank",
    "signer_name",
    "recipients",
)


def _day(value: datetime.date | None) -> str | None:
    return value.isoformat() if value else None


def _moment(value: datetime.datetime | None) -> str | None:
    return value.astimezone(datetime.UTC).isoformat() if value else None


def _unit(unit: AdminUnit | None) -> list[Any] | None:
    return [unit.scheme, unit.level, unit.code] if unit else None


CHUNK = 1024 * 1024


class _Exporter:
    """Collects the organizations and people the document refers to, and writes each
    attachment's file into the archive (when there is one) as it is met, a chunk at a
    time: the export never holds the files in memory."""

    def __init__(self, archive: zipfile.ZipFile | None = None) -> None:
        self.orgs: dict[int, Organization] = {}
        self.people: dict[int, User] = {}
        self.directory: dict[int, Person] = {}
        self.archive = archive
        self.written: set[str] = set()

    def directory_person(self, person: Person | None) -> list[Any] | None:
        """A person of the organization directory: [full name, organization's name]."""
        if person is None:
            return None
        self.directory[person.pk] = person
        return [person.full_name, self.org(person.organization)]

    def org(self, org: Organization | None) -> str | None:
        if org is None:
            return None
        self.orgs[org.pk] = org
        return org.name

    def person(self, user: User | None) -> str | None:
        if user is None:
            return None
        self.people[user.pk] = user
        return user.username

    def file(self, attachment: Attachment) -> tuple[str, str]:
        try:
            digest = hashlib.sha256()
            with attachment.file.open("rb") as handle:
                while chunk := handle.read(CHUNK):
                    digest.update(chunk)
            extension = (attachment.file.name or "").rsplit(".", 1)[-1].lower()
            name = f"{FILES_DIR}{digest.hexdigest()}.{extension}"
            if self.archive is not None and name not in self.written:
                with (
                    attachment.file.open("rb") as handle,
                    self.archive.open(name, "w", force_zip64=True) as member,
                ):
                    while chunk := handle.read(CHUNK):
                        member.write(chunk)
                self.written.add(name)
        except OSError as exc:
            raise ValidationError(
                _(
                    "The file of the attachment “{name}” of the report “{title}” is missing "
                    "from the storage; the transfer cannot be complete."
                ).format(
                    name=attachment.original_name or attachment.file.name,
                    title=attachment.activity.title,
                )
            ) from exc
        return name, digest.hexdigest()


def _users(*ids: int | None) -> set[int]:
    return {i for i in ids if i is not None}


def _reports(
    ex: _Exporter, program: Program, c_index: dict[int, int], i_index: dict[int, int]
) -> list[dict[str, Any]]:
    activities = list(
        Activity.objects.filter(program=program)
        .select_related("organization", "locality", "revision_of")
        .order_by("created_at", "uuid")
    )
    ids = [a.pk for a in activities]
    user_ids: set[int] = set()
    for a in activities:
        user_ids |= _users(a.created_by_id, a.submitted_by_id, a.decided_by_id)
    participants: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for pk, code, count in (
        Participation.objects.filter(activity_id__in=ids)
        .order_by("target_group__code")
        .values_list("activity_id", "target_group__code", "count")
    ):
        participants[pk][code] = count
    values: dict[int, list[Any]] = {pk: [] for pk in ids}
    for pk, indicator, value, denominator in (
        IndicatorValue.objects.filter(activity_id__in=ids)
        .order_by("indicator__order", "indicator_id")
        .values_list("activity_id", "indicator_id", "value", "denominator")
    ):
        values[pk].append(
            [i_index[indicator], str(value), None if denominator is None else str(denominator)]
        )
    funding: dict[int, dict[str, int]] = {pk: {} for pk in ids}
    for pk, source, amount in (
        Funding.objects.filter(activity_id__in=ids)
        .order_by("source")
        .values_list("activity_id", "source", "amount")
    ):
        funding[pk][source] = amount
    credit_rows: dict[int, list[Credit]] = {pk: [] for pk in ids}
    for credit in (
        Credit.objects.filter(activity_id__in=ids)
        .select_related("organization")
        .order_by("organization__name", "pk")
    ):
        credit_rows[credit.activity_id].append(credit)
        user_ids |= _users(credit.confirmed_by_id)
    comments: dict[int, list[Comment]] = {pk: [] for pk in ids}
    for comment in Comment.objects.filter(activity_id__in=ids).order_by("at", "pk"):
        comments[comment.activity_id].append(comment)
        user_ids |= _users(comment.author_id)
    attachments: dict[int, list[Attachment]] = {pk: [] for pk in ids}
    for attachment in (
        Attachment.objects.filter(activity_id__in=ids)
        .select_related("activity")
        .order_by("uploaded_at", "uuid")
    ):
        attachments[attachment.activity_id].append(attachment)
        user_ids |= _users(attachment.uploaded_by_id)
    users = User.objects.in_bulk(user_ids)
    exported = set(ids)

    def who(pk: int | None) -> str | None:
        return ex.person(users[pk]) if pk is not None else None

    out = []
    for a in activities:
        out.append(
            {
                "uuid": str(a.uuid),
                "series": str(a.series),
                "revision_of": str(a.revision_of.uuid)
                if a.revision_of_id in exported and a.revision_of is not None
                else None,
                "content": c_index[a.content_id],
                "organization": ex.org(a.organization),
                "title": a.title,
                "start_date": _day(a.start_date),
                "end_date": _day(a.end_date),
                "locality": _unit(a.locality),
                "narrative": a.narrative,
                "not_for_publication": a.not_for_publication,
                "status": a.status,
                "version": a.version,
                "created_at": _moment(a.created_at),
                "created_by": who(a.created_by_id),
                "submitted_at": _moment(a.submitted_at),
                "submitted_by": who(a.submitted_by_id),
                "decided_at": _moment(a.decided_at),
                "decided_by": who(a.decided_by_id),
                "return_reason": a.return_reason,
                "participants": participants[a.pk],
                "values": values[a.pk],
                "funding": funding[a.pk],
                "credits": [
                    {
                        "organization": ex.org(c.organization),
                        "confirmed_at": _moment(c.confirmed_at),
                        "confirmed_by": who(c.confirmed_by_id),
                    }
                    for c in credit_rows[a.pk]
                ],
                "comments": [
                    {"author": who(c.author_id), "text": c.text, "at": _moment(c.at)}
                    for c in comments[a.pk]
                ],
                "attachments": [_attachment(ex, f, who) for f in attachments[a.pk]],
            }
        )
    return out


def _attachment(
    ex: _Exporter, f: Attachment, who: Callable[[int | None], str | None]
) -> dict[str, Any]:
    name, digest = ex.file(f)
    return {
        "uuid": str(f.uuid),
        "kind": f.kind,
        "caption": f.caption,
        "original_name": f.original_name,
        "content_type": f.content_type,
        "size": f.size,
        "uploaded_by": who(f.uploaded_by_id),
        "uploaded_at": _moment(f.uploaded_at),
        "file": name,
        "sha256": digest,
    }


def _nil_reports(ex: _Exporter, program: Program) -> list[dict[str, Any]]:
    return [
        {
            "organization": ex.org(n.organization),
            "period_start": _day(n.period_start),
            "period_end": _day(n.period_end),
            "note": n.note,
            "created_at": _moment(n.created_at),
            "created_by": ex.person(n.created_by),
        }
        for n in NilReport.objects.filter(program=program)
        .select_related("organization", "created_by")
        .order_by("organization__name", "period_start")
    ]


def _practices(ex: _Exporter, committee: Committee, content_ref: dict[int, list[Any]]):
    out = []
    for practice in (
        Practice.objects.filter(committee=committee, content_id__in=list(content_ref))
        .select_related("owner")
        .prefetch_related("localities")
        .order_by("title")
    ):
        out.append(
            {
                "title": practice.title,
                "description": practice.description,
                "owner": ex.org(practice.owner),
                "content": content_ref[practice.content_id],
                "localities": sorted(_unit(u) for u in practice.localities.all()),  # type: ignore[type-var]
                "started_on": _day(practice.started_on),
                "status": practice.status,
                "created_at": _moment(practice.created_at),
                "evaluations": [
                    {
                        "evaluated_on": _day(e.evaluated_on),
                        "evaluator": e.evaluator,
                        "criteria": e.criteria,
                        "score": str(e.score),
                        "conclusion": e.conclusion,
                        "recorded_by": ex.person(e.recorded_by),
                    }
                    for e in Evaluation.objects.filter(practice=practice)
                    .select_related("recorded_by")
                    .order_by("evaluated_on", "evaluator", "pk")
                ],
                "replications": [
                    {
                        "locality": _unit(r.locality),
                        "organization": ex.org(r.organization),
                        "since": _day(r.since),
                        "results": r.results,
                    }
                    for r in Replication.objects.filter(practice=practice)
                    .select_related("locality", "organization")
                    .order_by("since", "organization__name", "locality__code")
                ],
            }
        )
    return out


def _reviews(
    ex: _Exporter,
    committee: Committee,
    content_ref: dict[int, list[Any]],
    indicator_ref: dict[int, list[Any]],
) -> list[dict[str, Any]]:
    def program_ref(program: Program) -> list[Any]:
        return [program.year, program.number]

    out = []
    for review in (
        ReviewPeriod.objects.filter(program__committee=committee)
        .select_related("program", "finalized_by")
        .order_by("program__year", "program__number", "kind", "period_start")
    ):
        directions = list(review.directions.order_by("order", "pk"))
        direction_index = {d.pk: i for i, d in enumerate(directions)}
        conference = ReviewConference.objects.filter(review=review).first()
        out.append(
            {
                "program": program_ref(review.program),
                "kind": review.kind,
                "title": review.title,
                "period_start": _day(review.period_start),
                "period_end": _day(review.period_end),
                "status": review.status,
                "created_at": _moment(review.created_at),
                "finalized_at": _moment(review.finalized_at),
                "finalized_by": ex.person(review.finalized_by),
                # The frozen figures hold this installation's ids: the day they were read
                # travels, and the import reads them again from the imported reports.
                "figures_as_of": review.snapshot["period"]["as_of"] if review.snapshot else None,
                **{name: getattr(review, name) for name in REVIEW_HEADER},
                "document_date": _day(review.document_date),
                "sections": [
                    {"key": x.key, "title": x.title, "text": x.text, "order": x.order}
                    for x in review.sections.order_by("order", "key")
                ],
                "directions": [{"text": d.text, "order": d.order} for d in directions],
                "commendations": [
                    {
                        "recipient_kind": c.recipient_kind,
                        "organization": ex.org(c.organization),
                        "person": ex.directory_person(c.person),
                        "recipient_name": c.recipient_name,
                        "form": c.form,
                        "issuer": c.issuer,
                        "reason": c.reason,
                        "status": c.status,
                        "decided_at": _moment(c.decided_at),
                        "decided_by": ex.person(c.decided_by),
                        "decision_note": c.decision_note,
                    }
                    for c in review.commendations.select_related(
                        "organization", "person__organization", "decided_by"
                    ).order_by("form", "recipient_kind", "recipient_name", "pk")
                ],
                "conference": None
                if conference is None
                else {
                    "date": _day(conference.date),
                    "place": conference.place,
                    "chair": ex.directory_person(conference.chair),
                    "chair_name": conference.chair_name,
                    "chair_title": conference.chair_title,
                    "attendees": conference.attendees,
                    "programs_signed": sorted(
                        program_ref(p) for p in conference.programs_signed.all()
                    ),
                    "notes": conference.notes,
                },
                "carried": [
                    {
                        "program": program_ref(item.program),
                        "direction": direction_index.get(item.direction_id)
                        if item.direction_id
                        else None,
                        "source_indicator": indicator_ref.get(item.source_indicator_id)
                        if item.source_indicator_id
                        else None,
                        "content": content_ref.get(item.content_id) if item.content_id else None,
                        "value": None if item.value is None else str(item.value),
                        "created_at": _moment(item.created_at),
                    }
                    for item in review.carried.select_related("program").order_by(
                        "created_at", "pk"
                    )
                ],
            }
        )
    return out


def _export(
    actor: User, committee: Committee, archive: zipfile.ZipFile | None = None
) -> dict[str, Any]:
    if not permissions.can(actor, permissions.CHANGE, committee):
        raise PermissionDenied
    ex = _Exporter(archive)
    programs = list(
        Program.objects.filter(committee=committee)
        .select_related("previous")
        .order_by("year", "number", "pk")
    )
    content_ref: dict[int, list[Any]] = {}
    indicator_ref: dict[int, list[Any]] = {}
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
            signature = Signature.objects.filter(party=party).first()
            parties.append(
                {
                    "organization": ex.org(party.organization),
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
            co = sorted(content.co_organizations.all(), key=lambda o: o.name)
            indicators = []
            for indicator in content.indicators.order_by("order", "pk"):
                targets = [
                    {"organization": ex.org(target.organization), "value": str(target.value)}
                    for target in indicator.targets.select_related("organization").order_by(
                        "organization__name", "pk"
                    )
                ]
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
                    "lead": ex.org(content.lead),
                    "co_organizations": [ex.org(o) for o in co],
                    "target_groups": sorted(g.code for g in content.target_groups.all()),
                    "starts_on": _day(content.starts_on),
                    "ends_on": _day(content.ends_on),
                    "lineage": content_ref.get(content.lineage_id) if content.lineage_id else None,
                    "indicators": indicators,
                }
            )
        position = {c.pk: i for i, c in enumerate(contents)}
        in_content = {pk: ref[2] for pk, ref in indicator_ref.items()}
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
                "reports": _reports(ex, program, position, in_content),
                "nil_reports": _nil_reports(ex, program),
            }
        )
    practices = _practices(ex, committee, content_ref)
    reviews = _reviews(ex, committee, content_ref, indicator_ref)
    group_codes = set(
        ProgramContent.target_groups.through.objects.filter(
            programcontent__program__committee=committee
        ).values_list("targetgroup__code", flat=True)
    ) | set(
        Participation.objects.filter(activity__program__committee=committee).values_list(
            "target_group__code", flat=True
        )
    )
    groups = TargetGroup.objects.filter(code__in=group_codes).order_by("code")
    document = {
        "format": FORMAT,
        "version": VERSION,
        "committee": {"code": committee.code, "name": committee.name},
        "people": [
            {
                "username": u.username,
                "first_name": u.first_name,
                "last_name": u.last_name,
                "email": u.email,
            }
            for u in sorted(ex.people.values(), key=lambda u: u.username)
        ],
        "directory": [
            {
                "full_name": p.full_name,
                "organization": ex.org(p.organization),
                "title": p.title,
                "rank": p.rank,
                "phone": p.phone,
                "email": p.email,
            }
            for p in sorted(
                ex.directory.values(),
                key=lambda p: (p.full_name, p.organization.name if p.organization else ""),
            )
        ],
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
            for o in sorted(ex.orgs.values(), key=lambda o: o.name)
        ],
        "target_groups": [{"code": g.code, "name": g.name, "order": g.order} for g in groups],
        "programs": out_programs,
        "practices": practices,
        "reviews": reviews,
    }
    return document


def export_programs(*, actor: User, committee: Committee) -> dict[str, Any]:
    """The document alone (attachments listed, their files not included)."""
    return _export(actor, committee)


def write_archive(*, actor: User, committee: Committee, out: IO[bytes]) -> None:
    """Write the .zip (the attachments' files, then the document) into `out`."""
    # Photos and office documents are compressed already: stored as they are.
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_STORED) as archive:
        document = _export(actor, committee, archive)
        archive.writestr(
            DOCUMENT_NAME,
            json.dumps(document, ensure_ascii=False, indent=1),
            compress_type=zipfile.ZIP_DEFLATED,
        )


def export_archive(*, actor: User, committee: Committee) -> bytes:
    """The .zip as bytes (small committees, tests)."""
    out = io.BytesIO()
    write_archive(actor=actor, committee=committee, out=out)
    return out.getvalue()


# -- import ---------------------------------------------------------------------------------


def _fail(message: str) -> ValidationError:
    return ValidationError(message, code="transfer")


def _about(title: str, exc: ValidationError) -> ValidationError:
    """The row's messages, prefixed with the report (or model) they are about."""
    return _fail(_("“{title}”: {messages}").format(title=title, messages=" ".join(exc.messages)))


class _Importer:
    def __init__(self, actor: User, committee: Committee, files: Mapping[str, bytes]) -> None:
        self.actor = actor
        self.committee = committee
        self.files = files
        self.created: list[Any] = []
        self.orgs: dict[str, Organization] = {}
        self.people: dict[str, User] = {}
        self.units: dict[tuple[Any, ...], AdminUnit] = {}
        self.groups: dict[str, TargetGroup] = {}
        self.stored_files: list[str] = []
        self.persons_by_ref: dict[tuple[str, str | None], Person] = {}

    def save(self, obj: Any) -> Any:
        obj.full_clean()
        obj.save()
        self.created.append(obj)
        return obj

    def unit(self, ref: list[Any] | None) -> AdminUnit | None:
        if not ref:
            return None
        key = tuple(ref)
        if key not in self.units:
            try:
                self.units[key] = AdminUnit.objects.get(scheme=ref[0], level=ref[1], code=ref[2])
            except AdminUnit.DoesNotExist as exc:
                raise _fail(
                    _(
                        "The administrative unit {ref} is not known here; load the units first."
                    ).format(ref="/".join(str(r) for r in ref))
                ) from exc
        return self.units[key]

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
            raise _fail(_("The organization “{name}” is not in the file's list.").format(name=name))
        return self.orgs[name]

    def persons(self, rows: list[dict[str, Any]]) -> None:
        """Accounts by username; a missing one is created inactive, without password or
        roles (an administrator may activate it); one that names another person (another
        email) stops the import."""
        found = {
            u.username: u for u in User.objects.filter(username__in=[r["username"] for r in rows])
        }
        for row in rows:
            user = found.get(row["username"])
            if user is None:
                user = User(
                    username=row["username"],
                    first_name=row["first_name"],
                    last_name=row["last_name"],
                    email=row["email"],
                    is_active=False,
                )
                user.set_unusable_password()
                try:
                    user.full_clean()
                except ValidationError as exc:
                    raise _about(row["username"], exc) from exc
                user.save()
                self.created.append(user)
            elif user.email and row["email"] and user.email.lower() != row["email"].lower():
                raise _fail(
                    _(
                        "The account “{username}” here belongs to another person (its email is "
                        "not {email}); rename one of the two accounts before importing."
                    ).format(username=row["username"], email=row["email"])
                )
            self.people[row["username"]] = user

    def person(self, username: str | None) -> User | None:
        if username is None:
            return None
        if username not in self.people:
            raise _fail(
                _("The account “{username}” is not in the file's list of people.").format(
                    username=username
                )
            )
        return self.people[username]

    def directory(self, rows: list[dict[str, Any]]) -> None:
        """People of the organization directory, found by name and organization, or
        created (without account)."""
        for row in rows:
            key = (row["full_name"], row["organization"])
            org = self.org(row["organization"])
            found = Person.objects.filter(
                committee=self.committee, full_name=row["full_name"], organization=org
            ).first()
            if found is None:
                found = Person(
                    committee=self.committee,
                    full_name=row["full_name"],
                    organization=org,
                    title=row["title"],
                    rank=row["rank"],
                    phone=row["phone"],
                    email=row["email"],
                )
                try:
                    self.save(found)
                except ValidationError as exc:
                    raise _about(row["full_name"], exc) from exc
            self.persons_by_ref[key] = found

    def directory_person(self, ref: list[Any] | None) -> Person | None:
        if ref is None:
            return None
        key = (ref[0], ref[1])
        if key not in self.persons_by_ref:
            raise _fail(
                _("The person “{name}” is not in the file's directory.").format(name=ref[0])
            )
        return self.persons_by_ref[key]

    def group(self, code: str) -> TargetGroup:
        if code not in self.groups:
            raise _fail(_("The target group “{code}” is not in the file's list.").format(code=code))
        return self.groups[code]

    def target_groups(self, rows: list[dict[str, Any]], codes: set[str]) -> None:
        by_code = {row["code"]: row for row in rows}
        for code in sorted(set(by_code) | codes):
            found = TargetGroup.objects.filter(code=code).first()
            if found is None:
                row = by_code.get(code, {"name": code, "order": 0})
                found = TargetGroup(code=code, name=row["name"], order=row["order"])
                found.full_clean()
                found.save()
            self.groups[code] = found

    def store(self, name: str, digest: str, stored_as: str) -> str:
        """Write one attachment file (checked by its bytes and checksum) and return the
        name it was stored under."""
        data = self.files.get(name)
        if data is None:
            raise _fail(
                _(
                    "The file {name} is missing: import the .zip downloaded from the other "
                    "installation, not the .json alone."
                ).format(name=name)
            )
        if hashlib.sha256(data).hexdigest() != digest:
            raise _fail(_("The file {name} is damaged (its checksum differs).").format(name=name))
        extension = _extension(data)
        if extension is None:
            raise _fail(
                _("The file {name} is not a photo or document PhốiHợp accepts.").format(name=name)
            )
        field = Attachment._meta.get_field("file")
        target = field.generate_filename(Attachment(), f"{stored_as}.{extension}")
        saved = default_storage.save(target, ContentFile(data))
        self.stored_files.append(saved)
        return saved

    def discard_files(self) -> None:
        for name in self.stored_files:
            default_storage.delete(name)


def _extension(data: bytes) -> str | None:
    """What an exported attachment is, by its bytes: a document as attachments accept
    it, or a photo as attachment_add stores it (already re-encoded, kept as is)."""
    try:
        document = activity_files.document(data)
    except ValidationError:
        return None
    if document is not None:
        return document.extension
    try:
        with Image.open(io.BytesIO(data)) as image:
            kind = image.format
            image.verify()
    except Exception:  # any failure to decode means "not a photo"
        return None
    return {"JPEG": "jpg", "PNG": "png"}.get(kind or "")


class _Members(Mapping[str, bytes]):
    """The files of an open transfer .zip, read when the import asks for one."""

    def __init__(self, archive: zipfile.ZipFile) -> None:
        self.archive = archive
        self.names = {
            i.filename
            for i in archive.infolist()
            if i.filename.startswith(FILES_DIR) and not i.is_dir()
        }

    def __getitem__(self, name: str) -> bytes:
        if name not in self.names:
            raise KeyError(name)
        return self.archive.read(name)

    def __iter__(self) -> Iterator[str]:
        return iter(sorted(self.names))

    def __len__(self) -> int:
        return len(self.names)


def _document(raw: bytes) -> Any:
    try:
        return json.loads(raw)
    except (ValueError, UnicodeDecodeError) as exc:
        raise _fail(_("The file is not a PhốiHợp programs export (.zip or .json).")) from exc


def import_file(*, actor: User, committee: Committee, upload: IO[bytes]) -> list[Program]:
    """Import an uploaded transfer: the .zip, or a plain .json (without attachments)."""
    if not permissions.can(actor, permissions.CHANGE, committee):
        raise PermissionDenied
    head = upload.read(4)
    upload.seek(0)
    if head != b"PK\x03\x04":
        raw = upload.read(MAX_BYTES + 1)
        if len(raw) > MAX_BYTES:
            raise _fail(_("The file is too large to be a PhốiHợp programs export."))
        return import_programs(actor=actor, committee=committee, data=_document(raw))
    try:
        archive = zipfile.ZipFile(upload)
    except (zipfile.BadZipFile, OSError) as exc:
        raise _fail(_("The .zip is damaged or not a PhốiHợp programs transfer.")) from exc
    with archive:
        infos = {i.filename: i for i in archive.infolist()}
        if DOCUMENT_NAME not in infos:
            raise _fail(_("This .zip is not a PhốiHợp programs transfer."))
        if sum(i.file_size for i in infos.values()) > MAX_ARCHIVE_BYTES:
            raise _fail(_("The .zip is too large to be a PhốiHợp programs transfer."))
        if infos[DOCUMENT_NAME].file_size > MAX_BYTES:
            raise _fail(_("The file is too large to be a PhốiHợp programs export."))
        try:
            document = _document(archive.read(DOCUMENT_NAME))
            return import_programs(
                actor=actor, committee=committee, data=document, files=_Members(archive)
            )
        except (zipfile.BadZipFile, OSError, EOFError) as exc:
            raise _fail(_("The .zip is damaged or not a PhốiHợp programs transfer.")) from exc


def import_programs(
    *,
    actor: User,
    committee: Committee,
    data: Any,
    files: Mapping[str, bytes] | None = None,
) -> list[Program]:
    """Create the document's programs in `committee`: all, or none with a message."""
    if not permissions.can(actor, permissions.CHANGE, committee):
        raise PermissionDenied
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise _fail(_("This is not a PhốiHợp programs export."))
    if data.get("version") not in READABLE_VERSIONS:
        raise _fail(
            _(
                "This export is of format version {version}, which this installation does not "
                "read (it reads versions {known}); update PhốiHợp here first."
            ).format(
                version=data.get("version"),
                known=", ".join(str(v) for v in sorted(READABLE_VERSIONS)),
            )
        )
    importer = _Importer(actor, committee, files or {})
    try:
        with transaction.atomic():
            return _import(importer, data)
    except (KeyError, TypeError, IndexError, ValueError, AttributeError) as exc:
        importer.discard_files()
        raise _fail(
            _("The file is incomplete or damaged ({detail}).").format(detail=repr(exc))
        ) from exc
    except BaseException:
        importer.discard_files()
        raise


def _import(importer: _Importer, data: dict[str, Any]) -> list[Program]:
    v2 = data["version"] >= 2
    if v2:
        _check_uuids(data)
    importer.persons(data["people"] if v2 else [])
    importer.organizations(data["organizations"])
    used_codes = {
        code
        for row in data["programs"]
        for c_row in row["contents"]
        for code in c_row["target_groups"]
    }
    importer.target_groups(data["target_groups"], used_codes)
    programs: list[Program] = []
    contents: list[list[ProgramContent]] = []
    indicators: list[list[list[Indicator]]] = []
    by_number: dict[tuple[int, str], Program] = {}
    for row in data["programs"]:
        program, program_contents, program_indicators = _import_program(importer, row, by_number)
        programs.append(program)
        contents.append(program_contents)
        indicators.append(program_indicators)
    _set_lineages(data["programs"], contents, indicators)
    activities: list[Activity] = []
    if v2:
        for p_index, row in enumerate(data["programs"]):
            activities += _import_reports(
                importer, programs[p_index], contents[p_index], indicators[p_index], row
            )
            _import_nil_reports(importer, programs[p_index], row["nil_reports"])
        _import_practices(importer, contents, data["practices"])
    # As activities_create_many does: the search index follows the new reports, and the
    # figures count the approved ones (listeners run inside this transaction).
    events.announce_created([a.pk for a in activities])
    events.announce(
        events.APPROVED, [a.pk for a in activities if a.status == ActivityStatus.APPROVED]
    )
    if v2:
        importer.directory(data.get("directory", []))
        refs = _Refs(by_number, contents, indicators)
        for row in data.get("reviews", []):
            _import_review(importer, refs, row)
    audit.record_many(
        actor=importer.actor,
        action="import",
        changes=[(obj, None, audit.snapshot(obj)) for obj in importer.created + activities],
    )
    return programs


@dataclass
class _Refs:
    programs: dict[tuple[int, str], Program]
    contents: list[list[ProgramContent]]
    indicators: list[list[list[Indicator]]]

    def program(self, ref: list[Any]) -> Program:
        key = (ref[0], ref[1])
        if key not in self.programs:
            raise _fail(
                _("The program {number} of {year} is not in the file.").format(
                    number=ref[1], year=ref[0]
                )
            )
        return self.programs[key]

    def content(self, ref: list[Any] | None) -> ProgramContent | None:
        return self.contents[ref[0]][ref[1]] if ref else None

    def indicator(self, ref: list[Any] | None) -> Indicator | None:
        return self.indicators[ref[0]][ref[1]][ref[2]] if ref else None


def _import_review(importer: _Importer, refs: _Refs, row: dict[str, Any]) -> None:
    program = refs.program(row["program"])
    review = ReviewPeriod(
        program=program,
        committee=importer.committee,
        kind=row["kind"],
        title=row["title"],
        period_start=_on(row["period_start"]),
        period_end=_on(row["period_end"]),
        status=row["status"],
        created_at=_at(row["created_at"]),
        finalized_at=_when(row["finalized_at"]),
        finalized_by=importer.person(row["finalized_by"]),
        document_date=parse_date(row["document_date"] or ""),
        **{name: row[name] for name in REVIEW_HEADER},
    )
    try:
        importer.save(review)
        for x in row["sections"]:
            importer.save(
                ReviewSection(
                    review=review, key=x["key"], title=x["title"], text=x["text"], order=x["order"]
                )
            )
        directions = [
            importer.save(Direction(review=review, text=d["text"], order=d["order"]))
            for d in row["directions"]
        ]
        for c in row["commendations"]:
            importer.save(
                Commendation(
                    review=review,
                    recipient_kind=c["recipient_kind"],
                    organization=importer.org(c["organization"]),
                    person=importer.directory_person(c["person"]),
                    recipient_name=c["recipient_name"],
                    form=c["form"],
                    issuer=c["issuer"],
                    reason=c["reason"],
                    status=c["status"],
                    decided_at=_when(c["decided_at"]),
                    decided_by=importer.person(c["decided_by"]),
                    decision_note=c["decision_note"],
                )
            )
        conference = row["conference"]
        if conference:
            held = importer.save(
                ReviewConference(
                    review=review,
                    date=_on(conference["date"]),
                    place=conference["place"],
                    chair=importer.directory_person(conference["chair"]),
                    chair_name=conference["chair_name"],
                    chair_title=conference["chair_title"],
                    attendees=conference["attendees"],
                    notes=conference["notes"],
                )
            )
            held.programs_signed.set([refs.program(r) for r in conference["programs_signed"]])
        for item in row["carried"]:
            carried = importer.save(
                CarriedItem(
                    review=review,
                    program=refs.program(item["program"]),
                    direction=directions[item["direction"]]
                    if item["direction"] is not None
                    else None,
                    source_indicator=refs.indicator(item["source_indicator"]),
                    content=refs.content(item["content"]),
                    value=None if item["value"] is None else Decimal(item["value"]),
                )
            )
            CarriedItem.objects.filter(pk=carried.pk).update(created_at=_at(item["created_at"]))
    except ValidationError as exc:
        raise _about(row["title"], exc) from exc
    if row["figures_as_of"] and review.status == ReviewStatus.FINALIZED:
        # Frozen again from the imported reports, on the day the original was read.
        data = review_report.live_data(review, as_of=_on(row["figures_as_of"]))
        review.snapshot = data
        review.snapshot_hash = figures_data.content_hash(data)
        review.save(update_fields=["snapshot", "snapshot_hash"])


def _import_program(
    importer: _Importer, row: dict[str, Any], by_number: dict[tuple[int, str], Program]
) -> tuple[Program, list[ProgramContent], list[list[Indicator]]]:
    committee = importer.committee
    if Program.all_objects.filter(
        committee=committee, year=row["year"], number=row["number"]
    ).exists():
        raise _fail(
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
            signature.recorded_by = importer.actor
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
        content.target_groups.set([importer.group(c) for c in c_row["target_groups"]])
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
    return program, program_contents, program_indicators


def _set_lineages(
    rows: list[dict[str, Any]],
    contents: list[list[ProgramContent]],
    indicators: list[list[list[Indicator]]],
) -> None:
    """Lineages point at rows of the same document, set once all exist."""
    for p_index, row in enumerate(rows):
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


def _check_uuids(data: dict[str, Any]) -> None:
    """Reports and attachments keep their uuid: one given twice, or already here (the
    same reports imported before), stops the import."""
    reports = [r for row in data["programs"] for r in row["reports"]]
    for values, model, here in (
        (
            [r["uuid"] for r in reports],
            Activity.all_objects,
            _(
                "The report {uuid} is already here: these reports were imported before "
                "(or come from this installation)."
            ),
        ),
        (
            [f["uuid"] for r in reports for f in r["attachments"]],
            Attachment.objects,
            _("The attachment {uuid} is already here."),
        ),
    ):
        seen: set[uuidlib.UUID] = set()
        for value in values:
            try:
                parsed = uuidlib.UUID(str(value))
            except ValueError as exc:
                raise _fail(_("“{value}” is not a valid uuid.").format(value=value)) from exc
            if parsed in seen:
                raise _fail(_("The uuid {uuid} is given twice in the file.").format(uuid=parsed))
            seen.add(parsed)
        wanted = sorted(seen)
        for start in range(0, len(wanted), 500):
            taken = (
                model.filter(uuid__in=wanted[start : start + 500])
                .values_list("uuid", flat=True)
                .first()
            )
            if taken is not None:
                raise _fail(here.format(uuid=taken))


def _when(value: str | None) -> datetime.datetime | None:
    if not value:
        return None
    parsed = parse_datetime(value)
    if parsed is None:
        raise ValueError(value)
    return parsed


def _at(value: str) -> datetime.datetime:
    """A moment the row must have (ValueError, worded as a damaged file, when not)."""
    parsed = _when(value)
    if parsed is None:
        raise ValueError(value)
    return parsed


def _on(value: str) -> datetime.date:
    parsed = parse_date(value or "")
    if parsed is None:
        raise ValueError(value)
    return parsed


def _import_reports(
    importer: _Importer,
    program: Program,
    contents: list[ProgramContent],
    indicators: list[list[Indicator]],
    row: dict[str, Any],
) -> list[Activity]:
    rows = row["reports"]
    new: list[Activity] = []
    for r in rows:
        content = contents[r["content"]]
        activity = Activity(
            uuid=uuidlib.UUID(r["uuid"]),
            series=uuidlib.UUID(r["series"]),
            committee_id=program.committee_id,
            program=program,
            content=content,
            organization=importer.org(r["organization"]),
            title=r["title"],
            start_date=_on(r["start_date"]),
            end_date=_on(r["end_date"]),
            locality=importer.unit(r["locality"]),
            narrative=r["narrative"],
            not_for_publication=r["not_for_publication"],
            status=r["status"],
            version=r["version"],
            created_at=_at(r["created_at"]),
            created_by=importer.person(r["created_by"]),
            submitted_at=_when(r["submitted_at"]),
            submitted_by=importer.person(r["submitted_by"]),
            decided_at=_when(r["decided_at"]),
            decided_by=importer.person(r["decided_by"]),
            return_reason=r["return_reason"],
        )
        try:
            activity.full_clean(exclude=["uuid"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            raise _about(r["title"], exc) from exc
        new.append(activity)
    _insert_activities(new)
    _link_revisions(rows, new)
    parts: dict[type[Model], list[Any]] = {
        Participation: [],
        IndicatorValue: [],
        Funding: [],
        Credit: [],
        Comment: [],
        Attachment: [],
    }
    shared: dict[str, str] = {}  # sha256 -> stored name (revisions share their files)
    for r, activity in zip(rows, new, strict=True):
        items = _parts(importer, r, activity, indicators[r["content"]], shared)
        for item in items:
            try:
                item.full_clean(exclude=["uuid"], validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                raise _about(r["title"], exc) from exc
            parts[type(item)].append(item)
    # auto_now_add fields take the import's time on insert: put the recorded ones back.
    comment_at = [c.at for c in parts[Comment]]
    uploaded_at = [a.uploaded_at for a in parts[Attachment]]
    try:
        with transaction.atomic():
            for model, written in parts.items():
                model._default_manager.bulk_create(written, batch_size=1000)
    except IntegrityError as exc:
        raise _fail(
            _("The reports of the file contradict each other ({detail}).").format(detail=exc)
        ) from exc
    for comment, at in zip(parts[Comment], comment_at, strict=True):
        comment.at = at
    for attachment, at in zip(parts[Attachment], uploaded_at, strict=True):
        attachment.uploaded_at = at
    Comment.objects.bulk_update(parts[Comment], ["at"], batch_size=1000)
    Attachment.objects.bulk_update(parts[Attachment], ["uploaded_at"], batch_size=1000)
    return new


def _insert_activities(new: list[Activity]) -> None:
    try:
        with transaction.atomic():
            Activity.objects.bulk_create(new, batch_size=500)
    except IntegrityError as exc:
        for activity in new:  # word the first refusal as the model does
            try:
                activity.validate_constraints(exclude=["uuid"])
            except ValidationError as refused:
                raise _about(activity.title, refused) from exc
        raise _fail(
            _("The reports of the file contradict each other ({detail}).").format(detail=exc)
        ) from exc


def _link_revisions(rows: list[dict[str, Any]], new: list[Activity]) -> None:
    by_uuid = {str(a.uuid): a for a in new}
    revised = []
    for r, activity in zip(rows, new, strict=True):
        if r["revision_of"]:
            if r["revision_of"] not in by_uuid:
                raise _fail(
                    _("The report “{title}” revises a report that is not in the file.").format(
                        title=r["title"]
                    )
                )
            activity.revision_of = by_uuid[r["revision_of"]]
            revised.append(activity)
    Activity.objects.bulk_update(revised, ["revision_of"], batch_size=500)


def _parts(
    importer: _Importer,
    r: dict[str, Any],
    activity: Activity,
    content_indicators: list[Indicator],
    shared: dict[str, str],
) -> list[Any]:
    """The unsaved parts of one report of the file (attachment files already stored)."""
    items: list[Any] = [
        Participation(activity=activity, target_group=importer.group(code), count=count)
        for code, count in r["participants"].items()
    ]
    items += [
        IndicatorValue(
            activity=activity,
            indicator=content_indicators[index],
            value=Decimal(value),
            denominator=None if denominator is None else Decimal(denominator),
        )
        for index, value, denominator in r["values"]
    ]
    items += [
        Funding(activity=activity, source=source, amount=amount)
        for source, amount in r["funding"].items()
    ]
    items += [
        Credit(
            activity=activity,
            organization=importer.org(c["organization"]),
            confirmed_at=_when(c["confirmed_at"]),
            confirmed_by=importer.person(c["confirmed_by"]),
        )
        for c in r["credits"]
    ]
    items += [
        Comment(
            activity=activity,
            author=importer.person(c["author"]),
            text=c["text"],
            at=_at(c["at"]),
        )
        for c in r["comments"]
    ]
    for f in r["attachments"]:
        if f["sha256"] not in shared:
            shared[f["sha256"]] = importer.store(f["file"], f["sha256"], f["uuid"])
        attachment = Attachment(
            activity=activity,
            uuid=uuidlib.UUID(f["uuid"]),
            kind=f["kind"],
            caption=f["caption"],
            original_name=f["original_name"],
            content_type=f["content_type"],
            size=f["size"],
            uploaded_by=importer.person(f["uploaded_by"]),
            uploaded_at=_at(f["uploaded_at"]),
        )
        attachment.file.name = shared[f["sha256"]]
        items.append(attachment)
    return items


def _import_nil_reports(importer: _Importer, program: Program, rows: list[dict[str, Any]]) -> None:
    for n in rows:
        report = NilReport(
            committee_id=program.committee_id,
            program=program,
            organization=importer.org(n["organization"]),
            period_start=_on(n["period_start"]),
            period_end=_on(n["period_end"]),
            note=n["note"],
            created_at=_at(n["created_at"]),
            created_by=importer.person(n["created_by"]),
        )
        importer.save(report)


def _import_practices(
    importer: _Importer, contents: list[list[ProgramContent]], rows: list[dict[str, Any]]
) -> None:
    committee = importer.committee
    for row in rows:
        if Practice.objects.filter(committee=committee, title=row["title"]).exists():
            raise _fail(
                _("The good-practice model “{title}” is already here.").format(title=row["title"])
            )
        p, c = row["content"]
        practice = Practice(
            committee=committee,
            owner=importer.org(row["owner"]),
            content=contents[p][c],
            title=row["title"],
            description=row["description"],
            started_on=_on(row["started_on"]),
            status=row["status"],
            created_at=_at(row["created_at"]),
        )
        try:
            importer.save(practice)
        except ValidationError as exc:
            raise _about(row["title"], exc) from exc
        practice.localities.set([u for u in map(importer.unit, row["localities"]) if u])
        for e in row["evaluations"]:
            evaluation = Evaluation(
                practice=practice,
                evaluated_on=_on(e["evaluated_on"]),
                evaluator=e["evaluator"],
                criteria=e["criteria"],
                score=Decimal(e["score"]),
                conclusion=e["conclusion"],
                recorded_by=importer.person(e["recorded_by"]),
            )
            try:
                importer.save(evaluation)
            except ValidationError as exc:
                raise _about(row["title"], exc) from exc
        for r in row["replications"]:
            replication = Replication(
                practice=practice,
                locality=importer.unit(r["locality"]),
                organization=importer.org(r["organization"]),
                since=_on(r["since"]),
                results=r["results"],
            )
            try:
                importer.save(replication)
            except ValidationError as exc:
                raise _about(row["title"], exc) from exc
