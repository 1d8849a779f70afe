"""Who sees and may act on which report, per role (the one permission mechanism)."""

from __future__ import annotations

import pytest

from phoihop.activities import services
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
from phoihop.activities.policies import CONFIRM, REVISE
from phoihop.activities.tests import factories as f
from phoihop.core import permissions as p
from phoihop.orgs.models import Committee

COMMITTEE = ["focal_a", "focal_b", "leader", "editor", "secretariat"]


def visible(role, s, action=p.VIEW):
    return set(Activity.objects.restrict(s.user(role), action).values_list("pk", flat=True))


@pytest.fixture
def reports(s):
    """A's draft, B's draft (not crediting A), an approved and a submitted report of A."""
    return {
        "a_draft": f.report(s, title="Nháp của A"),
        "b_draft": f.report(
            s,
            actor=s.user("focal_b"),
            organization=s.world.org_b,
            content=s.other_content,
            participants={},
            values={},
            title="Nháp của B",
        ),
        "approved": f.approved(s, title="Đã duyệt"),
        "submitted": f.submitted(s, title="Đã gửi"),
    }


def test_focal_sees_own_drafts_not_the_other_organizations(s, reports):
    seen_a = visible("focal_a", s)
    assert reports["a_draft"].pk in seen_a
    assert reports["b_draft"].pk not in seen_a
    seen_b = visible("focal_b", s)
    assert reports["b_draft"].pk in seen_b
    assert reports["a_draft"].pk not in seen_b


@pytest.mark.parametrize("role", COMMITTEE)
def test_everyone_in_the_committee_sees_approved(s, reports, role):
    assert reports["approved"].pk in visible(role, s)


@pytest.mark.parametrize("role", ["leader", "editor"])
def test_readers_see_only_approved(s, reports, role):
    assert visible(role, s) == {reports["approved"].pk}


def test_secretariat_sees_everything_of_its_committee(s, reports):
    assert visible("secretariat", s) == {r.pk for r in reports.values()}


def test_admin_sees_everything(s, reports):
    assert visible("admin", s) == {r.pk for r in reports.values()}


@pytest.mark.parametrize("role", ["other_secretariat", "anonymous"])
def test_other_committee_and_anonymous_see_nothing(s, reports, role):
    assert visible(role, s) == set()
    for action in (p.CHANGE, p.SUBMIT, p.DELETE, p.APPROVE, REVISE):
        assert visible(role, s, action) == set()


def test_not_for_publication_is_visible_internally(s):
    secret = f.approved(s, not_for_publication=True, title="Huấn luyện dân quân")
    for role in COMMITTEE:
        assert secret.pk in visible(role, s), role
    assert visible("other_secretariat", s) == set()


def test_superseded_revisions_stay_readable(s):
    original = f.approved(s)
    revision = services.activity_revise(actor=s.user("focal_a"), activity=original)
    services.activity_submit(actor=s.user("focal_a"), activity=revision)
    services.activity_approve(actor=s.user("secretariat"), activity=revision)
    assert {original.pk, revision.pk} <= visible("leader", s)


def test_a_co_organizer_sees_the_draft_crediting_it(s):
    draft = f.report(s, co_organizations=[s.world.org_b])
    assert draft.pk in visible("focal_b", s)
    assert draft.pk not in visible("focal_b", s, p.CHANGE)


def test_successor_committee_reads_approved_of_its_predecessor(s, reports):
    # Set with the ORM: the succession service is the orgs app's concern.
    Committee.objects.filter(pk=s.world.committee.pk).update(successor=s.world.other_committee)
    reader = s.user("other_secretariat")
    p.forget_scope(reader)
    assert visible("other_secretariat", s) == {reports["approved"].pk}
    assert visible("other_secretariat", s, p.APPROVE) == set()


def test_change_and_submit_only_own_editable_reports(s, reports):
    returned = f.submitted(s, title="Bị trả lại")
    services.activity_return(actor=s.user("secretariat"), activity=returned, reason="Thiếu")
    for action in (p.CHANGE, p.SUBMIT):
        assert visible("focal_a", s, action) == {reports["a_draft"].pk, returned.pk}
        assert visible("focal_b", s, action) == {reports["b_draft"].pk}
        for role in ("secretariat", "leader", "editor", "admin"):
            assert visible(role, s, action) == set(), (role, action)


