"""Every change to the organisation: units, staff and positions. Each function is one
transaction, checks that the actor may do it, and writes its audit record."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from motcua.audit.services import record, snapshot
from motcua.org.access import require_organisation_admin
from motcua.org.models import Agency, Position, Unit, UnitKind, UnitName, User

UNIT_FIELDS = ("parent_id", "kind", "code", "name", "short_name", "valid_from", "valid_to",
               "successor_id", "decision", "address", "phone")
STAFF_FIELDS = ("username", "full_name", "email", "phone", "is_active")
POSITION_FIELDS = ("user_id", "unit_id", "role", "title", "valid_from", "valid_to")


def _not_ended_before(day: dt.date) -> Q:
    """Rows still running on ``day`` or starting later (their validity not over by then)."""
    return Q(valid_to__isnull=True) | Q(valid_to__gte=day)


def _today() -> dt.date:
    return timezone.localdate()


def _check_parent(unit_agency: Agency, parent: Unit | None, unit: Unit | None = None) -> None:
    if parent is None:
        return
    if parent.agency_id != unit_agency.id:
        raise ValidationError({"parent": _("Đơn vị cấp trên phải thuộc cùng cơ quan.")})
    if not parent.is_active():
        raise ValidationError({"parent": _("Đơn vị cấp trên đã ngừng hoạt động.")})
    node = parent
    while node is not None and unit is not None:
        if node.id == unit.id:
            raise ValidationError({"parent": _("Không thể đặt đơn vị làm cấp dưới của chính nó.")})
        node = node.parent


def _check_unique_code(agency: Agency, code: str, unit: Unit | None = None) -> None:
    clash = Unit.objects.filter(agency=agency, code=code)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if clash.exists():
        raise ValidationError({"code": _("Mã đơn vị “%(code)s” đã được dùng.") % {"code": code}})


@transaction.atomic
def create_unit(
    *,
    actor: User,
    agency: Agency,
    name: str,
    code: str,
    kind: str,
    parent: Unit | None = None,
    short_name: str = "",
    valid_from: dt.date | None = None,
    decision: str = "",
    address: str = "",
    phone: str = "",
) -> Unit:
    """Establish a unit (thành lập đơn vị)."""
    require_organisation_admin(actor)
    if kind not in UnitKind.values:
        raise ValidationError({"kind": _("Loại đơn vị không hợp lệ.")})
    _check_parent(agency, parent)
    _check_unique_code(agency, code)
    valid_from = valid_from or _today()
    unit = Unit(agency=agency, parent=parent, kind=kind, code=code, name=name.strip(),
                short_name=short_name.strip(), name_since=valid_from, valid_from=valid_from,
                decision=decision, address=address, phone=phone)
    unit.full_clean()
    unit.save()
    record(actor=actor, action="org.unit.create", obj=unit, after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def update_unit(
    *,
    actor: User,
    unit: Unit,
    parent: Unit | None,
    kind: str,
    code: str,
    short_name: str = "",
    decision: str = "",
    address: str = "",
    phone: str = "",
) -> Unit:
    """Correct a unit's details. Its name changes only through :func:`rename_unit`."""
    require_organisation_admin(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    before = snapshot(unit, UNIT_FIELDS)
    _check_parent(unit.agency, parent, unit)
    _check_unique_code(unit.agency, code, unit)
    unit.parent, unit.kind, unit.code = parent, kind, code
    unit.short_name, unit.decision, unit.address, unit.phone = short_name, decision, address, phone
    unit.full_clean()
    unit.save()
    record(actor=actor, action="org.unit.update", obj=unit, before=before,
           after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def rename_unit(
    *, actor: User, unit: Unit, new_name: str, effective: dt.date, decision: str = ""
) -> Unit:
    """Rename a unit from ``effective`` on; the old name stays attached to the earlier period."""
    require_organisation_admin(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    new_name = new_name.strip()
    if not new_name or new_name == unit.name:
        raise ValidationError({"new_name": _("Tên mới phải khác tên hiện tại.")})
    if effective <= unit.name_since:
        raise ValidationError({"effective": _(
            "Ngày đổi tên phải sau ngày bắt đầu dùng tên hiện tại (%(day)s)."
        ) % {"day": unit.name_since.strftime("%d/%m/%Y")}})
    before = snapshot(unit, ("name", "name_since"))
    UnitName.objects.create(unit=unit, name=unit.name, valid_from=unit.name_since,
                            valid_to=effective - dt.timedelta(days=1), decision=decision)
    unit.name, unit.name_since = new_name, effective
    unit.save()
    record(actor=actor, action="org.unit.rename", obj=unit, before=before,
           after={**snapshot(unit, ("name", "name_since")), "decision": decision})
    return unit


def _close_unit(unit: Unit, last_day: dt.date, successor: Unit | None, decision: str) -> None:
    unit.valid_to, unit.successor = last_day, successor
    if decision:
        unit.decision = decision
    unit.save()


@transaction.atomic
def merge_units(
    *, actor: User, units: Sequence[Unit], into: Unit, effective: dt.date, decision: str = ""
) -> Unit:
    """Merge ``units`` into ``into`` from ``effective`` on (sáp nhập).

    The merged units end the day before; their sub-units move under ``into`` and their staff's
    current positions end and continue, with the same role and title, in ``into``. Dossiers and
    history stay with the old units, whose successor is ``into``.
    """
    require_organisation_admin(actor)
    sources = list(Unit.objects.select_for_update().filter(pk__in=[u.pk for u in units])
                   .order_by("pk"))
    if not sources:
        raise ValidationError({"units": _("Chọn ít nhất một đơn vị để sáp nhập.")})
    if any(u.pk == into.pk for u in sources):
        raise ValidationError({"into": _("Đơn vị tiếp nhận không thể là đơn vị bị sáp nhập.")})
    if not into.is_active(effective):
        raise ValidationError({"into": _("Đơn vị tiếp nhận không hoạt động vào ngày sáp nhập.")})
    above, node = set(), into.parent
    while node is not None:
        above.add(node.pk)
        node = node.parent
    if any(source.pk in above for source in sources):
        raise ValidationError({"units": _(
            "Không thể sáp nhập đơn vị cấp trên vào đơn vị cấp dưới của nó."
        )})
    last_day = effective - dt.timedelta(days=1)
    for source in sources:
        if source.agency_id != into.agency_id:
            raise ValidationError({"units": _("Chỉ sáp nhập các đơn vị cùng cơ quan.")})
        if not source.is_active(effective) or source.valid_from > last_day:
            raise ValidationError({"units": _(
                "Đơn vị “%(name)s” không hoạt động vào ngày sáp nhập."
            ) % {"name": source.name}})
        source.refresh_from_db()  # an earlier source of this merge may have moved it
        before = snapshot(source, UNIT_FIELDS)
        for child in source.children.filter(_not_ended_before(effective)):
            child_before = snapshot(child, UNIT_FIELDS)
            child.parent = into
            child.save()
            record(actor=actor, action="org.unit.move", obj=child, before=child_before,
                   after=snapshot(child, UNIT_FIELDS))
        for position in source.positions.filter(_not_ended_before(effective)):
            _transfer_position(actor, position, into, effective)
        _close_unit(source, last_day, into, decision)
        record(actor=actor, action="org.unit.merge", obj=source, before=before,
               after=snapshot(source, UNIT_FIELDS))
    return into


@transaction.atomic
def dissolve_unit(*, actor: User, unit: Unit, effective: dt.date, decision: str = "") -> Unit:
    """Dissolve a unit from ``effective`` on (giải thể). Its sub-units and staff must be moved
    first, so that nobody is left attached to a unit that no longer exists."""
    require_organisation_admin(actor)
    unit = Unit.objects.select_for_update().get(pk=unit.pk)
    if not unit.is_active(effective) or unit.valid_from >= effective:
        raise ValidationError({"effective": _("Đơn vị không hoạt động vào ngày giải thể.")})
    if unit.children.filter(_not_ended_before(effective)).exists():
        raise ValidationError({"effective": _(
            "Đơn vị còn đơn vị cấp dưới đang hoạt động; hãy chuyển hoặc giải thể chúng trước."
        )})
    if unit.positions.filter(_not_ended_before(effective)).exists():
        raise ValidationError({"effective": _(
            "Đơn vị còn cán bộ đang công tác; hãy kết thúc hoặc chuyển vị trí của họ trước."
        )})
    before = snapshot(unit, UNIT_FIELDS)
    _close_unit(unit, effective - dt.timedelta(days=1), None, decision)
    record(actor=actor, action="org.unit.dissolve", obj=unit, before=before,
           after=snapshot(unit, UNIT_FIELDS))
    return unit


@transaction.atomic
def create_staff(
    *,
    actor: User,
    username: str,
    full_name: str,
    password: str,
    email: str = "",
    phone: str = "",
) -> User:
    """Create a staff account. Positions are given with :func:`assign_position`."""
    require_organisation_admin(actor)
    username = username.strip().lower()
    if User.objects.filter(username__iexact=username).exists():
        raise ValidationError({"username": _("Tên đăng nhập “%(u)s” đã tồn tại.") % {"u": username}})
    user = User(username=username, full_name=full_name.strip(), email=email.strip(), phone=phone)
    validate_password(password, user)
    user.set_password(password)
    user.full_clean(exclude=["password"])
    user.save()
    record(actor=actor, action="org.staff.create", obj=user, after=snapshot(user, STAFF_FIELDS))
    return user


@transaction.atomic
def create_staff_with_position(
    *,
    actor: User,
    username: str,
    full_name: str,
    password: str,
    unit: Unit,
    role: str,
    title: str = "",
    email: str = "",
    phone: str = "",
    valid_from: dt.date | None = None,
) -> User:
    """Create a staff account together with its first position: both or neither."""
    user = create_staff(actor=actor, username=username, full_name=full_name, password=password,
                        email=email, phone=phone)
    assign_position(actor=actor, user=user, unit=unit, role=role, title=title,
                    valid_from=valid_from)
    return user


@transaction.atomic
def update_staff(
    *, actor: User, user: User, full_name: str, email: str = "", phone: str = "",
    is_active: bool = True,
) -> User:
    require_organisation_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _protect_superuser(actor, user)
    if user.pk == actor.pk and not is_active:
        raise ValidationError({"is_active": _("Bạn không thể tự khóa tài khoản của mình.")})
    before = snapshot(user, STAFF_FIELDS)
    user.full_name, user.email, user.phone, user.is_active = full_name.strip(), email, phone, is_active
    user.full_clean(exclude=["password"])
    user.save()
    record(actor=actor, action="org.staff.update", obj=user, before=before,
           after=snapshot(user, STAFF_FIELDS))
    return user


def _protect_superuser(actor: User, user: User) -> None:
    """Only a superuser changes a superuser's account: an administrator of the organisation
    must not be able to take over the technical superuser (Django admin)."""
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Chỉ tài khoản quản trị kỹ thuật (superuser) được sửa tài khoản này."))


@transaction.atomic
def set_staff_password(*, actor: User, user: User, password: str) -> User:
    """Set a new password: an administrator for anyone, a staff member for themself."""
    if actor.pk != user.pk:
        require_organisation_admin(actor)
    user = User.objects.select_for_update().get(pk=user.pk)
    _protect_superuser(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    record(actor=actor, action="org.staff.set_password", obj=user)
    return user


def _check_position(user: User, unit: Unit, role: str, valid_from: dt.date) -> None:
    if not unit.is_active(valid_from):
        raise ValidationError({"unit": _("Đơn vị không hoạt động vào ngày bắt đầu.")})
    overlapping = Position.objects.filter(user=user, unit=unit, role=role).active_on(valid_from)
    if overlapping.exists():
        raise ValidationError({"role": _("Cán bộ đã giữ vai trò này tại đơn vị này.")})


@transaction.atomic
def assign_position(
    *, actor: User, user: User, unit: Unit, role: str, title: str = "",
    valid_from: dt.date | None = None,
) -> Position:
    """Give ``user`` a role in ``unit`` from ``valid_from`` (default today)."""
    require_organisation_admin(actor)
    valid_from = valid_from or _today()
    _check_position(user, unit, role, valid_from)
    position = Position(user=user, unit=unit, role=role, title=title.strip(), valid_from=valid_from)
    position.full_clean()
    position.save()
    record(actor=actor, action="org.position.assign", obj=position,
           after=snapshot(position, POSITION_FIELDS))
    return position


@transaction.atomic
def end_position(*, actor: User, position: Position, last_day: dt.date | None = None) -> Position:
    """End a position on ``last_day`` (default today)."""
    require_organisation_admin(actor)
    position = Position.objects.select_for_update().get(pk=position.pk)
    last_day = last_day or _today()
    if position.valid_to is not None and position.valid_to <= last_day:
        raise ValidationError({"last_day": _("Vị trí này đã kết thúc.")})
    if last_day < position.valid_from:
        raise ValidationError({"last_day": _("Ngày kết thúc phải sau ngày bắt đầu.")})
    before = snapshot(position, POSITION_FIELDS)
    position.valid_to = last_day
    position.save()
    record(actor=actor, action="org.position.end", obj=position, before=before,
           after=snapshot(position, POSITION_FIELDS))
    return position


def _transfer_position(actor: User, position: Position, unit: Unit, effective: dt.date) -> Position:
    before = snapshot(position, POSITION_FIELDS)
    if position.valid_from >= effective:  # not started yet: it simply starts in the new unit
        position.unit = unit
        position.save()
        record(actor=actor, action="org.position.move", obj=position, before=before,
               after=snapshot(position, POSITION_FIELDS))
        return position
    planned_end = position.valid_to  # the position continues in the new unit until then
    position.valid_to = effective - dt.timedelta(days=1)
    position.save()
    record(actor=actor, action="org.position.end", obj=position, before=before,
           after=snapshot(position, POSITION_FIELDS))
    if Position.objects.filter(user=position.user, unit=unit, role=position.role).active_on(
            effective).exists():
        return position  # already holds that role in the receiving unit
    moved = Position.objects.create(user=position.user, unit=unit, role=position.role,
                                    title=position.title, valid_from=effective,
                                    valid_to=planned_end)
    record(actor=actor, action="org.position.assign", obj=moved,
           after=snapshot(moved, POSITION_FIELDS))
    return moved
