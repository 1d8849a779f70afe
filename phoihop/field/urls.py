from django.urls import path

from phoihop.field import views

app_name = "field"

urlpatterns = [
    path("", views.app, name="app"),
    path("manifest.webmanifest", views.manifest, name="manifest"),
    path("sw.js", views.service_worker, name="service-worker"),
    path("reference.json", views.reference, name="reference"),
    path("reports.json", views.reports, name="reports"),
    path("sync/", views.sync, name="sync"),
    path("reports/<str:report>/photos/", views.photo, name="photo"),
]
