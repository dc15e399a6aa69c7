from django.apps import AppConfig


class CommonConfig(AppConfig):
    name = "motcua.common"
    label = "common"
