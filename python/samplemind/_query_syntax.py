"""The text forms a search's options take, the same on the command line and in the
server's query string: ranges as LO-HI ("120-130") and aspect weights as
NAME:W or NAME=W pairs ("timbre:2,rhythm=0.5")."""

from __future__ import annotations


def parse_range(text: str, name: str) -> tuple[float, float]:
    """(low, high) from "LO-HI"; ValueError naming `name` for anything else (a reversed
    range is SearchFilters' to refuse, with the same name)."""
    low, separator, high = text.strip().partition("-")
    try:
        if not separator:
            raise ValueError
        return float(low), float(high)
    except ValueError:
        raise ValueError(f"{name} takes LO-HI, e.g. 120-130, got {text!r}") from None


def parse_weights(text: str, name: str = "weights") -> dict[str, str]:
    """{aspect: weight text} from "timbre:2,rhythm=0.5" (the caller checks the numbers)."""
    weights = {}
    for item in filter(None, (part.strip() for part in text.split(","))):
        aspect, separator, value = item.replace("=", ":", 1).partition(":")
        if not separator or not aspect.strip():
            raise ValueError(f"{name} takes ASPECT:W pairs, e.g. timbre:2,rhythm:0.5, got {item!r}")
        weights[aspect.strip()] = value.strip()
    return weights
