"""Sending SMS through a gateway. Agencies contract different providers (Viettel, VNPT …), so
the gateway is a small interface chosen by the setting ``MOTCUA_SMS_BACKEND``; the default only
writes the message to the log (nothing leaves an isolated network)."""

from __future__ import annotations

import logging
from typing import Protocol

from django.conf import settings
from django.utils.module_loading import import_string

logger = logging.getLogger("motcua.notify.sms")


class Gateway(Protocol):
    def send(self, phone: str, text: str) -> None: ...


class LogGateway:
    """Writes each SMS to the log instead of sending it."""

    sent: list[tuple[str, str]] = []  # the last messages, for checking in tests and demos

    def send(self, phone: str, text: str) -> None:
        logger.info("SMS to %s: %s", phone, text)
        LogGateway.sent = [*LogGateway.sent[-99:], (phone, text)]


def gateway() -> Gateway:
    return import_string(settings.MOTCUA_SMS_BACKEND)()
