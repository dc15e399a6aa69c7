from __future__ import annotations

from django.http import HttpRequest
from ninja.security import HttpBearer

from motcua.api.tokens import user_for_token


class StaffToken(HttpBearer):
    """``Authorization: Bearer <personal token>``."""

    openapi_scheme = "bearer"

    def authenticate(self, request: HttpRequest, token: str):
        user = user_for_token(token)
        if user is not None:
            request.user = user
        return user
