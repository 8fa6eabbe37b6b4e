"""Engagement pages: browsing (list, detail, exports) and editing."""
