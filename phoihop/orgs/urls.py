from django.urls import path

from phoihop.orgs import views

app_name = "orgs"

urlpatterns = [
    path("people/", views.people, name="people"),
    path("people/import/", views.people_import, name="people_import"),
    path("people/import/sheet/", views.people_import_sheet, name="people_import_sheet"),
    path("people/template.xlsx", views.people_template, name="people_template"),
    path("accounts/<int:pk>/password/", views.password_reset, name="password_reset"),
]
