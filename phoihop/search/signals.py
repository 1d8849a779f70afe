"""Every save and delete of a searchable object (or of a part shown in its row) updates
the index in the same transaction. Connected in SearchConfig.ready()."""

from __future__ import annotations

from typing import Any

from django.db.models.signals import post_delete, post_save

from phoihop.activities import events as activity_events
from phoihop.activities.models import Activity
from phoihop.news.models import Article, ArticleImage
from phoihop.orgs.models import Organization
from phoihop.practices.models import Practice
from phoihop.programs.models import Program, ProgramContent, ProgramParty
from phoihop.search import index

OWNERS = (Article, Program, Activity, Practice, Organization)
# part model -> attribute leading to the owner whose row shows it
PARTS: dict[type, str] = {
    ArticleImage: "article_id",
    ProgramContent: "program_id",
    ProgramParty: "program_id",
}
PART_OWNER = {ArticleImage: Article, ProgramContent: Program, ProgramParty: Program}


def _saved(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:  # loading fixtures: `phoihop search_reindex` afterwards
        return
    index.index_object(instance)


def _deleted(sender: Any, instance: Any, **kwargs: Any) -> None:
    index.unindex(sender, [instance.pk])


def _part_changed(sender: Any, instance: Any, raw: bool = False, **kwargs: Any) -> None:
    if raw:
        return
    owner_model = PART_OWNER[sender]
    owner_id = getattr(instance, PARTS[sender])
    if owner_id is not None:
        index.reindex(owner_model, [owner_id])


def _activities_created(ids: Any) -> None:
    """Reports inserted in bulk (activities_create_many) send no post_save."""
    index.reindex(Activity, ids)


def _activities_inserted(activities: Any) -> None:
    """The same, told the reports as inserted: their rows are built from them."""
    index.index_inserted(Activity, list(activities))


def connect() -> None:
    activity_events.register_created_listener(_activities_created, inserted=_activities_inserted)
    for model in OWNERS:
        post_save.connect(_saved, sender=model, dispatch_uid=f"search-save-{model.__name__}")
        post_delete.connect(_deleted, sender=model, dispatch_uid=f"search-del-{model.__name__}")
    for part in PARTS:
        post_save.connect(_part_changed, sender=part, dispatch_uid=f"search-save-{part.__name__}")
        post_delete.connect(_part_changed, sender=part, dispatch_uid=f"search-del-{part.__name__}")
