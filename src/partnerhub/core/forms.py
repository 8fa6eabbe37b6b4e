"""What every page with a form does around its app's service."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError

from partnerhub.core.concurrency import EditConflict


def saved_through(form: Any, write: Callable[[], Any], *, renamed: dict[str, str] | None = None) -> bool:
    """Runs ``write`` (a service call); the rules it finds broken become the form's errors, each under
    its field (``renamed`` maps a service's field name to the form's) or the form's own."""
    try:
        write()
    except EditConflict as conflict:
        _show_conflict(form, conflict)
        return False
    except ValidationError as error:
        named = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error)]
        for field, errors in named:
            field = (renamed or {}).get(field, field) if field else field
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True


def _show_conflict(form: Any, conflict: EditConflict) -> None:
    """The refusal as the form's own error. The form now carries the current version, so that
    saving again, after reading the warning, is a deliberate choice."""
    form.add_error(None, conflict.message)
    form.edit_conflict = conflict
    if conflict.current_version is not None:
        form.data = form.data.copy()
        form.data["version"] = str(conflict.current_version)


def refused_as_conflict(form: Any) -> bool:
    """Whether the save was refused because someone changed the record meanwhile (answer 409)."""
    return getattr(form, "edit_conflict", None) is not None
