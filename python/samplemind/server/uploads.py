"""Multipart uploads streamed to disk under limits counted while streaming.

aiohttp's client_max_size does not cover a streamed multipart body, so the limits are
enforced here, on every byte read off the request (preamble, part headers, files and
epilogue alike): a request is refused (413) as soon as it passes a limit, having read
at most one chunk past it. Client file names are kept only for
display; on disk a file is ``<index><extension>`` in a folder the server named, and
the extension is kept only when it is a plain short suffix. The caller removes the
folder on every failure path (``remove_quietly``).
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast
from urllib.parse import unquote

from aiohttp import BodyPartReader, MultipartReader, StreamReader, web
from aiohttp.hdrs import CONTENT_DISPOSITION
from aiohttp.http_exceptions import HttpProcessingError
from aiohttp.multipart import content_disposition_filename, parse_content_disposition

from samplemind.server.config import ServerConfig
from samplemind.server.errors import ApiError
from samplemind.server.params import media_type

_CHUNK = 256 * 1024
_SAFE_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_MAX_NAME = 255


@dataclass(frozen=True)
class Upload:
    filename: str
    """The client's name for the file, for display only (path components removed)."""
    path: str
    """Where the server stored it."""


def check_declared_size(request: web.Request, config: ServerConfig) -> None:
    """Refuses a body whose Content-Length is already over the request limit, unread."""
    if request.content_length is not None and request.content_length > config.max_request_bytes:
        raise ApiError(413, f"request body of {request.content_length} bytes is over the limit of "
                            f"{config.max_request_bytes} bytes")


async def receive_files(request: web.Request, folder: Path, config: ServerConfig, *,
                        field_names: tuple[str, ...] = ("files",)) -> list[Upload]:
    """Streams every file part (named one of ``field_names``) into ``folder``. Writes go
    to the page cache (fast enough for the loop); sync_to_disk, off the loop, makes them
    durable."""
    check_declared_size(request, config)
    if not media_type(request).startswith("multipart/"):
        raise ApiError(415, f"expected multipart/form-data, got {media_type(request) or 'no content type'}")
    try:
        counted = _CountedStream(request.content, config.max_request_bytes)
        reader = MultipartReader(request.headers, cast(StreamReader, counted))  # the methods it calls
    except ValueError as error:  # no boundary, or an unreadable header
        raise ApiError(400, f"malformed multipart body: {error}") from None
    folder.mkdir(parents=True, exist_ok=False)
    uploads: list[Upload] = []
    while (part := await _next_part(reader)) is not None:
        if not isinstance(part, BodyPartReader):
            raise ApiError(400, "nested multipart bodies are not accepted")
        # One parse of Content-Disposition for both name and filename (aiohttp's
        # part.name and part.filename parse it once each, on the loop).
        _, disposition = parse_content_disposition(part.headers.get(CONTENT_DISPOSITION))
        name = content_disposition_filename(disposition, "name")
        if name not in field_names:
            raise ApiError(400, f"unexpected form field {name!r}: send files in parts named "
                                f"{' or '.join(repr(n) for n in field_names)}")
        if len(uploads) >= config.max_parts:
            raise ApiError(413, f"more than {config.max_parts} files in one request")
        display = display_name(content_disposition_filename(disposition, "filename"), len(uploads))
        target = folder / f"{len(uploads):06d}{safe_suffix(display)}"
        await _stream_part(part, target, config)
        uploads.append(Upload(display, str(target)))
    if not uploads:
        raise ApiError(400, f"no files: send them in multipart parts named {field_names[0]!r}")
    return uploads


async def _next_part(reader: MultipartReader) -> Any:
    try:
        return await reader.next()
    except ValueError as error:  # a missing boundary line, a broken part header
        raise ApiError(400, f"malformed multipart body: {error}") from None
    except HttpProcessingError as error:  # too many or too long part headers
        raise ApiError(400, f"malformed multipart body: {error.message}") from None


async def _stream_part(part: BodyPartReader, target: Path, config: ServerConfig) -> None:
    size = 0
    with open(target, "wb") as out:
        while chunk := await _read_chunk(part):
            size += len(chunk)
            if size > config.max_file_bytes:
                raise ApiError(413, f"file over the limit of {config.max_file_bytes} bytes")
            out.write(chunk)


class _CountedStream:
    """The request's stream as the multipart reader reads it, refusing (413) the byte
    that passes `limit`: what comes before the first boundary or between parts counts
    as much as the files."""

    def __init__(self, stream: Any, limit: int) -> None:
        self._stream, self._limit, self._read = stream, limit, 0

    def _counted(self, data: bytes) -> bytes:
        self._read += len(data)
        if self._read > self._limit:
            raise ApiError(413, f"request over the limit of {self._limit} bytes")
        return data

    async def read(self, n: int = -1) -> bytes:
        return self._counted(await self._stream.read(n))

    async def readline(self, **options: Any) -> bytes:  # max_line_length, in aiohttp 3.13+
        return self._counted(await self._stream.readline(**options))

    def at_eof(self) -> bool:
        return bool(self._stream.at_eof())

    def unread_data(self, data: bytes) -> None:
        self._read -= len(data)
        self._stream.unread_data(data)


async def _read_chunk(part: BodyPartReader) -> bytes:
    try:
        return await part.read_chunk(_CHUNK)
    except ValueError as error:
        raise ApiError(400, f"malformed multipart body: {error}") from None


def display_name(filename: str | None, index: int) -> str:
    """The client's file name without any folder part; never used to build a path."""
    # aiohttp's client percent-encodes names; browsers do not: decode, then cut folders.
    name = unquote(filename or "").replace("\\", "/").rsplit("/", 1)[-1].strip()
    name = "".join(ch for ch in name if ch.isprintable())[:_MAX_NAME]
    return name if name not in ("", ".", "..") else f"upload-{index}"


def safe_suffix(name: str) -> str:
    suffix = os.path.splitext(name)[1]
    return suffix.lower() if _SAFE_SUFFIX.fullmatch(suffix) else ""


def remove_quietly(folder: Path) -> None:
    shutil.rmtree(folder, ignore_errors=True)


def sync_to_disk(uploads: list[Upload], folder: Path) -> None:
    """fsyncs the files and their folder (blocking: run it off the loop). The 202 answer
    promises the upload survives a crash."""
    for path in [upload.path for upload in uploads] + [str(folder)]:
        descriptor = os.open(path, os.O_RDONLY)
        try:
            os.fsync(descriptor)
        finally:
            os.close(descriptor)
