"""Secrets sealed in the database: a robot's 加签 secret is stored encrypted.

A sealed value is stored as ``sealed:`` and a Fernet token (AES-128-CBC and
HMAC-SHA256, from the ``cryptography`` package), so the database, its dumps and
the backups hold ciphertext only; the server opens it when it signs a message.

The keys come from the environment, never from the database:
``settings.GUATU_DATA_KEY`` holds one or more keys, comma-separated — the
first seals, every one opens (to change the key: put the new one first, run
``guatu notify --reseal``, then drop the old). A key derived from
``SECRET_KEY`` opens too, last, and seals while ``GUATU_DATA_KEY`` is unset.
Each key is any long random string; the cipher's keys are derived from it
(HKDF-SHA256).

``SealedTextField`` does this for a model field: the attribute holds the plain
text, the column the sealed one. A value that no key opens reads as
``Unreadable`` — empty, and saved back unchanged — so a wrong key neither
breaks the pages nor overwrites what it cannot read.
"""

import base64
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings
from django.db import models

__all__ = ["PREFIX", "SealedTextField", "Unreadable", "is_sealed", "reseal", "seal", "unseal"]

PREFIX = "sealed:"


class Unreadable(str):
    """A sealed value no configured key opens: empty text that remembers what was stored."""

    stored: str

    def __new__(cls, stored: str) -> "Unreadable":
        value = super().__new__(cls, "")
        value.stored = stored
        return value


def _fernet_key(material: str, purpose: bytes) -> bytes:
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=purpose).derive(
        material.encode("utf-8")
    )
    return base64.urlsafe_b64encode(derived)


@lru_cache(maxsize=4)
def _cipher_for(data_keys: str, secret_key: str) -> MultiFernet:
    keys = [key.strip() for key in data_keys.split(",") if key.strip()]
    fernets = [Fernet(_fernet_key(key, b"guatu data key")) for key in keys]
    fernets.append(Fernet(_fernet_key(secret_key, b"guatu data key from SECRET_KEY")))
    return MultiFernet(fernets)


def _cipher() -> MultiFernet:
    return _cipher_for(getattr(settings, "GUATU_DATA_KEY", ""), settings.SECRET_KEY)


def is_sealed(stored: str) -> bool:
    return isinstance(stored, str) and stored.startswith(PREFIX)


def seal(plain: str) -> str:
    """The stored form of *plain* (empty stays empty)."""
    if not plain:
        return plain
    return PREFIX + _cipher().encrypt(plain.encode("utf-8")).decode("ascii")


def unseal(stored: str) -> str:
    """The plain text of a stored value; an ``Unreadable`` when no key opens it.

    A value stored before sealing (no prefix) is returned as it is.
    """
    if not is_sealed(stored):
        return stored
    try:
        return _cipher().decrypt(stored[len(PREFIX) :].encode("ascii")).decode("utf-8")
    except (InvalidToken, UnicodeError, ValueError):
        return Unreadable(stored)


def reseal(stored: str) -> str:
    """*stored* sealed again with the first key (plain text is sealed; unreadable is kept)."""
    if not stored:
        return stored
    if not is_sealed(stored):
        return seal(stored)
    try:
        token = _cipher().rotate(stored[len(PREFIX) :].encode("ascii"))
    except (InvalidToken, ValueError):
        return stored
    return PREFIX + token.decode("ascii")


class SealedTextField(models.TextField):
    """Text kept sealed in its column: the model's attribute is the plain text."""

    description = "Text sealed with the data key"

    def from_db_value(self, value, expression, connection):
        return unseal(value) if value is not None else value

    def to_python(self, value):
        # Serialized data (dumpdata, loaddata) carries the stored, sealed form.
        if is_sealed(value) and not isinstance(value, Unreadable):
            return unseal(value)
        return super().to_python(value)

    def get_prep_value(self, value):
        if isinstance(value, Unreadable):
            return value.stored
        if value is None or value == "":
            return value
        return seal(str(value))

    def value_to_string(self, obj) -> str:
        """Dumps hold the sealed form, never the plain text."""
        return self.get_prep_value(self.value_from_object(obj)) or ""
