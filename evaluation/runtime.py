"""Rasa's environment, quiet logging and a description of the machine, for the evaluation and the bench."""

from __future__ import annotations

import logging
import os
import platform
import warnings
from pathlib import Path

QUIET_ENV = {
    "TF_CPP_MIN_LOG_LEVEL": "2",
    "SQLALCHEMY_SILENCE_UBER_WARNING": "1",
    "PYTHONWARNINGS": "ignore::DeprecationWarning",
}


def rasa_env() -> dict[str, str]:
    """The environment for a Rasa subprocess: this one, with TensorFlow's and the libraries' chatter off."""
    return dict(os.environ, **QUIET_ENV)


def quiet_rasa() -> None:
    """Rasa's structlog messages (one per parsed message), progress bars and TensorFlow's chatter off.

    Call before Rasa is imported: TensorFlow reads TF_CPP_MIN_LOG_LEVEL once.
    """
    for name, value in QUIET_ENV.items():
        os.environ.setdefault(name, value)
    warnings.filterwarnings("ignore", category=DeprecationWarning)
    warnings.filterwarnings("ignore", message=".*deprecated - use")  # pyparsing, via matplotlib and packaging
    os.environ["LOG_LEVEL"] = "WARNING"  # rasa.shared.utils.io.is_logging_disabled(): no epoch progress bars
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)
    logging.getLogger().setLevel(logging.WARNING)
    for name in ("rasa", "tensorflow", "absl", "matplotlib"):
        logging.getLogger(name).setLevel(logging.WARNING if name == "rasa" else logging.ERROR)


def machine() -> str:
    """One line that says what the numbers were measured on."""
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return (
        f"{os.cpu_count()} cores ({cpu}), shared, {platform.system()} {platform.release()}, Python "
        f"{platform.python_version()}"
    )
