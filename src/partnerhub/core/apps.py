from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "partnerhub.core"
    label = "core"
    verbose_name = "Core"
