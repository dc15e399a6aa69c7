"""The one way to write the audit log."""

from __future__ import annotations

import datetime as dt
import decimal
import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from motcua.audit import context
from motcua.audit.models import AuditEvent


class AuditOutsideTransaction(RuntimeError):
    """An audit record was written outside the transaction of the change it describes."""


def _plain(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, dt.datetime | dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, decimal.Decimal | uuid.UUID):
        return str(value)
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_plain(v) for v in value]
    return value


def snapshot(obj: models.Model, fields: Iterable[str] | None = None) -> dict[str, Any]:
    """The values of ``obj``'s concrete fields (or the named ones), ready for JSON."""
    names = fields or [f.attname for f in obj._meta.concrete_fields]
    return {name: _plain(getattr(obj, name)) for name in names}


def record(
    *,
    actor: Any,
    action: str,
    obj: models.Model,
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
) -> AuditEvent:
    """Record that ``actor`` did ``action`` to ``obj``.

    Must be called inside the ``transaction.atomic()`` block that makes the change, so that the
    change and its record are committed together or not at all.
    """
    if not transaction.get_connection().in_atomic_block:
        raise AuditOutsideTransaction(f"audit record for {action!r} written outside a transaction")
    where = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    return AuditEvent.objects.create(
        actor=actor if is_user else None,
        actor_name=(actor.display_name() if is_user else str(actor or "hệ thống"))[:200],
        action=action,
        object_type=obj._meta.label_lower,
        object_id=str(obj.pk),
        object_repr=str(obj)[:300],
        before=_plain(dict(before)) if before is not None else None,
        after=_plain(dict(after)) if after is not None else None,
        ip_address=where.ip_address,
        user_agent=where.user_agent,
        channel=where.channel or "system",
    )


def record_many(
    *,
    actor: Any,
    action: str,
    object_type: str,
    changes: Iterable[tuple[Any, str, Mapping[str, Any] | str | None, Mapping[str, Any] | str | None]],
) -> int:
    """Record one event per ``(object_id, object_repr, before, after)`` in bulk: for changes a
    background job makes to many rows at once (e.g. deadlines recomputed after a calendar
    change). Same rules as :func:`record`: inside the change's transaction. Written with one
    prepared statement, without building a model instance per row (a million rows must take
    seconds, not minutes); ``before`` and ``after`` are mappings of JSON values (strings,
    numbers, None), or such a mapping already serialised as JSON text."""
    connection = transaction.get_connection()
    if not connection.in_atomic_block:
        raise AuditOutsideTransaction(f"audit records for {action!r} written outside a transaction")
    where = context.current()
    is_user = actor is not None and getattr(actor, "is_authenticated", False)
    actor_id = actor.pk if is_user else None
    actor_name = (actor.display_name() if is_user else str(actor or "hệ thống"))[:200]
    at = connection.ops.adapt_datetimefield_value(timezone.now())
    channel = where.channel or "system"

    def as_json(values: Mapping[str, Any] | str | None) -> str | None:
        if values is None or isinstance(values, str):
            return values
        return json.dumps(values, ensure_ascii=False)

    rows = [
        (at, actor_id, actor_name, action, object_type, str(object_id), repr_[:300],
         as_json(before), as_json(after), where.ip_address, where.user_agent, channel)
        for object_id, repr_, before, after in changes
    ]
    table = AuditEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.executemany(
            f"INSERT INTO {table} (at, actor_id, actor_name, action, object_type, object_id, "
            "object_repr, before, after, ip_address, user_agent, channel) "
            "VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s)", rows)
    return len(rows)
