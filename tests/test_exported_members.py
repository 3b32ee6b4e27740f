"""The public surface of samplemind: what __all__ promises exists, sorted."""

from __future__ import annotations

import samplemind


def test_all_is_sorted_and_complete() -> None:
    assert samplemind.__all__ == sorted(samplemind.__all__)
    for name in samplemind.__all__:
        assert hasattr(samplemind, name), name


def test_public_names_are_exported() -> None:
    import inspect

    public = {name for name in dir(samplemind) if not name.startswith("_")}
    public -= {name for name in public if inspect.ismodule(getattr(samplemind, name))}  # samplemind.similarity
    assert public == set(samplemind.__all__) - {"__version__"}


def test_version_matches_package_metadata() -> None:
    from importlib.metadata import version

    assert samplemind.__version__ == version("samplemind")
