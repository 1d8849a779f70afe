from django.db import models
from django.utils.translation import pgettext_lazy


# Other apps translate these words differently (a program's draft is a “dự thảo”).
class ArticleStatus(models.TextChoices):
    DRAFT = "draft", pgettext_lazy("news status", "draft")
    IN_REVIEW = "in_review", pgettext_lazy("news status", "in review")
    PUBLISHED = "published", pgettext_lazy("news status", "published")
    ARCHIVED = "archived", pgettext_lazy("news status", "archived")
