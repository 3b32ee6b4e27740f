"""The OpenAPI 3.1 description of every route (tests/test_server.py keeps it equal to
the app's routes)."""

from __future__ import annotations

from typing import Any

from samplemind import __version__
from samplemind._categories import CATEGORY_FILTER_NAMES
from samplemind._waveform import MAX_WAVEFORM_WIDTH
from samplemind.server.routes_samples import CORRECTABLE, MAX_PAGE
from samplemind.similarity import SORTABLE

_ERROR = {"type": "object", "required": ["error"], "properties": {"error": {
    "type": "object", "required": ["code", "message"],
    "properties": {"code": {"type": "string"}, "message": {"type": "string"}}}}}
_JOB_ID = {"name": "job_id", "in": "path", "required": True, "schema": {"type": "string"}}
_STATUS = {"type": "string", "enum": ["queued", "running", "completed", "failed", "cancelled"]}
_JOB_STATE = {"type": "object", "properties": {
    "job_id": {"type": "string"}, "kind": {"type": "string", "enum": ["analyze", "index"]}, "status": _STATUS,
    "progress_percent": {"type": "number"}, "progress": {"type": "number"},
    "processed": {"type": "integer"}, "total": {"type": "integer"}, "errors": {"type": "integer"},
    "current_file": {"type": "string"}, "files_per_second": {"type": "number"},
    "eta_seconds": {"type": ["number", "null"]}, "created_at": {"type": "string", "format": "date-time"},
    "started_at": {"type": ["string", "null"]}, "finished_at": {"type": ["string", "null"]},
    "final": {"type": "boolean"}}}
_UPLOAD = {"multipart/form-data": {"schema": {"type": "object", "properties": {
    "files": {"type": "array", "items": {"type": "string", "format": "binary"}}}}},
    "application/json": {"schema": {"type": "object", "required": ["paths"], "properties": {
        "paths": {"type": "array", "items": {"type": "string"},
                  "description": "Files or folders under a --library root"}}}}}
_ACCEPTED = {"type": "object", "properties": {
    "job_id": {"type": "string"}, "status": _STATUS, "total": {"type": "integer"},
    "status_url": {"type": "string"}, "results_url": {"type": "string"}, "progress_ws": {"type": "string"}}}
_SEARCH_RESULT = {"type": "object", "properties": {
    "sample_id": {"type": "integer"}, "path": {"type": "string"}, "similarity": {"type": ["number", "null"]},
    "file_path": {"type": "string", "deprecated": True, "description": "the first server's name for path"},
    "similarity_score": {"type": ["number", "null"], "deprecated": True,
                         "description": "the first server's name for similarity"},
    "aspects": {"type": "object", "additionalProperties": {"type": "number"}},
    "duration_s": {"type": "number"}, "tempo_bpm": {"type": ["number", "null"]},
    "key": {"type": ["string", "null"], "description": "the musical key"}, "is_loop": {"type": "boolean"}, "pitch_hz": {"type": ["number", "null"]},
    "pitch_note": {"type": ["string", "null"]}, "loudness_lufs": {"type": "number"},
    "category": {"type": "string"}, "category_family": {"type": ["string", "null"]},
    "centroid_hz_mean": {"type": "number"},
    **{f"{name}_source": {"type": "string", "enum": ["analysis", "metadata", "name", "user"]}
       for name in ("tempo", "key")},
    "category_source": {"type": "string", "enum": ["analysis", "user"]},
    "analysis": {"type": "object", "description": "what the analysis measured of each field taken from elsewhere"},
    "metadata": {"type": "object", "description": "what the file's metadata and its name state: tempo_bpm, key, "
                                                  "root_note, is_loop, name_tempo_bpm, name_key, name_note"}}}
_QUERY = {"type": "object", "properties": {
    "sample_id": {"type": "integer"},
    "key": {"type": "integer", "deprecated": True, "description": "the first server's name for sample_id"}, "vector": {"type": "array", "items": {"type": "number"}},
    "path": {"type": "string"}, "q": {"type": "string", "description": "alone: a text search"}}}
_SEARCH_PARAMETERS = [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 100, "default": 10}},
    {"name": "min_similarity", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1}},
    *({"name": name, "in": "query", "schema": {"type": "number"}} for name in (
        "tempo_min", "tempo_max", "duration_min", "duration_max", "pitch_min", "pitch_max")),
    *({"name": name, "in": "query", "schema": {"type": "string"}, "example": example,
       "description": f"LO-HI, as on the command line; the same as {name}_min and {name}_max"}
      for name, example in (("tempo", "120-130"), ("duration", "0-2"), ("pitch", "40-80"))),
    {"name": "key", "in": "query", "schema": {"type": "string"}, "example": "A minor"},
    {"name": "compatible_keys", "in": "query", "schema": {"type": "boolean"}},
    {"name": "loops", "in": "query", "schema": {"type": "string", "enum": ["any", "only", "none"]}},
    {"name": "category", "in": "query", "schema": {"type": "string", "enum": list(CATEGORY_FILTER_NAMES)},
     "description": "a category or a family"},
    {"name": "weights", "in": "query", "schema": {"type": "string"}, "example": "timbre:2,rhythm:0.5",
     "description": "ASPECT:W pairs (ASPECT=W too, as on the command line)"},
]


