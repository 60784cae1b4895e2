"""Hide e-mail addresses and phone numbers in visitors' text before anybody sees it.

Pure functions. A phone number is any run of at least 9 digits, optionally starting with ``+`` or ``00``, with
spaces, dots, dashes, slashes or brackets between them (Dutch and Belgian numbers: ``06-12345678``,
``+31 (0)6 1234 5678``, ``0470 12 34 56``, ``020 123 4567``); shorter numbers (a temperature, a pain score, a
year, 112) stay. The placeholders are plain ASCII and contain no Rasa annotation syntax.
"""

from __future__ import annotations

import re

EMAIL_MASK = "<e-mail>"
PHONE_MASK = "<phone>"
MASKS = (EMAIL_MASK, PHONE_MASK)

EMAIL = re.compile(r"[\w.+%-]+@[\w-]+(?:\.[\w-]+)+", re.UNICODE)
# 9 or more digits with separators between them; not glued to letters or other digits.
PHONE = re.compile(r"(?<![\w+])(?:\+|00)?\(?\d(?:[\s./()-]{0,3}\d){8,}(?!\w)")


def mask(text: str) -> str:
    """``text`` with every e-mail address and phone number replaced by a placeholder."""
    return PHONE.sub(PHONE_MASK, EMAIL.sub(EMAIL_MASK, text))


def has_personal_data(text: str) -> bool:
    """True when ``text`` holds an e-mail address, a phone number or one of the placeholders."""
    return mask(text) != text or any(placeholder in text for placeholder in MASKS)
