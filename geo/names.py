"""Transliteration-folding name keys.

News spells one Arabic name many ways: Ain Issa, Ein-Issa, Ayn Isa, ‘Ayn ‘Īsá. A *name
key* folds those variants to one string so that a gazetteer lookup is a dictionary
lookup. The rules, applied to each word:

- Unicode decomposition, then diacritics, ʿayn/hamza marks and apostrophes are dropped
  (``‘Īsá`` -> ``isa``, ``Ra’s`` -> ``ras``), a possessive ``'s`` is cut (``Syria’s``);
- Arabic articles are dropped as words (al-, el-, ad-, ar-, as-, ash-, at-, az-, an-, ...);
- vowel spellings fold: ``ee`` -> ``i``, French ``aou`` -> ``aw`` (Raouda / Rawda),
  ``oo``/``ou``/``au`` -> ``u``, ``ai``/``ei``/``ey`` -> ``ay``; a word-initial ``uw``
  before a vowel -> ``w`` (‘Uwayd / Weid / Oweid);
- doubled letters are single (Raqqa -> raqa, Issa -> isa);
- a final ``-eh``/``-ah``/``-e`` becomes ``-a`` (Mushairfeh, Hasakah, Hasaka agree);
- Tell/Tall/Tal/Tel/Til fold to ``tal``; Ain/Ayn/Ein to ``ayn``;
- a lone letter followed by a number joins it (M-4, M 4 -> ``m4``);
- Arabic script: harakat and tatweel dropped, alef forms unified, ta marbuta -> ha.

Some variants differ by a vowel inserted or dropped (al-Mushairfeh / Mushayrifah). The
*skeleton* of a key (its consonants) catches those; `same_name` accepts an equal key, or an
equal skeleton of at least four consonants.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

ARTICLES = frozenset(
    {"al", "el", "ad", "ar", "as", "ash", "at", "az", "an", "adh", "ath", "ed", "er", "es",
     "et", "ez", "ul", "il"}
)
_SPECIAL = str.maketrans({
    "ı": "i", "ł": "l", "ø": "o", "đ": "d", "ħ": "h", "ß": "ss", "æ": "ae", "œ": "oe",
    "ʿ": "", "ʾ": "", "‘": "", "’": "", "'": "", "`": "", "´": "", "ʼ": "", "ʻ": "",
})
_ARABIC = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ـ": ""})
_TOKEN = re.compile(r"[^\W_]+(?:['’ʼ‘`][^\W_]+)*")
_POSSESSIVE = re.compile(r"['’ʼ]s$", re.IGNORECASE)
_SYNONYMS = {
    "tel": "tal", "til": "tal", "tall": "tal", "tell": "tal", "ain": "ayn", "ayin": "ayn",
    "aayn": "ayn", "ayun": "ayun", "uyun": "ayun",
    "khirbat": "khirba", "khirbet": "khirba", "kherbet": "khirba", "kheurbet": "khirba",
    "khirbit": "khirba", "khurbat": "khirba", "kharbat": "khirba", "kherba": "khirba",
    "kharba": "khirba", "khirbeh": "khirba",
    "um": "um", "umm": "um", "oum": "um", "om": "um",
    "abu": "abu", "abou": "abu", "abo": "abu", "bu": "abu",
    "dayr": "dayr", "der": "dayr", "dir": "dayr",
    "kafr": "kafr", "kfar": "kafr", "kafar": "kafr", "kefr": "kafr", "kfr": "kafr",
    "kufr": "kafr", "kafer": "kafr",
    "jabal": "jabal", "jebel": "jabal", "jabel": "jabal", "jbel": "jabal", "jebal": "jabal",
    "shaykh": "shaykh", "sheikh": "shaykh", "shaikh": "shaykh", "shekh": "shaykh",
    "shikh": "shaykh", "sheykh": "shaykh",
}
_VOWELS = re.compile(r"[aeiouy]")


@dataclass(frozen=True)
class Token:
    """A word of text with its folded key; ``article`` marks al-/el-/... words."""

    start: int
    end: int
    text: str
    key: str
    article: bool


_ARABIC_CHAR = re.compile(r"[\u0600-\u06ff]")
_DIPHTHONG = re.compile(r"(?:ai|ei|ey)")
_DOUBLED = re.compile(r"(.)\1+")
_FINAL_A = re.compile(r"(?:[ae]h|e)$")
_DIGRAPHS = (("ch", "sh"), ("dj", "j"), ("rh", "gh"), ("aou", "aw"), ("ou", "u"), ("au", "u"))
_NISBA = re.compile(r"i(?:y?a|e)$")  # -iyah, -iyeh, -ieh, -iye, -ié, -iya: one ending
_INITIAL_UW = re.compile(r"^uw(?=[aiu])")  # ‘Uwayd / Weid / Oweid: the glide carries the name
_LOOSE = str.maketrans({"e": "a", "o": "u", "q": "k"})


@lru_cache(maxsize=200_000)
def fold_word(word: str) -> str:
    """Fold one word to its key form (see the module docstring for the rules).

    Results are cached: news vocabulary is small next to its word count.
    """
    if _ARABIC_CHAR.search(word):
        stripped = "".join(
            ch for ch in unicodedata.normalize("NFKD", word) if not unicodedata.combining(ch)
        )
        folded = stripped.translate(_ARABIC)
        if folded.startswith("ال") and len(folded) > 3:
            folded = folded[2:]
        return folded
    without_possessive = _POSSESSIVE.sub("", word)
    if len(without_possessive) > 2:  # "Syria’s" -> "Syria", but "Ra’s" stays a word
        word = without_possessive
    if not word.isascii():
        decomposed = unicodedata.normalize("NFKD", word)
        word = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    w = word.translate(_SPECIAL).lower()
    w = w.replace("ee", "i").replace("oo", "u")
    for written, said in _DIGRAPHS:
        w = w.replace(written, said)
    w = _DIPHTHONG.sub("ay", w)
    w = _DOUBLED.sub(r"\1", w)
    if len(w) > 3:
        w = _FINAL_A.sub("a", w)
        w = _NISBA.sub("iya", w)
    if w in _SYNONYMS:
        return _SYNONYMS[w]
    # Short vowels and q/k are written every way: Jehbel/Jahbal, Kobane/Kubani, Qamishli/
    # Kamishli. Folding e to a, o to u and q to k joins them (few places collide:
    # benchmarks/bench_spellings.py counts them).
    w = _DOUBLED.sub(r"\1", w.translate(_LOOSE))
    return _INITIAL_UW.sub("w", w)


def tokenize(text: str) -> list[Token]:
    """Split text into words with their character spans and folded keys.

    A lone letter followed by a number ("M-4", "M 4") becomes one token ``m4``.
    """
    tokens: list[Token] = []
    for match in _TOKEN.finditer(text):
        raw = match.group()
        key = fold_word(raw)
        if (
            tokens
            and raw.isdigit()
            and len(tokens[-1].text) == 1
            and tokens[-1].text.isalpha()
            and text[tokens[-1].end : match.start()] in ("-", " ", "‑", "–")
        ):
            prev = tokens.pop()
            tokens.append(
                Token(prev.start, match.end(), text[prev.start : match.end()],
                      prev.key + key, False)
            )
            continue
        tokens.append(Token(match.start(), match.end(), raw, key, key in ARTICLES))
    return tokens


def name_key(name: str) -> str:
    """Folded key of a whole name: its non-article word keys joined by spaces.

    Examples
    --------
    >>> name_key("‘Ayn ‘Īsá") == name_key("Ein-Issa") == name_key("Ain Issa")
    True
    >>> name_key("Ra’s al ‘Ayn") == name_key("Ras al-Ayn")
    True
    """
    words = [t.key for t in tokenize(name) if not t.article]
    if not words:  # a name that is only an article word ("As") keeps it
        words = [t.key for t in tokenize(name)]
    return " ".join(words)


def skeleton(key: str) -> str:
    """Consonant skeleton of a name key (vowels and spaces removed)."""
    return _VOWELS.sub("", key.replace(" ", ""))


_LOOSE_VOWELS = re.compile(r"[aeiouyw ]")


def loose_key(name: str) -> str:
    """The consonants of a name, for spellings that drop or add vowels (Inqrati / Inqirat,
    Ma’ardibseh / Ma`arr Dibsah): the name key without vowels, ``w``/``y``
    glides, spaces and doubled letters. Too loose to find names in text; used to place a
    name the text already marks as a place, among gazetteer places near the article's
    other places."""
    return _DOUBLED.sub(r"\1", _LOOSE_VOWELS.sub("", name_key(name)))


NAME_HEADS = frozenset({"tal", "ayn", "khirba", "um", "abu", "dayr", "kafr", "jabal", "shaykh"})
"""Words that start a name and are written alike once folded (Tell/Tall, Umm/Oum, ...)."""


def head_spellings(heads: frozenset[str]) -> list[str]:
    """The spellings (lower case) that fold to the given head words: "tell", "tall", ... for
    "tal"."""
    return sorted({w for w, folded in _SYNONYMS.items() if folded in heads} | set(heads),
                  key=lambda w: (-len(w), w))


def headed_loose_key(name: str) -> str | None:
    """The `loose_key` of a name that starts with a head word (Tell, Abu, Kafr, ...) and
    has at least two consonants after it, with the head word kept whole: "abu rsn" for Abu
    Rasin, which the plain loose key ("brsn") would take for Bir Sana. None otherwise."""
    words = name_key(name).split(" ")
    if len(words) < 2 or words[0] not in NAME_HEADS:
        return None
    rest = _DOUBLED.sub(r"\1", _LOOSE_VOWELS.sub("", " ".join(words[1:])))
    return f"{words[0]} {rest}" if len(rest) >= 2 else None


def same_name(a: str, b: str) -> bool:
    """True when two spellings are variants of one name.

    Equal keys always match; otherwise equal consonant skeletons of at least four
    letters do (Jehbel / Jahbal, al-Mushairfeh / Mushayrifah, Haritan / Ḩuraytān).
    """
    ka, kb = name_key(a), name_key(b)
    if ka == kb:
        return True
    sa, sb = skeleton(ka), skeleton(kb)
    return len(sa) >= 4 and sa == sb


def slug(name: str) -> str:
    """Stable ASCII identifier fragment for a name."""
    text = unicodedata.normalize("NFKD", name)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "place"
