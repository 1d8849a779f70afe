from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from phoihop.api import excel, views

app_name = "api"

router = SimpleRouter()
router.include_format_suffixes = False
router.register("committees", views.CommitteeViewSet, basename="committee")
router.register("organizations", views.OrganizationViewSet, basename="organization")
router.register("admin-units", views.AdminUnitViewSet, basename="admin-unit")
router.register("target-groups", views.TargetGroupViewSet, basename="target-group")
router.register("programs", views.ProgramViewSet, basename="program")
router.register("contents", views.ContentViewSet, basename="content")
router.register("indicators", views.IndicatorViewSet, basename="indicator")
router.register("targets", views.TargetViewSet, basename="target")
router.register("parties", views.PartyViewSet, basename="party")
router.register("signatures", views.SignatureViewSet, basename="signature")
router.register("activities", views.ActivityViewSet, basename="activity")
router.register("credits", views.CreditViewSet, basename="credit")
router.register("nil-reports", views.NilReportViewSet, basename="nil-report")
router.register("practices", views.PracticeViewSet, basename="practice")
router.register("evaluations", views.EvaluationViewSet, basename="evaluation")
router.register("replications", views.ReplicationViewSet, basename="replication")
router.register("reviews", views.ReviewViewSet, basename="review")
router.register("import-jobs", excel.ImportJobViewSet, basename="import-job")


class SwaggerView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar package; its start-up script is a separate file, so
    the strict CSP needs no inline script."""

    template_name = "api/swagger_ui.html"
    url_name = "api:schema"


urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SwaggerView.as_view(), name="docs"),
    path("token/", views.TokenView.as_view(), name="token"),
    path(
        "excel/<int:program>/<int:organization>/template/",
        excel.ExcelTemplateView.as_view(),
        name="excel-template",
    ),
    path(
        "excel/<int:program>/<int:organization>/upload/",
        excel.ExcelUploadView.as_view(),
        name="excel-upload",
    ),
    path("", include(router.urls)),
]
