from django.urls import path

from phoihop.dashboard import views

app_name = "dashboard"

urlpatterns = [
    path("", views.home, name="home"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/<slug:table>.<str:fmt>", views.export, name="export"),
    path("completeness/", views.completeness, name="completeness"),
    path("nil-report/", views.nil_report, name="nil_report"),
    path("organizations/<int:pk>/summary/", views.organization, name="organization"),
]
