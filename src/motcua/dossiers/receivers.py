"""Reactions of the dossier module to other modules' signals."""

from __future__ import annotations

from motcua.dossiers.services import refresh_due_moments


def refresh_after_recompute(sender, *, schedule_id: int, **kwargs) -> None:
    """A calendar change moved tracked deadlines: copy them into the dossiers' work-queue cache."""
    refresh_due_moments(schedule_id=schedule_id)
