"""Load a theater folder (``geo/data/<theater>/theater.toml`` and the files it names)."""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from geo import settings
from geo.errors import TheaterError

BUILT_FILES = {"corridors": "corridor_waypoints"}
"""Data files a command builds from another one (``frontline corridors build``)."""


@dataclass(frozen=True)
class CorridorSpec:
    """A strategic corridor: its reference (``M4``), label and the names text uses."""

    ref: str
    label: str
    names: tuple[str, ...]


@dataclass(frozen=True)
class Theater:
    """Settings and data files of one theater of war."""

    code: str
    name: str
    folder: Path
    countries: tuple[str, ...]
    metric_crs: str
    area_crs: str
    files: dict[str, Path]
    admin1_names: dict[str, tuple[str, ...]] = field(default_factory=dict)
    corridors: tuple[CorridorSpec, ...] = ()
    needs_context: tuple[str, ...] = ()
    foreign_adjectives: tuple[str, ...] = ()
    credit: str = ""
    contested_window_days: int = 3
    stale_days: int = 60
    influence_km: dict[str, float] = field(default_factory=dict)
    fire_range_km: float = 10.0

    def radius_km(self, kind: str) -> float:
        """Influence radius of a place kind (``[areas.influence_km]``)."""
        return float(self.influence_km.get(kind, self.influence_km.get("default", 3.0)))

    def path(self, key: str) -> Path:
        """Path of a data file named in the ``[files]`` table."""
        try:
            return self.files[key]
        except KeyError:
            raise TheaterError(
                f"{self.folder / 'theater.toml'}: no '{key}' entry in [files]. "
                f"Fix: add {key} = \"<file name>\" to [files]."
            ) from None


def load_theater(code: str | None = None, *, folder: Path | None = None) -> Theater:
    """Read a theater definition.

    Parameters
    ----------
    code
        Folder name under ``geo/data`` (default: ``settings.theater_name()``).
    folder
        An explicit theater folder instead of a packaged one.
    """
    code = code or settings.theater_name()
    folder = folder or settings.PACKAGE_DATA / code
    return _load(folder.resolve(), code)


@lru_cache(maxsize=8)
def _load(folder: Path, code: str) -> Theater:
    toml_path = folder / "theater.toml"
    if not toml_path.is_file():
        raise TheaterError(
            f"{toml_path}: theater file not found. Fix: set FRONTLINE_THEATER to one of "
            f"{sorted(p.name for p in settings.PACKAGE_DATA.iterdir() if p.is_dir())}."
        )
    try:
        raw = tomllib.loads(toml_path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise TheaterError(
            f"{toml_path}: not valid TOML ({exc}). Fix: correct the syntax.") from exc
    files = {key: folder / name for key, name in raw.get("files", {}).items()}
    for key, path in files.items():
        if key in BUILT_FILES and BUILT_FILES[key] in files:
            continue  # built by a command from another file; its reader says how if missing
        if not path.is_file():
            raise TheaterError(f"{toml_path}: [files] {key} = {path.name!r} does not exist. "
                               f"Fix: add the file to {folder} or remove the entry.")
    corridors = tuple(
        CorridorSpec(ref=ref, label=spec.get("label", ref), names=tuple(spec.get("names", [ref])))
        for ref, spec in raw.get("corridors", {}).items() if isinstance(spec, dict)
    )
    return Theater(
        code=code,
        name=raw.get("name", code),
        folder=folder,
        countries=tuple(raw.get("countries", [])),
        metric_crs=raw.get("metric_crs", "EPSG:3857"),
        area_crs=raw.get("area_crs", "EPSG:6933"),
        files=files,
        admin1_names={k: tuple(v) for k, v in raw.get("admin1_names", {}).items()},
        corridors=corridors,
        needs_context=tuple(raw.get("gazetteer", {}).get("needs_context", [])),
        foreign_adjectives=tuple(raw.get("gazetteer", {}).get("foreign_adjectives", [])),
        credit=str(raw.get("credit", "")),
        contested_window_days=int(raw.get("timeline", {}).get("contested_window_days", 3)),
        stale_days=int(raw.get("timeline", {}).get("stale_days", 60)),
        influence_km={k: float(v) for k, v in
                      raw.get("areas", {}).get("influence_km", {}).items()},
        fire_range_km=float(raw.get("corridors", {}).get("fire_range_km", 10.0)),
    )
