"""Marking strings for translation without touching Django settings at import time.

``django.utils.translation.gettext_noop`` reads ``settings.USE_I18N`` when called, which would
make the pure engine unimportable outside a configured project. ``makemessages`` extracts by
function name, so this local ``gettext_noop`` marks msgids just the same.
"""


def gettext_noop(message: str) -> str:
    return message
