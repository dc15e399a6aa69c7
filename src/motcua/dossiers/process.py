"""The internal process of a procedure version as stages: a stage is one step, or a run of
adjacent steps of one parallel group (consultations that run at the same time)."""

from __future__ import annotations

from functools import lru_cache

from motcua.catalog.models import ProcedureVersion, ProcessStep, StepKind


@lru_cache(maxsize=512)
def _stages(version_id: int, *moments: object) -> tuple[tuple[ProcessStep, ...], ...]:
    # A published version is frozen, so its stages can be remembered for the process's life.
    # The key has the version's creation and publication moments too: a number given again to
    # another version (SQLite reuses the ids of rows rolled back, as every test does) is another
    # version, and a draft read before it was published is read again once it is.
    stages: list[list[ProcessStep]] = []
    for step in ProcessStep.objects.filter(version_id=version_id).select_related("unit").order_by("position"):
        if stages and step.parallel_group and stages[-1][-1].parallel_group == step.parallel_group:
            stages[-1].append(step)
        else:
            stages.append([step])
    return tuple(tuple(stage) for stage in stages)


def stages(version: ProcedureVersion) -> tuple[tuple[ProcessStep, ...], ...]:
    return _stages(version.pk, version.created_at, version.published_at)


def stage_index(version: ProcedureVersion, process_step_id: int | None) -> int:
    for i, stage in enumerate(stages(version)):
        if any(s.pk == process_step_id for s in stage):
            return i
    return -1


def is_receive(stage: tuple[ProcessStep, ...]) -> bool:
    return any(s.kind == StepKind.RECEIVE for s in stage)


def is_return(stage: tuple[ProcessStep, ...]) -> bool:
    return any(s.kind == StepKind.RETURN for s in stage)


def approval_index(version: ProcedureVersion) -> int:
    """The stage that ends with the decision: the last one with an approval step (an earlier
    approval, e.g. a branch director's, forwards like any step), else the last one before the
    result goes back to the desk."""
    all_stages = stages(version)
    for i in range(len(all_stages) - 1, -1, -1):
        if any(s.kind == StepKind.APPROVE for s in all_stages[i]):
            return i
    work = [i for i, stage in enumerate(all_stages) if not is_receive(stage) and not is_return(stage)]
    return work[-1] if work else -1


def return_stage(version: ProcedureVersion) -> tuple[ProcessStep, ...] | None:
    return next((stage for stage in stages(version) if is_return(stage)), None)
