"""What every page with a form does around its app's service."""

from collections.abc import Callable
from typing import Any

from django import forms
from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.utils.translation import gettext as _

from partnerhub.core.concurrency import EditConflict
from partnerhub.core.types import StrOrPromise

# The hidden field of every edit form that carries the version the editor read (core.concurrency).
VERSION_FIELD = "version"


def ask_for_version(form: forms.BaseForm, version: int, *, what: StrOrPromise) -> None:
    """Adds to ``form`` the hidden field that sends back the version the editor read (``version_of``
    the record): a change without it is an error, a change based on an older one is refused
    (``saved_through``). ``what`` names the record in the error, such as "the action"."""
    field = forms.IntegerField(widget=forms.HiddenInput, min_value=1, initial=version)
    field.error_messages["required"] = _(
        "The form does not say which version of %(what)s it changes: open %(what)s again."
    ) % {"what": what}
    form.fields[VERSION_FIELD] = field


def read_version(form: forms.BaseForm) -> int | None:
    """The version the editor read, once the form is valid; None on a form that does not ask for it."""
    version: int | None = form.cleaned_data.get(VERSION_FIELD)
    return version


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
    if conflict.changed_fields:
        labels = ", ".join(str(_label(form, name)) for name in conflict.changed_fields)
        form.add_error(None, _("They changed: %(fields)s.") % {"fields": labels})
    form.edit_conflict = conflict
    if conflict.current_version is not None:
        form.data = form.data.copy()
        form.data[VERSION_FIELD] = str(conflict.current_version)


def _label(form: Any, name: str) -> Any:
    """The label the page gives a field of the history, or the model's name for it."""
    if name in form.fields and form.fields[name].label:
        return form.fields[name].label
    model = getattr(getattr(form, "_meta", None), "model", None)
    try:
        return model._meta.get_field(name).verbose_name if model else name
    except FieldDoesNotExist:
        return name


def refused_as_conflict(form: Any) -> bool:
    """Whether the save was refused because someone changed the record meanwhile (answer 409)."""
    return getattr(form, "edit_conflict", None) is not None


class ChoicesReadAtOnce(forms.models.ModelChoiceIterator):
    """A choice field's records read in one plain query and kept for the form. Django reads them
    through ``QuerySet.iterator()``, which on PostgreSQL opens a server-side cursor (declared, fetched
    and closed: three round trips, held past the transaction) for a few hundred rows; a filter form
    with four such fields spent more on its cursors than on its rows."""

    def __iter__(self) -> Any:
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for record in self.queryset:  # evaluated once, then the queryset's own result cache
            yield self.choice(record)


def read_choices_at_once(form: forms.BaseForm) -> None:
    """Every choice field of ``form`` over records reads them with ``ChoicesReadAtOnce``."""
    for field in form.fields.values():
        if isinstance(field, forms.ModelChoiceField) and field.iterator is not ChoicesReadAtOnce:
            field.iterator = ChoicesReadAtOnce
            field.widget.choices = field.choices  # the widget took its own iterator when the field was made
