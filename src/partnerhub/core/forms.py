"""What every page with a form does around its app's service."""

from collections.abc import Callable
from typing import Any

from django.core.exceptions import ValidationError


def saved_through(form: Any, write: Callable[[], Any], *, renamed: dict[str, str] | None = None) -> bool:
    """Runs ``write`` (a service call); the rules it finds broken become the form's errors, each under
    its field (``renamed`` maps a service's field name to the form's) or the form's own."""
    try:
        write()
    except ValidationError as error:
        named = error.error_dict.items() if hasattr(error, "error_dict") else [(None, error)]
        for field, errors in named:
            field = (renamed or {}).get(field, field) if field else field
            form.add_error(field if field in form.fields else None, errors)
        return False
    return True
