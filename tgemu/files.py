"""Uploaded and stored files: what a multipart part carried, and what getFile later serves."""

from __future__ import annotations

import hashlib
import itertools
import mimetypes
import struct
from dataclasses import dataclass, field
from typing import Any, Literal

FileKind = Literal["document", "photo"]
GENERIC_MIME = "application/octet-stream"


@dataclass(frozen=True)
class Upload:
    """One file part of a multipart request."""

    filename: str
    content_type: str
    data: bytes = field(repr=False)

    def __repr__(self) -> str:
        # Audit trails print params; a repr with the whole payload would drown them.
        return f"Upload({self.filename!r}, {self.content_type!r}, {len(self.data)} bytes)"


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    kind: FileKind
    data: bytes = field(repr=False)
    filename: str | None
    mime_type: str
    file_path: str
    width: int = 0
    height: int = 0

    @property
    def size(self) -> int:
        return len(self.data)

    def document_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "mime_type": self.mime_type,
            "file_size": self.size,
        }
        if self.filename:
            doc["file_name"] = self.filename
        return doc

    def photo_json(self) -> list[dict[str, Any]]:
        # Telegram offers several sizes; one honest size keeps file ids unambiguous.
        return [
            {
                "file_id": self.file_id,
                "file_unique_id": self.file_unique_id,
                "width": self.width,
                "height": self.height,
                "file_size": self.size,
            }
        ]

    def file_json(self) -> dict[str, Any]:
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.size,
            "file_path": self.file_path,
        }


class FileStore:
    def __init__(self) -> None:
        self._by_id: dict[str, StoredFile] = {}
        self._by_path: dict[str, StoredFile] = {}
        self._numbers = itertools.count(1)

    def add(
        self, kind: FileKind, data: bytes, filename: str | None, content_type: str | None
    ) -> StoredFile:
        number = next(self._numbers)
        digest = hashlib.sha256(data).hexdigest()
        mime = _mime_type(filename, content_type)
        extension = _extension(filename, mime, kind)
        width, height = image_size(data) if kind == "photo" else (0, 0)
        stored = StoredFile(
            file_id=f"{'BQAC' if kind == 'document' else 'AgAC'}{number:06d}{digest[:24]}",
            file_unique_id=f"AQAD{digest[:12]}",
            kind=kind,
            data=data,
            filename=filename,
            mime_type=mime,
            file_path=f"{kind}s/file_{number}{extension}",
            width=width,
            height=height,
        )
        self._by_id[stored.file_id] = stored
        self._by_path[stored.file_path] = stored
        return stored

    def get(self, file_id: str) -> StoredFile | None:
        return self._by_id.get(file_id)

    def by_path(self, file_path: str) -> StoredFile | None:
        return self._by_path.get(file_path)

    def __len__(self) -> int:
        return len(self._by_id)


def _mime_type(filename: str | None, content_type: str | None) -> str:
    # HTTP clients label every part octet-stream; Telegram goes by the file name then.
    if content_type and content_type != GENERIC_MIME:
        return content_type
    guessed = mimetypes.guess_type(filename)[0] if filename else None
    return guessed or GENERIC_MIME


def _extension(filename: str | None, mime: str, kind: FileKind) -> str:
    if filename and "." in filename:
        return "." + filename.rsplit(".", 1)[1]
    if kind == "photo":
        return ".jpg"
    return mimetypes.guess_extension(mime) or ""


def image_size(data: bytes) -> tuple[int, int]:
    """(width, height) of a PNG or JPEG from its header; (0, 0) for anything else."""
    if data.startswith(b"\x89PNG\r\n\x1a\n") and len(data) >= 24:
        width, height = struct.unpack(">II", data[16:24])
        return width, height
    if data.startswith(b"\xff\xd8"):
        return _jpeg_size(data)
    return 0, 0


def _jpeg_size(data: bytes) -> tuple[int, int]:
    position = 2
    while position + 9 < len(data):
        if data[position] != 0xFF:
            return 0, 0
        marker = data[position + 1]
        (length,) = struct.unpack(">H", data[position + 2 : position + 4])
        # SOF0..SOF15 carry the frame size; C4 (DHT), C8 and CC (DAC) share the range but don't.
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", data[position + 5 : position + 9])
            return width, height
        position += 2 + length
    return 0, 0
