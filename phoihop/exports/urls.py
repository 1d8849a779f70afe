from django.urls import path

from phoihop.exports import views

app_name = "exports"

urlpatterns = [
    path("", views.index, name="index"),
    path("template/<int:program>/<int:organization>/", views.template, name="template"),
    path("upload/<int:program>/<int:organization>/", views.upload, name="upload"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/status/", views.job_status, name="job_status"),
    path("jobs/<int:pk>/marked/", views.job_marked, name="job_marked"),
    path(
        "programs/<int:pk>/figures.<str:fmt>",
        views.program_breakdown,
        name="program_breakdown",
    ),
    path("reviews/<int:pk>/figures.<str:fmt>", views.review_breakdown, name="review_breakdown"),
    path(
        "committees/<int:pk>/programs.zip",
        views.committee_programs,
        name="committee_programs",
    ),
    path(
        "committees/<int:pk>/programs/import/",
        views.committee_programs_import,
        name="committee_programs_import",
    ),
]
