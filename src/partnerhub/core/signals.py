"""Signals that apps send and apps above them listen to, so that no app imports the one above it."""

from django.dispatch import Signal

# Sent by paths that write many records at once without save() (imports): ``sender`` is the
# model, ``pks`` the primary keys written or changed. The search index listens.
records_changed = Signal()
