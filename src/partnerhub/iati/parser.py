"""Reading IATI activity files one activity at a time, safely.

The file is streamed with ``lxml.etree.iterparse``: each ``iati-activity`` is
handed to the caller when its end tag is read, then cleared together with the
activities before it, so memory stays flat however large the file is.

Hostile XML is refused before anything is expanded: the prolog is read as
bytes first and any DOCTYPE (and with it every entity declaration, internal
or external, and every DTD to fetch) ends the import of the file. The parser
itself is configured to load no DTD, resolve no entity, touch no network and
refuse huge text nodes, as a second line of defence.
"""

import codecs
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypedDict

from django.utils.translation import gettext as _
from lxml import etree

SUPPORTED_VERSIONS = ("2.01", "2.02", "2.03")
ROOT_TAG = "iati-activities"
ACTIVITY_TAG = "iati-activity"
# Aggregators restate each activity's version in their own namespaces.
VERSION_ATTRIBUTES = (
    "version",
    "{http://d-portal.org/xmlns/iati-activities}version",
    "{http://datastore.iatistandard.org/ns}version",
)
PROLOG_LIMIT = 1024 * 1024
# XML 1.0 allows no control character but tab, line feed and carriage return, in any
# ASCII-compatible encoding: one among the first bytes means a binary file.
BINARY_SNIFF_BYTES = 4096
_XML_FORBIDDEN_BYTES = re.compile(rb"[\x00-\x08\x0b\x0c\x0e-\x1f]")


class ParserOptions(TypedDict):
    resolve_entities: bool
    no_network: bool
    load_dtd: bool
    dtd_validation: bool
    huge_tree: bool
    remove_comments: bool
    remove_pis: bool
    collect_ids: bool


SECURE_PARSER_OPTIONS: ParserOptions = {
    "resolve_entities": False,
    "no_network": True,
    "load_dtd": False,
    "dtd_validation": False,
    "huge_tree": False,
    "remove_comments": True,
    "remove_pis": True,
    "collect_ids": False,
}
_ROOT_NAME = re.compile(r"<([^\s/>]+)")


class IatiFileRefused(Exception):
    """The file as a whole cannot be imported; nothing from it is kept."""

    def __init__(self, path: Path, reason: str, line: int | None = None):
        super().__init__(f"{path.name}: {reason}")
        self.path = path
        self.reason = reason
        self.line = line


@dataclass
class ActivityElement:
    """One ``iati-activity`` element, valid only until the next one is read."""

    element: etree._Element
    line: int
    version: str
    warnings: list[str] = field(default_factory=list)


def read_activities(path: Path, stream=None) -> Iterator[ActivityElement]:
    """Every activity of the file at ``path``, in document order.

    ``stream`` (an open binary file on ``path``) lets the caller watch how far
    the parser has read. Raises ``IatiFileRefused`` for a hostile, malformed,
    legacy or foreign file, possibly after some activities were yielded: the
    caller must then discard what it did with them.
    """
    refuse_doctype(path)
    if stream is None:
        with path.open("rb") as own_stream:
            yield from _stream_activities(path, own_stream)
    else:
        yield from _stream_activities(path, stream)


def refuse_doctype(path: Path) -> None:
    """Refuse a DOCTYPE (hence any DTD or entity declaration) or a foreign root,
    reading only the bytes before the root element."""
    with path.open("rb") as handle:
        head = handle.read(PROLOG_LIMIT)
    _refuse_empty_or_binary(path, head)
    text = _prolog_text(head)
    position = 0
    while True:
        start = text.find("<", position)
        if start < 0:
            if len(text) >= PROLOG_LIMIT:
                raise IatiFileRefused(path, _("no root element in the first megabyte"))
            return  # an empty or truncated file: the parser names the problem
        if text.startswith("<?", start):
            position = _after(text, "?>", start)
        elif text.startswith("<!--", start):
            position = _after(text, "-->", start)
        elif text.startswith("<!", start):
            raise IatiFileRefused(
                path, _("DTDs and entity declarations are refused"), line=text.count("\n", 0, start) + 1
            )
        else:
            _check_root_name(path, text, start)
            return
        if position < 0:
            return


def _after(text: str, marker: str, start: int) -> int:
    end = text.find(marker, start)
    return -1 if end < 0 else end + len(marker)


def _check_root_name(path: Path, text: str, start: int) -> None:
    match = _ROOT_NAME.match(text, start)
    name = match.group(1) if match else ""
    if name != ROOT_TAG:
        raise IatiFileRefused(path, wrong_root_message(name), line=text.count("\n", 0, start) + 1)


def wrong_root_message(name: str) -> str:
    return _("the root element is <%(found)s>, not <iati-activities>: this is not an IATI activity file") % {
        "found": name
    }


