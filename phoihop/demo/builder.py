"""Builds the demo through the services, so audit and figures see it as real data.

Deterministic (one seeded random generator, ids drawn from it, the clock frozen at
the dates things happened) and loaded in one transaction: a failure leaves nothing.
"""

from __future__ import annotations

import datetime
import random
import uuid as uuidlib
import zoneinfo
from collections.abc import Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from phoihop.core import audit, clock
from phoihop.core.context_processors import DEMO_FLAG
from phoihop.core.models import Abbreviation, SiteFlag, User
from phoihop.core.services import model_create, site_flag_set
from phoihop.core.text import fold
from phoihop.demo import data
from phoihop.geo.choices import AreaKind, Level, Scheme
from phoihop.geo.models import AdminUnit

D = datetime.date


# The demo's "now": nothing in it happens later, whenever it is loaded.
VN = zoneinfo.ZoneInfo("Asia/Ho_Chi_Minh")
DEMO_NOW = datetime.datetime(2026, 11, 28, 12, 0, tzinfo=VN)


def at(day: datetime.date, hour: int = 9, minute: int = 0) -> datetime.datetime:
    return min(datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=VN), DEMO_NOW)


def cap(moment: datetime.datetime) -> datetime.datetime:
    return min(moment, DEMO_NOW)


def quarter_of(day: datetime.date) -> int:
    return (day.month - 1) // 3


def quarter_bounds(year: int, q: int) -> tuple[datetime.date, datetime.date]:
    start = D(year, 3 * q + 1, 1)
    end = D(year + (q == 3), (3 * q + 3) % 12 + 1, 1) - datetime.timedelta(days=1)
    return start, end


def slug(text: str) -> str:
    return "".join(ch for ch in fold(text) if ch.isalnum())


@dataclass
class Place:
    """One side of the reorganization: a committee, its organizations and people."""

    committee: Any = None
    province: AdminUnit | None = None
    parties: dict[str, Any] = field(default_factory=dict)  # party key -> provincial org
    branches: dict[tuple[str, int], Any] = field(default_factory=dict)  # (key, district) -> org
    districts: list[AdminUnit] = field(default_factory=list)
    communes: dict[int, list[AdminUnit]] = field(default_factory=dict)  # district id -> communes
    all_communes: list[AdminUnit] = field(default_factory=list)
    focal: dict[int, User] = field(default_factory=dict)  # organization id -> focal user
    signers: dict[str, Any] = field(default_factory=dict)  # party key -> Person
    secretariat: list[User] = field(default_factory=list)


@dataclass
class Accounts:
    rows: list[tuple[str, str, str]] = field(default_factory=list)  # username, role, where

    def add(self, username: str, role: str, where: str) -> None:
        self.rows.append((username, role, where))


