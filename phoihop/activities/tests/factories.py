"""Programs built directly with the ORM (the programs services are another app's), and
reports built through this app's services, as real data is."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from phoihop.activities import services
from phoihop.activities.choices import ActivityStatus
from phoihop.activities.models import Activity
from phoihop.core.testing.world import World
from phoihop.programs.choices import Aggregation, ProgramStatus, Unit
from phoihop.programs.models import Indicator, Program, ProgramContent, TargetGroup

YEAR = 2023
START = datetime.date(YEAR, 1, 1)
END = datetime.date(YEAR, 12, 31)
DAY = datetime.date(YEAR, 3, 27)


def _save(obj: Any) -> Any:
    obj.full_clean()
    obj.save()
    return obj


def target_group(code: str, name: str, order: int = 0) -> TargetGroup:
    found = TargetGroup.objects.filter(code=code).first()
    return found or _save(TargetGroup(code=code, name=name, order=order))


def program(
    world: World,
    *,
    year: int = YEAR,
    status: str = ProgramStatus.IN_FORCE,
    lead_may_approve: bool = False,
    committee: Any = None,
) -> Program:
    return _save(
        Program(
            committee=committee or world.committee,
            year=year,
            title=f"Chương trình PHHĐ năm {year}",
            number=f"01/CTr-BCĐ-{year}",
            period_start=datetime.date(year, 1, 1),
            period_end=datetime.date(year, 12, 31),
            status=status,
            lead_may_approve=lead_may_approve,
        )
    )


def content(
    prog: Program,
    *,
    lead: Any,
    co: tuple[Any, ...] = (),
    groups: tuple[TargetGroup, ...] = (),
    title: str = "Tuyên truyền, giáo dục quốc phòng và an ninh",
) -> ProgramContent:
    item = _save(ProgramContent(program=prog, title=title, lead=lead, order=1))
    item.co_organizations.set(co)
    item.target_groups.set(groups)
    return item


def indicator(
    item: ProgramContent, *, name: str, unit: str = Unit.TURN, aggregation: str = Aggregation.SUM
) -> Indicator:
    return _save(Indicator(content=item, name=name, unit=unit, aggregation=aggregation))


@dataclass
class Setup:
    """A program in force with one content led by org A, org B co-operating."""

    world: World
    program: Program
    content: ProgramContent
    cadres: TargetGroup
    people: TargetGroup
    soldiers: TargetGroup  # in the catalogue, not a group of the content
    sessions: Indicator
    ratio: Indicator
    other_content: ProgramContent
    other_indicator: Indicator
    extra: dict[str, Any] = field(default_factory=dict)

    def user(self, role: str) -> Any:
        return self.world.user(role)


def setup(world: World, **program_kwargs: Any) -> Setup:
    prog = program(world, **program_kwargs)
    cadres = target_group("can-bo", "Cán bộ", 1)
    people = target_group("nhan-dan", "Nhân dân", 2)
    soldiers = target_group("llvt", "Cán bộ chiến sĩ LLVT", 3)
    main = content(prog, lead=world.org_a, co=(world.org_b,), groups=(cadres, people))
    other = content(prog, lead=world.org_b, title="Xây dựng nông thôn mới")
    return Setup(
        world=world,
        program=prog,
        content=main,
        cadres=cadres,
        people=people,
        soldiers=soldiers,
        sessions=indicator(main, name="Buổi tuyên truyền", unit=Unit.SESSION),
        ratio=indicator(
            main,
            name="Tỷ lệ hộ được tuyên truyền",
            unit=Unit.PERCENT,
            aggregation=Aggregation.RATIO,
        ),
        other_content=other,
        other_indicator=indicator(other, name="Nhà đại đoàn kết", unit=Unit.HOUSE),
    )


def report(s: Setup, *, actor: Any = None, **overrides: Any) -> Activity:
    """A draft of org A by focal A, with participants, values and funding."""
    fields: dict[str, Any] = {
        "actor": actor or s.user("focal_a"),
        "program": s.program,
        "content": s.content,
        "organization": s.world.org_a,
        "title": "Tuyên truyền Luật Nghĩa vụ quân sự tại thị trấn Mai Châu",
        "start_date": DAY,
        "end_date": DAY,
        "locality": s.world.commune,
        "participants": {s.cadres: 40, s.people.pk: 210},
        "values": {s.sessions: Decimal(3), s.ratio.pk: (Decimal(45), Decimal(60))},
        "funding": {"state": 5_000_000, "mobilized": 2_500_000},
    }
    fields.update(overrides)
    return services.activity_create(**fields)


def submitted(s: Setup, **overrides: Any) -> Activity:
    activity = report(s, **overrides)
    return services.activity_submit(actor=activity.created_by, activity=activity)


def approved(s: Setup, **overrides: Any) -> Activity:
    activity = submitted(s, **overrides)
    return services.activity_approve(actor=s.user("secretariat"), activity=activity)


def force_status(activity: Activity, status: str, *, decider: Any = None) -> Activity:
    """Put a report in a status directly, for transition tables (rows stay valid)."""
    fields: dict[str, Any] = {"status": status}
    if status == ActivityStatus.RETURNED:
        fields["return_reason"] = "Thiếu số liệu"
    if status in (ActivityStatus.APPROVED, ActivityStatus.SUPERSEDED, ActivityStatus.RETURNED):
        fields["decided_by"] = decider
    Activity.all_objects.filter(pk=activity.pk).update(**fields)
    activity.refresh_from_db()
    return activity


def jpeg_with_exif(size: tuple[int, int] = (3000, 2000)) -> bytes:
    image = Image.new("RGB", size, (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    exif[0x0112] = 6  # Orientation: the camera was turned 90°
    exif[0x8825] = {1: "N", 2: (21.0, 5.0, 0.0)}  # GPS latitude
    out = io.BytesIO()
    image.save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def upload(
    name: str, data: bytes, content_type: str = "application/octet-stream"
) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data, content_type=content_type)
