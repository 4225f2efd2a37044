"""Read articles from disk into `Document` objects.

Formats: ``.txt`` and ``.md`` (optional ``---`` front matter), ``.html``/``.htm`` (main
text extracted with trafilatura) and ``.jsonl`` (one article per line with ``text`` and
optional ``published``, ``url``, ``title``, ``source``). Metadata comes from, in rising
order of authority: the page itself (HTML metadata, first line as title), front matter,
and a ``manifest.csv`` beside the files (columns ``file, published, source, url, title``).

Every document's comments and page furniture are split off (`geo.comments`). The document
id is a hash of its content, so the same article read twice has the same id.

One bad file never stops a batch: `read_documents` yields `IngestFailure` records for the
bad ones and keeps going. What is refused, each with a message naming the file (and the line
of a ``.jsonl``) and the fix:

- an empty file, binary data (an image or a PDF renamed ``.txt``), an unknown file type;
- a file larger than `MAX_ARTICLE_BYTES` (``FRONTLINE_MAX_ARTICLE_MB``), checked before it is
  read; in a ``.jsonl`` the limit holds for each line, so a long feed of short articles is
  read however large the file;
- text that is not UTF-8 (UTF-16 with a byte-order mark is read): the message gives the byte
  offset and line. An 8-bit file is refused rather than guessed, because Latin-1,
  Windows-1252 and Windows-1256 (Arabic) share byte values and a wrong guess would store
  garbled text without a word of warning;
- a publication date that is not a date, or one in the future (`check_published`);
- a manifest without a ``file`` column (its folder is read without it) and a manifest row with
  more cells than the header (a comma in an unquoted title: the file of that row is not read).
  A row with fewer cells is fine: the missing values are empty.

Text is untrusted: `clean_text` neutralises control characters, invisible characters and
bidirectional overrides in every text that is read (body, comments and metadata).
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import math
import os
import re
import unicodedata
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from geo.comments import split_comments
from geo.errors import FrontlineError, InputError
from geo.models import Document

TEXT_SUFFIXES = frozenset({".txt", ".md", ".markdown"})
HTML_SUFFIXES = frozenset({".html", ".htm"})
JSONL_SUFFIXES = frozenset({".jsonl"})
SUPPORTED = TEXT_SUFFIXES | HTML_SUFFIXES | JSONL_SUFFIXES
MANIFEST = "manifest.csv"
META_FIELDS = ("published", "source", "url", "title")
MANIFEST_ERROR = "!error"
"""Key of a manifest row that cannot be trusted, holding the message (no column is named so:
`read_manifest` drops header names that start with ``!``)."""

MEGABYTE = 1024 * 1024
MAX_ARTICLE_BYTES = 5 * MEGABYTE
"""Largest article file read (for a ``.jsonl``: largest line). A news article is a few tens of
kilobytes, a saved web page a few megabytes; a larger file is almost always something else
(a dump, a log, several articles in one) and would hold the whole batch up."""
MAX_ARTICLE_ENV = "FRONTLINE_MAX_ARTICLE_MB"
"""Environment variable that overrides `MAX_ARTICLE_BYTES`, in megabytes (e.g. ``20``)."""

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*\n", re.DOTALL)
# Terminal colour and cursor codes ("\x1b[31m") pasted from a console: removed whole.
_TERMINAL_CODE = re.compile(r"\x1b\[[0-?]*[ -/]*[@-~]")
# C0 controls but tab and newline, DEL and C1 controls: a space, so words stay apart.
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Invisible characters: soft hyphen, the Arabic letter mark, bidirectional marks, embeddings,
# overrides and isolates (U+202E shows text backwards), zero-width space, word joiner and
# invisible operators, the byte-order mark inside a text, interlinear annotation and tag
# characters. They are removed: inside a name they would hide it ("Sara\u00adqib").
_INVISIBLE = re.compile("[\u00ad\u061c\u180e\u200b\u200e\u200f\u202a-\u202e\u2060-\u2064"
                        "\u2066-\u206f\ufeff\ufff9-\ufffb\U000e0000-\U000e007f]")
# Zero-width (non-)joiners shape Arabic, Persian, Kurdish and Indic script: kept between two
# letters of a joining script, removed anywhere else.
_JOINING = "\u0600-\u06ff\u0700-\u077f\u08a0-\u08ff\u0900-\u0dff\ufb50-\ufdff\ufe70-\ufefc"
_STRAY_JOINER = re.compile(
    f"(?<![{_JOINING}])[\u200c\u200d]|[\u200c\u200d](?![{_JOINING}])")
_SURROGATE = re.compile("[\ud800-\udfff]")
_FILE_SIGNATURES = (
    (b"\x89PNG", "a PNG image"), (b"\xff\xd8\xff", "a JPEG image"), (b"GIF8", "a GIF image"),
    (b"%PDF", "a PDF document"), (b"PK\x03\x04", "a ZIP archive (or a .docx, .xlsx, .odt)"),
    (b"\xd0\xcf\x11\xe0", "an old Microsoft Office document"), (b"{\\rtf", "an RTF document"),
)
_CONVERT_HINT = {
    ".pdf": "copy the article's text into a .txt file",
    ".doc": "save it as plain text (.txt) from the word processor",
    ".docx": "save it as plain text (.txt) from the word processor",
    ".odt": "save it as plain text (.txt) from the word processor",
    ".rtf": "save it as plain text (.txt) from the word processor",
}


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
        if len(value) > 10 and value[10] not in "T ":
            raise ValueError(value)  # "2019-10-20x": trailing text, not a time of day
        return date.fromisoformat(value[:10])
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


def max_article_bytes() -> int:
    """The article size limit: ``FRONTLINE_MAX_ARTICLE_MB`` megabytes, else `MAX_ARTICLE_BYTES`.

    Raises
    ------
    FrontlineError
        When the variable is set to something other than a positive number.
    """
    value = os.environ.get(MAX_ARTICLE_ENV, "").strip()
    if not value:
        return MAX_ARTICLE_BYTES
    try:
        megabytes = float(value)
    except ValueError:
        megabytes = math.nan
    if not 0 < megabytes < math.inf:
        raise FrontlineError(f"{MAX_ARTICLE_ENV} is {value!r}, not a size in megabytes. Fix: set "
                             f"it to a positive number such as 20, or unset it for the default "
                             f"of {MAX_ARTICLE_BYTES // MEGABYTE}.")
    return int(megabytes * MEGABYTE)


def _megabytes(size: int) -> str:
    return f"{size / MEGABYTE:.1f} MB" if size >= MEGABYTE / 10 else f"{size} bytes"


def _too_large(path: object, size: int, limit: int, *, what: str = "the file",
               line: int | None = None) -> InputError:
    where = path if line is None else f"{path}:{line}"
    split = ("keep one article per line" if line is not None
             else "split it into one file per article")
    return InputError(where, f"{what} is {_megabytes(size)}, over the limit of "
                             f"{_megabytes(limit)} for one article",
                      f"{split}, or raise the limit (now {round(limit / MEGABYTE, 3):g}): "
                      f"ingest --max-article-mb N, or {MAX_ARTICLE_ENV}")


def clean_text(text: str) -> str:
    """``text`` with nothing in it that is not meant to be read.

    Line ends become ``\\n``; terminal codes (``\\x1b[31m``) are removed and other control
    characters (but tab and newline) become spaces;
    invisible characters and bidirectional controls (U+202E and its kind) are removed, and
    zero-width joiners too, except between two letters of a joining script (Arabic, Persian
    and Kurdish words need them); lone surrogates (a JSON ``"\\ud800"``) become U+FFFD.
    Letters of any script, Arabic included, are kept as they are.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    text = text.replace("\u2028", "\n").replace("\u2029", "\n\n")
    text = _CONTROL.sub(" ", _TERMINAL_CODE.sub("", text))
    text = _STRAY_JOINER.sub("", _INVISIBLE.sub("", text))
    return _SURROGATE.sub("\ufffd", text)


def _signature(data: bytes) -> str:
    """What binary ``data`` looks like, from its first bytes ("a PNG image"), or ""."""
    return next((kind for magic, kind in _FILE_SIGNATURES if data.startswith(magic)), "")


def _not_utf8(path: object, data: bytes, offset: int, *, base: int = 0,
              line: int | None = None) -> InputError:
    """The refusal of ``data`` that is not UTF-8 at ``offset``; ``base`` is where ``data``
    starts in the file, ``line`` its line number (counted in ``data`` when not given)."""
    line = line if line is not None else data.count(b"\n", 0, offset) + 1
    return InputError(
        path, f"not UTF-8 (byte 0x{data[offset]:02X} at offset {base + offset}, line {line}); "
              "the file was probably saved in an 8-bit encoding such as Latin-1, Windows-1252 "
              "or Windows-1256",
        "re-save the file as UTF-8 (in most editors: Save As, Encoding: UTF-8)")


def decode(data: bytes, *, path: object) -> str:
    """Decode file bytes: UTF-8 (with or without BOM) or BOM-marked UTF-16; see `clean_text`.

    Raises
    ------
    InputError
        For binary data or another encoding (the message gives the byte offset).
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise InputError(path, f"broken UTF-16 (byte offset {exc.start}: {exc.reason})",
                             "re-save the file as UTF-8") from None
    else:
        kind = _signature(data)
        nul = data.find(b"\x00", 0, 4096)
        if kind or nul >= 0:
            looks = f"looks like {kind}" if kind else f"a NUL byte at offset {nul}"
            raise InputError(path, f"binary data ({looks}), not text",
                             "give the article as a .txt, .md, .html or .jsonl file")
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            raise _not_utf8(path, data, exc.start) from None
    return clean_text(text)


def read_manifest(folder: Path) -> dict[str, dict[str, str]]:
    """Rows of ``folder/manifest.csv`` keyed by file name (empty when there is none).

    A row with more cells than the header (a comma inside an unquoted value) cannot be
    trusted: it holds only `MANIFEST_ERROR`, and `read_file` refuses its file with that
    message. A row with fewer cells is read with the missing values empty.

    Raises
    ------
    InputError
        When the manifest is not UTF-8 text or CSV, or has no ``file`` column.
    """
    path = folder / MANIFEST
    if not path.is_file():
        return {}
    text = decode(path.read_bytes(), path=path)
    rows: dict[str, dict[str, str]] = {}
    try:
        reader = csv.DictReader(io.StringIO(text, newline=""))
        columns = reader.fieldnames or []
        if "file" not in columns:
            raise InputError(path, f"no 'file' column (columns: {columns})",
                             "start the header with: file,published,source,url,title")
        for row in reader:
            name = (row.get("file") or "").strip()
            if not name:
                continue
            extra = [cell for cell in row.pop(None, None) or [] if cell.strip()]
            if extra:
                message = InputError(
                    path, f"the row of {name!r} has {len(columns) + len(extra)} cells but the "
                          f"header has {len(columns)} (a value with a comma in it?), so {name} "
                          "is not read", 'put values that contain commas in "double quotes"',
                    line=reader.line_num)
                rows[name] = {MANIFEST_ERROR: str(message)}
                continue
            rows[name] = {k: (v or "").strip() for k, v in row.items()
                          if k and not k.startswith("!")}
    except csv.Error as exc:
        raise InputError(path, f"not a readable CSV file ({exc})",
                         "save it as CSV (comma-separated, UTF-8)") from None
    return rows


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
        False when the title may not be part of ``text``: a title from ``meta`` is then
        prepended to the body, unless the text starts with it.
    """
    split = split_comments(text)
    given = meta.get("title", "")
    title = given or _first_line_title(split.body)
    heading = " ".join(split.body.lstrip().partition("\n")[0].lstrip("#").split())
    # A title taken from the text, or one the page repeats as its heading, is in the body
    # already: analysing it twice would double its places.
    if title_in_text or not given or heading == " ".join(given.split()):
        body = split.body
    else:
        body = f"{title}\n\n{split.body}"
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
        merged.update({k: clean_text(v) for k, v in layer.items() if k in META_FIELDS and v})
    return merged


def latest_today() -> date:
    """Today's date where it is latest on Earth (UTC+14): no article can be dated later."""
    return (datetime.now(UTC) + timedelta(hours=14)).date()


def check_published(document: Document) -> Document:
    """``document`` when its publication date is not in the future.

    An article dated today somewhere on Earth is accepted even where this computer is still
    at yesterday; a later date is a typo (2091 for 2019) or a wrong field.

    Raises
    ------
    InputError
        For a date in the future.
    """
    if document.published is not None and document.published > latest_today():
        raise InputError(document.path, f"the publication date {document.published} is in the "
                                        f"future (today is {date.today()})",
                         "publication dates cannot be in the future; fix the date")
    return document


def _read_bytes(path: Path, limit: int) -> bytes:
    """The bytes of an article file, refused when empty or over ``limit`` (checked with
    ``stat`` first, so a huge file is never read)."""
    size = path.stat().st_size
    if size > limit:
        raise _too_large(path, size, limit)
    with path.open("rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:  # it grew since, or is no regular file
        raise _too_large(path, len(data), limit)
    if not data:
        raise InputError(path, "the file is empty (0 bytes)",
                         "save the article's text in it, or take it out of the folder")
    return data


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
    # clean again: entities (&#x202E;) became characters only in the extraction
    return clean_text(result["text"]), meta


def _bounded_lines(readline: Callable[[int], Any], limit: int, ends: Any
                   ) -> Iterator[tuple[Any, int]]:
    """``(line, size)`` for each line ``readline`` gives, holding at most ``limit`` of each: a
    longer line is read on to its end in pieces and given as ``(None, its size)``."""
    while line := readline(limit + 1):
        size = len(line)
        if size > limit and not line.endswith(ends):
            while chunk := readline(MEGABYTE):
                size += len(chunk)
                if chunk.endswith(ends):
                    break
            yield None, size
        else:
            yield line, size


def _jsonl_lines(path: Path, limit: int) -> Iterator[tuple[int, str | InputError]]:
    """Each non-blank line of a JSON-lines file, or why it cannot be read.

    Lines are read one at a time: a line over ``limit`` bytes is reported and the lines
    after it are read, so the limit holds for each article, not for the file.

    Raises
    ------
    InputError
        When the file is binary, or its UTF-16 breaks off (nothing after can be read).
    """
    with path.open("rb") as raw:
        head = raw.peek(4096)[:4096]
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            text = io.TextIOWrapper(raw, encoding="utf-16", newline="")
            try:  # the limit counts characters here, two bytes each
                lines = enumerate(_bounded_lines(text.readline, limit // 2, ("\n", "\r")), 1)
                for line_no, (line, size) in lines:
                    if line is None:
                        yield line_no, _too_large(path, 2 * size, limit, what="the line",
                                                  line=line_no)
                    elif line.strip():
                        yield line_no, line
            except UnicodeDecodeError as exc:
                raise InputError(path, f"broken UTF-16 ({exc.reason})",
                                 "re-save the file as UTF-8") from None
            return
        kind = _signature(head)
        if kind or b"\x00" in head:
            looks = f"looks like {kind}" if kind else "NUL bytes"
            raise InputError(path, f"binary data ({looks}), not JSON lines",
                             "give one JSON object per line, saved as UTF-8 text")
        offset = 0
        for line_no, (line, size) in enumerate(_bounded_lines(raw.readline, limit, b"\n"), 1):
            if line is None:
                yield line_no, _too_large(path, size, limit, what="the line", line=line_no)
            elif line.strip():
                try:
                    yield line_no, line.decode("utf-8-sig" if offset == 0 else "utf-8")
                except UnicodeDecodeError as exc:
                    yield line_no, _not_utf8(f"{path}:{line_no}", line, exc.start, base=offset,
                                             line=line_no)
            offset += size


def _read_jsonl(path: Path, manifest_row: dict[str, str], defaults: dict[str, str],
                limit: int) -> Iterator[Document | IngestFailure]:
    lines = 0
    for line_no, line in _jsonl_lines(path, limit):
        lines += 1
        where = f"{path}:{line_no}"
        if isinstance(line, InputError):
            yield IngestFailure(where, str(line))
            continue
        try:
            record = json.loads(line.rstrip("\r\n"))
            if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                raise InputError(where, "no string field 'text'",
                                 'write one JSON object per line: {"text": ..., "published": ...}')
            meta = _merge(defaults, {k: str(record.get(k) or "") for k in META_FIELDS},
                          manifest_row)
            yield check_published(make_document(
                text=clean_text(record["text"]), path=where, meta=meta, basis="jsonl",
                title_in_text=False))
        except json.JSONDecodeError as exc:
            problem = exc.msg.removesuffix(" at")  # "Unterminated string starting at"
            yield IngestFailure(where, f"{where}: not valid JSON at column {exc.colno} "
                                       f"({problem}). Fix: write one complete JSON object per "
                                       "line.")
        except RecursionError:
            yield IngestFailure(where, f"{where}: JSON nested too deep to read. "
                                       "Fix: write one flat JSON object per line.")
        except InputError as exc:
            yield IngestFailure(where, str(exc))
    if not lines:
        raise InputError(path, "no JSON lines (the file is empty or blank)",
                         'write one JSON object per line: {"text": ..., "published": ...}')


def read_file(path: Path, *, manifest: dict[str, dict[str, str]] | None = None,
              defaults: dict[str, str] | None = None, max_bytes: int | None = None
              ) -> Iterator[Document | IngestFailure]:
    """Read one article file (several documents for ``.jsonl``).

    Parameters
    ----------
    path
        The file.
    manifest
        Its folder's manifest rows (`read_manifest`); read from the folder when not given.
    defaults
        Metadata (e.g. a publication date given with an upload) for what the file itself,
        its HTML or front matter and the manifest leave empty.
    max_bytes
        Size limit of the file (of each line of a ``.jsonl``); default `max_article_bytes`.
    """
    defaults = defaults or {}
    limit = max_article_bytes() if max_bytes is None else max_bytes
    if manifest is None:
        try:
            manifest = read_manifest(path.parent)
        except InputError as exc:
            manifest = {}
            yield IngestFailure(str(path.parent / MANIFEST), str(exc))
    row = manifest.get(path.name, {})
    suffix = path.suffix.lower()
    try:
        if suffix not in SUPPORTED:
            hint = _CONVERT_HINT.get(suffix, "give the article as text")
            raise InputError(path, f"unknown file type {path.suffix!r}",
                             f"{hint}; frontline reads {', '.join(sorted(SUPPORTED))}")
        if MANIFEST_ERROR in row:
            yield IngestFailure(str(path), row[MANIFEST_ERROR])
            return
        if suffix in JSONL_SUFFIXES:
            yield from _read_jsonl(path, row, defaults, limit)
            return
        data = _read_bytes(path, limit)
        if suffix in HTML_SUFFIXES:
            text, page_meta = _read_html(data, path)
            meta = _merge(defaults, page_meta, row)
            yield check_published(make_document(
                text=text, path=str(path), meta=meta, basis="manifest" if row else "html",
                title_in_text=False))
            return
        front, text = _front_matter(decode(data, path=path))
        meta = _merge(defaults, front, row)
        basis = "manifest" if row else ("front matter" if front else "none")
        yield check_published(make_document(text=text, path=str(path), meta=meta, basis=basis))
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


def with_manifests(paths: Iterable[Path]) -> Iterator[tuple[Path, dict[str, str]] | IngestFailure]:
    """Each article file with its row of its folder's ``manifest.csv`` (empty when none).

    A folder's manifest is read once. A missing path, or a manifest that cannot be read, is
    yielded as a failure; that folder's files are then read without a manifest.
    """
    manifests: dict[Path, dict[str, dict[str, str]]] = {}
    for path in paths:
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
        yield path, manifests[folder].get(path.name, {})


def read_documents(paths: Iterable[Path | str], *, defaults: dict[str, str] | None = None,
                   max_bytes: int | None = None) -> Iterator[Document | IngestFailure]:
    """Read every article under ``paths``; failures are yielded, never raised.

    ``defaults``: metadata for files that give none of their own; ``max_bytes``: the size
    limit of one article (see `read_file`). Manifests as in `with_manifests`.
    """
    for item in with_manifests(iter_paths(Path(p) for p in paths)):
        if isinstance(item, IngestFailure):
            yield item
            continue
        path, row = item
        yield from read_file(path, manifest={path.name: row} if row else {}, defaults=defaults,
                             max_bytes=max_bytes)
