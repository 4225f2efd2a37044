"""Read articles from disk into `Document` objects.

Formats: ``.txt`` and ``.md`` (optional ``---`` front matter), ``.html``/``.htm`` (main
text extracted with trafilatura) and ``.jsonl`` (one article per line with ``text`` and
optional ``published``, ``url``, ``title``, ``source``). Metadata comes from, in rising
order of authority: the page itself (HTML metadata, first line as title), front matter,
and a ``manifest.csv`` beside the files (columns ``file, published, source, url, title``).

Every document's comments and page furniture are split off (`geo.comments`). The document
id is a hash of its content, so the same article read twice has the same id.

One bad file never stops a batch: `read_documents` yields `IngestFailure` records for the
bad ones and keeps going.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path

from geo.comments import split_comments
from geo.errors import InputError
from geo.models import Document

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MANIFEST = "manifest.csv"
META_FIELDS = ("published", "source", "url", "title")

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass(frozen=True)
class IngestFailure:
    """A file (or a line of one) that could not be read, with the reason and the fix."""

    path: str
    message: str


def parse_date(value: str, *, path: object, field: str, line: int | None = None) -> date | None:
    """Parse an ISO date (``2019-10-20`` or an ISO timestamp); empty gives None.

    Raises
    ------
    InputError
        When the value is not an ISO date.
    """
    value = (value or "").strip()
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10]) if len(value) > 10 else date.fromisoformat(value)
    except ValueError:
        try:
            return datetime.fromisoformat(value).date()
        except ValueError:
            raise InputError(path, f"field {field!r} is {value!r}, not a date",
                             "write it as YYYY-MM-DD, e.g. 2019-10-20", line=line) from None


def content_id(body: str, comments: str = "") -> str:
    """Stable document id: 16 hex digits of SHA-256 over the normalised text."""
    normal = unicodedata.normalize("NFC", f"{body}\n\x1e\n{comments}").replace("\r\n", "\n")
    return hashlib.sha256(normal.strip().encode("utf-8")).hexdigest()[:16]


def decode(data: bytes, *, path: object) -> str:
    """Decode file bytes: UTF-8 (with or without BOM) or BOM-marked UTF-16.

    Raises
    ------
    InputError
        For binary data or another encoding.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        text = data.decode("utf-16")
    else:
        if b"\x00" in data[:4096]:
            raise InputError(path, "binary data, not text",
                             "give a .txt, .md, .html or .jsonl file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"not UTF-8 (byte {exc.start})",
                             "re-save the file as UTF-8") from None
    return _CONTROL.sub(" ", text.replace("\r\n", "\n").replace("\r", "\n"))


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of ``folder/manifest.csv`` keyed by file name (empty when there is none)."""
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    with path.open(encoding="utf-8-sig", newline="") as handle:
        reader = csv.DictReader(handle)
        if "file" not in (reader.fieldnames or []):
            raise InputError(path, f"no 'file' column (columns: {reader.fieldnames})",
                             "start the header with: file,published,source,url,title")
        return {row["file"].strip(): {k: (v or "").strip() for k, v in row.items() if k}
                for row in reader if (row.get("file") or "").strip()}


def _front_matter(text: str) -> tuple[dict[str, str], str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}, text
    meta = {}
    for line in match.group(1).splitlines():
        key, sep, value = line.partition(":")
        if sep:
            meta[key.strip().lower()] = value.strip().strip("\"'")
    return meta, text[match.end():]


def _first_line_title(text: str) -> str:
    for line in text.splitlines():
        words = re.findall(r"[^\W\d_]{2,}", line)
        if len(words) >= 2:
            return line.strip().lstrip("#").strip()
    return ""


def make_document(*, text: str, path: str, meta: dict[str, str], basis: str,
                  title_in_text: bool = True) -> Document:
    """Build a `Document` from page text and metadata.

    Parameters
    ----------
    text
        Plain text of the page.
    path
        Where it came from (for messages and provenance).
    meta
        ``published``, ``source``, ``url``, ``title`` (any may be missing).
    basis
        Where the metadata came from.
    title_in_text
        False when the title is not part of ``text`` and must be prepended to the body.
    """
    split = split_comments(text)
    title = meta.get("title") or _first_line_title(split.body)
    body = split.body if title_in_text or not title else f"{title}\n\n{split.body}"
    if not body.strip():
        raise InputError(path, "no article text", "check that the file holds the article")
    return Document(
        doc_id=content_id(body, split.comments), path=path, title=title, body=body,
        comments=split.comments, published=parse_date(meta.get("published", ""), path=path,
                                                       field="published"),
        source=meta.get("source", ""), url=meta.get("url", ""), meta_basis=basis,
        boilerplate=split.furniture,
    )


def _merge(*layers: dict[str, str]) -> dict[str, str]:
    merged: dict[str, str] = {}
    for layer in layers:
        merged.update({k: v for k, v in layer.items() if k in META_FIELDS and v})
    return merged


def _read_html(data: bytes, path: Path) -> tuple[str, dict[str, str]]:
    import trafilatura

    extracted = trafilatura.bare_extraction(
        decode(data, path=path), with_metadata=True, include_comments=False)
    result = extracted.as_dict() if extracted is not None else {}
    if not (result.get("text") or "").strip():
        raise InputError(path, "no article text found in the HTML",
                         "save the article page itself, not an index or a login page")
    meta = {"title": result.get("title") or "", "published": result.get("date") or "",
            "url": result.get("url") or "", "source": result.get("sitename") or ""}
    return result["text"], meta


def _read_jsonl(path: Path, data: bytes, manifest_row: dict[str, str],
                defaults: dict[str, str]) -> Iterator[Document | IngestFailure]:
    for line_no, line in enumerate(decode(data, path=path).split("\n"), start=1):
        if not line.strip():
            continue
        where = f"{path}:{line_no}"
        try:
            record = json.loads(line)
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(path, "no string field 'text'",
                                 'write one JSON object per line: {"text": ..., "published": ...}',
                                 line=line_no)
            meta = _merge(defaults, {k: str(record.get(k) or "") for k in META_FIELDS},
                          manifest_row)
            yield make_document(text=record["text"], path=where, meta=meta, basis="jsonl",
                                title_in_text=False)
        except json.JSONDecodeError as exc:
            yield IngestFailure(where, f"{where}: not valid JSON ({exc.msg}, column {exc.colno}). "
                                       "Fix: write one complete JSON object per line.")
        except InputError as exc:
            yield IngestFailure(where, str(exc))


def read_file(path: Path, *, manifest: dict[str, dict[str, str]] | None = None,
              defaults: dict[str, str] | None = None) -> Iterator[Document | IngestFailure]:
    """Read one article file (several documents for ``.jsonl``).

    ``defaults`` (e.g. a publication date given with an upload) fill the metadata the file
    itself, its HTML or front matter and the manifest leave empty.
    """
    defaults = defaults or {}
    manifest = read_manifest(path.parent) if manifest is None else manifest
    row = manifest.get(path.name, {})
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED:
            raise InputError(path, f"unknown file type {path.suffix!r}",
                             f"use one of {sorted(SUPPORTED)}")
        data = path.read_bytes()
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, data, row, defaults)
            return
        if suffix in HTML_SUFFIXES:
            text, page_meta = _read_html(data, path)
            meta = _merge(defaults, page_meta, row)
            yield make_document(text=text, path=str(path), meta=meta,
                                basis="manifest" if row else "html", title_in_text=False)
            return
        front, text = _front_matter(decode(data, path=path))
        meta = _merge(defaults, front, row)
        basis = "manifest" if row else ("front matter" if front else "none")
        yield make_document(text=text, path=str(path), meta=meta, basis=basis)
    except InputError as exc:
        yield IngestFailure(str(path), str(exc))
    except OSError as exc:
        yield IngestFailure(str(path), f"{path}: cannot read ({exc.strerror}). "
                                       "Fix: check the path and its permissions.")


def iter_paths(paths: Iterable[Path]) -> Iterator[Path]:
    """Expand folders into the article files they hold (sorted, manifest excluded)."""
    for path in paths:
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if child.is_file() and child.name != MANIFEST and not child.name.startswith("."):
                    yield child
        else:
            yield path


def read_documents(paths: Iterable[Path | str], *, defaults: dict[str, str] | None = None
                   ) -> Iterator[Document | IngestFailure]:
    """Read every article under ``paths``; failures are yielded, never raised.

    ``defaults``: metadata for files that give none of their own (see `read_file`).

    Notes
    -----
    A folder's ``manifest.csv`` is read once per folder. A manifest that cannot be read
    is reported as a failure and its folder's files are read without it.
    """
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for path in iter_paths(Path(p) for p in paths):
        if not path.exists():
            yield IngestFailure(str(path), f"{path}: no such file or folder. "
                                           "Fix: check the path.")
            continue
        folder = path.parent
        if folder not in manifests:
            try:
                manifests[folder] = read_manifest(folder)
            except InputError as exc:
                manifests[folder] = {}
                yield IngestFailure(str(folder / MANIFEST), str(exc))
        yield from read_file(path, manifest=manifests[folder], defaults=defaults)
