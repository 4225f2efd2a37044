"""Module-level defaults, each overridable by an environment variable or a keyword.

Attributes
----------
THEATER : str
    Theater folder under ``geo/data`` (env ``FRONTLINE_THEATER``), default ``"syria"``.
CACHE_DIR : pathlib.Path
    Where derived data (the filtered GeoNames table) is cached (env ``FRONTLINE_CACHE``),
    default ``$XDG_CACHE_HOME/frontline`` or ``~/.cache/frontline``.
DATA_DIR : pathlib.Path
    The user's working data: imported GeoNames dumps, overrides, the store
    (env ``FRONTLINE_DATA``), default ``./data``.
OVERRIDES_CSV : pathlib.Path
    Analyst overrides, same columns as the theater ``places.csv``
    (env ``FRONTLINE_OVERRIDES``), default ``DATA_DIR / "overrides.csv"``.
CORPUS : list of pathlib.Path
    The folders the app reads into an empty store (env ``FRONTLINE_CORPUS``, several
    separated by ``os.pathsep``), default `DEFAULT_CORPUS`.
"""

from __future__ import annotations

import os
from pathlib import Path

PACKAGE_DATA = Path(__file__).resolve().parent / "data"
DEFAULT_CORPUS = ("seeds", "corpus/syria/articles")
"""The seed articles and the annotated corpus, relative to the working folder."""


def _env_path(name: str, default: Path) -> Path:
    value = os.environ.get(name)
    return Path(value).expanduser() if value else default


def theater_name() -> str:
    """Name of the active theater folder."""
    return os.environ.get("FRONTLINE_THEATER", "syria")


def cache_dir() -> Path:
    """Directory for derived, re-creatable data."""
    xdg = os.environ.get("XDG_CACHE_HOME")
    base = Path(xdg) if xdg else Path.home() / ".cache"
    return _env_path("FRONTLINE_CACHE", base / "frontline")


def data_dir() -> Path:
    """Directory for the user's own data (imports, overrides, store)."""
    return _env_path("FRONTLINE_DATA", Path("data"))


def overrides_csv() -> Path:
    """Path of the analyst overrides CSV."""
    return _env_path("FRONTLINE_OVERRIDES", data_dir() / "overrides.csv")


def wof_dir() -> Path:
    """Directory where ``frontline gazetteer import`` keeps imported Who's On First data."""
    return data_dir() / "wof"


def geonames_dir() -> Path:
    """Directory where ``frontline gazetteer import`` keeps imported GeoNames dumps."""
    return data_dir() / "geonames"


def corpus_folders() -> list[Path]:
    """The folders of articles the app reads into an empty store, in order."""
    value = os.environ.get("FRONTLINE_CORPUS")
    names = value.split(os.pathsep) if value else DEFAULT_CORPUS
    return [Path(name).expanduser() for name in names if name.strip()]
