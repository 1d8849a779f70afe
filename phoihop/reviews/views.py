"""The review pages: list, detail with the figures, editing every section (htmx),
finalizing, downloads, commendations, the conference and the carry-over.

Views hold no rules: they read through the selectors (404 outside the user's scope, 403
for a refused action) and write through the services, whose Vietnamese messages they show.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from phoihop.core import permissions
from phoihop.orgs.models import Organization, Person
from phoihop.programs.models import Program
from phoihop.reviews import report, selectors, services
from phoihop.reviews.choices import ReviewStatus, SectionKey
from phoihop.reviews.documents.pdf import PdfError
from phoihop.reviews.forms import (
    CarryOverForm,
    CommendationProposalForm,
    ConferenceForm,
    DecisionForm,
    DirectionForm,
    HeaderForm,
    NextProgramForm,
    ReviewCreateForm,
    SectionForm,
)
from phoihop.reviews.models import Commendation, ReviewConference, ReviewPeriod, ReviewSection

SECTION_HEADINGS = {
    SectionKey.SITUATION: "I. Đặc điểm tình hình",
    SectionKey.LEADERSHIP: "II.1. Công tác lãnh đạo, chỉ đạo, tổ chức thực hiện",
    SectionKey.RESULTS: "II.2. Kết quả thực hiện các nội dung phối hợp",
    SectionKey.STRENGTHS: "II.3.a) Ưu điểm",
    SectionKey.LIMITS: "II.3.b) Hạn chế, tồn tại",
    SectionKey.CAUSES: "II.3.c) Nguyên nhân",
    SectionKey.LESSONS: "II.4. Bài học kinh nghiệm",
    SectionKey.DIRECTIONS: "III. Phương hướng, nhiệm vụ kỳ tới",
    SectionKey.PROPOSALS: "IV. Đề xuất, kiến nghị",
}


def _review(request: HttpRequest, pk: int, action: str = permissions.VIEW) -> ReviewPeriod:
    return permissions.get_for_action(
        ReviewPeriod.objects.select_related("program", "committee"), request.user, action, pk=pk
    )


def _errors(request: HttpRequest, exc: ValidationError) -> None:
    for message in exc.messages:
        messages.error(request, message)


def _detail(review: ReviewPeriod) -> str:
    return reverse("reviews:detail", args=[review.pk])


def _can_change(request: HttpRequest, review: ReviewPeriod) -> bool:
    return permissions.can(request.user, permissions.CHANGE, review)


@login_required
def review_list(request: HttpRequest) -> HttpResponse:
    reviews = list(selectors.reviews_for(request.user)[:200])
    programs = Program.objects.restrict(request.user, permissions.CHANGE)
    return render(
        request,
        "reviews/list.html",
        {"title": _("Reviews"), "reviews": reviews, "can_create": programs.exists()},
    )


@login_required
def review_create(request: HttpRequest) -> HttpResponse:
    programs = Program.objects.restrict(request.user, permissions.CHANGE).order_by("-year")
    if not programs.exists():
        raise Http404
    form = ReviewCreateForm(request.POST or None, programs=programs)
    if request.method == "POST" and form.is_valid():
        try:
            review = services.review_create(actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The review has been created."))
            return redirect(_detail(review))
    return render(request, "reviews/form.html", {"title": _("New review"), "form": form})


@login_required
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    built = report.build(review)
    data = built.data
    sections = {s.key: s for s in ReviewSection.objects.filter(review=review)}
    texts = report.section_texts(review, data)
    rows = [
        {
            "key": key.value,
            "heading": SECTION_HEADINGS[key],
            "text": texts[key.value],
            "edited": key.value in sections and bool(sections[key.value].text.strip()),
        }
        for key in SectionKey
    ]
    differences = (
        selectors.review_differences(review) if review.status == ReviewStatus.FINALIZED else []
    )
    return render(
        request,
        "reviews/detail.html",
        {
            "title": review.title,
            "review": review,
            "data": data,
            "annex": built.document.annex_rows,
            "header": built.document.header,
            "signer": built.document.signer,
            "sections": rows,
            "directions": list(review.directions.all()),
            "direction_form": DirectionForm(),
            "differences": differences[:50],
            "difference_count": len(differences),
            "intact": selectors.snapshot_intact(review),
            "can_change": _can_change(request, review) and review.is_draft,
            "can_manage": _can_change(request, review),
            "conference": ReviewConference.objects.filter(review=review).first(),
            "commendations": list(review.commendations.all()),
        },
    )


@login_required
def review_header(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, permissions.CHANGE)
    form = HeaderForm(request.POST or None, instance=review)
    if request.method == "POST" and form.is_valid():
        try:
            services.review_update(actor=request.user, review=review, data=form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The header and signature have been saved."))
            return redirect(_detail(review))
    return render(
        request,
        "reviews/form.html",
        {"title": _("Header, number and signature"), "form": form, "review": review},
    )


@login_required
def review_section(request: HttpRequest, pk: int, key: str) -> HttpResponse:
    """GET: the edit form (a fragment for htmx); POST: save, then the section again."""
    review = _review(request, pk, permissions.CHANGE)
    if key not in SECTION_HEADINGS:
        raise Http404
    texts = report.section_texts(review, report.review_data(review))
    form = SectionForm(request.POST or None, initial={"text": texts[key]})
    context: dict[str, Any] = {
        "review": review,
        "key": key,
        "heading": SECTION_HEADINGS[SectionKey(key)],
        "form": form,
    }
    if request.method == "POST" and form.is_valid():
        try:
            services.section_set(
                actor=request.user, review=review, key=key, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            if request.htmx:  # type: ignore[attr-defined]
                section = {
                    "key": key,
                    "heading": context["heading"],
                    "text": form.cleaned_data["text"],
                    "edited": True,
                }
                return render(
                    request,
                    "reviews/_section.html",
                    {"section": section, "review": review, "can_change": True},
                )
            messages.success(request, _("The section has been saved."))
            return redirect(f"{_detail(review)}#section-{key}")
    template = "reviews/_section_form.html" if request.htmx else "reviews/section.html"  # type: ignore[attr-defined]
    return render(request, template, context)


@login_required
@require_POST
def review_draft(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, permissions.CHANGE)
    overwrite = request.POST.get("overwrite") == "1"
    try:
        written = services.review_draft_sections(
            actor=request.user, review=review, overwrite=overwrite
        )
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(
            request,
            _("{count} section(s) drafted from the figures.").format(count=len(written)),
        )
    return redirect(_detail(review))


@login_required
@require_POST
def review_finalize(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, permissions.CHANGE)
    try:
        services.review_finalize(actor=request.user, review=review)
    except ValidationError as exc:
        _errors(request, exc)
    else:
        messages.success(request, _("The review has been finalized; its figures are frozen."))
    return redirect(_detail(review))


@login_required
@require_POST
def direction_add(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk, permissions.CHANGE)
    form = DirectionForm(request.POST)
    if form.is_valid():
        try:
            services.direction_add(
                actor=request.user, review=review, text=form.cleaned_data["text"]
            )
        except ValidationError as exc:
            _errors(request, exc)
    else:
        messages.error(request, _("Write the direction before adding it."))
    return redirect(f"{_detail(review)}#directions")


@login_required
def review_download(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    review = _review(request, pk)
    if fmt not in report.FORMATS:
        raise Http404
    try:
        data, name, content_type = report.render(review, fmt)
    except PdfError as exc:
        messages.error(request, str(exc))
        return redirect(_detail(review))
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def commendations(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    can_change = _can_change(request, review) and review.is_draft
    organizations = Organization.objects.restrict(request.user, permissions.VIEW).filter(
        committee=review.committee
    )
    people = Person.objects.restrict(request.user, permissions.VIEW).filter(
        committee=review.committee
    )
    initial = {}
    suggested = request.GET.get("suggest")
    ranked = selectors.commendation_suggestions(review)
    for item in ranked:
        if str(item.organization_id) == suggested:
            initial = {
                "recipient_kind": "collective",
                "organization": item.organization_id,
                "form": item.form,
                "reason": item.reason,
                "issuer": review.issuing_body or review.committee.name,
            }
    form = CommendationProposalForm(
        request.POST or None, initial=initial, organizations=organizations, people=people
    )
    if request.method == "POST":
        _review(request, pk, permissions.CHANGE)
        if not review.is_draft:
            messages.error(request, _("The review has been finalized; proposals are closed."))
            return redirect("reviews:commendations", pk=review.pk)
        if form.is_valid():
            try:
                services.commendation_propose(
                    actor=request.user, review=review, **form.cleaned_data
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The proposal has been recorded."))
                return redirect("reviews:commendations", pk=review.pk)
    return render(
        request,
        "reviews/commendations.html",
        {
            "title": _("Commendations"),
            "review": review,
            "suggestions": ranked[: selectors.SUGGESTED],
            "proposals": list(review.commendations.select_related("decided_by")),
            "form": form,
            "can_change": can_change,
        },
    )


@login_required
@require_POST
def commendation_decide(request: HttpRequest, pk: int) -> HttpResponse:
    commendation = permissions.get_for_action(
        Commendation.objects.select_related("review"), request.user, permissions.CHANGE, pk=pk
    )
    form = DecisionForm(request.POST)
    if form.is_valid():
        note = form.cleaned_data["note"]
        try:
            if form.cleaned_data["decision"] == "approve":
                services.commendation_approve(
                    actor=request.user, commendation=commendation, note=note
                )
            else:
                services.commendation_reject(
                    actor=request.user, commendation=commendation, reason=note
                )
        except ValidationError as exc:
            _errors(request, exc)
    return redirect("reviews:commendations", pk=commendation.review_id)


@login_required
def conference(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    existing = ReviewConference.objects.filter(review=review).first()
    can_change = _can_change(request, review)
    people = Person.objects.restrict(request.user, permissions.VIEW).filter(
        committee=review.committee
    )
    form = ConferenceForm(request.POST or None, instance=existing, people=people)
    if request.method == "POST":
        _review(request, pk, permissions.CHANGE)
        if form.is_valid():
            values = dict(form.cleaned_data)
            try:
                if existing is None:
                    services.conference_record(actor=request.user, review=review, **values)
                    messages.success(
                        request,
                        _(
                            "The conference has been recorded; a draft news article about it "
                            "awaits an editor."
                        ),
                    )
                else:
                    services.conference_update(actor=request.user, conference=existing, data=values)
                    messages.success(request, _("The conference has been saved."))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect(_detail(review))
    return render(
        request,
        "reviews/conference.html",
        {
            "title": _("Review conference"),
            "review": review,
            "form": form,
            "conference": existing,
            "can_change": can_change,
        },
    )


@login_required
def carry_over(request: HttpRequest, pk: int) -> HttpResponse:
    review = _review(request, pk)
    carried = selectors.carry_over(review)
    form = NextProgramForm(request.POST or None, initial={"year": review.program.year + 1})
    if request.method == "POST":
        _review(request, pk, permissions.CHANGE)
        if form.is_valid():
            try:
                program = services.review_start_next_program(
                    actor=request.user,
                    review=review,
                    year=form.cleaned_data["year"],
                    title=form.cleaned_data["title"] or None,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(
                    request,
                    _(
                        "The program for {year} has been started from this one, as a draft. "
                        "Tick the directions and unmet targets to carry into it."
                    ).format(year=program.year),
                )
                return redirect("reviews:carry_over_apply", pk=pk, program_pk=program.pk)
    return render(
        request,
        "reviews/carry_over.html",
        {
            "title": _("Carry-over to the next program"),
            "review": review,
            "carried": carried,
            "form": form,
            "can_change": _can_change(request, review),
            "clone_url": _clone_url(review),
            "next_programs": list(selectors.next_programs(review, request.user)),
        },
    )


@login_required
def carry_over_apply(request: HttpRequest, pk: int, program_pk: int) -> HttpResponse:
    """Tick what the next program takes from this review, after it has been started."""
    review = _review(request, pk, permissions.CHANGE)
    program = selectors.next_program(review, request.user, program_pk)
    directions, targets = selectors.carry_over_choices(review, program)
    parties = list(program.parties.order_by("order", "id").values_list("organization", flat=True))
    leads = (
        Organization.objects.filter(committee_id=program.committee_id, deleted_at__isnull=True)
        .exclude(valid_to__lt=program.period_start)
        .order_by("name")
    )
    data = request.POST if request.method == "POST" else None
    form = CarryOverForm(data, directions=directions, targets=targets, leads=leads)
    if parties:
        form.fields["lead"].initial = parties[0]
    if request.method == "POST" and form.is_valid():
        try:
            result = services.review_carry_over_apply(
                actor=request.user,
                review=review,
                program=program,
                directions=form.cleaned_data["directions"],
                targets=form.cleaned_data["targets"],
                lead=form.cleaned_data["lead"],
                values=form.values(),
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request,
                _(
                    "Carried into {program}: {contents} new contents, {targets} targets. "
                    "Edit or delete them in the program before it is signed."
                ).format(program=program, contents=len(result.contents), targets=result.targets),
            )
            if result.skipped:
                messages.info(
                    request,
                    _("{count} items had already been carried and were left as they are.").format(
                        count=result.skipped
                    ),
                )
            return redirect("reviews:carry_over_apply", pk=pk, program_pk=program.pk)
    rows = [
        {"choice": t, "value": form[form.value_fields[t.indicator_id]]}
        if t.indicator_id in form.value_fields
        else {"choice": t, "value": None}
        for t in targets
    ]
    return render(
        request,
        "reviews/carry_over_apply.html",
        {
            "title": _("Carry into {program}").format(program=program),
            "review": review,
            "program": program,
            "directions": directions,
            "rows": rows,
            "form": form,
            "program_url": _program_url(program),
            "open_directions": any(not d.carried for d in directions),
            "open_targets": any(t.carried is None for t in targets),
        },
    )


def _program_url(program: Program) -> str | None:
    for name in ("programs:detail", "programs:program"):
        try:
            return reverse(name, args=[program.pk])
        except NoReverseMatch:
            continue
    return None


def _clone_url(review: ReviewPeriod) -> str | None:
    """The programs app's clone page, prefilled with this review's program and the next
    year (it takes ?source=&year=&title=)."""
    try:
        url = reverse("programs:clone")
    except NoReverseMatch:
        return None
    return f"{url}?{urlencode({'source': review.program_id, 'year': review.program.year + 1})}"