class DemoBuilder:
    def __init__(self, *, activities_scale: float = 1.0, log: Any = None) -> None:
        self.rng = random.Random(data.SEED)
        self.scale = activities_scale
        self.log = log or (lambda message: None)
        self.accounts = Accounts()
        self.names_used: set[str] = set()
        self.users: list[User] = []
        self.levels: dict[tuple[str, int], float] = {}
        self.hb = Place()
        self.pt = Place()

    # -- helpers ------------------------------------------------------------------
    def uuid(self) -> uuidlib.UUID:
        return uuidlib.UUID(int=self.rng.getrandbits(128), version=4)

    def person_name(self) -> str:
        for _attempt in range(1000):
            name = " ".join(
                (
                    self.rng.choice(data.SURNAMES),
                    self.rng.choice(data.MIDDLE),
                    self.rng.choice(data.GIVEN),
                )
            )
            if name not in self.names_used:
                self.names_used.add(name)
                return name
        raise RuntimeError("ran out of demo names")

    def account(
        self,
        username: str,
        *,
        role: str | None,
        committee: Any = None,
        organization: Any = None,
        staff: bool = False,
        where: str = "",
        list_it: bool = True,
    ) -> User:
        from phoihop.orgs import services as orgs

        full = self.person_name()
        last, first = full.rsplit(" ", 1)
        # Created without a password; every demo account gets the one demo password
        # at the end (set_passwords), hashed once: Argon2 takes a noticeable fraction of
        # a second per hash, on purpose, and there are over a hundred accounts.
        user = orgs.user_create(
            actor=self.root,
            username=username,
            password=None,
            must_change_password=False,
            role=role,
            committee=committee,
            organization=organization,
            first_name=first,
            last_name=last,
            is_staff=staff,
            email=f"{username}@vidu.invalid",
        )
        if list_it:
            self.accounts.add(username, role or "", where)
        self.users.append(user)
        return user

    def set_passwords(self) -> None:
        from django.contrib.auth.hashers import make_password

        encoded = make_password(data.DEMO_PASSWORD)
        User.objects.filter(pk__in=[u.pk for u in self.users]).update(password=encoded)
        audit.record_many(
            actor=self.root,
            action="password_set",
            changes=[(user, None, {"note": "demo password"}) for user in self.users],
        )

    # -- the whole ----------------------------------------------------------------
    def build(self) -> Accounts:
        with transaction.atomic():
            self.bootstrap()
            self.reference_data()
            self.hoa_binh()
            self.classify_areas()
            p2022 = self.program_2022()
            self.report_year(p2022, self.hb, scale=1450, plan=YEAR_CLOSED)
            self.close_2022(p2022)
            p2023 = self.program_2023(p2022)
            self.review_2022(p2022, p2023)
            self.report_year(p2023, self.hb, scale=1560, plan=YEAR_OPEN)
            self.practices()
            self.phu_tho()
            p2026 = self.program_2026(p2023)
            self.report_year(p2026, self.pt, scale=210, plan=YEAR_CURRENT)
            self.news()
            self.set_passwords()
            site_flag_set(
                key=DEMO_FLAG,
                value={"seed": data.SEED, "accounts": self.accounts.rows},
            )
        return self.accounts

    # -- bootstrap and shared reference data ----------------------------------------
    def bootstrap(self) -> None:
        from phoihop.geo.services import admin_units_load

        with clock.frozen_at(at(D(2022, 1, 3), 8)):
            self.root = User.objects.create_superuser(
                "quantri",
                "quantri@vidu.invalid",
                data.DEMO_PASSWORD,
                first_name="Quản trị",
                last_name="Hệ thống",
            )
            audit.record(
                actor=None, action="create", obj=self.root, after=audit.snapshot(self.root)
            )
            self.accounts.add("quantri", "admin", "")
            self.log(_("Loading administrative units…"))
            admin_units_load(actor=self.root)

    def reference_data(self) -> None:
        from phoihop.programs import services as programs

        with clock.frozen_at(at(D(2022, 1, 3), 9)):
            self.groups = {
                code: programs.target_group_create(actor=self.root, code=code, name=name, order=i)
                for i, (code, name) in enumerate(data.TARGET_GROUPS)
            }
            self.legal = {
                number: programs.legal_document_create(
                    actor=self.root, kind=kind, number=number, date=day, issuer=issuer, title=title
                )
                for kind, number, day, issuer, title in data.LEGAL_DOCUMENTS
            }
            for short, expansion, english in data.GLOSSARY:
                model_create(
                    actor=self.root,
                    obj=Abbreviation(short=short, expansion=expansion, english=english),
                )

    # -- Hòa Bình before the reorganization -----------------------------------------
    def hoa_binh(self) -> None:
        from phoihop.orgs import services as orgs
        from phoihop.orgs.choices import OrgLevel, Position, Role

        hb = self.hb
        province = AdminUnit.objects.get(
            scheme=Scheme.PRE_2025, level=Level.PROVINCE, code=data.OLD_PROVINCE_CODE
        )
        hb.province = province
        hb.districts = list(
            AdminUnit.objects.filter(parent=province, level=Level.DISTRICT).order_by("code")
        )
        for district in hb.districts:
            hb.communes[district.pk] = list(
                AdminUnit.objects.filter(parent=district, level=Level.COMMUNE).order_by("code")
            )
            hb.all_communes.extend(hb.communes[district.pk])
        start = D(2020, 1, 1)
        with clock.frozen_at(at(D(2022, 1, 4), 8)):
            hb.committee = orgs.committee_create(
                actor=self.root,
                code="hoa-binh",
                name=(
                    "Ban Chỉ đạo Chương trình phối hợp hoạt động giữa Bộ Chỉ huy Quân sự tỉnh "
                    "với các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh Hòa Bình"
                ),
                short_name="BCĐ Chương trình PHHĐ tỉnh Hòa Bình",
                province=province,
                valid_from=start,
                valid_to=data.REORGANIZED - datetime.timedelta(days=1),
            )
            secretariat = self.account(
                "thuongtruc",
                role=Role.SECRETARIAT,
                committee=hb.committee,
                staff=True,
                where="BCĐ tỉnh Hòa Bình",
            )
            hb.secretariat.append(secretariat)
            hb.secretariat.append(
                self.account(
                    "thuongtruc2",
                    role=Role.SECRETARIAT,
                    committee=hb.committee,
                    staff=True,
                    where="BCĐ tỉnh Hòa Bình",
                )
            )
            actor = secretariat
            for party in data.PARTIES:
                org = orgs.organization_create(
                    actor=actor,
                    committee=hb.committee,
                    name=party.name.format(place="Hòa Bình"),
                    abbreviation=party.abbreviation,
                    kind=party.kind,
                    level=OrgLevel.PROVINCE,
                    locality=province,
                    valid_from=start,
                )
                hb.parties[party.key] = org
                for district in hb.districts:
                    hb.branches[(party.key, district.pk)] = orgs.organization_create(
                        actor=actor,
                        committee=hb.committee,
                        # "Hội Nông dân huyện Mai Châu": the unit's type is lower case
                        # inside a name.
                        name=party.branch.format(
                            district=district.name[0].lower() + district.name[1:]
                        ),
                        abbreviation=(
                            f"{party.branch_abbreviation} {district.name.split(' ', 1)[1]}"
                        ),
                        kind=party.kind,
                        level=OrgLevel.DISTRICT,
                        locality=district,
                        parent=org,
                        valid_from=start,
                    )
            # The steering committee: the head holds the positions the article lists.
            head_title = (
                "Ủy viên Ban Thường vụ, Trưởng ban Dân vận Tỉnh ủy, "
                "Chủ tịch Ủy ban MTTQ Việt Nam tỉnh"
            )
            titles = {
                "military": ("Chính ủy Bộ Chỉ huy Quân sự tỉnh", "Đại tá"),
                "front": (head_title, ""),
                "labour": ("Chủ tịch Liên đoàn Lao động tỉnh", ""),
                "farmers": ("Chủ tịch Hội Nông dân tỉnh", ""),
                "women": ("Chủ tịch Hội Liên hiệp Phụ nữ tỉnh", ""),
                "youth": ("Bí thư Tỉnh đoàn", ""),
                "veterans": ("Chủ tịch Hội Cựu chiến binh tỉnh", ""),
                "redcross": ("Chủ tịch Hội Chữ thập đỏ tỉnh", ""),
            }
            leader_user = None
            for key, (title, rank) in titles.items():
                user = None
                if key == "front":
                    leader_user = user = self.account(
                        "lanhdao",
                        role=Role.LEADER,
                        committee=hb.committee,
                        organization=hb.parties["front"],
                        where="Trưởng ban Chỉ đạo (ký cho Ủy ban MTTQ tỉnh)",
                    )
                person = orgs.person_create(
                    actor=actor,
                    committee=hb.committee,
                    full_name=user.get_full_name() if user else self.person_name(),
                    title=title,
                    rank=rank,
                    organization=hb.parties[key],
                    user=user,
                )
                hb.signers[key] = person
                position = {
                    "front": Position.HEAD,
                    "military": Position.DEPUTY,
                }.get(key, Position.MEMBER)
                orgs.position_assign(
                    actor=actor,
                    committee=hb.committee,
                    person=person,
                    position=position,
                    title=title,
                    organization=hb.parties[key],
                    valid_from=start,
                )
            secretary = orgs.person_create(
                actor=actor,
                committee=hb.committee,
                full_name=self.person_name(),
                title="Trưởng ban Dân vận, Phòng Chính trị, Bộ Chỉ huy Quân sự tỉnh",
                rank="Trung tá",
                organization=hb.parties["military"],
            )
            orgs.position_assign(
                actor=actor,
                committee=hb.committee,
                person=secretary,
                position=Position.SECRETARY,
                title=secretary.title,
                organization=hb.parties["military"],
                valid_from=start,
            )
            self.leader = leader_user
            self.account(
                "bientap", role=Role.EDITOR, committee=hb.committee, where="Ban biên tập tin"
            )
            # A focal point for every organization; the README lists the provincial ones.
            for key, org in hb.parties.items():
                username = f"dm.{slug(org.abbreviation.replace(' tỉnh', ''))}"
                hb.focal[org.pk] = self.account(
                    username,
                    role=Role.FOCAL,
                    committee=hb.committee,
                    organization=org,
                    where=org.name,
                    list_it=key in ("military", "redcross", "farmers"),
                )
            for (key, district_id), org in hb.branches.items():
                district = next(d for d in hb.districts if d.pk == district_id)
                party_slug = slug(hb.parties[key].abbreviation.replace(" tỉnh", ""))
                username = f"dm.{party_slug}.{slug(district.name.split(' ', 1)[1])}"
                hb.focal[org.pk] = self.account(
                    username,
                    role=Role.FOCAL,
                    committee=hb.committee,
                    organization=org,
                    where=org.name,
                    list_it=(key, district.code) == ("farmers", 156),
                )

    def classify_areas(self) -> None:
        """Synthetic classifications with realistic shares: 59 of the 151 communes in
        region III (ĐBKK) under Decision 861/QĐ-TTg, more in the mountain districts."""
        from phoihop.geo.services import area_classification_set

        hb = self.hb
        mountain = {150, 153, 155, 156, 157}  # Đà Bắc, Kim Bôi, Tân Lạc, Mai Châu, Lạc Sơn
        rural = [c for c in hb.all_communes if c.name.startswith("Xã")]
        weighted = sorted(
            rural,
            key=lambda c: (0 if c.parent.code in mountain else 1, self.rng.random()),
        )
        dbkk = weighted[:59]
        rest = weighted[59:]
        self.rng.shuffle(rest)
        with clock.frozen_at(at(D(2022, 1, 5), 10)):
            actor = hb.secretariat[0]
            valid = {
                "valid_from": D(2021, 6, 4),
                "valid_to": data.REORGANIZED - datetime.timedelta(days=1),
            }
            for commune in dbkk:
                area_classification_set(
                    actor=actor,
                    unit=commune,
                    kind=AreaKind.EXTREMELY_DIFFICULT,
                    source="Quyết định 861/QĐ-TTg (danh sách mẫu)",
                    **valid,
                )
            for commune in dbkk[:30] + rest[:12]:
                area_classification_set(
                    actor=actor, unit=commune, kind=AreaKind.DEEP, source="Dữ liệu mẫu", **valid
                )
            for commune in dbkk[20:55] + rest[12:20]:
                area_classification_set(
                    actor=actor, unit=commune, kind=AreaKind.REMOTE, source="Dữ liệu mẫu", **valid
                )

    # -- programs ---------------------------------------------------------------------
    def _fill_program(self, program: Any, place: Place) -> None:
        from phoihop.programs import services as programs

        actor = place.secretariat[0]
        for order, party in enumerate(data.PARTIES):
            programs.party_add(
                actor=actor, program=program, organization=place.parties[party.key], order=order
            )
        for order, spec in enumerate(data.CONTENTS):
            content = programs.content_create(
                actor=actor,
                program=program,
                title=spec.title,
                lead=place.parties[spec.lead],
                order=order + 1,
                co_organizations=[place.parties[k] for k in spec.co],
                target_groups=[self.groups[g] for g in spec.groups],
                legal_basis=[self.legal[n] for n in spec.legal],
            )
            for i, ind in enumerate(spec.indicators):
                indicator = programs.indicator_create(
                    actor=actor,
                    content=content,
                    name=ind.name,
                    unit=ind.unit,
                    aggregation=ind.aggregation,
                    order=i + 1,
                )
                self._targets(program, spec, ind, indicator, place)

    def _targets(self, program: Any, spec: Any, ind: Any, indicator: Any, place: Place) -> None:
        from phoihop.programs import services as programs

        actor = place.secretariat[0]
        if ind.aggregation == "ratio":
            programs.target_set(actor=actor, indicator=indicator, value=Decimal("100"))
            return
        if ind.aggregation == "latest":
            programs.target_set(actor=actor, indicator=indicator, value=Decimal("60"))
            return
        expected = self._expected_activities(program, spec)
        mean = (ind.per_activity[0] + ind.per_activity[1]) / 2
        overall = Decimal(str(round(expected * mean * self.rng.uniform(0.85, 1.15), ind.decimals)))
        programs.target_set(actor=actor, indicator=indicator, value=overall)
        lead = place.parties[spec.lead]
        programs.target_set(
            actor=actor,
            indicator=indicator,
            value=(overall * Decimal("0.4")).quantize(Decimal("1")),
            organization=lead,
        )

    def _expected_activities(self, program: Any, spec: Any) -> int:
        per_year = {2022: 1450, 2023: 1560, 2026: 210}.get(program.year, 1000)
        return max(1, round(per_year * self.scale * spec.weight / 100))

    def _sign_all(self, program: Any, place: Place, day: datetime.date) -> None:
        from phoihop.programs import services as programs

        actor = place.secretariat[0]
        with clock.frozen_at(at(day - datetime.timedelta(days=7), 14)):
            programs.program_send_for_signing(actor=actor, program=program)
        for i, party in enumerate(program.parties.order_by("order")):
            key = next(k for k, org in place.parties.items() if org.pk == party.organization_id)
            person = place.signers[key]
            signer_user = person.user
            with clock.frozen_at(at(day, 10, i)):
                programs.program_sign(
                    actor=signer_user or actor,
                    party=party,
                    signer_person=person,
                    signer_name=person.full_name,
                    signer_title=person.title,
                    signed_at=at(day, 10, i),
                )
        program.refresh_from_db()

    def program_2022(self) -> Any:
        from phoihop.programs import services as programs

        hb = self.hb
        with clock.frozen_at(at(D(2022, 2, 21), 9)):
            program = programs.program_create(
                actor=hb.secretariat[0],
                committee=hb.committee,
                year=2022,
                title=(
                    "Chương trình phối hợp hoạt động năm 2022 giữa Bộ Chỉ huy Quân sự tỉnh với "
                    "các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh Hòa Bình"
                ),
                number="01/CTr-BCĐ",
                reporting_frequency="quarter",
                deadline_days=10,
                legal_basis=[
                    self.legal[n]
                    for n in ("35-NQ/TW", "04-NQ/TW", "21-KL/TW", "01-KL/TW", "05-CT/TW")
                ],
            )
            self._fill_program(program, hb)
        self._sign_all(program, hb, D(2022, 3, 18))
        return program

    def close_2022(self, program: Any) -> None:
        from phoihop.programs import services as programs

        actor = self.hb.secretariat[0]
        with clock.frozen_at(at(D(2023, 3, 1), 9)):
            programs.program_start_review(actor=actor, program=program)
        # The review conference of 24/03/2023 at the provincial Labour Federation,
        # where the 2023 program was signed, closes the year.
        with clock.frozen_at(at(D(2023, 3, 24), 16)):
            programs.program_close(actor=actor, program=program)

    def review_2022(self, p2022: Any, p2023: Any) -> None:
        """The year review of 2022, at the conference of 24/03/2023 at the provincial
        Labour Federation, where the 2023 program was signed."""
        from phoihop.reviews import services as reviews
        from phoihop.reviews.choices import CommendationForm, RecipientKind, ReviewKind, SectionKey

        hb = self.hb
        actor = hb.secretariat[0]
        with clock.frozen_at(at(D(2023, 3, 2), 9)):
            review = reviews.review_create(
                actor=actor,
                program=p2022,
                kind=ReviewKind.YEAR,
                title=(
                    "Báo cáo sơ kết Chương trình phối hợp hoạt động năm 2022, phương hướng, "
                    "nhiệm vụ năm 2023"
                ),
                period_start=D(2022, 1, 1),
                period_end=D(2022, 12, 31),
            )
            for order, (key, text) in enumerate(REVIEW_SECTIONS.items()):
                reviews.section_set(
                    actor=actor,
                    review=review,
                    key=getattr(SectionKey, key),
                    text=text,
                    title=None,
                    order=order + 1,
                )
            for order, text in enumerate(DIRECTIONS_2023):
                reviews.direction_add(actor=actor, review=review, text=text, order=order + 1)
            for key in ("redcross", "farmers", "youth"):
                proposal = reviews.commendation_propose(
                    actor=actor,
                    review=review,
                    recipient_kind=RecipientKind.COLLECTIVE,
                    form=CommendationForm.PRAISE,
                    issuer="Ban Chỉ đạo Chương trình phối hợp hoạt động tỉnh",
                    reason=(
                        "Có nhiều hoạt động phối hợp hiệu quả, báo cáo đầy đủ, đúng hạn "
                        "(dữ liệu mẫu)."
                    ),
                    organization=hb.parties[key],
                    person=None,
                    recipient_name="",
                )
                reviews.commendation_approve(actor=actor, commendation=proposal, note="")
        with clock.frozen_at(at(D(2023, 3, 24), 11)):
            reviews.conference_record(
                actor=actor,
                review=review,
                date=D(2023, 3, 24),
                place="Liên đoàn Lao động tỉnh Hòa Bình",
                chair=hb.signers["front"],
                chair_name="",
                chair_title="",
                attendees=(
                    "Thành viên Ban Chỉ đạo; đại diện Bộ Chỉ huy Quân sự tỉnh, Ủy ban MTTQ Việt "
                    "Nam tỉnh, các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh"
                ),
                programs_signed=[p2023],
                notes="Hội nghị sơ kết năm 2022 và ký kết Chương trình năm 2023.",
            )
            reviews.review_finalize(actor=actor, review=review)

    def program_2023(self, previous: Any) -> Any:
        from phoihop.programs import services as programs

        hb = self.hb
        with clock.frozen_at(at(D(2023, 2, 20), 9)):
            program = programs.program_clone(
                actor=hb.secretariat[0],
                source=previous,
                year=2023,
                title=(
                    "Chương trình phối hợp hoạt động năm 2023 giữa Bộ Chỉ huy Quân sự tỉnh với "
                    "các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh Hòa Bình"
                ),
            )
            programs.program_update(
                actor=hb.secretariat[0], program=program, data={"number": "02/CTr-BCĐ"}
            )
            self._raise_targets(program, hb)
        # Signed at the review conference, 24/03/2023.
        self._sign_all(program, hb, D(2023, 3, 24))
        return program

    def _raise_targets(self, program: Any, place: Place) -> None:
        from phoihop.programs import services as programs
        from phoihop.programs.models import Target

        targets = (
            Target.objects.filter(indicator__content__program=program)
            .select_related("indicator")
            .order_by("indicator__content__order", "indicator__order", "organization__name")
        )
        for target in targets:
            if target.indicator.aggregation != "sum":
                continue
            factor = Decimal(str(round(self.rng.uniform(1.03, 1.12), 2)))
            programs.target_set(
                actor=place.secretariat[0],
                indicator=target.indicator,
                organization=target.organization,
                # Counts stay whole: a target of "10.277,4 person-times" reads as a mistake.
                value=(target.value * factor).quantize(Decimal("1")),
            )

    # -- activities -----------------------------------------------------------------
    def report_year(self, program: Any, place: Place, *, scale: int, plan: YearPlan) -> None:
        from phoihop.programs.models import ProgramContent

        total = max(8, round(scale * self.scale))
        contents = list(
            ProgramContent.objects.filter(program=program)
            .select_related("lead")
            .prefetch_related("indicators", "target_groups", "co_organizations")
            .order_by("order")
        )
        specs = {spec.title: spec for spec in data.CONTENTS}
        weights = [specs[c.title].weight for c in contents]
        chosen = self.rng.choices(contents, weights=weights, k=total)
        statuses = plan.statuses(total, self.rng)
        self.log(
            _("{year}: generating {count} activity reports…").format(year=program.year, count=total)
        )
        made: list[Any] = []
        reported: set[tuple[int, int]] = set()
        for content, status in zip(chosen, statuses, strict=True):
            activity = self._one_activity(
                program, place, content, specs[content.title], status=status, plan=plan
            )
            made.append(activity)
            # A report spanning two quarters counts in both (nil reports may not overlap it).
            for day in (activity.start_date, activity.end_date):
                if day.year == program.year:
                    reported.add((activity.organization_id, quarter_of(day)))
        self._nil_reports(program, place, reported, plan)

    def _pick_org(self, place: Place, content: Any, spec: Any) -> tuple[Any, list[AdminUnit]]:
        key = self.rng.choice((spec.lead, *spec.co))
        if self.rng.random() < 0.3 or not place.districts:
            return place.parties[key], place.all_communes
        # Branches differ in how much they report: some are busy, some nearly silent,
        # which leaves quarters with nothing (a nil report, or a missing one).
        weights = [self.activity_level(place, key, d) for d in place.districts]
        district = self.rng.choices(place.districts, weights=weights)[0]
        return place.branches[(key, district.pk)], place.communes[district.pk]

    def activity_level(self, place: Place, key: str, district: AdminUnit) -> float:
        level = self.levels.get((key, district.pk))
        if level is None:
            level = self.levels[(key, district.pk)] = self.rng.choice((0.05, 0.2, 0.6, 1, 1.5, 3))
        return level

    def _co_orgs(self, place: Place, org: Any, spec: Any) -> list[Any]:
        if self.rng.random() > 0.25:
            return []
        own = self._key_of(place, org)
        keys = [k for k in (spec.lead, *spec.co) if k != own]
        picked = self.rng.sample(keys, k=min(len(keys), self.rng.choice((1, 1, 2))))
        if org.parent_id is None:
            return [place.parties[k] for k in picked]
        return [
            place.branches[(k, org.locality_id)]
            for k in picked
            if (k, org.locality_id) in place.branches
        ]

    def _key_of(self, place: Place, org: Any) -> str:
        for key, party in place.parties.items():
            if party.pk in (org.pk, org.parent_id):
                return key
        raise KeyError(org)

    def _values(self, content: Any, spec: Any) -> dict[Any, Any]:
        values: dict[Any, Any] = {}
        indicators = sorted(content.indicators.all(), key=lambda i: i.order)
        for ind, ispec in zip(indicators, spec.indicators, strict=True):
            low, high = ispec.per_activity
            if ispec.aggregation == "ratio":
                quota = self.rng.randint(6, 20)
                values[ind] = (Decimal(self.rng.randint(max(1, quota - 3), quota)), Decimal(quota))
                continue
            number = round(self.rng.uniform(low, high), ispec.decimals)
            if number <= 0 and self.rng.random() < 0.5:
                continue
            values[ind] = Decimal(str(max(0, number)))
        return values

    def _one_activity(
        self, program: Any, place: Place, content: Any, spec: Any, *, status: str, plan: YearPlan
    ) -> Any:
        from phoihop.activities import services as acts

        org, communes = self._pick_org(place, content, spec)
        locality = self.rng.choice(communes)
        start = plan.activity_date(program, self.rng)
        end = min(
            start + datetime.timedelta(days=self.rng.choice((0, 0, 0, 1, 2))), program.period_end
        )
        groups = list(content.target_groups.all()) or list(self.groups.values())
        participants = {
            g: self.rng.randint(8, 180)
            for g in self.rng.sample(groups, k=min(len(groups), self.rng.randint(1, 3)))
        }
        funding: dict[str, int] = {}
        if self.rng.random() < 0.6:
            funding[self.rng.choice(("state", "own", "mobilized"))] = (
                self.rng.randint(2, 400) * 50_000
            )
        if self.rng.random() < 0.2:
            funding["mobilized"] = funding.get("mobilized", 0) + self.rng.randint(1, 100) * 100_000
        title = f"{self.rng.choice(spec.activity_titles)} tại {locality.name}"
        author = place.focal[org.pk]
        co_organizations = self._co_orgs(place, org, spec)
        created = plan.created_at(program, end, self.rng)
        with clock.frozen_at(created):
            activity = acts.activity_create(
                actor=author,
                program=program,
                content=content,
                organization=org,
                uuid=self.uuid(),
                title=title[:300],
                start_date=start,
                end_date=end,
                locality=locality,
                narrative=NARRATIVE.format(place=locality.name, org=org.name),
                not_for_publication=self.rng.random() < spec.secret_share,
                participants=participants,
                values=self._values(content, spec),
                funding=funding,
                co_organizations=co_organizations,
            )
        if status == "draft":
            return activity
        submitted = cap(created + datetime.timedelta(hours=self.rng.randint(1, 48)))
        if self.rng.random() < plan.late_share:
            _, q_end = quarter_bounds(start.year, quarter_of(start))
            submitted = max(
                submitted,
                at(
                    q_end
                    + datetime.timedelta(days=program.deadline_days + self.rng.randint(3, 40)),
                    15,
                ),
            )
        with clock.frozen_at(submitted):
            acts.activity_submit(actor=author, activity=activity)
        if co_organizations:
            self._confirm_credits(activity, place, submitted)
        if status == "submitted":
            return activity
        approver = self.rng.choice(place.secretariat)
        decided = cap(submitted + datetime.timedelta(days=self.rng.randint(1, 6)))
        if status == "returned":
            with clock.frozen_at(decided):
                acts.activity_return(
                    actor=approver, activity=activity, reason=self.rng.choice(data.RETURN_REASONS)
                )
            return activity
        with clock.frozen_at(decided):
            acts.activity_approve(actor=approver, activity=activity)
        if status in ("revised", "revising"):
            with clock.frozen_at(cap(decided + datetime.timedelta(days=5))):
                revision = acts.activity_revise(actor=author, activity=activity, uuid=self.uuid())
                acts.activity_update(
                    actor=author,
                    activity=revision,
                    expected_version=revision.version,
                    narrative=revision.narrative + "\n" + REVISION_NOTE,
                )
            if status == "revised":
                with clock.frozen_at(cap(decided + datetime.timedelta(days=6))):
                    acts.activity_submit(actor=author, activity=revision)
                with clock.frozen_at(cap(decided + datetime.timedelta(days=8))):
                    acts.activity_approve(actor=approver, activity=revision)
        return activity

    def _confirm_credits(self, activity: Any, place: Place, when: datetime.datetime) -> None:
        from phoihop.activities import services as acts

        for credit in activity.credits.filter(confirmed_at__isnull=True).order_by(
            "organization__name"
        ):
            if self.rng.random() < 0.85:
                with clock.frozen_at(cap(when + datetime.timedelta(days=1))):
                    acts.credit_confirm(actor=place.focal[credit.organization_id], credit=credit)

    def _nil_reports(self, program: Any, place: Place, reported: set, plan: YearPlan) -> None:
        from phoihop.activities import services as acts

        orgs = [*place.parties.values(), *place.branches.values()]
        for q in plan.quarters(program):
            q_start, q_end = quarter_bounds(program.year, q)
            for org in orgs:
                if (org.pk, q) in reported or self.rng.random() > plan.nil_share:
                    continue
                with clock.frozen_at(
                    at(q_end + datetime.timedelta(days=self.rng.randint(1, 12)), 11)
                ):
                    acts.nil_report_create(
                        actor=place.focal[org.pk],
                        program=program,
                        organization=org,
                        period_start=q_start,
                        period_end=q_end,
                        note="Trong kỳ đơn vị không tổ chức hoạt động thuộc chương trình.",
                    )

    # -- practices ------------------------------------------------------------------
    def practices(self) -> None:
        from phoihop.practices import services as practices
        from phoihop.programs.models import ProgramContent

        hb = self.hb
        actor = hb.secretariat[0]
        contents = {
            spec.key: ProgramContent.objects.get(
                program__year=2023, program__committee=hb.committee, title=spec.title
            )
            for spec in data.CONTENTS
        }
        for i, (title, owner_key, content_key) in enumerate(data.PRACTICES):
            district = hb.districts[i % len(hb.districts)]
            owner = hb.branches[(owner_key, district.pk)]
            started = D(2021 + i % 2, 1 + i, 10)
            with clock.frozen_at(at(started, 9)):
                practice = practices.practice_register(
                    actor=hb.focal[owner.pk],
                    owner=owner,
                    content=contents[content_key],
                    title=title,
                    description=PRACTICE_TEXT.format(title=title, district=district.name),
                    started_on=started,
                    localities=self.rng.sample(hb.communes[district.pk], k=2),
                )
            if i % 5 == 4:
                continue  # still a pilot
            with clock.frozen_at(at(D(2022, 11, 20 - i), 9)):
                practices.practice_evaluate(
                    actor=actor,
                    practice=practice,
                    evaluated_on=D(2022, 11, 20 - i),
                    evaluator="Tổ giúp việc Ban Chỉ đạo",
                    criteria=(
                        "Hiệu quả thiết thực; mức độ tham gia của Nhân dân; khả năng nhân rộng"
                    ),
                    score=Decimal(70 + (i * 7) % 28),
                    conclusion="Mô hình phát huy hiệu quả, được Nhân dân đồng tình hưởng ứng.",
                )
                practices.practice_mark_effective(actor=actor, practice=practice)
            if i % 5 == 3:
                continue  # effective, not yet recommended
            with clock.frozen_at(at(D(2023, 3, 24), 15)):
                practices.practice_recommend(actor=actor, practice=practice)
            if i % 3 == 2:
                continue  # recommended, not yet replicated
            for j in range(1 + i % 3):
                other = hb.districts[(i + j + 3) % len(hb.districts)]
                where = self.rng.choice(hb.communes[other.pk])
                by = hb.branches[(owner_key, other.pk)]
                since = D(2023, 4 + j * 2, 1)
                with clock.frozen_at(at(since, 9)):
                    practices.practice_record_replication(
                        actor=actor,
                        practice=practice,
                        locality=where,
                        organization=by,
                        since=since,
                        results=(
                            f"Đã triển khai tại {where.name}, bước đầu mang lại kết quả tích cực."
                        ),
                    )

    # -- Phú Thọ after 1 July 2025 ---------------------------------------------------
    def phu_tho(self) -> None:
        from phoihop.orgs import services as orgs
        from phoihop.orgs.choices import OrgLevel, Role

        pt, hb = self.pt, self.hb
        province = AdminUnit.objects.get(
            scheme=Scheme.CURRENT, level=Level.PROVINCE, code=data.NEW_PROVINCE_CODE
        )
        pt.province = province
        pt.all_communes = list(
            AdminUnit.objects.filter(province=province, level=Level.COMMUNE).order_by("code")
        )
        with clock.frozen_at(at(data.REORGANIZED, 8)):
            pt.committee = orgs.committee_create(
                actor=self.root,
                code="phu-tho",
                name=(
                    "Ban Chỉ đạo Chương trình phối hợp hoạt động giữa Bộ Chỉ huy Quân sự tỉnh "
                    "với các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh Phú Thọ"
                ),
                short_name="BCĐ Chương trình PHHĐ tỉnh Phú Thọ",
                province=province,
                valid_from=data.REORGANIZED,
            )
            orgs.committee_set_successor(
                actor=self.root, committee=hb.committee, successor=pt.committee
            )
            secretariat = self.account(
                "thuongtruc.phutho",
                role=Role.SECRETARIAT,
                committee=pt.committee,
                staff=True,
                where="BCĐ tỉnh Phú Thọ",
            )
            pt.secretariat.append(secretariat)
            pt.secretariat.append(
                self.account(
                    "thuongtruc2.phutho",
                    role=Role.SECRETARIAT,
                    committee=pt.committee,
                    staff=True,
                    where="BCĐ tỉnh Phú Thọ",
                    list_it=False,
                )
            )
            for party in data.PARTIES:
                pt.parties[party.key] = orgs.organization_create(
                    actor=secretariat,
                    committee=pt.committee,
                    name=party.name.format(place="Phú Thọ"),
                    abbreviation=party.abbreviation,
                    kind=party.kind,
                    level=OrgLevel.PROVINCE,
                    locality=province,
                    valid_from=data.REORGANIZED,
                )
            # Regional defence commands replaced the district military commands. Which
            # old districts each covers is entered by hand (no machine-readable source).
            regions = [
                orgs.organization_create(
                    actor=secretariat,
                    committee=pt.committee,
                    name=f"Ban Chỉ huy Phòng thủ khu vực {n}",
                    abbreviation=f"Ban CHPTKV {n}",
                    kind="military",
                    level=OrgLevel.REGION,
                    locality=province,
                    parent=pt.parties["military"],
                    valid_from=data.REORGANIZED,
                )
                for n in range(1, 5)
            ]
            # The Women's Union is placed under the Fatherland Front from 2025.
            orgs.organization_reparent(
                actor=secretariat,
                organization=pt.parties["women"],
                parent=pt.parties["front"],
                on=data.REORGANIZED + datetime.timedelta(days=1),
            )
            for key, old in hb.parties.items():
                orgs.organization_succeed(
                    actor=self.root,
                    predecessors=[old],
                    successor=pt.parties[key],
                    kind="merge",
                    on=data.REORGANIZED,
                    move_users=False,
                )
            for i, district in enumerate(hb.districts):
                orgs.organization_succeed(
                    actor=self.root,
                    predecessors=[hb.branches[("military", district.pk)]],
                    successor=regions[0 if i < 5 else 1],
                    kind="replace",
                    on=data.REORGANIZED,
                    move_users=False,
                )
            for key, org in pt.parties.items():
                pt.focal[org.pk] = self.account(
                    f"dm.{slug(org.abbreviation.replace(' tỉnh', ''))}.phutho",
                    role=Role.FOCAL,
                    committee=pt.committee,
                    organization=org,
                    where=org.name,
                    list_it=key == "military",
                )
            for region in regions:
                pt.focal[region.pk] = self.account(
                    f"dm.ptkv{region.abbreviation[-1]}.phutho",
                    role=Role.FOCAL,
                    committee=pt.committee,
                    organization=region,
                    where=region.name,
                    list_it=False,
                )
            titles = {
                "military": ("Chính ủy Bộ Chỉ huy Quân sự tỉnh", "Đại tá"),
                "front": ("Chủ tịch Ủy ban MTTQ Việt Nam tỉnh", ""),
            }
            for key in pt.parties:
                title, rank = titles.get(
                    key, (f"Người đứng đầu {pt.parties[key].abbreviation}", "")
                )
                pt.signers[key] = orgs.person_create(
                    actor=secretariat,
                    committee=pt.committee,
                    full_name=self.person_name(),
                    title=title,
                    rank=rank,
                    organization=pt.parties[key],
                )
            self.account(
                "lanhdao.phutho",
                role=Role.LEADER,
                committee=pt.committee,
                organization=pt.parties["front"],
                where="Lãnh đạo BCĐ tỉnh Phú Thọ",
            )

    def program_2026(self, source: Any) -> Any:
        from phoihop.programs import services as programs

        pt = self.pt
        with clock.frozen_at(at(D(2026, 2, 10), 9)):
            program = programs.program_clone(
                actor=self.root,
                source=source,
                year=2026,
                committee=pt.committee,
                title=(
                    "Chương trình phối hợp hoạt động năm 2026 giữa Bộ Chỉ huy Quân sự tỉnh với "
                    "các tổ chức chính trị - xã hội và Hội Chữ thập đỏ tỉnh Phú Thọ"
                ),
            )
            programs.program_update(
                actor=pt.secretariat[0], program=program, data={"number": "01/CTr-BCĐ"}
            )
        self._sign_all(program, pt, D(2026, 3, 12))
        return program

    # -- news ---------------------------------------------------------------------------
    def news(self) -> None:
        """Sample articles written for the demo: published, a draft, a scheduled one."""
        from phoihop.news import services as news

        editors = {
            self.hb.committee.pk: User.objects.get(username="bientap"),
            self.pt.committee.pk: self.pt.secretariat[0],
        }
        categories: dict[tuple[int, str], Any] = {}
        with clock.frozen_at(at(D(2022, 1, 10), 9)):
            for name, code in data.NEWS_CATEGORIES:
                for place in (self.hb, self.pt):
                    categories[(place.committee.pk, code)] = news.category_create(
                        actor=editors[place.committee.pk],
                        committee=place.committee,
                        name=name,
                        slug=code,
                    )
        for code, title, lead, paragraphs, when in data.NEWS:
            if when in (None, "scheduled"):
                moment = DEMO_NOW - datetime.timedelta(days=2)
            else:
                moment = datetime.datetime.strptime(when, "%d/%m/%Y %H:%M").replace(tzinfo=VN)
            place = self.pt if moment.date() >= data.REORGANIZED else self.hb
            editor = editors[place.committee.pk]
            body = "".join(f"<p>{paragraph}</p>" for paragraph in paragraphs)
            with clock.frozen_at(moment - datetime.timedelta(hours=3)):
                article = news.article_create(
                    actor=editor,
                    committee=place.committee,
                    title=title,
                    category=categories[(place.committee.pk, code)],
                    lead=lead,
                    body=body,
                    origin="Dữ liệu mẫu",
                )
            if when is None:
                continue
            with clock.frozen_at(moment - datetime.timedelta(hours=1)):
                news.article_submit_for_review(actor=editor, article=article)
            with clock.frozen_at(moment):
                later = moment + datetime.timedelta(days=7) if when == "scheduled" else None
                news.article_publish(actor=editor, article=article, at=later)


