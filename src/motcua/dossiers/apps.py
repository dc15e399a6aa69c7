from django.apps import AppConfig


class DossiersConfig(AppConfig):
    name = "motcua.dossiers"
    label = "dossiers"
    verbose_name = "Hồ sơ"

    def ready(self) -> None:
        from motcua.dossiers import navigation  # noqa: F401  (registers the menu entries)
        from motcua.dossiers.receivers import refresh_after_recompute
        from motcua.worktime.signals import deadlines_recomputed

        deadlines_recomputed.connect(refresh_after_recompute, dispatch_uid="dossiers.refresh_due_moments")
