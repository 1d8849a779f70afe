"""The review conference becomes a draft article (registered in NewsConfig.ready)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from phoihop.news import services
from phoihop.news.models import Article
from phoihop.orgs.models import Committee
from phoihop.reviews.events import ConferenceArticleDraft


def conference_to_draft(draft: ConferenceArticleDraft, actor: Any) -> Article:
    """Save the proposed article as a draft through the news service (which cleans the
    body), for an editor to review and publish."""
    committee = Committee.objects.get(pk=draft.committee_id)
    return services.article_create(
        actor=actor,
        committee=committee,
        title=draft.title,
        lead=draft.lead,
        body=draft.body_html,
        origin=_("Generated from the review conference"),
    )
