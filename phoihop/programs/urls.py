from django.urls import path

from phoihop.programs import views

app_name = "programs"

urlpatterns = [
    path("", views.program_list, name="list"),
    path("new/", views.program_create, name="create"),
    path("clone/", views.program_clone, name="clone"),
    path("<int:pk>/", views.program_detail_page, name="detail"),
    path("<int:pk>/edit/", views.program_edit, name="edit"),
    path("<int:pk>/document.docx", views.program_document_view, name="document"),
    path("<int:pk>/trash/", views.program_trash, name="trash"),
    path("<int:pk>/status/<slug:move>/", views.program_move, name="move"),
    path("<int:pk>/parties/add/", views.party_add, name="party_add"),
    path("<int:pk>/contents/add/", views.content_add, name="content_add"),
    path("parties/<int:pk>/remove/", views.party_remove, name="party_remove"),
    path("parties/<int:pk>/sign/", views.party_sign, name="sign"),
    path("signatures/<int:pk>/copy/", views.signed_copy, name="signed_copy"),
    path("contents/<int:pk>/edit/", views.content_edit, name="content_edit"),
    path("contents/<int:pk>/delete/", views.content_delete, name="content_delete"),
    path("contents/<int:pk>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("indicators/<int:pk>/edit/", views.indicator_edit, name="indicator_edit"),
    path("indicators/<int:pk>/delete/", views.indicator_delete, name="indicator_delete"),
    path("indicators/<int:pk>/targets/", views.indicator_targets, name="targets"),
]
