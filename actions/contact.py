"""The shop's contact details: catalog file with environment overrides (pure, no rasa_sdk)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Dict, Mapping, Optional

import yaml

CONTACT_PATH = Path(__file__).parent / "catalogs" / "shop_contact.yml"
ENVIRONMENT = {"email": "SHOP_EMAIL", "phone": "SHOP_PHONE", "hours": "SHOP_HOURS"}


class ContactConfigError(ValueError):
    """shop_contact.yml is malformed."""


def shop_contact(path: Path = CONTACT_PATH, environ: Optional[Mapping[str, str]] = None) -> Dict[str, str]:
    """Return ``{"shop_email", "shop_phone", "shop_hours"}``; environment variables win over the file."""
    environ = os.environ if environ is None else environ
    try:
        raw = yaml.safe_load(Path(path).read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as error:
        raise ContactConfigError(f"{path}: cannot be read: {error}") from error
    contact = {}
    for field, variable in ENVIRONMENT.items():
        value = (environ.get(variable) or "").strip() or raw.get(field)
        if not isinstance(value, str) or not value.strip():
            raise ContactConfigError(f"{path}: '{field}' must be a non-empty text (or set {variable})")
        contact[f"shop_{field}"] = value.strip()
    return contact
