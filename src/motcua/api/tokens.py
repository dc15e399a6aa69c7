"""Personal API tokens: create, revoke, authenticate."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.api.models import ApiToken
from motcua.audit.services import record
from motcua.org.access import can_manage_organisation
from motcua.org.models import User

TOKEN_PREFIX = "mc_"
LAST_USED_PRECISION = dt.timedelta(minutes=5)


def _digest(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


@transaction.atomic
def create_api_token(*, actor: User | None, user: User, name: str = "") -> tuple[ApiToken, str]:
    """Create a token for ``user`` and return it with its secret value (shown only now).

    ``actor`` is ``None`` only for the server's own command line (``create_api_token``).
    """
    if actor is not None and actor.pk != user.pk and not can_manage_organisation(actor):
        raise PermissionDenied(_("Bạn chỉ có thể tạo mã truy cập cho chính mình."))
    if not user.is_active:
        raise ValidationError(_("Tài khoản đã bị khóa, không thể tạo mã truy cập."))
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(user=user, name=name.strip()[:100], prefix=raw[:10],
                                    digest=_digest(raw))
    record(actor=actor or "dòng lệnh máy chủ", action="api.token.create", obj=token,
           after={"user": user.username, "name": token.name, "prefix": token.prefix})
    return token, raw


@transaction.atomic
def revoke_api_token(*, actor: User, token: ApiToken) -> ApiToken:
    if actor.pk != token.user_id and not can_manage_organisation(actor):
        raise PermissionDenied(_("Bạn chỉ có thể thu hồi mã truy cập của chính mình."))
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        record(actor=actor, action="api.token.revoke", obj=token,
               after={"revoked_at": token.revoked_at})
    return token


def user_for_token(raw: str) -> User | None:
    """The active user a token belongs to, or ``None`` for an unknown or revoked token."""
    if not raw or not raw.startswith(TOKEN_PREFIX) or len(raw) > 100:
        return None
    token = (ApiToken.objects.select_related("user")
             .filter(digest=_digest(raw), revoked_at__isnull=True).first())
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user
