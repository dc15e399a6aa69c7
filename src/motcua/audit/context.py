"""Where the current change comes from (address, browser, channel), set per request."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    ip_address: str | None = None
    user_agent: str = ""
    channel: str = ""


NO_REQUEST = RequestContext()
_current: ContextVar[RequestContext] = ContextVar("motcua_request_context", default=NO_REQUEST)


def current() -> RequestContext:
    return _current.get()


def set_current(context: RequestContext):
    return _current.set(context)


def reset(token) -> None:
    _current.reset(token)
