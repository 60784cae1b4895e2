"""The shop's contact details: catalog file with environment overrides (pure, no rasa_sdk)."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import pydantic

from common.data_files import DataFileError, Schema, load_data_file

CONTACT_PATH = Path(__file__).parent / "catalogs" / "shop_contact.yml"
# The environment variable that overrides each field of the file (per deployment).
ENVIRONMENT = {"email": "SHOP_EMAIL", "phone": "SHOP_PHONE", "hours": "SHOP_HOURS"}


class ShopContact(Schema):
    """The schema of ``shop_contact.yml``: each field may be empty when its environment variable is set."""

    email: pydantic.StrictStr | None = None
    phone: pydantic.StrictStr | None = None
    hours: pydantic.StrictStr | None = None


def shop_contact(path: Path = CONTACT_PATH, environ: Mapping[str, str] | None = None) -> dict[str, str]:
    """Return ``{"shop_email", "shop_phone", "shop_hours"}``; environment variables win over the file.

    Raises:
        DataFileError: The file is invalid, or a field is empty in the file and in the environment.
    """
    environ = os.environ if environ is None else environ
    from_file = load_data_file(path, ShopContact)
    contact = {}
    for field, variable in ENVIRONMENT.items():
        value = (environ.get(variable) or "").strip() or (getattr(from_file, field) or "").strip()
        if not value:
            raise DataFileError(path, field, f"must be a non-empty text (or set {variable})")
        contact[f"shop_{field}"] = value
    return contact
