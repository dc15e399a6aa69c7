"""Who may do what to a dossier (on top of what :mod:`motcua.org.access` lets them see).

* The **desk** (desk officers of the agency) receives, refuses, guides completion, receives
  supplements, returns results and records withdrawals. The desk never decides.
* The **handling unit** of a step works on it: its officers (any of them when the step names no
  leader role), the heads of that unit and of the units above it, and the agency's leaders.
  A step for a leader role (the unit head's review, the director's signature) is for leaders only.
* **Leaders of a step** (heads of its unit or above, agency leaders) assign and reassign it,
  send it back, reject the dossier, and sign the apology letter.
* Only an **agency leader** cancels a dossier accepted in error.
"""

from __future__ import annotations

from motcua.dossiers.models import Dossier, DossierStep
from motcua.org.access import active_positions, led_unit_ids, sees_reception, visible_unit_ids
from motcua.org.models import Role, User

LEADER_ROLES = frozenset({Role.UNIT_HEAD, Role.AGENCY_LEADER})
WORKER_ROLES = frozenset({Role.SPECIALIST, Role.UNIT_HEAD, Role.DESK_OFFICER})


def leader_agency_ids(user: User) -> set[int]:
    return {p.unit.agency_id for p in active_positions(user) if p.role == Role.AGENCY_LEADER}


def desk_agency_ids(user: User) -> set[int]:
    return {p.unit.agency_id for p in active_positions(user) if p.role == Role.DESK_OFFICER}


def is_desk_officer(user: User, agency_id: int) -> bool:
    return agency_id in desk_agency_ids(user)


def is_agency_leader(user: User, agency_id: int) -> bool:
    return agency_id in leader_agency_ids(user)


def leads_step(user: User, step: DossierStep) -> bool:
    return step.unit_id in led_unit_ids(user) or is_agency_leader(user, step.unit.agency_id)


def works_on_step(user: User, step: DossierStep) -> bool:
    if step.role == Role.AGENCY_LEADER:
        return is_agency_leader(user, step.unit.agency_id)
    if leads_step(user, step):
        return True
    if step.role in LEADER_ROLES:
        return False
    return any(p.unit_id == step.unit_id and p.role in WORKER_ROLES for p in active_positions(user))


def may_see(user: User, dossier: Dossier, step_unit_ids: set[int] | None = None) -> bool:
    """Whether ``user`` may open ``dossier``: the desk and agency-wide roles see every dossier
    of their agency; others see the dossiers that passed through a unit they see."""
    agencies = {p.unit.agency_id for p in active_positions(user)}
    if dossier.agency_id in agencies and sees_reception(user):
        return True
    if user.is_superuser and not active_positions(user):
        return True
    if step_unit_ids is None:
        step_unit_ids = set(dossier.steps.values_list("unit_id", flat=True))
    return bool(step_unit_ids & visible_unit_ids(user))
