"""GET /map's body, serialised once per map. At 100,000 samples the JSON is 12 MB and
takes a quarter of a second to write; written by json_response on the event loop for
every page load, it stalled every other request, an audition's among them."""

from __future__ import annotations

import json
import threading
from typing import Any

from samplemind.similarity import SimilarityIndex


class MapBody:
    def __init__(self, index: SimilarityIndex) -> None:
        self._index = index
        self._lock = threading.Lock()
        self._points: list[dict[str, Any]] | None = None
        self._body = b""

    def get(self) -> bytes:
        """The body for the index's current map (blocking: call it off the loop)."""
        points = self._index.library_map()  # the same list until the samples change
        with self._lock:
            if points is not self._points:
                self._points, self._body = points, json.dumps({"points": points}, separators=(",", ":")).encode()
            return self._body
