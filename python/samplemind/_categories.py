"""The fixed vocabulary of instrument categories (from the C++ core)."""

from __future__ import annotations

from samplemind import _core

__all__ = ["CATEGORIES", "CATEGORY_MODEL_VERSION", "CATEGORY_FILTER_NAMES"]

CATEGORIES: dict[str, str] = dict(_core.category_vocabulary())
"""Category -> family ("drums", "tonal", "fx", "loops"), in the model's class order.
An analysis whose best class is under 0.4 probability has the category "unknown"."""

CATEGORY_MODEL_VERSION: int = int(_core.CATEGORY_MODEL_VERSION)
"""Changes whenever the shipped category model or its input does."""

CATEGORY_FILTER_NAMES: tuple[str, ...] = tuple(sorted({*CATEGORIES, *CATEGORIES.values(), "unknown"}))
"""What a category filter accepts: a category, a family, or "unknown"."""