_SAMPLE_ID = {"name": "sample_id", "in": "path", "required": True, "schema": {"type": "integer"}}
_TEXT = {"name": "q", "in": "query", "schema": {"type": "string"}, "example": "dusty snare",
         "description": "words of the name: abbreviations (bd, sn, hh), prefixes and typos match"}
_LISTING = [_TEXT,
            {"name": "sort", "in": "query", "schema": {"type": "string", "enum": [
                *SORTABLE, *(f"-{name}" for name in SORTABLE)]}},
            {"name": "offset", "in": "query", "schema": {"type": "integer", "minimum": 0}},
            {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 0, "maximum": MAX_PAGE}},
            *_SEARCH_PARAMETERS[2:-1]]
_CORRECTION = {"type": "object", "description": "null removes a correction", "properties": {
    name: {"type": ["number" if name == "tempo_bpm" else "string", "null"]} for name in CORRECTABLE}}


def _json(schema: dict[str, Any]) -> dict[str, Any]:
    return {"content": {"application/json": {"schema": schema}}}


def _operation(summary: str, ok: int, schema: dict[str, Any], errors: tuple[int, ...] = (),
               **extra: Any) -> dict[str, Any]:
    responses = {str(ok): {"description": "OK" if ok < 300 else "Accepted", **_json(schema)}}
    responses.update({str(code): {"description": "Error", **_json(_ERROR)} for code in (401, *errors)})
    return {"summary": summary, "responses": responses, **extra}


def _websocket(summary: str, description: str, **extra: Any) -> dict[str, Any]:
    return {"summary": summary, "description": description,
            "responses": {"101": {"description": "Switching to the WebSocket protocol"},
                          "403": {"description": "Origin not allowed", **_json(_ERROR)}}, **extra}