REVIEW_SECTIONS = {
    "SITUATION": (
        "Năm 2022, các cơ quan, đơn vị thành viên Ban Chỉ đạo triển khai Chương trình trong "
        "điều kiện địa bàn rộng, nhiều xã vùng sâu, vùng xa, vùng đặc biệt khó khăn. (Nội "
        "dung mẫu.)"
    ),
    "RESULTS": (
        "Các nội dung phối hợp được triển khai đồng bộ; nhiều chỉ tiêu đạt và vượt kế hoạch. "
        "Số liệu chi tiết tại phụ lục kèm theo. (Nội dung mẫu.)"
    ),
    "LIMITS": (
        "Một số đơn vị cấp huyện báo cáo chưa đầy đủ, chưa đúng hạn; hoạt động ở một số xã "
        "vùng cao còn ít. (Nội dung mẫu.)"
    ),
    "LESSONS": (
        "Nội dung phối hợp phải cụ thể, gắn với nhiệm vụ chính trị của từng đơn vị; thường "
        "xuyên kiểm tra, đôn đốc và kịp thời nhân rộng mô hình hiệu quả. (Nội dung mẫu.)"
    ),
}
DIRECTIONS_2023 = [
    "Tiếp tục phối hợp bảo vệ nền tảng tư tưởng của Đảng theo Nghị quyết 35-NQ/TW.",
    "Hướng mạnh hoạt động về cơ sở, nhất là các xã vùng sâu, vùng xa, vùng đặc biệt khó khăn.",
    'Đánh giá, nhân rộng các mô hình "Dân vận khéo" có hiệu quả.',
]

