"""Control claims: who holds which place, since when, on what evidence.

`extract_claims` reads an article's body sentence by sentence (never its comments) and
turns control statements into `Claim` records. A claim binds an *action* to a *place* and a
*faction*:

============  =============================================================  ==============
action        text                                                            controller
============  =============================================================  ==============
capture       captured, took (control of), took over, seized, liberated,      the agent
              occupied, entered, recaptured, regained, "X control over P"
withdrawal    withdrew/retreated/pulled out from P, "withdrawal of X from P"  the other side
handover      handed over P to Y                                              Y
holds         remains under X control, X controls/controlling P, held by X   X
repelled      X repelled the attack (on P); an attack on P "ended in failure" the defender
contested     launched an attack to (re)capture P; clashes in P               holder / none
deployment    established a position / deployed / has a centre in P           X (presence)
shelling      shelled, bombarded, struck P                                    the attacker
attack        a (ground) attack on P, with no outcome stated                  the attacker
fire_control  imposed fire control of / put under fire / cut / severed C;     the attacker
              shelled / targeted C; C within range of X; C under X's fire
along         P is located / lies / sits on, along, near C; P overlooks C;    none
              P at the junction of C1 and C2; "P, on C,"
============  =============================================================  ==============

(C is a strategic corridor: a highway the gazetteer resolves to the whole line,
``corridor:<ref>``.) Each action has a class (`ACTION_CLASSES`): *change*, *hold*,
*contested*, *presence*, *contact* (shelling, attack, fire_control: someone can hit the place,
which says nothing about who holds it) and *location* (along: where something is, not who
holds it). Only change and hold claims set control (`CONTROL_ACTIONS`).

Structure, not keywords:

- **Object binding.** An action's place must be its object: the first place after the verb,
  with only words like "the border town of", "the area, including", "from" in between; a
  list ("the villages of A and B", "A and the city of B") gives one claim per place. A
  place named only as a reference point ("west of Aleppo", "the outskirts of the town")
  is ``near_place``: a capture there is not a capture of the town, so none is made; a
  deployment there is kept, flagged.
- **Voice.** Active: the agent is the nearest faction before the verb (or, in "By capturing
  P, X ...", the first one after). Passive ("was allegedly taken by X", "which was then
  liberated by X"): the place is the subject (or the antecedent of "which"), the agent
  follows "by".
- **Reference.** "the silos", "the town", "the village" refer to the latest place of that
  kind in the article; "the attack" to the latest place attacked.
- **Inferred sides.** A withdrawal hands the place to the side that last took or held it
  in the article (or the last capturer of the article); a failed attack leaves the place with
  its holder. When no side can be inferred no claim is made: a claim always has a controller,
  except a contested one between two named sides.
- **Negation and modality.** "not", "failed to", "could not", "preventing X from", "pressured
  X to", "preparing to", "would" make the claim ``negated``: it is kept as evidence but never
  changes control. **Hedging** ("allegedly", "reportedly", "according to", "claimed") sets
  ``hedged`` and lowers the confidence.
- **Dates.** An explicit day in the sentence ("on November 20", "three days ago", "on
  Sunday", "last week") wins. Otherwise a claim in the present tense ("remains under", "has a
  centre in") and a negated one take the publication date (``date_basis = published``), and a
  past-tense claim takes the last day the article told about (``narrative``), or the
  publication date if none. A day more than one after publication is no event of the
  report ("Updated in: 10 August 2022" on a 2019 page): it is passed over; the day after is
  one (overnight news, time zones). A narrative date after that is kept on the claim as an
  error (``date_error``).
- **Presence-only factions** (Russian, US forces) never capture or hold: their captures
  become deployments.
- **Corridors.** A corridor claim is about the road as a whole: "took control of the M4",
  "government control over the M-5 along its entire length" (capture), "the M5 is now fully
  under government control", "reopened the M5" (holds), "secured the M5" (capture), "after
  capturing it" (``it`` is the corridor just named). Fire control and shelling of a corridor
  are ``fire_control``; a place said to lie on it gives ``along`` (no controller, dated at
  publication; what lies there is only in the evidence sentence, the store has no column for
  it). A corridor is never a reference point: a claim that would make it ``near_place``
  ("villages near the M4") is not made, and "a section of the M5" is not the M5. A corridor
  named as a modifier ("the M5 town of Saraqib") or a place naming a road ("the
  Aleppo-Damascus highway") is neither an object nor a subject; a corridor after "on",
  "along" or "near" is not the subject of a passive ("Saraqib, on the M5, was captured").
  "The highway" refers to the latest corridor of the article.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from geo.dates import EventDate, find_dates
from geo.extract import evidence, sentence_spans
from geo.factions import FactionMention, Factions
from geo.models import Document, Mention
from geo.names import slug

ACTION_CLASSES = {
    "capture": "change", "withdrawal": "change", "handover": "change",
    "holds": "hold", "repelled": "hold", "contested": "contested", "deployment": "presence",
    "shelling": "contact", "attack": "contact", "fire_control": "contact", "along": "location",
}
"""Actions grouped by what they say about control (used to compare claims)."""
CONTROL_ACTIONS = frozenset({"capture", "withdrawal", "handover", "holds", "repelled"})


@dataclass(frozen=True)
class Claim:
    """One statement about control of a place, with its evidence."""

    doc_id: str
    place_id: str
    place_name: str
    controller: str | None
    previous: str | None
    action: str
    event_date: date | None
    date_basis: str
    date_text: str
    hedged: bool
    negated: bool
    near_place: bool
    confidence: float
    evidence: str
    start: int
    end: int
    date_from: date | None = None
    date_to: date | None = None
    modality: str = ""
    date_error: str = ""

    @property
    def action_class(self) -> str:
        """change / hold / contested / presence / contact / location."""
        return ACTION_CLASSES[self.action]


@dataclass(frozen=True)
class _Ref:
    """A place named in a sentence: a mention or a reference ("the town")."""

    start: int  # offsets in the sentence
    end: int
    place_id: str
    name: str
    kind: str
    anaphor: bool = False
    modifier: bool = False  # names something else: "the M5 town of", "the Aleppo-X highway"


_WORD = r"[\w’'-]+"
_GAP_WORDS = frozenset({
    "the", "a", "an", "of", "from", "on", "in", "to", "into", "over", "against", "border", "key",
    "strategic", "town", "towns", "village", "villages", "city", "cities", "settlement",
    "settlements", "area", "areas", "region", "regions", "hamlet", "district", "including",
    "most", "all", "nearby", "entire", "whole", "parts", "part", "large", "small", "new", "two",
    "three", "several", "other", "remaining", "rebel-held", "militant-held", "northern",
    "southern", "eastern", "western", "northeastern", "northwestern", "southeastern",
    "southwestern", "central", "northeast", "northwest", "southeast", "southwest", "outskirts",
    "countryside", "vicinity", "around", "near", "north", "south", "east", "west", "positions",
    "outskirt", "surrounding", "strategically", "important"
})
_NEAR_WORDS = frozenset({
    "outskirts", "outskirt", "countryside", "vicinity", "around", "near", "north", "south",
    "east", "west", "northeast", "northwest", "southeast", "southwest", "northern", "southern",
    "eastern", "western", "northeastern", "northwestern", "southeastern", "southwestern",
    "surrounding"
})
_LIST_JOIN = re.compile(
    r"^\s*(?:,\s*(?:and\s+)?|\s+and\s+|\s+or\s+)(?:the\s+(?:town|village|city|settlement)s?\s+of\s+)?$",
    re.IGNORECASE)
_ANAPHORA = re.compile(
    r"\bthe\s+(?P<noun>town|village|city|silos?|dam|air\s?base|base|camp|bridge|crossing|"
    r"plant|factory|(?:highway|motorway)(?!\s+(?:between|from|to|linking|connecting|leading)\b))"
    r"(?:[’']s)?\b(?!\s+of\b)", re.IGNORECASE)
_ANAPHOR_KINDS = {"town": {"town", "city"}, "city": {"city", "town"}, "village": {"village"},
                  "dam": {"dam"}, "airbase": {"airbase"}, "air base": {"airbase"},
                  "crossing": {"crossing"}, "highway": {"corridor"}, "motorway": {"corridor"}}
_GENERIC_AGENT = re.compile(
    r"\b(?:the\s+)?(?:militants?|rebels?|jihadists?|terrorists?|insurgents?|fighters|"
    r"opposition(?:\s+factions)?|armed\s+groups?)\b", re.IGNORECASE)

_CAPTURE = re.compile(
    r"\b(?:(?:captur(?:ed|es|ing|e)|seiz(?:ed|es|ing|e)|wrest(?:ed|s|ing)?|gain(?:ed|s|ing)?)"
    r"(?:\s+(?:full\s+)?control\s+(?:of|over))?|took\s+(?:full\s+)?control\s+of|"
    r"tak(?:en|es|ing|e)\s+(?:full\s+)?"
    r"control\s+of|took\s+over|tak(?:en|es|ing|e)\s+over|took|retak(?:e|es|ing)|"
    r"liberat(?:ed|es|ing|e)|occup(?:ied|ies|ying|y)|enter(?:ed|s|ing)?|recaptur(?:ed|es|ing|e)|"
    r"regain(?:ed|s|ing)?(?:\s+control\s+of)?|retook|storm(?:ed|ing)?)\b", re.IGNORECASE)
_PASSIVE = re.compile(
    r"(?:\b(?:was|were|been|is|are)|,)\s+(?:\w+ly\s+|then\s+|now\s+|also\s+|still\s+|not\s+"
    r"|long\s+|already\s+){0,2}"
    r"(?P<verb>captured|taken|seized|liberated|occupied|recaptured|retaken|overrun|controlled|held)"
    r"(?:\s+(?:on|early|late|last)\s+\w+){0,2}\s+by\s+", re.IGNORECASE)
_WITHDRAW = re.compile(
    r"\b(?:withdr[ae]wn?|withdrawing|withdraws?|retreated|retreating|retreats?|"
    r"pull(?:ed|ing|s)?\s+out|fled)\s+(?=from\b)", re.IGNORECASE)
_FELL_TO = re.compile(r"\b(?:fell|falls|fallen)\s+to\s+", re.IGNORECASE)
_HANDOVER_PASSIVE = re.compile(r"\b(?:was|were|been|is|are)\s+(?:not\s+|\w+ly\s+){0,2}"
                               r"(?P<verb>handed)\s+over\s+to\s+", re.IGNORECASE)
_HANDOVER_SPLIT = re.compile(r"\bhand(?:ed|ing|s)?\b(?!\s+over)", re.IGNORECASE)
_ASIDE_AGENT = re.compile(r"\b(?:by|with|against|from|alongside)\s+(?:the\s+)?$", re.IGNORECASE)
_DENY = re.compile(r"\bden(?:y|ied|ies|ying)\b[^.;]{0,100}$", re.IGNORECASE)
_NOT_ALLOW = re.compile(r"\b(?:not|never)\s+(?:allow|let|permit|tolerate)\w*\b[^.;]{0,60}?\bto\s+"
                        r"(?:\w+\s+){0,2}$", re.IGNORECASE)
_WITHDRAWAL_NOUN = re.compile(r"\bwithdrawal\s+of\s+", re.IGNORECASE)
_HANDOVER = re.compile(r"\bhand(?:ed|ing|s)?\s+over\b|\bhandover\s+of\b", re.IGNORECASE)
_UNDER_CONTROL = re.compile(
    r"\b(?:remains?|remained|is|are|was|were|stays?|stayed)\s+"
    r"(?:(?:still|firmly|now|fully|entirely|completely|largely|totally)\s+){0,2}(?:under\s+"
    r"(?:the\s+)?(?:full\s+)?(?:control\s+of\s+(?:the\s+)?)?|in\s+the\s+hands\s+of\s+"
    r"(?:the\s+)?)", re.IGNORECASE)
_HOLD_ACTIVE = re.compile(
    r"\b(?:controls|controlling|holds|holding|hold|control(?!\s+(?:of|over)\b))\b", re.IGNORECASE)
_HOLD_ADVERBS = frozenset({"now", "still", "fully", "effectively", "also", "firmly", "largely",
                           "jointly", "partly", "partially", "continue", "continues", "to"})
_ATTEMPT_TO = re.compile(r"\b(?:attack|offensive|assault|operation|attempt|bid|efforts?|push)\s+"
                         r"to\s+$", re.IGNORECASE)
_REPORTED_ON = re.compile(r"\b(?:reported|said|announced|stated|confirmed)\s+(?:on\s+)?$",
                          re.IGNORECASE)
_CONTROL_OVER = re.compile(r"^\s+control\s+(?:over|of)\s+", re.IGNORECASE)
_ESTABLISH = re.compile(r"\b(?:establish\w*|impos\w*|gain\w*|regain\w*|extend\w*|restor\w*)\b",
                        re.IGNORECASE)
_REPEL = re.compile(r"\b(?:repel(?:led|s|ling)?|repuls(?:ed|es|ing|e)|fended\s+off|"
                    r"thwart(?:ed|ing|s)?)\b", re.IGNORECASE)
_FAILED_ATTACK = re.compile(
    r"\b(?:attack|assault|offensive)\b.{0,80}?\b(?:ended\s+in\s+(?:a\s+)?failure|failed|"
    r"was\s+repelled|were\s+repelled)\b", re.IGNORECASE)
_ATTACK_TO = re.compile(
    r"\blaunch(?:ed|es|ing)?\s+(?:a\s+|an\s+)?(?:\w+\s+){0,2}(?:attack|offensive|assault)\s+"
    r"(?:to\s+(?:re)?(?:capture|take|retake|seize)\b|on\b|against\b)", re.IGNORECASE)
_ATTACK_ON = re.compile(r"\b(?:attack|assault|offensive)s?\s+(?:on|against)\b", re.IGNORECASE)
_CLASHES = re.compile(r"\b(?:clashes|fighting|battles?)\b", re.IGNORECASE)
_CLASHES_IN = re.compile(r"\b(?:clashes|fighting|battles?)\s+(?:\w+\s+){0,6}?(?:in|for|around)\s+",
                         re.IGNORECASE)
_WITNESSED = re.compile(r"\s+(?:witnessed|saw)\s+(?:heavy\s+|fierce\s+|violent\s+)?"
                        r"(?:clashes|fighting|battles)\b", re.IGNORECASE)
_DEPLOY = re.compile(
    r"\b(?:deploy(?:ed|s|ing)?|establish(?:ed|es|ing)?\s+(?:a\s+|an\s+)?(?:new\s+)?(?:\w+\s+)?"
    r"(?:positions?|posts?|bases?|points?)|set\s+up\s+(?:a\s+)?(?:\w+\s+)?(?:base|position|post)s?|"
    r"(?:have|has|had|maintains?)\s+(?:a\s+)?(?:\w+\s+){0,4}(?:cent(?:er|re)|base|posts?|"
    r"positions?|presence))\b", re.IGNORECASE)
_SHELL = re.compile(r"\b(?:shell(?:ed|s)?|shelling\s+(?:of\s+)?|bombard(?:ed|s|ing)?|"
                    r"struck|airstrikes?\s+on|strikes?\s+on)\b", re.IGNORECASE)

_HELD_HYPHEN = re.compile(r"[-‑](?=(?:held|controlled|occupied|run|dominated|administered|"
                          r"aligned|affiliated|allied|linked)\b)", re.IGNORECASE)
_NEXT_DAY = timedelta(days=1)
_CONTEXT_CHARS = 200
"""How far around a place name the modifier patterns look (they span a few words)."""
_ROAD_WORDS = r"(?:\s+(?:strategic\s+|international\s+|main\s+)?(?:highway|road|motorway)s?)?"
_CORRIDOR_MODIFIER = re.compile(
    r"(?:\s*[-–/]\s*[\w-]+)?" + _ROAD_WORDS + r"\s+(?:towns?|villages?|city|cities|junction|"
    r"crossroads|intersection|section|stretch|segment|part|portion|front|axis|area|region|"
    r"countryside|bridge|checkpoint|crossing)\b", re.IGNORECASE)
_NAMES_ROAD_AFTER = re.compile(
    r"(?:\s*[-–]\s*[A-Z][\w’'-]*(?:\s+[a-z]{2,3}-[A-Z][\w’'-]*)?)?\s+(?:international\s+|"
    r"strategic\s+|main\s+)?(?:highway|motorway|road)\b")
_STRETCH = re.compile(
    _ROAD_WORDS + r"\s*,?\s*(?:near|around|between|from|in|inside|outside|through|at|close|"
    r"(?:north|south|east|west|northeast|northwest|southeast|southwest)(?:ern|ward)?)\b",
    re.IGNORECASE)
_CORRIDOR_PARENS = re.compile(r"^" + _ROAD_WORDS + r"\s*\(([^()]{1,60})\)", re.IGNORECASE)
_LOCATIVE = re.compile(
    r"\b(?P<prep>along(?:side)?|on|astride|near|beside|next\s+to|close\s+to|adjacent\s+to|"
    r"overlook(?:s|ed|ing)?|at\s+the\s+(?:intersection|junction|crossroads)\s+of)\s+"
    r"(?:(?:the|strategic|key|vital|main|important|international|busy|major)\s+){0,3}$",
    re.IGNORECASE)
_LOCATED = re.compile(r"\b(?:located|situated|lies|lie|lying|lay|lays|sits?|sitting|stands?|"
                      r"standing)\b", re.IGNORECASE)
_FINITE = re.compile(r"\b(?:was|were|is|are|has|have|had|did|does)\b", re.IGNORECASE)
_IT_TAKEN = re.compile(
    r"\b(?:captur(?:ed|es|ing|e)|seiz(?:ed|es|ing|e)|liberat(?:ed|es|ing|e)|"
    r"recaptur(?:ed|es|ing|e)|retook|retak(?:e|es|ing|en)|took|"
    r"tak(?:e|es|ing|en)\s+(?:full\s+)?control\s+of)\s+(?P<it>it)\b", re.IGNORECASE)
_CORRIDOR_CONTROL = re.compile(
    r"\b(?:(?P<open>(?:re)?open(?:ed|s))|(?P<secure>secur(?:ed|es)(?:\s+(?:full\s+)?control\s+"
    r"(?:of|over))?))\b", re.IGNORECASE)
_FIRE_CONTROL = re.compile(
    r"\b(?:fire\s+control\s+(?:of|over|on)|cut(?:s|ting)?(?:\s+off)?|sever(?:ed|s|ing)?|"
    r"target(?:ed|s|ing)?)\s+", re.IGNORECASE)
_PUT_UNDER = re.compile(r"\b(?:put|puts|putting|plac(?:e|ed|es|ing)|br(?:ing|ings|inging|ought)|"
                        r"took|tak(?:e|es|ing|en)|kept|keep(?:s|ing)?)\s+", re.IGNORECASE)
_UNDER_FIRE_TAIL = re.compile(
    _ROAD_WORDS + r"\s+under\s+(?:(?:its|their|the|direct|heavy|artillery|constant)\s+){0,2}"
    r"fire\b", re.IGNORECASE)
_UNDER_FIRE = re.compile(
    r"\b(?:is|are|was|were|remains?|remained|came|comes|come|fell|been)\s+(?:now\s+|still\s+)?"
    r"under\s+(?:the\s+)?(?:(?:heavy|direct|constant)\s+)?", re.IGNORECASE)
_FIRE_AFTER_FACTION = re.compile(r"^(?:['’]s?)?\s+(?:\w+\s+)?(?:fire|artillery|shelling)\b",
                                 re.IGNORECASE)
_FIRE_OF = re.compile(r"^(?:\w+\s+)?fire(?:\s+control)?\s+(?:of|from|by)\s+(?:the\s+)?",
                      re.IGNORECASE)
_WITHIN_RANGE = re.compile(
    r"\bwithin\s+(?:the\s+)?(?:(?:effective|firing|fire|artillery|rocket|missile|shelling|"
    r"strike|striking)\s+)?range\s+of\s+(?:the\s+)?|\bwithin\s+(?:the\s+)?(?=\S[^.;]{0,40}?"
    r"\brange\b)", re.IGNORECASE)

_HEDGE = re.compile(r"\b(?:allegedly|reportedly|according\s+to|claim(?:ed|s)?|purportedly|"
                    r"unconfirmed|it\s+(?:has\s+been|was|is)\s+reported|rumou?red)\b",
                    re.IGNORECASE)
_NEGATION = re.compile(r"\b(?:not|never|no|n't|failed\s+to|fail\s+to|unable\s+to|could\s+not|"
                       r"cannot|can't)\s+(?:\w+\s+){0,2}$", re.IGNORECASE)
_PREVENT = re.compile(r"\bprevent(?:ing|ed|s)?\b.{0,80}\bfrom\s+$", re.IGNORECASE)
_MODAL = re.compile(
    r"\b(?:pressur(?:e|ed|es|ing)|urg(?:e|ed|es|ing)|demand(?:ed|s|ing)?|ask(?:ed|s|ing)?|"
    r"call(?:ed|s|ing)?\s+on|persuad(?:e|ed|ing)|threaten(?:ed|s|ing)?|plan(?:s|ned|ning)?|"
    r"prepar(?:e|ed|es|ing)|intend(?:s|ed|ing)?|seek(?:s|ing)?|sought|attempt(?:s|ed|ing)?|"
    r"tr(?:y|ied|ies|ying)|want(?:s|ed)?|aim(?:s|ed|ing)?|expect(?:s|ed|ing)?|vow(?:s|ed|ing)?|"
    r"poised|pledg(?:e|es|ed|ing)|promis(?:e|es|ed|ing)|determined|ready)\b[^.;]{0,80}?\bto\s+(?:\w+\s+){0,5}$"
    r"|\b(?:will|would|could|might|may|shall)\s+(?:\w+\s+){0,1}$",
    re.IGNORECASE)
_PRESENT = re.compile(r"^(?:remains?|is|are|stays?|controls?|holds|has|have|maintains?|"
                      r"continues?)$", re.IGNORECASE)


def _gap_ok(gap: str) -> tuple[bool, bool]:
    """Whether the text between a verb and a place allows the place to be its object.

    Returns ``(ok, near)``; ``near`` when the gap makes the place a reference point.
    """
    words = re.findall(_WORD, gap.lower())
    if len(words) > 8 or re.search(r"[.;:!?()\"“”]", gap):
        return False, False
    ok = all(w in _GAP_WORDS for w in words)
    inside = re.search(r"\b(?:villages|towns|areas|positions|settlements|cities|regions|"
                       r"(?:a|an|two|three|several|other|new)\s+(?:village|town|area|hamlet))\s+"
                       r"(?:in|on|at|into|over)\b", gap, re.IGNORECASE)
    return ok, ok and (bool(inside) or any(w in _NEAR_WORDS for w in words))


class _Discourse:
    """What the article has said so far: places, holders, attacks, the day told about."""

    def __init__(self) -> None:
        self.refs: list[_Ref] = []
        self.holder: dict[str, str] = {}
        self.last_capturer: str | None = None
        self.history: dict[str, list[str]] = {}
        self.attacker: dict[str, str] = {}
        self.attack_target: _Ref | None = None
        self.narrative: EventDate | None = None

    def resolve_anaphor(self, noun: str) -> _Ref | None:
        noun = noun.lower().replace("airbase", "air base")
        kinds = _ANAPHOR_KINDS.get(noun)
        for ref in reversed(self.refs):
            if kinds and ref.kind in kinds:
                return ref
            if not kinds and ref.name.lower().rstrip("s").endswith(noun.rstrip("s")):
                return ref
        return None


def _sentence_refs(sentence: str, offset: int, mentions: list[Mention], starts: list[int],
                   discourse: _Discourse) -> list[_Ref]:
    """Places named or referred to in one sentence; ``mentions`` are sorted by ``starts``."""
    refs = []
    first, last = bisect_left(starts, offset), bisect_left(starts, offset + len(sentence))
    for m in mentions[first:last]:
        place_id = m.place_id or f"unresolved:{slug(m.surface)}"
        refs.append(_Ref(m.start - offset, m.end - offset, place_id, m.name, m.kind))
    refs = _mark_modifiers(sentence, sorted(refs, key=lambda r: r.start))
    for match in _ANAPHORA.finditer(sentence):
        if any(r.start <= match.start() < r.end or match.start() <= r.start < match.end()
               for r in refs):
            continue
        earlier = [r for r in refs if r.end <= match.start() and not r.modifier]
        target = None
        noun = match.group("noun")
        for ref in reversed(earlier):
            kinds = _ANAPHOR_KINDS.get(noun.lower())
            if (kinds and ref.kind in kinds) or (not kinds and ref.name.lower().endswith(
                    noun.lower().rstrip("s"))):
                target = ref
                break
        target = target or discourse.resolve_anaphor(noun)
        if target is not None:
            refs.append(_Ref(match.start(), match.end(), target.place_id, target.name,
                             target.kind, anaphor=True))
    for match in _IT_TAKEN.finditer(sentence):
        # "reopened the M4 after capturing it": "it" is the corridor just named
        earlier = [r for r in refs if r.end <= match.start("it") and not r.modifier]
        if earlier and earlier[-1].kind == "corridor":
            target = earlier[-1]
            refs.append(_Ref(match.start("it"), match.end("it"), target.place_id, target.name,
                             target.kind, anaphor=True))
    return sorted(refs, key=lambda r: r.start)


def _mark_modifiers(sentence: str, refs: list[_Ref]) -> list[_Ref]:
    """Flag mentions that name something else than the place: a corridor used as an adjective
    ("the M5 town of Saraqib", "the M4 section"), places naming a road ("the Aleppo-Damascus
    highway") or glossing a corridor ("the M-5 highway (Aleppo-Damascus)")."""
    glossed: list[tuple[int, int]] = []
    marked = []
    for ref in refs:
        # the patterns look a few words either way; a window keeps a run-on sentence linear
        after = sentence[ref.end:ref.end + _CONTEXT_CHARS]
        before = sentence[max(0, ref.start - _CONTEXT_CHARS):ref.start]
        if ref.kind == "corridor":
            modifier = bool(_CORRIDOR_MODIFIER.match(after))
            parens = _CORRIDOR_PARENS.match(after)
            if parens:
                glossed.append((ref.end + parens.start(1), ref.end + parens.end(1)))
        else:
            modifier = bool(_NAMES_ROAD_AFTER.match(after)) or bool(
                re.search(r"[A-Z][\w’'-]*\s*[-–]\s*$", before)
                and re.match(r"\s+(?:international\s+|strategic\s+|main\s+)?"
                             r"(?:highway|motorway|road)\b", after))
            modifier = modifier or any(a <= ref.start and ref.end <= b for a, b in glossed)
        marked.append(_Ref(ref.start, ref.end, ref.place_id, ref.name, ref.kind, ref.anaphor,
                           modifier) if modifier else ref)
    return marked


def _start(item: _Ref | FactionMention) -> int:
    return item.start


def _end(item: _Ref | FactionMention) -> int:
    return item.end


# The reader looks up refs and factions around a position by bisection (both lists are in
# text order and do not overlap), so a run-on sentence naming a place thousands of times
# is read in n log n, not n squared.


def _before(refs: list[_Ref], position: int) -> Iterator[_Ref]:
    """Refs (not modifiers) that end by ``position``, nearest first."""
    for index in range(bisect_left(refs, position, key=_start) - 1, -1, -1):
        ref = refs[index]
        if ref.end <= position and not ref.modifier:
            yield ref


def _without_modifiers(sentence: str, start: int, end: int, refs: list[_Ref]) -> str:
    """``sentence[start:end]`` with the text of modifier mentions left out."""
    parts, position = [], start
    for index in range(bisect_left(refs, start, key=_start), len(refs)):
        ref = refs[index]
        if ref.start >= end:
            break
        if ref.modifier and ref.end <= end:
            parts.append(sentence[position:ref.start])
            position = ref.end
    parts.append(sentence[position:end])
    return "".join(parts)


def _objects(sentence: str, position: int, refs: list[_Ref]) -> tuple[list[_Ref], bool]:
    """Places that are the object of a verb ending at ``position`` (a list gives several)."""
    after = (refs[i] for i in range(bisect_left(refs, position, key=_start), len(refs))
             if not refs[i].modifier)
    first = next(after, None)
    if first is None:
        return [], False
    ok, near = _gap_ok(_without_modifiers(sentence, position, first.start, refs))
    if not ok:
        return [], False
    chosen = [first]
    for ref in after:
        if _LIST_JOIN.match(sentence[chosen[-1].end:ref.start]):
            chosen.append(ref)
        else:
            break
    return chosen, near


def _locative_corridor(sentence: str, ref: _Ref) -> re.Match[str] | None:
    """The "on the" / "along the" / "overlooking the" before a corridor mention, if any."""
    if ref.kind != "corridor":
        return None
    return _LOCATIVE.search(sentence[max(0, ref.start - 60):ref.start])


def _stretch(sentence: str, ref: _Ref, action: str) -> bool:
    """Whether a control claim on a corridor is about a stretch ("the M4 near Ain Issa")."""
    return action in CONTROL_ACTIONS and bool(_STRETCH.match(sentence[ref.end:]))


def _in_stretch(sentence: str, ref: _Ref, refs: list[_Ref]) -> bool:
    """Whether ``ref`` only bounds a corridor stretch ("the M4 between Tell Tamr and P")."""
    for index in range(bisect_left(refs, ref.start, key=_start) - 1, -1, -1):
        corridor = refs[index]  # nearest first
        if corridor.end > ref.start:
            continue
        between = sentence[corridor.end:ref.start]
        if re.search(r"[,;:.()]", between) or len(re.findall(_WORD, between)) > 8:
            return False  # and every earlier ref is further away still
        if corridor.kind == "corridor" and not corridor.modifier \
                and _STRETCH.match(between) and not _FINITE.search(between):
            return True
    return False


def _subject(sentence: str, position: int, refs: list[_Ref]) -> _Ref | None:
    """The place a passive verb at ``position`` is about (nearest before it).

    A corridor named as a location ("Saraqib, on the M5, was captured") is not the subject.
    """
    before = _before(refs, position)
    nearest = next(before, None)
    locative_words = 0  # words of the locative phrases, which do not count as distance
    while nearest is not None and (locative := _locative_corridor(sentence, nearest)):
        locative_words += len(re.findall(_WORD, locative.group(0) + " " + sentence[
            nearest.start:nearest.end])) + 1
        nearest = next(before, None)
    if nearest is None:
        return None
    gap = _without_modifiers(sentence, nearest.end, position, refs)
    if len(re.findall(_WORD, gap)) > 6 + locative_words or _in_stretch(sentence, nearest, refs):
        return None
    return nearest


def _subjects(sentence: str, position: int, refs: list[_Ref]) -> list[_Ref]:
    """The places a passive verb at ``position`` is about (a list before it gives several)."""
    first = _subject(sentence, position, refs)
    if first is None:
        return []
    chosen = [first]
    for ref in _before(refs, first.start):
        if _LIST_JOIN.match(sentence[ref.end:chosen[0].start]):
            chosen.insert(0, ref)
        else:
            break
    return chosen


def _agent_before(factions: list[FactionMention], position: int, text: str | None = None
                  ) -> FactionMention | None:
    count = bisect_right(factions, position, key=_end)  # factions ending by ``position``
    if count == 0:
        return None
    if text is not None:  # the nearest one not named as an aside ("by", "with", "against")
        for index in range(count - 1, -1, -1):
            faction = factions[index]
            if not _ASIDE_AGENT.search(text[max(0, faction.start - 30):faction.start]):
                return faction
    return factions[count - 1]


def _faction_after(factions: list[FactionMention], position: int, *, within: int = 200
                   ) -> FactionMention | None:
    index = bisect_left(factions, position, key=_start)
    if index < len(factions) and factions[index].start <= position + within:
        return factions[index]
    return None


def _apposition(between: str) -> bool:
    """Whether a date after a comma still belongs to the verb ("captured P, a town, on D")."""
    return bool(re.search(r",\s*(?:on\s+)?$", between)) and not re.search(
        r"\b(?:\w+ed|was|were|is|are|had|has|have|took|fled|withdrew|\w+ing|which|who|after|"
        r"before|since|when)\b", between, re.IGNORECASE)


class _SentenceReader:
    """Turns one sentence into claims (see the module docstring)."""

    def __init__(self, *, document: Document, text: str, offset: int, refs: list[_Ref],
                 factions: list[FactionMention], faction_book: Factions,
                 discourse: _Discourse, dates: list[EventDate], parsed: Any = None,
                 named_sides: list[str] | None = None, engine: str = "both") -> None:
        self.document, self.text, self.offset = document, text, offset
        self.refs, self.factions, self.book = refs, factions, faction_book
        self.discourse, self.dates = discourse, dates
        self.parsed, self.named_sides, self.engine = parsed, named_sides or [], engine
        self.claims: list[Claim] = []
        self.used_dates: list[EventDate] = []
        self.hedged = bool(_HEDGE.search(text))
        self.done: set[tuple[str, str]] = set()
        self.frame_triggers: set[tuple[int, int]] = set()
        """Words the parse read a statement from: the patterns leave them alone."""

    # -- helpers -----------------------------------------------------------------------

    def _modality(self, position: int) -> str:
        before = self.text[max(0, position - 120):position]
        agent = _agent_before(self.factions, position)
        if agent is not None and position - agent.end <= 2 and re.match(
                r"\w+ing\b", self.text[position:]):
            return ""  # "the Turkish military controlling the silos": describes the agent
        if _PREVENT.search(before):
            return "prevented"
        if _DENY.search(before) or _NOT_ALLOW.search(before):
            return "negated"
        if _NEGATION.search(before[-40:]):
            return "negated"
        if _MODAL.search(before):
            return "modal"
        return ""

    def _date(self, trigger: tuple[int, int], negated: bool) -> tuple[date | None, str, str,
                                                                      EventDate | None]:
        """Event date of a claim whose verb spans ``trigger`` (see the module docstring)."""
        published = self.document.published
        explicit = [d for d in self.dates if d.basis in ("explicit", "relative", "period")
                    and (d.end <= trigger[0] or "," not in self.text[trigger[1]:d.start]
                         or _apposition(self.text[trigger[1]:d.start]))
                    # a day after tomorrow is no event of this report ("Updated in: 10
                    # August 2022" on a 2019 page); the next day is (overnight, time zones)
                    and not (published and d.date and d.date - published > _NEXT_DAY)]
        if explicit:
            chosen = min(explicit, key=lambda d: abs(d.start - trigger[1]))
            self.used_dates.append(chosen)
            return chosen.date, chosen.basis, chosen.text, chosen
        same_day = next((d for d in self.dates if d.basis == "same day"), None)
        if same_day and self.discourse.narrative:
            return self.discourse.narrative.date, "narrative", same_day.text, None
        if published is None:
            return None, "undated", "", None
        if negated or self._present(trigger) or self.discourse.narrative is None:
            return published, "published", "", None
        return self.discourse.narrative.date, "narrative", "", None

    def _present(self, trigger: tuple[int, int]) -> bool:
        """Whether the verb is in the present tense ("remains under", "have a centre in")."""
        before = re.findall(r"[A-Za-z']+", self.text[max(0, trigger[0] - 30):trigger[0]])[-2:]
        own = re.findall(r"[A-Za-z']+", self.text[trigger[0]:trigger[1]])[:1]
        return any(_PRESENT.match(w) for w in [*before, *own])

    def _emit(self, ref: _Ref, *, action: str, controller: str | None, previous: str | None,
              trigger: tuple[int, int], near: bool = False, inferred: bool = False,
              modality: str | None = None) -> None:
        if any(a < trigger[1] and trigger[0] < b for a, b in self.frame_triggers):
            return  # the parse has read what this word says
        book = self.book
        if controller in book and book.by_code[controller].presence_only and action in (
                "capture", "holds"):
            action = "deployment"
        if controller is None and action not in ("contested", "along"):
            return
        if ref.kind == "corridor" and (near or _stretch(self.text, ref, action)):
            return  # never a reference point ("villages near the M4"), nor a stretch held
        modality = self._modality(trigger[0]) if modality is None else modality
        negated = bool(modality)
        if action == "along":  # where a place lies: true as of publication
            published = self.document.published
            day, basis, date_text, event = (published, "published" if published else "undated",
                                            "", None)
        else:
            day, basis, date_text, event = self._date(trigger, negated)
        confidence = 0.9
        if self.hedged:
            confidence *= 0.6
        if ref.anaphor:
            confidence *= 0.9
        if inferred:
            confidence *= 0.8
        if near:
            confidence *= 0.8
        published = self.document.published
        error = ""
        if day and published and day - published > _NEXT_DAY:
            error = f"event date {day} is after publication ({published})"
        self.claims.append(Claim(
            doc_id=self.document.doc_id, place_id=ref.place_id, place_name=ref.name,
            controller=controller, previous=previous if previous != controller else None,
            action=action, event_date=day, date_basis=basis, date_text=date_text,
            hedged=self.hedged, negated=negated, near_place=near,
            confidence=round(confidence, 3),
            evidence=evidence(self.text, 0, len(self.text), trigger[0]),
            start=self.offset, end=self.offset + len(self.text),
            date_from=event.range[0] if event and event.range else None,
            date_to=event.range[1] if event and event.range else None,
            modality={"negated": "not", "prevented": "prevented", "modal": "intended"}.get(
                modality, modality),
            date_error=error))
        if not negated and action != "contested" and controller is not None:
            if action in CONTROL_ACTIONS:
                self.discourse.holder[ref.place_id] = controller
                self.discourse.history.setdefault(ref.place_id, []).append(controller)
            if action == "capture":
                self.discourse.last_capturer = controller

    # -- patterns ------------------------------------------------------------------------

    def read(self) -> list[Claim]:
        if self.parsed is not None and self.engine in ("both", "parse"):
            self._frames()
        if self.engine != "parse":
            self._patterns()
        return self.claims

    def _once(self, ref: _Ref, action: str) -> bool:
        key = (ref.place_id, action)
        if key in self.done:
            return False
        self.done.add(key)
        return True

    def _frames(self) -> None:
        """Statements found in the dependency parse (`geo.frames`)."""
        from geo.frames import FrameReader, load_lexicon, resolve_generic

        places = [r for r in self.refs if not r.modifier]
        sides = [*self.factions, *self._hyphened_sides()]
        reader = FrameReader(self.parsed, [(r.start, r.end) for r in places],
                             [(f.start, f.end) for f in sides], load_lexicon())
        read: set[tuple[int, int]] = set()
        for st in reader.statements():
            ref = places[st.place]
            agent = sides[st.agent].code if st.agent is not None else None
            previous = sides[st.previous].code if st.previous is not None else None
            if st.implied and agent is None:
                last = self.discourse.last_capturer
                agent = last if last is not None and last != previous else None
            if agent is None and st.generic_agent:
                agent = resolve_generic(self.named_sides, previous, self.book.hostile)
            if previous is None and st.generic_previous:
                previous = resolve_generic(self.named_sides, agent, self.book.hostile)
            action, controller = st.action, agent
            if st.near and action in ("capture", "holds", "withdrawal", "handover"):
                continue  # "captured hills near A" is not a capture of A
            if action == "withdrawal":
                leaving = previous
                controller = agent if agent is not None and agent != leaving else None
                if controller is None:
                    held = self.discourse.holder.get(ref.place_id)
                    last = self.discourse.last_capturer
                    controller = next((c for c in (held, last) if c is not None and c != leaving
                                       and self.book.hostile(c, leaving)), None)
                previous = leaving
            elif action == "capture" and previous is None:
                previous = self.discourse.holder.get(ref.place_id)
            elif action == "repelled":
                previous = controller
            elif action == "contested":
                controller = previous = None
            if controller is None and action != "contested":
                continue
            if not self._once(ref, action):
                continue
            modality = st.modality or self._modality(st.trigger[0])
            self._emit(ref, action=action, controller=controller, previous=previous,
                       trigger=st.trigger, near=st.near, modality=modality)
            read.add(st.trigger)
        self.frame_triggers |= read

    def _hyphened_sides(self) -> list[FactionMention]:
        """Sides named before "-held", "-controlled", "-aligned" ("SDF-held Manbij",
        "SDF-aligned forces"), which the faction matcher leaves alone (a name joined to a word
        is not, in general, the side acting)."""
        text = _HELD_HYPHEN.sub(" ", self.text)
        if text == self.text:
            return []
        taken = {(f.start, f.end) for f in self.factions}
        return [f for f in self.book.find(text) if (f.start, f.end) not in taken
                and _HELD_HYPHEN.match(self.text, f.end)]

    def _patterns(self) -> None:
        once = self._once

        for match in _PASSIVE.finditer(self.text):
            subjects = _subjects(self.text, match.start(), self.refs)
            agent = _faction_after(self.factions, match.end() - 1, within=5)
            if not subjects or agent is None:
                continue
            action = "holds" if match.group("verb").lower() in ("controlled", "held") else "capture"
            for subject in subjects:
                if once(subject, action):
                    previous = self.discourse.holder.get(subject.place_id)
                    self._emit(subject, action=action, controller=agent.code, previous=previous,
                               trigger=(match.start("verb"), match.end()))

        for match in _FELL_TO.finditer(self.text):
            agent = _faction_after(self.factions, match.end(), within=5)
            if agent is None:
                continue
            for subject in _subjects(self.text, match.start(), self.refs):
                if once(subject, "capture"):
                    self._emit(subject, action="capture", controller=agent.code,
                               previous=self.discourse.holder.get(subject.place_id),
                               trigger=(match.start(), match.end()))

        for match in _CAPTURE.finditer(self.text):
            if _PASSIVE.search(self.text[max(0, match.start() - 30):match.end() + 5]):
                continue
            if _ATTEMPT_TO.search(self.text[max(0, match.start() - 40):match.start()]):
                continue  # "an attack to recapture P" is contested, not a capture
            objects, near = _objects(self.text, match.end(), self.refs)
            if not objects or near or _UNDER_FIRE_TAIL.match(self.text[objects[-1].end:]):
                continue
            agent = _agent_before(self.factions, match.start(), self.text)
            if agent is None:
                agent = _faction_after(self.factions, objects[-1].end)
            if agent is None:
                continue
            for ref in objects:
                if once(ref, "capture"):
                    self._emit(ref, action="capture", controller=agent.code,
                               previous=self.discourse.holder.get(ref.place_id),
                               trigger=(match.start(), match.end()))

        for match in self._control_over():
            faction, ref = match
            action = "capture" if _ESTABLISH.search(self.text[:faction.start]) else "holds"
            if once(ref, action):
                self._emit(ref, action=action, controller=faction.code,
                           previous=self.discourse.holder.get(ref.place_id),
                           trigger=(faction.start, faction.end))

        for pattern in (_WITHDRAW, _WITHDRAWAL_NOUN):
            for match in pattern.finditer(self.text):
                position = match.end()
                withdrawer = _agent_before(self.factions, match.start())
                if pattern is _WITHDRAWAL_NOUN:
                    withdrawer = _faction_after(self.factions, match.end(), within=12)
                    if withdrawer is None:
                        continue
                    position = withdrawer.end
                objects, near = _objects(self.text, position, self.refs)
                if not objects or near:
                    continue
                generic = _GENERIC_AGENT.search(self.text[max(0, match.start() - 40):
                                                          match.start()])
                window = max(0, match.start() - 40)
                if withdrawer is not None and generic and generic.end() > withdrawer.end - window \
                        and self.text[withdrawer.end:window + generic.start()].strip():
                    withdrawer = None
                code = withdrawer.code if withdrawer else None
                for ref in objects:
                    other = next((h for h in reversed(self.discourse.history.get(ref.place_id, []))
                                  if h != code), None)
                    if other is None:
                        other = self.discourse.attacker.get(ref.place_id)
                    if other is None or other == code:
                        other = self.discourse.last_capturer
                    if other == code:
                        other = None
                    if once(ref, "withdrawal"):
                        self._emit(ref, action="withdrawal", controller=other, previous=code,
                                   trigger=(match.start(), match.end()), inferred=True)

        for match in _HANDOVER.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            if not objects or near:
                continue
            to = re.compile(r"(?i)\bto\s+(?:the\s+)?$")
            receiver = next((f for f in self.factions if f.start > objects[-1].end
                             and to.search(self.text[objects[-1].end:f.start][-20:])), None)
            giver = _agent_before(self.factions, match.start())
            if receiver is None:
                continue
            for ref in objects:
                if once(ref, "handover"):
                    self._emit(ref, action="handover", controller=receiver.code,
                               previous=giver.code if giver else None,
                               trigger=(match.start(), match.end()))

        for match in _HANDOVER_PASSIVE.finditer(self.text):
            receiver = _faction_after(self.factions, match.end(), within=5)
            if receiver is None:
                continue
            for subject in _subjects(self.text, match.start(), self.refs):
                if once(subject, "handover"):
                    self._emit(subject, action="handover", controller=receiver.code,
                               previous=self.discourse.holder.get(subject.place_id),
                               trigger=(match.start("verb"), match.end()))
        for match in _HANDOVER_SPLIT.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            if not objects or near:
                continue
            tail = re.match(r"\s+over\s+to\s+(?:the\s+)?", self.text[objects[-1].end:])
            receiver = tail and _faction_after(self.factions, objects[-1].end + tail.end(),
                                               within=2)
            if not receiver:
                continue
            giver = _agent_before(self.factions, match.start(), self.text)
            for ref in objects:
                if once(ref, "handover"):
                    self._emit(ref, action="handover", controller=receiver.code,
                               previous=giver.code if giver else None,
                               trigger=(match.start(), match.end()))

        for match in _UNDER_CONTROL.finditer(self.text):
            faction = _faction_after(self.factions, match.end(), within=3)
            subject = _subject(self.text, match.start(), self.refs)
            if faction is None or subject is None or _FIRE_AFTER_FACTION.match(
                    self.text[faction.end:]):
                continue
            if once(subject, "holds"):
                self._emit(subject, action="holds", controller=faction.code,
                           previous=self.discourse.holder.get(subject.place_id),
                           trigger=(match.start(), match.end()))

        for match in _HOLD_ACTIVE.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start())
            if not objects or near or agent is None:
                continue
            between = re.findall(_WORD, self.text[agent.end:match.start()].lower())
            if len(between) > 4:
                continue
            if match.group().lower() in ("hold", "control") and not set(between) <= _HOLD_ADVERBS:
                continue  # "the SDF lost control in P", "government control": not a hold
            for ref in objects:
                if once(ref, "holds"):
                    self._emit(ref, action="holds", controller=agent.code,
                               previous=self.discourse.holder.get(ref.place_id),
                               trigger=(match.start(), match.end()))

        self._repelled(once)
        self._contested(once)
        self._corridor_control(once)
        self._fire_control(once)
        self._along(once)

        for match in _DEPLOY.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start())
            if not objects or agent is None:
                continue
            for ref in objects:
                if once(ref, "deployment"):
                    self._emit(ref, action="deployment", controller=agent.code, previous=None,
                               trigger=(match.start(), match.end()), near=near)

        for match in _SHELL.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start())
            if not objects or agent is None:
                continue
            for ref in objects:
                action = "fire_control" if ref.kind == "corridor" else "shelling"
                if once(ref, action):
                    self._emit(ref, action=action, controller=agent.code, previous=None,
                               trigger=(match.start(), match.end()), near=near)

        for match in _ATTACK_ON.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            if not objects:
                continue
            self.discourse.attack_target = objects[0]
            agent = _agent_before(self.factions, match.start())
            if agent is None or _ATTACK_TO.search(self.text):
                continue
            for ref in objects:
                if once(ref, "attack"):
                    self._emit(ref, action="attack", controller=agent.code, previous=None,
                               trigger=(match.start(), match.end()), near=near)

    def _control_over(self) -> list[tuple[FactionMention, _Ref]]:
        found = []
        for faction in self.factions:
            tail = _CONTROL_OVER.match(self.text[faction.end:])
            if not tail:
                continue
            objects, near = _objects(self.text, faction.end + tail.end(), self.refs)
            if objects and not near:
                found += [(faction, ref) for ref in objects]
        return found

    def _corridor_control(self, once: Callable[[_Ref, str], bool]) -> None:
        """"X reopened the M5" (holds), "X secured the M5" (capture): said of corridors only."""
        for match in _CORRIDOR_CONTROL.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start(), self.text)
            if near or agent is None:
                continue
            if match.group("open") and len(re.findall(_WORD, self.text[agent.end:
                                                                        match.start()])) > 3:
                continue  # "Russia and Turkey discussed ... opened": not the opener
            action = "holds" if match.group("open") else "capture"
            for ref in objects:
                if ref.kind == "corridor" and once(ref, action):
                    self._emit(ref, action=action, controller=agent.code,
                               previous=self.discourse.holder.get(ref.place_id),
                               trigger=(match.start(), match.end()))

    def _fire_control(self, once: Callable[[_Ref, str], bool]) -> None:
        """Who can hit traffic on a corridor: imposed fire control of / cut / put under fire /
        within range of / under X's fire."""
        found: list[tuple[_Ref, FactionMention, tuple[int, int]]] = []
        for match in _FIRE_CONTROL.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start(), self.text)
            if agent is not None and not near:
                found += [(ref, agent, match.span()) for ref in objects]
        for match in _PUT_UNDER.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            agent = _agent_before(self.factions, match.start(), self.text)
            if objects and agent is not None and not near and _UNDER_FIRE_TAIL.match(
                    self.text[objects[-1].end:]):
                found += [(ref, agent, match.span()) for ref in objects]
        for match in _UNDER_FIRE.finditer(self.text):
            agent = _faction_after(self.factions, match.end(), within=2)
            if agent is not None and not _FIRE_AFTER_FACTION.match(self.text[agent.end:]):
                agent = None
            fire_of = _FIRE_OF.match(self.text[match.end():])
            if agent is None and fire_of:
                agent = _faction_after(self.factions, match.end() + fire_of.end(), within=2)
            subject = _subject(self.text, match.start(), self.refs)
            if agent is not None and subject is not None:
                found.append((subject, agent, match.span()))
        for match in _WITHIN_RANGE.finditer(self.text):
            agent = _faction_after(self.factions, match.end(), within=2)
            subject = _subject(self.text, match.start(), self.refs)
            if agent is not None and subject is not None:
                found.append((subject, agent, match.span()))
        for ref, agent, trigger in found:
            if ref.kind == "corridor" and once(ref, "fire_control"):
                self._emit(ref, action="fire_control", controller=agent.code, previous=None,
                           trigger=trigger)

    def _along(self, once: Callable[[_Ref, str], bool]) -> None:
        """Places said to lie on a corridor: "located ... along the M4", "overlook the M4",
        "lies on the M4", "Saraqib, on the M5," (no controller: ``along``)."""
        for ref in self.refs:
            locative = _locative_corridor(self.text, ref)
            if locative is None or ref.modifier:
                continue
            start = max(0, ref.start - 60) + locative.start()
            prep = locative.group("prep").lower()
            trigger = (start, ref.end)
            if not prep.startswith(("overlook", "at")):
                clause = self.text[max(0, start - 100):start]
                verbs = list(_LOCATED.finditer(clause))
                between = clause[verbs[-1].end():] if verbs else ""
                apposition = re.search(r",\s*$", clause) and any(
                    r.end <= start and not r.modifier and r.kind != "corridor"
                    and not self.text[r.end:start].strip(" ,") for r in self.refs)
                if verbs and not re.search(r"[.;:]", between) and not _FINITE.search(between) \
                        and len(re.findall(_WORD, between)) <= 12:
                    trigger = (start - len(clause) + verbs[-1].start(), ref.end)
                elif not (apposition and prep in ("on", "along", "astride")):
                    continue
            objects, _ = _objects(self.text, start + len(locative.group("prep")), self.refs)
            for corridor in objects or [ref]:
                if corridor.kind == "corridor" and once(corridor, "along"):
                    self._emit(corridor, action="along", controller=None, previous=None,
                               trigger=trigger)

    def _repelled(self, once) -> None:
        for match in _REPEL.finditer(self.text):
            defender = _agent_before(self.factions, match.start())
            if defender is None:
                continue
            objects, _ = _objects(self.text, match.end(), self.refs)
            target = objects[0] if objects else None
            if target is None and re.match(r"(?i)\s+(?:the|an?)\s+(?:\w+\s+)?(?:attack|assault|"
                                           r"offensive)", self.text[match.end():]):
                target = self.discourse.attack_target
            if target is not None and once(target, "repelled"):
                self._emit(target, action="repelled", controller=defender.code,
                           previous=defender.code, trigger=(match.start(), match.end()))
        failed = _FAILED_ATTACK.search(self.text)
        if failed:
            attacker = next((f for f in self.factions if f.end <= failed.end()), None)
            objects, _ = _objects(self.text, failed.start(), self.refs)
            target = objects[0] if objects else (self.refs[-1] if self.refs else
                                                 (self.discourse.refs[-1] if self.discourse.refs
                                                  else None))
            if target is None:
                return
            holder = self.discourse.holder.get(target.place_id)
            if holder and attacker and self.book.hostile(holder, attacker.code) and once(
                    target, "repelled"):
                self._emit(target, action="repelled", controller=holder, previous=holder,
                           trigger=(failed.start(), failed.end()), inferred=True)

    def _contested(self, once) -> None:
        for match in _ATTACK_TO.finditer(self.text):
            objects, near = _objects(self.text, match.end(), self.refs)
            attacker = _agent_before(self.factions, match.start())
            if not objects or near or attacker is None:
                continue
            for ref in objects:
                self.discourse.attack_target = ref
                self.discourse.attacker[ref.place_id] = attacker.code
                holder = self.discourse.holder.get(ref.place_id)
                controller = holder if holder and self.book.hostile(holder, attacker.code) \
                    else None
                if once(ref, "contested"):
                    self._emit(ref, action="contested", controller=controller,
                               previous=controller, trigger=(match.start(), match.end()))
        # Places followed by "witnessed (heavy) clashes", with where that phrase ends, in
        # text order. A place counts for every clash from the one its phrase names on; it is
        # handed on once (`once` would refuse it later anyway).
        witnesses = iter([(r, m.end()) for r in self.refs
                          if (m := _WITNESSED.match(self.text, r.end))])
        upcoming = next(witnesses, None)
        waiting: list[tuple[_Ref, int]] = []
        for match in _CLASHES.finditer(self.text):
            while upcoming is not None and upcoming[0].end <= match.start():
                waiting.append(upcoming)
                upcoming = next(witnesses, None)
            refs = [r for r, phrase_end in waiting if phrase_end <= match.end()]
            waiting = [w for w in waiting if w[1] > match.end()]
            inside = _CLASHES_IN.match(self.text, match.start())
            if inside:
                objects, near = _objects(self.text, inside.end(), self.refs)
                refs += [] if near else objects
            for ref in refs:
                if once(ref, "contested"):
                    self._emit(ref, action="contested", controller=None, previous=None,
                               trigger=(match.start(), match.end()))


