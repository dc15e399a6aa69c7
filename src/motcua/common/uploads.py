"""Checking uploaded files: an allowed type whose content really is that type, within the size
limit. One check for the desk's scans, supplements, results and (later) the public portal.

Settings: ``MOTCUA_UPLOAD_TYPES`` (extensions, default pdf, jpg, jpeg, png, docx) and
``MOTCUA_UPLOAD_MAX_MB`` (default 20).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from motcua.catalog.spec import content_matches

CONTENT_TYPES = {
    "pdf": "application/pdf",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "png": "image/png",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "zip": "application/zip",
}
SIGNATURES = {"jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff", "png": b"\x89PNG\r\n\x1a\n",
              "zip": b"PK\x03\x04"}


def allowed_types() -> tuple[str, ...]:
    return tuple(getattr(settings, "MOTCUA_UPLOAD_TYPES", ("pdf", "jpg", "jpeg", "png", "docx")))


def max_bytes() -> int:
    return int(getattr(settings, "MOTCUA_UPLOAD_MAX_MB", 20)) * 1024 * 1024


@dataclass(frozen=True)
class CheckedFile:
    name: str
    extension: str
    content_type: str
    content: bytes
    sha256: str


def _is(extension: str, head: bytes) -> bool:
    if extension in SIGNATURES:
        return head.startswith(SIGNATURES[extension])
    return content_matches(extension, head)


def check_upload(upload: UploadedFile, *, field: str = "files",
                 types: tuple[str, ...] | None = None) -> CheckedFile:
    """The file's name, type and content, or a ``ValidationError`` that says what is wrong."""
    types = tuple(t for t in (types or allowed_types()) if t in CONTENT_TYPES) or allowed_types()
    name = PurePath((upload.name or "").replace("\\", "/")).name.replace("\x00", "")[:200] or "tep"
    extension = name.rsplit(".", 1)[-1].lower() if "." in name else ""
    if extension not in types:
        raise ValidationError({field: _("Tệp “%(name)s”: chỉ nhận các loại %(types)s.") % {
            "name": name, "types": ", ".join(t.upper() for t in types)}})
    if upload.size is not None and upload.size > max_bytes():
        raise ValidationError({field: _("Tệp “%(name)s” lớn hơn %(limit)s MB.") % {
            "name": name, "limit": max_bytes() // (1024 * 1024)}})
    content = upload.read(max_bytes() + 1)
    if len(content) > max_bytes():
        raise ValidationError({field: _("Tệp “%(name)s” lớn hơn %(limit)s MB.") % {
            "name": name, "limit": max_bytes() // (1024 * 1024)}})
    if not content:
        raise ValidationError({field: _("Tệp “%(name)s” rỗng.") % {"name": name}})
    if not _is(extension, content):
        raise ValidationError({field: _("Tệp “%(name)s” không phải là tệp %(type)s thật (nội dung "
                                        "không khớp với phần mở rộng).") % {
            "name": name, "type": extension.upper()}})
    return CheckedFile(name=name, extension=extension, content_type=CONTENT_TYPES[extension],
                       content=content, sha256=hashlib.sha256(content).hexdigest())
