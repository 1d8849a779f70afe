"""Permission policy of the search index: read only through `search.selectors`, which
filter every hit by the policies of the objects found; directly, by administrators."""

from django.db import models

from phoihop.core import permissions as p
from phoihop.search.models import SearchEntry


@p.register_policy(SearchEntry)
def search_entry_policy(qs: models.QuerySet, scope: p.Scope, action: str) -> models.QuerySet:
    return qs if scope.is_admin and action == p.VIEW else qs.none()
