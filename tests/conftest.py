"""Shared fixtures. Tests never read the user's data folder or cache."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEEDS = REPO / "seeds"
TEST_DATA = Path(__file__).resolve().parent / "data"

# Isolate every test run (and subprocesses it starts) from the user's own data and cache.
_SCRATCH = Path(tempfile.mkdtemp(prefix="frontline-tests-"))
os.environ["FRONTLINE_DATA"] = str(_SCRATCH / "data")
os.environ.setdefault("FRONTLINE_CACHE", str(_SCRATCH / "cache"))
os.environ.pop("FRONTLINE_OVERRIDES", None)
os.environ.pop("FRONTLINE_THEATER", None)


@pytest.fixture(scope="session")
def gazetteer():
    """The full offline gazetteer (theater + governorates + corridors + cities500)."""
    from geo.gazetteer import load_gazetteer

    return load_gazetteer()


@pytest.fixture(scope="session")
def seed_documents():
    """The five seed articles as documents, keyed by their file-name prefix (000 ... 004)."""
    from geo.ingest import read_documents

    docs = {}
    for item in read_documents([SEEDS]):
        docs[Path(item.path).name[:3]] = item
    return docs


@pytest.fixture(scope="session")
def factions():
    """The theater's factions."""
    from geo.factions import load_factions

    return load_factions()


@pytest.fixture(scope="session")
def claims_of(gazetteer, factions):
    """A function: text -> the claims extracted from it (published 2020-02-17 by default)."""
    from geo.claims import extract_claims
    from geo.ingest import make_document
    from geo.places import geocode_document

    def run(text: str, published: str = "2020-02-17"):
        doc = make_document(text=text, path="<test>", meta={"published": published},
                            basis="test")
        return extract_claims(doc, geocode_document(doc, gazetteer), factions)

    return run


def curated_row(name: str) -> dict[str, str]:
    """The theatre's curated gazetteer row of ``name`` (its sourced point and page)."""
    import csv

    from geo.theater import load_theater

    with load_theater().path("places").open(encoding="utf-8") as handle:
        return next(row for row in csv.DictReader(handle) if row["name"] == name)


def document(text: str, *, published: str = "2020-02-17", title: str = ""):
    """A document made from a short text (the title is not prepended)."""
    from geo.ingest import make_document

    return make_document(text=text, path="<test>", meta={"published": published, "title": title},
                         basis="test")


@pytest.fixture(autouse=True)
def _keep_main_module():
    """Put back ``sys.modules["__main__"]`` after each test.

    Streamlit's script runner (AppTest) installs ``app.py`` as ``__main__`` and leaves it
    there; a process started later with the ``spawn`` method (a Dask LocalCluster worker)
    would then run the whole app on start-up.
    """
    import sys

    main = sys.modules.get("__main__")
    yield
    if main is not None:
        sys.modules["__main__"] = main
