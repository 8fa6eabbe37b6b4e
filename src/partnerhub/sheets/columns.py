"""The columns of the engagement spreadsheet, shared by the template and the reader.

Headers are field names, as in the exports and the API, so that a file reads
the same whatever the language of the person who filled it. Lists of several
entries (countries, themes, organisations) take one column per entry, with a
share or role column beside it: each cell can then offer a drop-down list in
Excel, which a cell holding "MAR 60; TUN 40" could not.
"""

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

COUNTRY_SLOTS = 5
THEME_SLOTS = 3
ORGANISATION_SLOTS = 4
MONEY_KINDS = ("budget", "commitment", "disbursement")
# A budget is never negative, so it cannot be a correction.
CORRECTABLE_KINDS = ("commitment", "disbursement")


@dataclass(frozen=True)
class Column:
    key: str
    help: str | Promise
    # The name of the drop-down list on the hidden "Lists" sheet, if any.
    choices: str = ""
    # "text", "date", "share" or "amount": how the template formats the cells.
    kind: str = "text"
    width: int = 16
    required: bool = False


def _country_columns() -> list[Column]:
    columns = []
    for slot in range(1, COUNTRY_SLOTS + 1):
        columns.append(
            Column(
                f"country_{slot}",
                _("Partner country: choose it in the list, or type its ISO code or name."),
                choices="countries",
                width=26,
            )
        )
        columns.append(
            Column(
                f"country_{slot}_share",
                _(
                    "Share of the engagement in this country, in %. Give a share for every country or for none; "
                    "the shares add up to 100."
                ),
                kind="share",
                width=10,
            )
        )
    columns.append(
        Column(
            "other_countries",
            _("More countries than the columns hold, as codes with their share: MAR 60; TUN 40."),
            width=24,
        )
    )
    return columns


def _theme_columns() -> list[Column]:
    columns = []
    for slot in range(1, THEME_SLOTS + 1):
        columns.append(
            Column(
                f"theme_{slot}",
                _(
                    "Theme: choose it in the list, or type its code or name. Leave every theme empty to keep "
                    "the themes already recorded in the hub."
                ),
                choices="themes",
                width=34,
            )
        )
        columns.append(
            Column(
                f"theme_{slot}_share",
                _("Share of this theme, in %. Give a share for every theme or for none."),
                kind="share",
                width=10,
            )
        )
    return columns


def _organisation_columns() -> list[Column]:
    columns = []
    for slot in range(1, ORGANISATION_SLOTS + 1):
        columns.append(
            Column(
                f"organisation_{slot}",
                _("Another organisation taking part: its name, acronym, IATI identifier or a known alias."),
                width=30,
            )
        )
        columns.append(
            Column(
                f"organisation_{slot}_role",
                _("Its role: funder, implementer, lead, counterpart or extending."),
                choices="roles",
                width=14,
            )
        )
    return columns


def _money_columns() -> list[Column]:
    labels = {
        "budget": _("Budget: the amount planned."),
        "commitment": _("Commitment: the amount formally committed."),
        "disbursement": _("Disbursement: the amount paid out so far."),
    }
    columns = []
    for kind in MONEY_KINDS:
        columns.append(
            Column(
                f"{kind}_amount",
                format_lazy("{} {}", labels[kind], _("A number, without currency sign; 1500000 or 1 500 000,50.")),
                kind="amount",
                width=16,
            )
        )
        columns.append(
            Column(
                f"{kind}_currency", _("Currency of the amount (ISO code, e.g. EUR)."), choices="currencies", width=10
            )
        )
        columns.append(
            Column(
                f"{kind}_date",
                _("Value date of the amount (YYYY-MM-DD or DD/MM/YYYY); the start date when left empty."),
                kind="date",
                width=13,
            )
        )
        if kind in CORRECTABLE_KINDS:
            columns.append(
                Column(
                    f"{kind}_correction",
                    _(
                        "yes when a negative amount corrects an earlier one; no or empty otherwise. "
                        "A negative amount is refused without it."
                    ),
                    choices="yes_no",
                    width=12,
                )
            )
    return columns


COLUMNS: tuple[Column, ...] = (
    Column(
        "reference",
        _(
            "Your own reference for this engagement, unique in the file. A later import "
            "with the same reference updates the engagement instead of adding a new one."
        ),
        width=16,
        required=True,
    ),
    Column("title", _("Title, at most 500 characters."), width=50, required=True),
    Column("description", _("What the engagement does, in a few sentences."), width=60),
    Column(
        "language",
        _("Language of title and description (two-letter code, e.g. en, fr, de)."),
        choices="languages",
        width=10,
    ),
    Column("kind", _("Kind of engagement."), choices="kinds", width=14, required=True),
    Column(
        "status",
        _("Status. Left empty: pipeline for a new engagement; an existing one keeps its status."),
        choices="statuses",
        width=16,
    ),
    Column("planned_start", _("Planned start date (YYYY-MM-DD or DD/MM/YYYY)."), kind="date", width=13),
    Column("planned_end", _("Planned end date."), kind="date", width=13),
    Column("actual_start", _("Actual start date."), kind="date", width=13),
    Column("actual_end", _("Actual end date."), kind="date", width=13),
    *_country_columns(),
    *_theme_columns(),
    Column(
        "instrument",
        _("Funding instrument: choose it in the list, or type its code or name."),
        choices="instruments",
        width=28,
    ),
    *_organisation_columns(),
    *_money_columns(),
    Column(
        "sharing_level",
        _(
            "Who may read the engagement: public, partner, eu, restricted or originator. "
            "Left empty: originator (your organisation only) for a new engagement; an existing "
            "one keeps its level."
        ),
        choices="sharing_levels",
        width=14,
    ),
    Column(
        "humanitarian",
        _("yes when the engagement is humanitarian aid; no or empty otherwise."),
        choices="yes_no",
        width=13,
    ),
    Column("action_plan_reference", _("Reference of the Action Plan item this engagement serves."), width=18),
    Column("notes", _("Notes kept in the hub; never exported."), width=40),
)

COLUMN_KEYS = tuple(column.key for column in COLUMNS)
COLUMNS_BY_KEY = {column.key: column for column in COLUMNS}
REQUIRED_KEYS = tuple(column.key for column in COLUMNS if column.required)


def normalise_header(header: str) -> str:
    """``Planned start`` and ``planned-start`` both name the ``planned_start`` column."""
    return "_".join(str(header).strip().casefold().replace("-", " ").split()).rstrip("*")