def _refuse_empty_or_binary(path: Path, head: bytes) -> None:
    if not head.strip():
        raise IatiFileRefused(path, _("the file is empty"), line=1)
    if _is_wide_text(head):
        return
    control = _XML_FORBIDDEN_BYTES.search(head, 0, BINARY_SNIFF_BYTES)
    if control is not None:
        raise IatiFileRefused(
            path,
            _("this is not an XML file: it holds binary data (byte %(offset)s)") % {"offset": control.start() + 1},
            line=head.count(b"\n", 0, control.start()) + 1,
        )


def _is_wide_text(head: bytes) -> bool:
    """UTF-16 or UTF-32 text, where NUL bytes are part of every character."""
    boms = (codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    return head.startswith(boms) or head.startswith((b"<\x00", b"\x00<"))


def _prolog_text(head: bytes) -> str:
    for bom, encoding in (
        (codecs.BOM_UTF32_LE, "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if head.startswith(bom):
            return head[len(bom) :].decode(encoding, errors="replace")
    if head.startswith(b"<\x00") or head.startswith(b"\x00<"):
        return head.decode("utf-16-le" if head[0] == 0x3C else "utf-16-be", errors="replace")
    # Markup is ASCII in every ASCII-compatible encoding: Latin-1 never fails.
    return head.decode("latin-1")


def _stream_activities(path: Path, stream) -> Iterator[ActivityElement]:
    context = etree.iterparse(stream, events=("start", "end"), tag=(ROOT_TAG, ACTIVITY_TAG), **SECURE_PARSER_OPTIONS)
    versions = _FileVersion(path)
    try:
        for event, element in context:
            if event == "start":
                if element.tag == ROOT_TAG and element.getparent() is None:
                    _refuse_dtd_seen_by_parser(path, element)
                    versions.read_root(element)
                elif versions.root_version is _UNREAD:
                    raise IatiFileRefused(path, wrong_root_message(_root_tag(context)))
                continue
            if element.tag == ACTIVITY_TAG:
                yield versions.activity(element)
                _forget(element)
    except etree.XMLSyntaxError as error:
        raise IatiFileRefused(path, malformed_message(error), line=_error_line(error)) from error
    if context.root is not None and context.root.tag != ROOT_TAG:
        raise IatiFileRefused(path, wrong_root_message(_root_tag(context)))


def malformed_message(error: etree.XMLSyntaxError) -> str:
    line, column = error.position if error.position else (error.lineno, 0)
    return _("malformed XML at line %(line)s, column %(column)s: %(reason)s") % {
        "line": line,
        "column": column,
        "reason": error.msg,
    }


def _error_line(error: etree.XMLSyntaxError) -> int | None:
    return error.position[0] if error.position else error.lineno


def _root_tag(context) -> str:
    root = context.root
    return "" if root is None else str(root.tag)


def _refuse_dtd_seen_by_parser(path: Path, root: etree._Element) -> None:
    docinfo = root.getroottree().docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise IatiFileRefused(path, _("DTDs and entity declarations are refused"))


def _forget(element: etree._Element) -> None:
    """Free the activity just read and everything before it."""
    element.clear(keep_tail=False)
    parent = element.getparent()
    if parent is not None:
        while element.getprevious() is not None:
            del parent[0]


_UNREAD = object()


class _FileVersion:
    """Decides which IATI version each activity is read as.

    The root's ``version`` applies to the file; d-portal and Datastore exports
    carry it on each activity instead (and sometimes a root without one).
    """

    def __init__(self, path: Path):
        self.path = path
        self.root_version: object = _UNREAD

    def read_root(self, root: etree._Element) -> None:
        declared = (root.get("version") or "").strip()
        if declared and declared not in SUPPORTED_VERSIONS:
            raise IatiFileRefused(self.path, unsupported_version_message(declared), line=root.sourceline)
        self.root_version = declared or None

    def activity(self, element: etree._Element) -> ActivityElement:
        line = element.sourceline or 0
        # An activity of another version (aggregators mix them) is the mapper's
        # to reject; the other activities of the file stay importable.
        version = _activity_version(element) or self.root_version
        if version:
            return ActivityElement(element, line, str(version))
        if _has_legacy_layout(element):
            raise IatiFileRefused(self.path, unsupported_version_message("1.0x"), line=line)
        return ActivityElement(element, line, "2.03", warnings=[_("the file declares no IATI version: read as 2.0x")])


def unsupported_version_message(version: str) -> str:
    return _("IATI version %(version)s is not supported: only 2.01–2.03") % {"version": version}


def _activity_version(element: etree._Element) -> str:
    for name in VERSION_ATTRIBUTES:
        value = element.get(name)
        if value and value.strip():
            return value.strip()
    return ""


def _has_legacy_layout(element: etree._Element) -> bool:
    """Version 1.0x wrote text straight into <title>; 2.0x wraps it in <narrative>."""
    title = element.find("title")
    return title is not None and bool((title.text or "").strip()) and title.find("narrative") is None
