"""The project's URLconf plus the bare reference views of the benchmark."""

from django.urls import include, path

from bench import bare

urlpatterns = [
    path("bench/bare/<str:page>/", bare.render, name="bench-bare"),
    path("bench/floor/<str:page>/", bare.floor, name="bench-floor"),
    path("", include("phoihop.config.urls")),
]
handler403 = "phoihop.core.views.error_403"
handler404 = "phoihop.core.views.error_404"
handler500 = "phoihop.core.views.error_500"
