"""The shop's contact details: catalog file with environment overrides (pure, no rasa_sdk).

The details are configured per deployment, with the environment variables of ``ENVIRONMENT`` (or the fields of
``catalogs/shop_contact.yml``, which ships empty). Until all of them are set, the assistant has no contact
details to give: :func:`shop_contact` returns None, the handoff says so honestly and names the way to a
physiotherapist or huisarts (``utter_human_handoff_unconfigured``), and ``scripts/run.sh`` warns the operator at
start. No placeholder address ever reaches a visitor.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pydantic

from common.data_files import Schema, load_data_file

CONTACT_PATH = Path(__file__).parent / "catalogs" / "shop_contact.yml"
# The environment variable that overrides each field of the file (per deployment).
ENVIRONMENT = {"email": "SHOP_EMAIL", "phone": "SHOP_PHONE", "hours": "SHOP_HOURS"}


class ShopContact(Schema):
    """The schema of ``shop_contact.yml``: each field empty (null) until the deployment fills it."""

    email: pydantic.StrictStr | None = None
    phone: pydantic.StrictStr | None = None
    hours: pydantic.StrictStr | None = None


def missing_contact(path: Path = CONTACT_PATH, environ: Mapping[str, str] | None = None) -> list[str]:
    """The environment variables of the details that are set neither in the environment nor in the file.

    Raises:
        DataFileError: The file is invalid.
    """
    environ = os.environ if environ is None else environ
    from_file = load_data_file(path, ShopContact)
    return [
        variable
        for field, variable in ENVIRONMENT.items()
        if not ((environ.get(variable) or "").strip() or (getattr(from_file, field) or "").strip())
    ]


def shop_contact(path: Path = CONTACT_PATH, environ: Mapping[str, str] | None = None) -> dict[str, str] | None:
    """Return ``{"shop_email", "shop_phone", "shop_hours"}``, or None while any of them is not configured.

    Environment variables win over the file.

    Raises:
        DataFileError: The file is invalid.
    """
    environ = os.environ if environ is None else environ
    if missing_contact(path, environ):
        return None
    from_file = load_data_file(path, ShopContact)
    return {
        f"shop_{field}": (environ.get(variable) or "").strip() or (getattr(from_file, field) or "").strip()
        for field, variable in ENVIRONMENT.items()
    }


if __name__ == "__main__":  # scripts/run.sh: print the variables that are missing, one per line
    print("\n".join(missing_contact()))
