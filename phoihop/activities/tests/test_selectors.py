"""Reads: always within permissions, filtered, and in a fixed number of queries."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.http import Http404
from django.test.utils import CaptureQueriesContext

from phoihop.activities import selectors, services
from phoihop.activities.choices import ActivityStatus as S
from phoihop.activities.tests import factories as f
from phoihop.core import permissions as p


def pks(qs):
    return [a.pk for a in qs]


def test_activities_for_filters(s):
    a1 = f.approved(s, title="Hiến máu tình nguyện", not_for_publication=True)
    a2 = f.approved(
        s,
        actor=s.user("focal_b"),
        organization=s.world.org_b,
        title="Tặng quà gia đình chính sách",
        start_date=datetime.date(2023, 9, 2),
        end_date=datetime.date(2023, 9, 2),
    )
    draft = f.report(s, title="Nháp", co_organizations=[s.world.org_b])
    leader = s.user("leader")
    assert set(pks(selectors.activities_for(leader))) == {a1.pk, a2.pk}
    assert pks(selectors.activities_for(leader, organization=s.world.org_b)) == [a2.pk]
    assert pks(selectors.activities_for(leader, not_for_publication=True)) == [a1.pk]
    assert pks(selectors.activities_for(leader, search="hiến máu")) == [a1.pk]
    assert pks(selectors.activities_for(leader, date_from=datetime.date(2023, 6, 1))) == [a2.pk]
    assert pks(selectors.activities_for(leader, date_to=datetime.date(2023, 6, 1))) == [a1.pk]
    assert pks(selectors.activities_for(leader, program=s.program, content=s.content)) == [
        a2.pk,
        a1.pk,
    ]
    assert pks(selectors.activities_for(leader, content=s.other_content)) == []
    focal_b = s.user("focal_b")
    assert set(pks(selectors.activities_for(focal_b, credited_to=s.world.org_b))) == {
        a2.pk,
        draft.pk,
    }
    assert pks(selectors.activities_for(focal_b, status=S.DRAFT)) == [draft.pk]
    assert pks(selectors.activities_for(s.user("other_secretariat"))) == []
    assert pks(selectors.activities_for(None)) == []


def test_superseded_left_out_unless_asked(s):
    original = f.approved(s)
    revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
    revision = services.activity_submit(actor=s.user("focal_a"), activity=revision)
    services.activity_approve(actor=s.user("secretariat"), activity=revision)
    leader = s.user("leader")
    assert pks(selectors.activities_for(leader)) == [revision.pk]
    assert set(pks(selectors.activities_for(leader, include_superseded=True))) == {
        original.pk,
        revision.pk,
    }
    assert pks(selectors.activities_for(leader, status=S.SUPERSEDED)) == [original.pk]
    assert pks(selectors.revisions(revision)) == [original.pk, revision.pk]


def _walk(qs):
    """What a list page touches for each row."""
    for a in qs:
        _ = (a.program.title, a.content.title, a.organization.name, a.locality.name)
        _ = (a.created_by.username, [c.organization.name for c in a.credits.all()])


@pytest.mark.parametrize("role", ["secretariat", "focal_a", "leader"])
def test_list_queries_do_not_grow_with_rows(s, role):
    user = s.user(role)
    f.approved(s, co_organizations=[s.world.org_b])
    p.get_scope(user)  # the scope is computed once per request, outside the list
    with CaptureQueriesContext(connection) as few:
        _walk(selectors.activities_for(user))
    for i in range(5):
        f.approved(s, title=f"Thêm {i}", co_organizations=[s.world.org_b])
    with CaptureQueriesContext(connection) as many:
        _walk(selectors.activities_for(user))
    assert selectors.activities_for(user).count() == 6
    assert len(many) == len(few) <= 3


def test_my_drafts_returned_and_queue(s):
    draft = f.report(s, title="Nháp")
    returned = f.submitted(s, title="Trả lại")
    services.activity_return(actor=s.user("secretariat"), activity=returned, reason="Thiếu ảnh")
    waiting = f.submitted(s, title="Chờ duyệt")
    b_waiting = f.submitted(
        s, actor=s.user("focal_b"), organization=s.world.org_b, title="B chờ duyệt"
    )
    assert pks(selectors.my_drafts(s.user("focal_a"))) == [draft.pk]
    assert pks(selectors.my_drafts(s.user("focal_b"))) == []
    assert pks(selectors.returned_to_me(s.user("focal_a"))) == [returned.pk]
    assert pks(selectors.returned_to_me(s.user("secretariat"))) == []
    assert pks(selectors.approval_queue(s.user("secretariat"))) == [waiting.pk, b_waiting.pk]
    assert pks(selectors.approval_queue(s.user("focal_a"))) == []
    assert pks(selectors.approval_queue(s.user("other_secretariat"))) == []


def test_approval_queue_never_offers_ones_own_report(s, make_user):
    from phoihop.orgs.choices import Role

    both = make_user("focal_and_secretariat", (Role.FOCAL, s.world.org_a), (Role.SECRETARIAT, None))
    mine = f.submitted(s, actor=both, title="Của tôi")
    theirs = f.submitted(s, title="Của người khác")
    assert pks(selectors.approval_queue(both)) == [theirs.pk]
    assert mine.pk in pks(selectors.approval_queue(s.user("secretariat")))


def test_credits_to_confirm(s):
    draft = f.report(s, co_organizations=[s.world.org_b])
    pending = list(selectors.credits_to_confirm(s.user("focal_b")))
    assert [c.activity_id for c in pending] == [draft.pk]
    services.credit_confirm(actor=s.user("focal_b"), credit=pending[0])
    assert list(selectors.credits_to_confirm(s.user("focal_b"))) == []
    assert list(selectors.credits_to_confirm(s.user("focal_a"))) == []


def test_activity_detail_is_404_outside_and_403_without_the_action(s):
    draft = f.report(s)
    assert selectors.activity_detail(s.user("focal_a"), uuid=draft.uuid).pk == draft.pk
    with pytest.raises(Http404):
        selectors.activity_detail(s.user("focal_b"), uuid=draft.uuid)
    with pytest.raises(PermissionDenied):
        selectors.activity_detail(s.user("secretariat"), action=p.CHANGE, uuid=draft.uuid)


def test_nil_reports_for(s):
    report = services.nil_report_create(
        actor=s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        period_start=datetime.date(2023, 4, 1),
        period_end=datetime.date(2023, 6, 30),
    )
    assert list(selectors.nil_reports_for(s.user("leader"), program=s.program)) == [report]
    assert list(selectors.nil_reports_for(s.user("other_secretariat"))) == []


def test_history_holds_the_report_and_its_parts_even_removed_ones(s, media):
    activity = f.report(s)
    credit = services.credit_add(
        actor=s.user("focal_a"), activity=activity, organization=s.world.org_b
    )
    services.credit_remove(actor=s.user("focal_a"), credit=credit)
    attachment = services.attachment_add(
        actor=s.user("focal_a"),
        activity=activity,
        file=f.upload("a.jpg", f.jpeg_with_exif((10, 10))),
    )
    services.comment_add(actor=s.user("secretariat"), activity=activity, text="Cảm ơn")
    services.activity_submit(actor=s.user("focal_a"), activity=activity)
    other = f.report(s, title="Khác")
    services.comment_add(actor=s.user("focal_a"), activity=other, text="Không liên quan")

    actions = [e.action for e in selectors.history(activity)]
    assert actions == [
        "submit",
        "comment_add",
        "attachment_add",
        "credit_remove",
        "credit_add",
        "create",
    ]
    assert attachment.pk
    assert [e.action for e in selectors.history(other)] == ["comment_add", "create"]


def test_history_of_the_series(s):
    original = f.approved(s)
    revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
    own = {e.action for e in selectors.history(revision)}
    assert own == {"revise"}
    series = {e.action for e in selectors.history(revision, include_revisions=True)}
    assert series == {"create", "submit", "approve", "revise"}
