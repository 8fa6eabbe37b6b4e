"""Reviews of a plan: the snapshot kept when one closes, and the comparison of two closed reviews.

A snapshot is plain JSON (``PlanReview.snapshot``) written once, when the review
closes; the comparison is computed from two snapshots and never stored.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from partnerhub.plans.models import Action, ActionStatus, Rag

COMPARED_FIELDS = ("status", "rag_suggested", "rag_override", "deadline", "lead_organisation")


def snapshot_of(actions: list[Action], today: date) -> dict[str, Any]:
    """Every action with its status, ratings and indicators as they stand; values as strings."""
    return {
        "taken_on": today.isoformat(),
        "actions": [
            {
                "id": action.pk,
                "description": action.description,
                "lead_organisation": str(action.lead_organisation),
                "deadline": action.deadline.isoformat() if action.deadline else "",
                "status": action.status,
                "overdue": action.is_overdue(today),
                "rag": action.rag,
                "rag_suggested": action.rag_suggested,
                "rag_override": action.rag_override,
                "rag_override_reason": action.rag_override_reason,
                "rag_comment": action.rag_comment,
                "indicators": [
                    {
                        "id": indicator.pk,
                        "name": indicator.name,
                        "unit": indicator.unit,
                        "baseline": str(indicator.baseline),
                        "target": str(indicator.target),
                        "latest_value": "" if indicator.latest_value is None else str(indicator.latest_value),
                        "latest_value_on": indicator.latest_value_on.isoformat() if indicator.latest_value_on else "",
                    }
                    for indicator in action.indicators.all()
                ],
            }
            for action in actions
        ],
    }


@dataclass(frozen=True)
class Change:
    label: str
    before: str
    after: str

    @property
    def changed(self) -> bool:
        return self.before != self.after


@dataclass
class ActionComparison:
    """One action in two snapshots: ``before`` or ``after`` is None when it is in one only."""

    description: str
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    changes: list[Change] = field(default_factory=list)

    @property
    def changed(self) -> bool:
        return self.before is None or self.after is None or any(change.changed for change in self.changes)


def compare(first: dict[str, Any], second: dict[str, Any]) -> list[ActionComparison]:
    """The actions of two snapshots side by side, in the order of the later one, then those it lost."""
    earlier = {action["id"]: action for action in first.get("actions", [])}
    later = {action["id"]: action for action in second.get("actions", [])}
    rows = []
    for action_id in [*later, *(pk for pk in earlier if pk not in later)]:
        before, after = earlier.get(action_id), later.get(action_id)
        shown = after or before or {}
        rows.append(ActionComparison(shown.get("description", ""), before, after, _changes(before, after)))
    return rows


def _changes(before: dict[str, Any] | None, after: dict[str, Any] | None) -> list[Change]:
    if before is None or after is None:
        return []
    changes = [Change(name, compared(name, before), compared(name, after)) for name in COMPARED_FIELDS]
    earlier = {indicator["id"]: indicator for indicator in before.get("indicators", [])}
    for indicator in after.get("indicators", []):
        old = earlier.get(indicator["id"], {})
        changes.append(Change(indicator["name"], old.get("latest_value", ""), indicator["latest_value"]))
    return changes


def compared(name: str, action: dict[str, Any]) -> str:
    """One field of an action's snapshot as the comparison prints it; a rating set by hand with its reason."""
    if name == "rag_override":
        override = override_of(action)
        return f"{shown(name, override)}: {action.get('rag_override_reason', '')}" if override else ""
    return shown(name, action.get(name))


def override_of(action: dict[str, Any]) -> str:
    """The rating set by hand; snapshots kept before it was stored on its own have it as the rating
    in force whenever a reason was given."""
    if "rag_override" in action:
        return str(action["rag_override"])
    return str(action.get("rag", "")) if action.get("rag_override_reason") else ""


def shown(name: str, value: Any) -> str:
    """A snapshot's value as the pages print it: statuses and ratings by their label."""
    labels = {"status": ActionStatus, "rag": Rag, "rag_suggested": Rag, "rag_override": Rag}
    if name in labels and value in labels[name].values:
        return str(labels[name](value).label)
    return "" if value is None else str(value)


def shown_actions(snapshot: dict[str, Any]) -> list[dict[str, Any]]:
    """The snapshot's actions with the label of their status and the rating set by hand, for the review page."""
    return [
        {**action, "status_label": shown("status", action.get("status")), "rag_override": override_of(action)}
        for action in snapshot.get("actions", [])
    ]