ENGINES = ("both", "patterns", "parse")
"""How claims are read: the dependency frames and the patterns (``both``, frames first), or
one of them alone (for the ablation in the README)."""


def extract_claims(document: Document, mentions: list[Mention], factions: Factions,
                   engine: str = "both") -> list[Claim]:
    """Control claims of one document (see the module docstring).

    Parameters
    ----------
    document
        The article; only its body is read.
    mentions
        Its resolved and unresolved place mentions (`geo.places.geocode_document`).
    factions
        The theater's factions.
    engine
        One of `ENGINES`.
    """
    if engine not in ENGINES:
        raise ValueError(f"unknown claims engine {engine!r}; use one of {', '.join(ENGINES)}")
    discourse = _Discourse()
    claims: list[Claim] = []
    body = document.body
    ordered = sorted(mentions, key=lambda m: m.start)
    starts = [m.start for m in ordered]
    sentences = sentence_spans(body)
    parsed = _parsed(body, sentences, starts) if engine != "patterns" else {}
    named_sides = [f.code for f in factions.find(body)
                   if not factions.by_code[f.code].presence_only
                   and not factions.by_code[f.code].state]
    for start, end in sentences:
        sentence = body[start:end]
        refs = _sentence_refs(sentence, start, ordered, starts, discourse)
        dates = find_dates(sentence, document.published) if document.published else []
        named = factions.find(sentence)
        reader = _SentenceReader(
            document=document, text=sentence, offset=start, refs=refs,
            factions=named, faction_book=factions, discourse=discourse, dates=dates,
            parsed=parsed.get(start), named_sides=named_sides, engine=engine)
        # Every claim needs a faction, except clashes and withdrawals (whose side is inferred)
        # and places along a corridor; attacks are remembered for "the attack".
        if named or start in parsed or _CLASHES.search(sentence) \
                or _ATTACK_ON.search(sentence) or _WITHDRAW.search(sentence) \
                or any(r.kind == "corridor" for r in refs):
            claims += reader.read()
        told = [d for d in dates if d.basis in ("explicit", "relative") and (
            d in reader.used_dates or d.start < len(sentence) / 2
            or _REPORTED_ON.search(sentence[:d.start]))]
        if told:
            discourse.narrative = told[-1]
        discourse.refs += [r for r in refs if not r.modifier]
    return claims


PARSE_CHARS = 1_000
"""Sentences longer than this (run-on page furniture) are read by the patterns only."""
PARSE_SENTENCES = 500
"""At most this many sentences of one document are parsed (a news article has far fewer);
the rest of a hostile or endless page is read by the patterns, in linear time."""


def _parsed(body: str, sentences: list[tuple[int, int]], starts: list[int]) -> dict[int, Any]:
    """Dependency parses of the sentences that hold a place and a trigger word, in one batch,
    by sentence start."""
    from geo.frames import load_lexicon, parse

    lexicon = load_lexicon()
    chosen = []
    for start, end in sentences:
        if end - start > PARSE_CHARS:
            continue
        if bisect_left(starts, start) == bisect_left(starts, end) and not _ANAPHORA.search(
                body, start, end):
            continue  # no place named or referred to
        if lexicon.worth_parsing(body[start:end]):
            chosen.append((start, end))
            if len(chosen) == PARSE_SENTENCES:
                break
    docs = parse([body[s:e] for s, e in chosen]) if chosen else []
    return {s: doc for (s, _), doc in zip(chosen, docs, strict=True)}
