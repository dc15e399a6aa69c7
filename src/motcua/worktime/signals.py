"""Signals of the working-time engine, so that owners of tracked deadlines can refresh what they
cache without the engine knowing about them."""

from django.dispatch import Signal

#: Sent after the open deadlines of a schedule were recomputed (a calendar change);
#: ``schedule_id`` is the schedule's id.
deadlines_recomputed = Signal()
