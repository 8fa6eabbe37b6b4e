"""The addresses of registered confidential records (``core.confidential.RecordUrls``), read as the
URL patterns and API operations they belong to."""

import re
from collections.abc import Iterator

from django.urls import resolve

from partnerhub.api import api
from partnerhub.core.confidential import RecordUrls, entry_for

PARAMETER = re.compile(r"<(?:[^>:]+:)?(?P<name>[^>]+)>|\{(?P<api_name>[^}]+)\}")


def normalised(template: str) -> str:
    """'engagements/<int:pk>/' and '/api/overlaps/{pair_id}' as 'engagements/<pk>/' and 'api/overlaps/<pair_id>'."""
    return PARAMETER.sub(lambda match: f"<{match['name'] or match['api_name']}>", template).lstrip("/")


def naming_prefix(template: str, name: str) -> str:
    """The template up to the parameter ``name``: what a record's address shares with the routes below it."""
    template = normalised(template)
    return template[: template.index(f"<{name}>") + len(name) + 2]


def record_parameter(url: str) -> tuple[str, str]:
    """(naming prefix, value) of the last parameter of ``url``'s route, the one that names the record."""
    match = resolve(url)
    name = [found["name"] or found["api_name"] for found in PARAMETER.finditer(match.route)][-1]
    return naming_prefix(match.route, name), str(match.kwargs[name])


def addresses(record) -> list[str]:
    urls = entry_for(type(record)).urls_of(record)
    return [url for url in (urls.page, urls.change_page, urls.api) if url]


def addressed(record) -> list[tuple[object, RecordUrls]]:
    """The record with its own addresses or, for a child row without any, the records it is read through."""
    entry = entry_for(type(record))
    urls = entry.urls_of(record)
    if urls != RecordUrls() or not entry.is_child:
        return [(record, urls)]
    return [found for path in entry.parents for found in addressed(getattr(record, path))]


def api_operations(path: str) -> Iterator[tuple[str, str]]:
    """(method, path) of every API operation on the record at ``path`` and on the paths below it."""
    if not path:
        return
    for template, methods in api.get_openapi_schema()["paths"].items():
        for end in [index for index, char in enumerate(template) if char == "/"] + [len(template)]:
            if "{" not in template[end:] and re.fullmatch(_as_pattern(template[:end]), path):
                yield from ((method, path + template[end:]) for method in methods)


def _as_pattern(template: str) -> str:
    return "".join("[^/]+" if part.startswith("{") else re.escape(part) for part in re.split(r"(\{[^}]+\})", template))
