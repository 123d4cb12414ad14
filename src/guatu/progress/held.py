"""Photos held for a retry: a refused report never loses the photos that passed.

A file input cannot be filled in again by the page, so when the report form
comes back with an error, the photos that passed the checks are kept in the
file storage (``held/<id>/``) and the form carries a signed token naming them,
the user and the item. The corrected submission sends the held photos with
the new ones; another user, another item or an expired token finds nothing.
Holdings older than ``HOLD_FOR`` are swept away whenever a new one is made,
and a holding is removed once its report is stored.
"""

import contextlib
import json
import os
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.core import signing
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile

from guatu.progress.photos import MAX_PHOTOS, check_photos

FOLDER = "held"
HOLD_FOR = timedelta(hours=24)
_SALT = "guatu.progress.held"


@dataclass(frozen=True)
class Holding:
    """What the form carries (``token``) and shows (``names``)."""

    token: str
    names: tuple[str, ...]


def _open(token: str, *, user, item) -> tuple[str, dict] | None:
    """The holding's id and manifest when *token* is this user's for this item, else None."""
    if not token:
        return None
    try:
        signed = signing.loads(token, salt=_SALT, max_age=HOLD_FOR)
    except signing.BadSignature:
        return None
    ident = signed.get("id", "")
    if signed.get("user") != user.pk or signed.get("item") != item.pk or not ident.isalnum():
        return None
    try:
        with default_storage.open(f"{FOLDER}/{ident}/manifest.json", "rb") as handle:
            manifest = json.loads(handle.read())
    except (OSError, ValueError):
        return None
    if manifest.get("user") != user.pk or manifest.get("item") != item.pk:
        return None
    return ident, manifest


def held_photos(token: str, *, user, item) -> list[SimpleUploadedFile]:
    """The photos held under *token* for *user* and *item*, as uploads (none if not theirs)."""
    opened = _open(token, user=user, item=item)
    if opened is None:
        return []
    ident, manifest = opened
    photos = []
    for entry in manifest["photos"]:
        try:
            with default_storage.open(f"{FOLDER}/{ident}/{entry['file']}", "rb") as handle:
                data = handle.read()
        except OSError:
            continue
        photos.append(SimpleUploadedFile(entry["name"], data, content_type=entry["type"]))
    return photos


def photos_hold(uploads: Sequence, *, token: str = "", user, item) -> Holding | None:
    """Keep the photos of a refused submission for its retry; the new holding.

    *uploads* are the files just posted (read or not); the photos already held
    under *token* come first, and at most ``MAX_PHOTOS`` are kept in all. Files
    that fail the photo checks are not kept: the form says why.
    """
    kept = held_photos(token, user=user, item=item)
    for upload in uploads:
        upload.seek(0)
    checked, _problems = check_photos(list(uploads)[:MAX_PHOTOS])
    kept += [
        SimpleUploadedFile(photo.name, photo.data, content_type=photo.content_type)
        for photo in checked
    ]
    photos_release(token, user=user, item=item)
    _sweep()
    if not kept:
        return None
    ident = secrets.token_hex(16)
    kept = kept[:MAX_PHOTOS]
    entries = [
        {"file": f"{number}.bin", "name": photo.name, "type": photo.content_type}
        for number, photo in enumerate(kept)
    ]
    manifest = {
        "user": user.pk,
        "item": item.pk,
        "created": datetime.now(UTC).isoformat(),
        "photos": entries,
    }
    default_storage.save(
        f"{FOLDER}/{ident}/manifest.json",
        SimpleUploadedFile("manifest.json", json.dumps(manifest).encode()),
    )
    for entry, photo in zip(entries, kept, strict=True):
        photo.seek(0)
        default_storage.save(f"{FOLDER}/{ident}/{entry['file']}", photo)
    signed = signing.dumps({"id": ident, "user": user.pk, "item": item.pk}, salt=_SALT)
    return Holding(signed, tuple(entry["name"] for entry in entries))


def photos_release(token: str, *, user, item) -> None:
    """Remove the holding *token* names (its report is stored, or a new holding replaces it)."""
    opened = _open(token, user=user, item=item)
    if opened is not None:
        _remove(opened[0])


def _remove(ident: str) -> None:
    folder = f"{FOLDER}/{ident}"
    try:
        _dirs, files = default_storage.listdir(folder)
    except OSError:
        return
    for name in files:
        default_storage.delete(f"{folder}/{name}")
    with contextlib.suppress(OSError, NotImplementedError):  # a file system: the folder too
        os.rmdir(default_storage.path(folder))


def _sweep() -> None:
    """Remove holdings older than ``HOLD_FOR`` (their tokens have expired)."""
    try:
        folders, _files = default_storage.listdir(FOLDER)
    except (OSError, NotImplementedError):
        return
    cutoff = datetime.now(UTC) - HOLD_FOR
    for ident in folders:
        try:
            with default_storage.open(f"{FOLDER}/{ident}/manifest.json", "rb") as handle:
                created = datetime.fromisoformat(json.loads(handle.read())["created"])
        except (OSError, ValueError, KeyError):  # a holding left half-written
            try:
                created = default_storage.get_modified_time(f"{FOLDER}/{ident}")
            except (OSError, NotImplementedError):
                continue
        if created < cutoff:
            _remove(ident)