NARRATIVE = (
    "{org} phối hợp tổ chức hoạt động tại {place}. Các lực lượng tham gia đầy đủ, "
    "đúng kế hoạch; Nhân dân đồng tình, hưởng ứng. (Nội dung mẫu do hệ thống sinh ra.)"
)
REVISION_NOTE = "Bổ sung số liệu theo biên bản nghiệm thu."
PRACTICE_TEXT = (
    'Mô hình "{title}" được xây dựng thí điểm tại {district}, huy động cán bộ, hội viên '
    "và Nhân dân cùng tham gia. (Mô tả mẫu.)"
)


@dataclass(frozen=True)
class YearPlan:
    """How a year's reports stand: exact quotas per status, lateness, nil reports."""

    draft: float
    returned: float
    submitted: float
    revised: float  # approved, then a revision approved
    revising: float  # approved, with a revision still in draft
    late_share: float
    nil_share: float
    last_day: datetime.date | None = None  # reports so far (the current year)

    def statuses(self, total: int, rng: random.Random) -> list[str]:
        counts = {
            "draft": round(total * self.draft),
            "returned": round(total * self.returned),
            "submitted": round(total * self.submitted),
            "revised": round(total * self.revised),
            "revising": round(total * self.revising),
        }
        counts["approved"] = total - sum(counts.values())
        out = [status for status, n in counts.items() for _ in range(n)]
        rng.shuffle(out)
        return out

    def activity_date(self, program: Any, rng: random.Random) -> datetime.date:
        last = min(program.period_end, self.last_day or program.period_end)
        span = (last - program.period_start).days
        return program.period_start + datetime.timedelta(days=rng.randint(0, max(0, span - 2)))

    def created_at(self, program: Any, end: datetime.date, rng: random.Random) -> datetime.datetime:
        # Drafts exist only once the program is signed (in force).
        day = max(
            end + datetime.timedelta(days=rng.randint(0, 8)),
            program.signed_on + datetime.timedelta(days=1),
        )
        return at(day, rng.randint(7, 20), rng.randint(0, 59))

    def quarters(self, program: Any) -> Iterator[int]:
        last = min(program.period_end, self.last_day or program.period_end)
        for q in range(4):
            _, end = quarter_bounds(program.year, q)
            if end + datetime.timedelta(days=program.deadline_days) <= last:
                yield q


YEAR_CLOSED = YearPlan(
    draft=0, returned=0, submitted=0, revised=0.03, revising=0, late_share=0.12, nil_share=0.55
)
YEAR_OPEN = YearPlan(
    draft=300 / 1560,
    returned=150 / 1560,
    submitted=0.07,
    revised=0.01,
    revising=0.012,
    late_share=0.15,
    nil_share=0.4,
)
YEAR_CURRENT = YearPlan(
    draft=0.24,
    returned=0.12,
    submitted=0.15,
    revised=0,
    revising=0,
    late_share=0.2,
    nil_share=0.3,
    last_day=D(2026, 11, 25),
)


def demo_loaded() -> bool:
    return SiteFlag.objects.filter(key=DEMO_FLAG).exists()


def demo_accounts() -> list[tuple[str, str, str]]:
    flag = SiteFlag.objects.filter(key=DEMO_FLAG).first()
    return [tuple(row) for row in (flag.value.get("accounts", []) if flag else [])]