def openapi_document() -> dict[str, Any]:
    return {
        "openapi": "3.1.0",
        "info": {"title": "SampleMind", "version": __version__,
                 "description": "Audio sample analysis and similarity search. Every route but /health needs "
                                "'Authorization: Bearer <token>' when the server has a token."},
        "components": {"securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}}},
        "security": [{"bearer": []}],
        "paths": {
            "/batch/analyze": {"post": _operation(
                "Analyse uploaded files or library paths as a durable job", 202, _ACCEPTED,
                (400, 403, 413, 415, 503), requestBody={"required": True, "content": _UPLOAD})},
            "/batch/status/{job_id}": {"get": _operation("A job's progress", 200, _JOB_STATE, (404,),
                                                         parameters=[_JOB_ID])},
            "/batch/results/{job_id}": {"get": _operation(
                "A job's per-file results (partial while it runs), paged", 200,
                {"type": "object", "properties": {"job_id": {"type": "string"}, "status": _STATUS,
                                                  "results": {"type": "array", "items": {"type": "object"}},
                                                  "next_offset": {"type": ["integer", "null"]}}},
                (400, 404), parameters=[_JOB_ID,
                                        {"name": "offset", "in": "query", "schema": {"type": "integer"}},
                                        {"name": "limit", "in": "query",
                                         "schema": {"type": "integer", "maximum": 1000}}])},
            "/batch/jobs/{job_id}": {"delete": _operation(
                "Cancel a queued or running job (a finished one is deleted)", 200,
                {"type": "object", "properties": {"job_id": {"type": "string"}, "status": {"type": "string"}}},
                (404,), parameters=[_JOB_ID])},
            "/ws/progress/{job_id}": {"get": _websocket(
                "Job progress over a WebSocket",
                "Sends the job state now, then on every change (at most ~10 per second), then the final "
                "state (final: true) and closes.", parameters=[_JOB_ID])},
            "/ws/analysis": {"get": _websocket(
                "Live analysis over a WebSocket",
                'Send {"sample_rate", "channels", "sample_format": float32|int16|int32} as text, then binary '
                'little-endian interleaved blocks (each answered with {"type": "running", ...}), then '
                '{"type": "end"} for {"type": "analysis", "analysis": {...}}.')},
            "/similarity/search": {"post": _operation(
                "The samples most like an uploaded file (part 'file'), an indexed key, a vector or a path",
                200, {"type": "object", "properties": {"results": {"type": "array", "items": _SEARCH_RESULT}}},
                (400, 404, 413, 415, 503), parameters=[*_SEARCH_PARAMETERS, _TEXT],
                requestBody={"required": True, "content": {
                    "multipart/form-data": {"schema": {"type": "object", "properties": {
                        "file": {"type": "string", "format": "binary"}}}},
                    "application/json": {"schema": _QUERY}}})},
            "/similarity/batch-search": {"post": _operation(
                "Many queries in one index search", 200,
                {"type": "object", "properties": {"results": {"type": "array", "items": {
                    "type": "array", "items": _SEARCH_RESULT}}}},
                (400, 404, 503), parameters=_SEARCH_PARAMETERS[:2],
                requestBody={"required": True, "content": {"application/json": {"schema": {
                    "type": "object", "properties": {"queries": {"type": "array", "items": _QUERY},
                                                     "filters": {"type": "object"},
                                                     "weights": {"type": "object"}}}}}})},
            "/similarity/index": {"post": _operation(
                "Analyse and index uploads (kept by the server) or library paths, as a job", 202, _ACCEPTED,
                (400, 403, 413, 415, 503), requestBody={"required": True, "content": _UPLOAD})},
            "/similarity/stats": {"get": _operation(
                "Index size", 200, {"type": "object", "properties": {
                    "total_indexed": {"type": "integer"}, "dimensions": {"type": "integer"},
                    "embedding_version": {"type": "integer"}, "index_size_bytes": {"type": "integer"}}})},
            "/samples": {"get": _operation(
                "Indexed samples whose names match q and pass the filters, sorted, paged", 200,
                {"type": "object", "properties": {"total": {"type": "integer"}, "offset": {"type": "integer"},
                                                  "results": {"type": "array", "items": _SEARCH_RESULT}}},
                (400,), parameters=_LISTING)},
            "/samples/{sample_id}": {
                "get": _operation("One indexed sample", 200, _SEARCH_RESULT, (400, 404), parameters=[_SAMPLE_ID]),
                "patch": _operation("Correct a sample's tempo, key or category; kept apart from the analysis",
                                    200, _SEARCH_RESULT, (400, 404), parameters=[_SAMPLE_ID],
                                    requestBody={"required": True, "content": {
                                        "application/json": {"schema": _CORRECTION}}})},
            "/samples/{sample_id}/audio": {"get": {
                "summary": "The sample's file, as on disk; HTTP Range requests get 206", "parameters": [_SAMPLE_ID],
                "responses": {"200": {"description": "The file", "content": {"audio/*": {}}},
                              "206": {"description": "The requested range", "content": {"audio/*": {}}},
                              **{str(c): {"description": "Error", **_json(_ERROR)} for c in (401, 404, 416)}}}},
            "/samples/{sample_id}/peaks": {"get": _operation(
                "The waveform: per column, the lowest and highest sample (computed by the core, cached)", 200,
                {"type": "object", "properties": {"width": {"type": "integer"}, "duration_s": {"type": "number"},
                                                  "min": {"type": "array", "items": {"type": "number"}},
                                                  "max": {"type": "array", "items": {"type": "number"}}}},
                (400, 404, 422), parameters=[_SAMPLE_ID, {"name": "width", "in": "query", "schema": {
                    "type": "integer", "minimum": 1, "maximum": MAX_WAVEFORM_WIDTH, "default": 512}}])},
            "/map": {"get": _operation(
                "Every sample on a 2-D map where similar sounds lie close together (x, y in [0, 1])", 200,
                {"type": "object", "properties": {"points": {"type": "array", "items": {
                    "type": "object", "properties": {
                        "sample_id": {"type": "integer"}, "x": {"type": "number"}, "y": {"type": "number"},
                        "category": {"type": ["string", "null"]}, "category_family": {"type": ["string", "null"]},
                        "is_loop": {"type": "boolean"}}}}}})},
            "/duplicates": {"get": _operation(
                "Groups of copies among the indexed samples: exact, and with near=true also trimmed, "
                "re-levelled, resampled, re-encoded or mono copies", 200,
                {"type": "object", "properties": {"groups": {"type": "array", "items": {"type": "object", "properties": {
                    "kind": {"type": "string", "enum": ["exact", "near"]},
                    "files": {"type": "array", "items": {"type": "object", "properties": {
                        "path": {"type": "string"}, "folder": {"type": "string"}}}}}}},
                    "unreadable": {"type": "array", "items": {"type": "object"}}}},
                (400,), parameters=[{"name": "near", "in": "query", "schema": {"type": "boolean", "default": False}}])},
            "/batch/jobs": {"get": _operation("The queued and running jobs", 200, {"type": "object", "properties": {
                "jobs": {"type": "array", "items": _JOB_STATE}}})},
            "/": {"get": {"summary": "The web app (no token needed to load it: it asks for one)", "security": [],
                          "responses": {"200": {"description": "HTML", "content": {"text/html": {}}}}}},
            "/app": {"get": {"summary": "The web app's modules and style sheet, as /app/NAME", "security": [],
                             "responses": {"200": {"description": "A file"},
                                           "404": {"description": "No such file"}}}},
            "/session": {
                "post": _operation("Turn the bearer token into an HttpOnly, SameSite=Strict session cookie, for the "
                                   "web app's audio and WebSockets", 200, {"type": "object"}),
                "delete": _operation("Remove the session cookie", 200, {"type": "object"}),
            },
            "/health": {"get": {"summary": "Liveness (no token needed)", "security": [],
                                "responses": {"200": {"description": "OK", **_json({"type": "object"})}}}},
            "/openapi.json": {"get": _operation("This document", 200, {"type": "object"})},
        },
    }
