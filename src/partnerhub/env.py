"""Typed readers for settings taken from the environment.

Each helper fails loudly on a malformed value instead of guessing, and a
``NAME_FILE`` variable (a path) may stand in for ``NAME`` so that secrets can
come from mounted files rather than the process environment.
"""

import os
from decimal import Decimal, InvalidOperation
from pathlib import Path


class ImproperlyConfiguredValue(ValueError):
    """An environment variable is set but cannot be read as its type."""


def _raw(name: str) -> str | None:
    file_path = os.environ.get(f"{name}_FILE")
    if file_path:
        return Path(file_path).read_text(encoding="utf-8").strip()
    return os.environ.get(name)


def env_str(name: str, default: str = "") -> str:
    value = _raw(name)
    return default if value is None else value


def env_bool(name: str, default: bool = False) -> bool:
    value = _raw(name)
    if value is None or value == "":
        return default
    lowered = value.strip().lower()
    if lowered in {"1", "true", "yes", "on"}:
        return True
    if lowered in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfiguredValue(f"{name}={value!r} is not a boolean (use true or false)")


def env_int(name: str, default: int) -> int:
    value = _raw(name)
    if value is None or value == "":
        return default
    try:
        return int(value)
    except ValueError:
        raise ImproperlyConfiguredValue(f"{name}={value!r} is not an integer") from None


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = _raw(name)
    if value is None or value == "":
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def env_decimal(name: str, default: str) -> Decimal:
    value = _raw(name)
    if value is None or value == "":
        return Decimal(default)
    try:
        return Decimal(value.strip())
    except InvalidOperation:
        raise ImproperlyConfiguredValue(f"{name}={value!r} is not a decimal number") from None


def env_weights(name: str, default: dict[str, Decimal]) -> dict[str, Decimal]:
    """``name=0.35,other=0.65``: a weight for each of ``default``'s names, the others left at their default.

    An unknown name, a malformed or negative weight, or weights adding up to zero fail loudly."""
    value = _raw(name)
    weights = dict(default)
    if value is None or value.strip() == "":
        return weights
    for item in (part.strip() for part in value.split(",") if part.strip()):
        key, _sep, number = item.partition("=")
        key = key.strip()
        if key not in default:
            raise ImproperlyConfiguredValue(f"{name}: {key!r} is none of {', '.join(default)}")
        try:
            weights[key] = Decimal(number.strip())
        except InvalidOperation:
            raise ImproperlyConfiguredValue(f"{name}: {item!r} is not name=number") from None
        if weights[key] < 0:
            raise ImproperlyConfiguredValue(f"{name}: the weight of {key} is negative")
    if sum(weights.values()) <= 0:
        raise ImproperlyConfiguredValue(f"{name}: the weights add up to zero")
    return weights
