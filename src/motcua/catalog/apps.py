from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "motcua.catalog"
    label = "catalog"
    verbose_name = _("Danh mục thủ tục hành chính")

    def ready(self) -> None:
        from motcua.ui.navigation import NavItem, register

        register(NavItem(_("Thủ tục hành chính"), "catalog:list", "journal-bookmark", order=60))
