from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SearchConfig(AppConfig):
    name = "partnerhub.search"
    label = "search"
    verbose_name = _("Search")

    def ready(self) -> None:
        from partnerhub.search.indexer import connect_receivers

        connect_receivers()
