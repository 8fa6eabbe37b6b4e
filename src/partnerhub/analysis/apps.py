from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AnalysisConfig(AppConfig):
    name = "partnerhub.analysis"
    label = "analysis"
    verbose_name = _("Coordination analytics")
