"""Domain errors. Every message quotes the bad input and says how to fix it."""

from __future__ import annotations


class FrontlineError(Exception):
    """Root of every error frontline raises on purpose."""


class InputError(FrontlineError):
    """An input file (article, manifest, gold file) cannot be read as given."""

    def __init__(self, path: object, problem: str, fix: str, *, line: int | None = None) -> None:
        where = f"{path}" if line is None else f"{path}, line {line}"
        super().__init__(f"{where}: {problem}. Fix: {fix}")
        self.path = str(path)
        self.line = line
        self.problem = problem
        self.fix = fix


class GazetteerError(FrontlineError):
    """A gazetteer, theater or overrides file is malformed."""


class TheaterError(FrontlineError):
    """A theater folder is missing or incomplete."""
