"""The server's settings: one frozen dataclass, filled from the command line."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

MiB = 1024 * 1024


@dataclass(frozen=True, kw_only=True)
class ServerConfig:
    data_dir: Path
    """The data folder shared with the CLI: cache, similarity index, jobs, uploads."""
    host: str = "127.0.0.1"
    port: int = 8000
    token: str | None = None
    """When set, every route but /health needs ``Authorization: Bearer <token>``
    (WebSockets may pass ``?access_token=<token>``, since browsers cannot set headers)."""
    library_roots: tuple[Path, ...] = ()
    """Folders whose files clients may name by path; no path is accepted without one."""
    index_library: bool = False
    """At start, index the library folders' files that the index lacks, in a job
    (`samplemind serve` turns it on unless --no-index)."""
    watch_library: bool = False
    """Follow the library folders' changes while serving (new, changed, moved and deleted
    files reach the index within seconds); replaces the index job at start."""
    allowed_origins: tuple[str, ...] = ()
    """Origins (``https://app.example``) allowed to open WebSockets besides the server's own."""
    workers: int = 0
    """Analysis threads (0: one per hardware thread)."""
    max_file_bytes: int = 512 * MiB
    max_request_bytes: int = 1024 * MiB
    max_parts: int = 1000
    """Files in one upload request."""
    max_json_bytes: int = 16 * MiB
    max_queued_jobs: int = 64
    """Jobs waiting or running; more are answered 503."""
    max_job_files: int = 100_000
    max_live_streams: int = 8
    """Concurrent /ws/analysis streams; more are answered 503."""
    max_ws_message_bytes: int = 4 * MiB
    max_stream_seconds: float = 3600.0
    live_idle_seconds: float = 30.0
    """A live stream that sends nothing for this long is closed (408), freeing its slot."""
    chunk_files: int = 16
    """Files handed to the engine at a time; a crash can cost at most two chunks' work."""
    max_attempts: int = 3
    """A file whose analysis was interrupted this often (the process died) is failed."""
    search_concurrency: int = 32
    """Searches running at once; more wait (briefly) or are answered 503."""

    def __post_init__(self) -> None:
        for name in ("max_file_bytes", "max_request_bytes", "max_parts", "max_json_bytes", "max_queued_jobs",
                     "max_job_files", "max_live_streams", "max_ws_message_bytes", "chunk_files", "max_attempts",
                     "search_concurrency"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name} must be >= 1, got {getattr(self, name)}")
        if not self.live_idle_seconds > 0:
            raise ValueError(f"live_idle_seconds must be > 0, got {self.live_idle_seconds}")
        if not 0 <= self.port <= 65535:
            raise ValueError(f"port must be in [0, 65535], got {self.port}")
        if self.workers < 0:
            raise ValueError(f"workers must be >= 0, got {self.workers}")
