"""The usearch graph on disk: a cache of SQLite's embeddings, saved with a JSON sidecar
holding its SHA-256, row count, embedding version and dimensions.

It is written atomically (temporary file, fsync, rename) and verified before loading: a
missing, stale, damaged or other-version file is rebuilt by the caller from SQLite (a
damaged graph can crash usearch, so it is never loaded unverified).
"""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

from usearch.index import Index

from samplemind._embedding import EMBEDDING_VERSION


class GraphFile:
    """similarity-v<EMBEDDING_VERSION>.usearch in a data folder, and its sidecar."""

    def __init__(self, data_dir: Path, ndim: int) -> None:
        self.path = data_dir / f"similarity-v{EMBEDDING_VERSION}.usearch"
        self.sidecar = self.path.with_suffix(".json")
        self.ndim = ndim

    def load(self, rows: int, *, view: bool = False) -> Index | None:
        """The saved graph when its sidecar vouches for it and for `rows` samples, else None."""
        if not self.verified(rows):
            return None
        graph = Index.restore(str(self.path), view=view)
        return graph if graph is not None and graph.ndim == self.ndim else None

    def verified(self, rows: int) -> bool:
        """Whether the file is the one the sidecar describes, for `rows` samples of this
        embedding version and size."""
        try:
            sidecar = json.loads(self.sidecar.read_text())
        except (OSError, ValueError):
            return False
        return (self.path.exists() and sidecar.get("embedding_version") == EMBEDDING_VERSION
                and sidecar.get("count") == rows and sidecar.get("ndim") == self.ndim
                and sidecar.get("sha256") == _sha256(self.path))

    def save(self, graph: Index) -> None:
        temporary = self.path.with_suffix(".usearch.tmp")
        graph.save(str(temporary))
        _fsync(temporary)
        os.replace(temporary, self.path)
        sidecar = {"sha256": _sha256(self.path), "count": len(graph), "embedding_version": EMBEDDING_VERSION,
                   "ndim": self.ndim}
        _write_atomically(self.sidecar, json.dumps(sidecar).encode())

    def size_bytes(self) -> int:
        return self.path.stat().st_size if self.path.exists() else 0

    def refuse_an_emptied_database(self, database: Path) -> None:
        """A database truncated to nothing would pass for a new library and the saved
        graph be overwritten with an empty one: stop and say so while both can still be
        saved."""
        if not database.exists() or database.stat().st_size > 0:
            return
        try:
            count = int(json.loads(self.sidecar.read_text()).get("count", 0))
        except (OSError, ValueError, TypeError):
            return
        if count > 0:
            raise RuntimeError(f"{database} is empty (0 bytes) but the saved graph {self.path} holds {count} "
                               "samples: the database was probably truncated. Restore it from a backup, or move "
                               "both files away to start a new library; nothing was changed")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as file:
        while chunk := file.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write_atomically(path: Path, data: bytes) -> None:
    temporary = path.with_suffix(path.suffix + ".tmp")
    with open(temporary, "wb") as file:
        file.write(data)
        file.flush()
        os.fsync(file.fileno())
    os.replace(temporary, path)
