"""Date formats of the interface, one per language (``FORMAT_MODULE_PATH``).

A date reads the same on every page: "3 Dec 2026" in English, "3 déc. 2026"
in French, never a numeric day/month order a reader could take the wrong way
round. Short formats are the long ones, so that ``SHORT_DATE_FORMAT`` in a
template cannot bring the ambiguity back. Exports keep ISO 8601 (2026-12-03):
they are read by programs.
"""
