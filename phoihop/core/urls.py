from django.urls import path

from phoihop.core import trash_views, views

app_name = "core"

urlpatterns = [
    path("home/", views.home, name="home"),
    path("healthz", views.healthz, name="healthz"),
    path("app/trash/", trash_views.trash_list, name="trash"),
    path(
        "app/trash/<str:model>/<int:pk>/restore/",
        trash_views.trash_restore,
        name="trash_restore",
    ),
    path("app/notifications/", views.notifications, name="notifications"),
    path("app/notifications/<int:pk>/open/", views.notification_open, name="notification_open"),
    path("app/notifications/read/", views.notifications_read_all, name="notifications_read_all"),
]
