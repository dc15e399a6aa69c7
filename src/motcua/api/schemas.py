from __future__ import annotations

from ninja import Schema


class ErrorOut(Schema):
    """Every error: a message in the request's language, and field details where they apply."""

    detail: str
    errors: dict[str, list[str]] | None = None
