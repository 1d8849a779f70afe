from django.urls import path

from phoihop.reviews import views

app_name = "reviews"

urlpatterns = [
    path("", views.review_list, name="list"),
    path("new/", views.review_create, name="create"),
    path("<int:pk>/", views.review_detail, name="detail"),
    path("<int:pk>/header/", views.review_header, name="header"),
    path("<int:pk>/sections/<slug:key>/", views.review_section, name="section"),
    path("<int:pk>/draft/", views.review_draft, name="draft"),
    path("<int:pk>/finalize/", views.review_finalize, name="finalize"),
    path("<int:pk>/directions/", views.direction_add, name="direction_add"),
    path("<int:pk>/download/<slug:fmt>/", views.review_download, name="download"),
    path("<int:pk>/commendations/", views.commendations, name="commendations"),
    path("commendations/<int:pk>/decide/", views.commendation_decide, name="decide"),
    path("<int:pk>/conference/", views.conference, name="conference"),
    path("<int:pk>/carry-over/", views.carry_over, name="carry_over"),
    path(
        "<int:pk>/carry-over/<int:program_pk>/",
        views.carry_over_apply,
        name="carry_over_apply",
    ),
]
