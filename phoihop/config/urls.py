from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import JavaScriptCatalog, set_language

from phoihop.core import views as core_views
from phoihop.core.forms import LoginForm

urlpatterns = [
    path("", include("phoihop.core.urls")),
    # The public face (news, public program pages) owns the site's front page.
    path("", include("phoihop.news.urls")),
    path("search/", include("phoihop.search.urls")),
    path("app/", include("phoihop.dashboard.urls")),
    path("app/orgs/", include("phoihop.orgs.urls")),
    path("app/programs/", include("phoihop.programs.urls")),
    path("app/activities/", include("phoihop.activities.urls")),
    path("app/practices/", include("phoihop.practices.urls")),
    path("app/figures/", include("phoihop.figures.urls")),
    path("app/reviews/", include("phoihop.reviews.urls")),
    path("app/exports/", include("phoihop.exports.urls")),
    path("app/field/", include("phoihop.field.urls")),
    path("api/", include("phoihop.api.urls")),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(
            authentication_form=LoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("accounts/logout/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "accounts/password/",
        core_views.PasswordChangeView.as_view(),
        name="password_change",
    ),
    path(
        "accounts/password/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path("i18n/setlang/", set_language, name="set_language"),
    path("i18n/js/", JavaScriptCatalog.as_view(), name="javascript-catalog"),
    path("admin/", admin.site.urls),
]

handler403 = "phoihop.core.views.error_403"
handler404 = "phoihop.core.views.error_404"
handler500 = "phoihop.core.views.error_500"
