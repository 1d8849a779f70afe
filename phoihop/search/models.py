"""The search index: one row per searchable object, its text folded in our own code.

The full-text structure over the folded columns depends on the database: an FTS5 table
kept in step by triggers on SQLite (migration 0002); on PostgreSQL two generated
tsvector columns, the words with their positions (`document`, 0002) and every word's
leading characters (`prefixes`, 0003, for the last word typed), under one GIN index
(0004). Rows are written only by phoihop.search.index.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class SearchEntry(models.Model):
    kind = models.CharField(_("kind"), max_length=16)
    object_id = models.BigIntegerField(_("object"))
    # Coarse pre-filter only; what a user sees is decided by the permission policies.
    committee_id = models.BigIntegerField(null=True, blank=True)
    # Public from this moment (published articles, published programs); null = never.
    public_from = models.DateTimeField(null=True, blank=True, db_index=True)
    title = models.CharField(max_length=400)
    body = models.TextField(blank=True)
    folded_title = models.CharField(max_length=400)
    folded_body = models.TextField(blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("search entry")
        verbose_name_plural = _("search entries")
        constraints = [
            models.UniqueConstraint(fields=["kind", "object_id"], name="search_entry_object_uniq")
        ]

    def __str__(self) -> str:
        return f"{self.kind}:{self.object_id}"
