from __future__ import annotations

from ninja import Router, Schema

from motcua.api.schemas import ErrorOut
from motcua.org.access import active_positions, roles_of

router = Router(tags=["me"])


class UnitOut(Schema):
    id: int
    code: str
    name: str
    agency_code: str


class PositionOut(Schema):
    unit: UnitOut
    role: str
    role_label: str
    title: str


class MeOut(Schema):
    username: str
    full_name: str
    email: str
    roles: list[str]
    units: list[UnitOut]
    positions: list[PositionOut]


def _unit(unit) -> UnitOut:
    return UnitOut(id=unit.id, code=unit.code, name=unit.name, agency_code=unit.agency.code)


@router.get("/me", response={200: MeOut, 401: ErrorOut}, summary="The caller: name, units, roles")
def me(request):
    user = request.auth
    positions = active_positions(user)
    units = {p.unit_id: p.unit for p in positions}
    return MeOut(
        username=user.username,
        full_name=user.display_name(),
        email=user.email,
        roles=sorted(roles_of(user)),
        units=[_unit(u) for u in units.values()],
        positions=[PositionOut(unit=_unit(p.unit), role=p.role, role_label=str(p.get_role_display()),
                               title=p.title) for p in positions],
    )
