from django.urls import path

from phoihop.activities import views

app_name = "activities"

urlpatterns = [
    path("", views.activity_list, name="list"),
    path("queue/", views.approval_queue, name="queue"),
    path("queue/decide/", views.bulk_decide, name="bulk"),
    path("new/", views.activity_create, name="create"),
    path("autosave/", views.autosave, name="autosave"),
    path("form/parts/", views.content_parts, name="parts"),
    path("communes/", views.communes, name="communes"),
    path("<int:pk>/", views.activity_detail, name="detail"),
    path("<int:pk>/edit/", views.activity_edit, name="edit"),
    path("<int:pk>/submit/", views.activity_submit, name="submit"),
    path("<int:pk>/approve/", views.activity_approve, name="approve"),
    path("<int:pk>/return/", views.activity_return, name="return"),
    path("<int:pk>/revise/", views.activity_revise, name="revise"),
    path("<int:pk>/trash/", views.activity_trash, name="trash"),
    path("<int:pk>/comments/", views.comment_add, name="comment"),
    path("<int:pk>/credits/<int:credit_pk>/confirm/", views.credit_confirm, name="credit_confirm"),
    path("<int:pk>/files/", views.attachment_add, name="attachment_add"),
    path("<int:pk>/files/<int:attachment_pk>/", views.attachment_file, name="attachment"),
    path(
        "<int:pk>/files/<int:attachment_pk>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
]