def test_delete(s, reports):
    assert visible("focal_a", s, p.DELETE) == {reports["a_draft"].pk}
    assert visible("secretariat", s, p.DELETE) == {
        reports["a_draft"].pk,
        reports["b_draft"].pk,
        reports["submitted"].pk,
    }


def test_revise_only_own_approved(s, reports):
    assert visible("focal_a", s, REVISE) == {reports["approved"].pk}
    assert visible("focal_b", s, REVISE) == set()
    assert visible("secretariat", s, REVISE) == set()


def test_approve(s, reports):
    assert visible("secretariat", s, p.APPROVE) == {reports["submitted"].pk}
    assert visible("admin", s, p.APPROVE) == {reports["submitted"].pk}
    for role in ("focal_a", "focal_b", "leader", "editor"):
        assert visible(role, s, p.APPROVE) == set(), role


def test_lead_organization_sees_and_approves_what_is_sent_under_its_content(world):
    s = f.setup(world, lead_may_approve=True)
    draft = f.report(s, actor=s.user("focal_b"), organization=s.world.org_b, title="Nháp B")
    sent = f.submitted(s, actor=s.user("focal_b"), organization=s.world.org_b, title="Gửi B")
    assert sent.pk in visible("focal_a", s)
    assert draft.pk not in visible("focal_a", s)
    assert visible("focal_a", s, p.APPROVE) == {sent.pk}


@pytest.mark.parametrize("model", [Participation, IndicatorValue, Funding, Credit])
def test_parts_follow_their_report(s, reports, model):
    a_draft = reports["a_draft"]

    def parts(role, action=p.VIEW):
        return set(
            model.objects.restrict(s.user(role), action).values_list("activity_id", flat=True)
        )

    assert a_draft.pk in parts("focal_a")
    assert a_draft.pk not in parts("focal_b")
    assert a_draft.pk not in parts("leader")
    assert reports["approved"].pk in parts("leader")
    assert parts("other_secretariat") == set()
    assert a_draft.pk in parts("focal_a", p.CHANGE)
    assert reports["approved"].pk not in parts("focal_a", p.CHANGE)


def test_attachments_and_comments_follow_their_report(s, reports, media):
    a_draft = reports["a_draft"]
    services.attachment_add(
        actor=s.user("focal_a"),
        activity=a_draft,
        file=f.upload("a.jpg", f.jpeg_with_exif((20, 20))),
    )
    services.comment_add(actor=s.user("secretariat"), activity=a_draft, text="Thêm ảnh")
    for model in (Attachment, Comment):
        assert model.objects.restrict(s.user("focal_a")).count() == 1
        assert model.objects.restrict(s.user("focal_b")).count() == 0
        assert model.objects.restrict(s.user("secretariat")).count() == 1


def test_credit_confirm_policy(s):
    draft = f.report(s, co_organizations=[s.world.org_b])
    credit_b = draft.credits.get(organization=s.world.org_b)
    confirmable = {
        role: set(Credit.objects.restrict(s.user(role), CONFIRM).values_list("pk", flat=True))
        for role in ("focal_a", "focal_b", "secretariat", "leader")
    }
    assert confirmable["focal_b"] == {credit_b.pk}
    assert confirmable["focal_a"] == set()  # its own credit is confirmed already
    assert confirmable["secretariat"] == confirmable["leader"] == set()


def test_nil_report_policy(s):
    report = services.nil_report_create(
        actor=s.user("focal_a"),
        program=s.program,
        organization=s.world.org_a,
        period_start=f.START,
        period_end=f.DAY,
    )

    def allowed(role, action):
        return report.pk in NilReport.objects.restrict(s.user(role), action).values_list(
            "pk", flat=True
        )

    for role in COMMITTEE:
        assert allowed(role, p.VIEW), role
    assert not allowed("other_secretariat", p.VIEW)
    assert not allowed("anonymous", p.VIEW)
    assert allowed("focal_a", p.DELETE)
    assert allowed("secretariat", p.DELETE)
    assert not allowed("focal_b", p.DELETE)
    assert not allowed("leader", p.DELETE)


def test_no_duplicates_from_the_credit_subquery(s):
    draft = f.report(s, co_organizations=[s.world.org_b])
    qs = Activity.objects.restrict(s.user("focal_a"))
    assert list(qs.values_list("pk", flat=True)) == [draft.pk]
