"""No message text in the Rasa server's logs at INFO and above: structlog events and Python warnings.

Rasa issue: no Rasa Open Source issue found; Rasa's log anonymization (rasa#12492, "Configure PII Anonymization
for logs") works only with ``rasa_plus``. Written for Rasa 3.6.21 (structlog 23.3.0).

Rasa configures structlog in ``rasa.__main__.main`` (``configure_structlog``) with a new list of processors. This
patch wraps that function so ``assistant.log_redaction.redact_event_dict`` is the first processor after every
configuration, puts it in the current configuration too (in place: loggers created since keep a reference to
that very list), and passes warnings through ``assistant.log_redaction.redact_warning_text``.
"""

from __future__ import annotations

import warnings
from typing import Any

from assistant.log_redaction import redact_event_dict, redact_warning_text
from assistant.patches import Target

TARGETS = (
    Target("rasa.utils.log_utils", "configure_structlog", ("log_level",)),
    Target("rasa.__main__", "configure_structlog", ("log_level",)),
    Target("structlog", "get_config", ()),
)
REQUIRES = {"structlog": "23.3.0"}


def add_processor() -> None:
    """Put the redaction first in structlog's current processors (once)."""
    import structlog

    processors = structlog.get_config()["processors"]
    if redact_event_dict not in processors:
        processors.insert(0, redact_event_dict)


def install() -> None:
    import rasa.__main__
    import rasa.utils.log_utils

    original = rasa.utils.log_utils.configure_structlog

    def configure_structlog(log_level: Any = None) -> None:
        original(log_level)
        add_processor()

    configure_structlog.__doc__ = original.__doc__
    rasa.utils.log_utils.configure_structlog = configure_structlog
    rasa.__main__.configure_structlog = configure_structlog  # bound by `from ... import` in Rasa's main
    add_processor()

    original_formatwarning = warnings.formatwarning

    def formatwarning(message: Any, category: Any, filename: str, lineno: int, line: Any = None) -> str:
        return original_formatwarning(redact_warning_text(str(message)), category, filename, lineno, line)

    warnings.formatwarning = formatwarning
