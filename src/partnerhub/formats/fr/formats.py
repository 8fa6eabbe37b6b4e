"""French dates: "3 déc. 2026", "3 déc. 2026, 14:05", "déc. 2026".

``N`` is the abbreviated month with its full stop where French abbreviates
("déc.", "sept.") and the whole word where it does not ("mai", "juin").
"""

DATE_FORMAT = "j N Y"
SHORT_DATE_FORMAT = DATE_FORMAT
DATETIME_FORMAT = "j N Y, H:i"
SHORT_DATETIME_FORMAT = DATETIME_FORMAT
YEAR_MONTH_FORMAT = "N Y"
MONTH_DAY_FORMAT = "j N"
TIME_FORMAT = "H:i"
