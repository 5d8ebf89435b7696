"""Load the event-coding dictionaries of a topic pack (``events/*.yaml``) into a lexicon.

One YAML file per PLOVER type (upper-case file name) holds verb and noun
patterns; ``_grammar.yaml`` holds the words around them (speech, modal and
negating verbs, prepositions); ``agents.yaml`` holds fallback agent nouns. The
format is documented in docs/events.md. The lexicon is built once per pack
folder and is read-only afterwards.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

from ..errors import HorizonscanError

PATTERN_KEYS = {
    "verb", "noun", "prep", "object", "with", "object_actor", "object_nonactor", "reverse",
    "source_prep", "mode", "cameo", "forms", "mutual",
}
FILE_KEYS = {
    "type", "fold_into", "modes", "default_mode", "verbs", "nouns", "symmetric", "target_optional",
    "noun_of", "goods", "target_preps",
}
VOWELS = set("aeiou")
# Sub-folders of ``events/`` holding dictionaries generated at build time from open
# event-data resources (scripts/build_event_dictionaries.py). They are read after the
# hand-written files, and a verb the hand-written files define keeps only its
# hand-written patterns: those were tuned and tested, the generated ones were not.
GENERATED_DIRS = ("petrarch",)
# Verbs the role rules look up by lemma besides the pattern and grammar verbs
# (object-control verbs, copula, auxiliaries); the second spaCy pass has no
# lemmatizer, so lemmas come from these word lists (``Lexicon.lemmas``).
EXTRA_VERBS = ("be", "have", "do", "urge", "ask", "call", "invite", "help", "allow", "force", "persuade",
               "encourage", "order", "tell", "press", "push", "request", "enable", "permit", "pressure",
               "propose", "suggest", "recommend", "say")
EXTRA_IRREGULAR = {
    "be": ("is", "are", "was", "were", "been", "being", "am", "'s", "'re", "'m"),
    "have": ("has", "had", "having", "'ve", "'d"),
    "do": ("does", "did", "done", "doing"),
    "say": ("said",), "think": ("thought",), "seek": ("sought",), "tell": ("told",),
}


@dataclass(frozen=True)
class Pattern:
    """One trigger pattern: a verb or noun, with the conditions that make it fire."""

    type: str  # reported type (after folding DEMAND/FIGHT when configured)
    raw_type: str  # type of the file it came from
    kind: str  # "verb" or "noun"
    lemma: str
    forms: frozenset[str]
    preps: tuple[str, ...] = ()  # one of these prepositions/particles must attach to the trigger
    objects: tuple[str, ...] = ()
    modifiers: tuple[str, ...] = ()
    object_actor: bool = False
    object_nonactor: bool = False
    reverse: bool = False
    mutual: bool = False  # fires only with coordinated subjects, each acting on the others
    source_prep: str | None = None
    mode: str | None = None
    cameo: str | None = None
    order: int = 0

    @property
    def specificity(self) -> int:
        """More conditions, more specific: the most specific matching pattern wins."""
        return (2 if self.objects or self.modifiers else 0) + (1 if self.preps else 0) + (
            1 if self.object_actor or self.object_nonactor else 0
        )


# (words of which one must occur near the trigger, first offset, last offset, actors
# needed, symmetric type)
Requirement = tuple[frozenset[str], int, int, int, bool]
# Where a pattern's required word may stand, in tokens relative to the trigger form.
OBJECT_WINDOW = (-6, 10)  # "sent aid" / "relief packages were sent"
MODIFIER_WINDOW = (-4, -1)  # "humanitarian action"
VERB_PREP_WINDOW = (1, 4)  # "called on", "called repeatedly on"
NOUN_PREP_WINDOW = (1, 3)  # "talks with", "meeting on Monday with"


def requirement(pat: "Pattern", actors: int, target_preps: Iterable[str] = (), symmetric: bool = False) -> Requirement:
    """Where the word a pattern needs must stand around its trigger form (pre-selection only).

    A noun pattern without conditions whose event needs a target still needs a
    preposition that can introduce one right after it ("aid to Nepal",
    "sanctions on Huawei", "arrest of activists").
    """
    needed = _last_words(pat.objects) | _last_words(pat.modifiers)
    if needed:
        lo, hi = MODIFIER_WINDOW if pat.modifiers and not pat.objects else OBJECT_WINDOW
    elif pat.preps:
        needed = frozenset(pat.preps)
        lo, hi = VERB_PREP_WINDOW if pat.kind == "verb" else NOUN_PREP_WINDOW
    elif pat.kind == "noun" and actors == 2:
        needed = frozenset(target_preps) | {"of", "by", "from", "between"}
        lo, hi = NOUN_PREP_WINDOW
    else:
        lo = hi = 0
    return needed, lo, hi, actors, symmetric


@dataclass(frozen=True)
class TypeInfo:
    name: str
    fold_into: str | None
    symmetric: bool
    target_optional: bool
    noun_of: str  # role of "<noun> of X": source or target
    modes: tuple[tuple[str, tuple[str, ...]], ...]
    default_mode: str | None
    target_preps: tuple[str, ...]


@dataclass(frozen=True)
class Grammar:
    speech_verbs: frozenset[str]
    modal_aux: frozenset[str]
    modal_adverbs: frozenset[str]
    modal_verbs: frozenset[str]
    modal_nouns: frozenset[str]
    negators: frozenset[str]
    transparent_verbs: frozenset[str]
    negation_words: frozenset[str]
    partitives: frozenset[str]
    target_preps: tuple[str, ...]
    agent_preps: tuple[str, ...]
    source_preps: tuple[str, ...]
    pronouns: frozenset[str]
    group_nouns: frozenset[str] = frozenset()
    group_pronouns: frozenset[str] = frozenset()
    person_pronouns: frozenset[str] = frozenset()
    topic_verbs: frozenset[str] = frozenset()


@dataclass(frozen=True)
class Lexicon:
    verbs: dict[str, tuple[Pattern, ...]]  # lemma -> patterns
    verb_forms: dict[str, frozenset[str]]  # lowercase form -> lemmas
    nouns: dict[str, tuple[Pattern, ...]]  # lowercase form -> patterns
    types: dict[str, TypeInfo]
    grammar: Grammar
    agents: dict[str, str]  # lowercase noun (phrase) -> sector
    # Pre-selection: (trigger forms, words of which one must also occur) per pattern.
    # Pre-selection: (trigger forms, words of which one must also occur, actors needed) per pattern.
    requirements: tuple[tuple[frozenset[str], frozenset[str], int], ...] = field(default=())
    trigger_words: frozenset[str] = frozenset()
    # lowercase verb form -> possible lemmas, for every verb the coder looks up by lemma
    lemma_index: dict[str, frozenset[str]] = field(default_factory=dict)
    # trigger form -> ((words of which one must occur near it, first and last token offset
    # where it may occur, actors needed), ...), one per pattern (see events.select_sentences)
    form_requirements: dict[str, tuple[Requirement, ...]] = field(default_factory=dict)

    def lemmas(self, form: str) -> frozenset[str]:
        """Possible lemmas of a lowercase verb form (the form itself when unknown)."""
        return self.lemma_index.get(form) or frozenset((form,))

    def actors_needed(self, words: set[str]) -> int:
        """Fewest actors an event triggered in a sentence with these lowercase words needs
        (1 when only a source is required, 2 for source and target); 0 when no trigger."""
        if not (words & self.trigger_words):
            return 0
        best = 0
        for forms, needed, actors in self.requirements:
            if words & forms and (not needed or words & needed):
                best = actors if best == 0 else min(best, actors)
                if best == 1:
                    break
        return best

    def selects(self, words: set[str]) -> bool:
        """True when a sentence with these lowercase words may hold an event trigger."""
        return self.actors_needed(words) > 0


def verb_forms(lemma: str, irregular: Iterable[str] = ()) -> frozenset[str]:
    """Generous set of inflected forms (over-generation only costs a parse)."""
    w = lemma.lower()
    forms = {w, *irregular}
    if w.endswith("e"):
        forms |= {w + "s", w + "d", w[:-1] + "ing"}
    elif w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
        forms |= {w[:-1] + "ies", w[:-1] + "ied", w + "ing"}
    else:
        es = w + "es" if w.endswith(("s", "sh", "ch", "x", "z", "o")) else w + "s"
        forms |= {es, w + "ed", w + "ing"}
        if len(w) > 2 and w[-1] not in VOWELS | {"w", "x", "y"} and w[-2] in VOWELS and w[-3] not in VOWELS:
            forms |= {w + w[-1] + "ed", w + w[-1] + "ing"}
    return frozenset(forms)


# English derivational suffixes of event nouns and what they replace on the verb
# ("attendance" <- attend, "refusal" <- refuse, "accession" <- accede): a noun whose
# verb is in the dictionary names the same act, so nominal events need no noun list.
NOMINAL_SUFFIXES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("ication", ("y",)), ("isation", ("ise", "ize")), ("ization", ("ize", "ise")),
    ("ation", ("ate", "e", "")), ("ition", ("ite", "ose")), ("ssion", ("de", "t", "ss")), ("sion", ("de", "se")),
    ("ption", ("ve", "pt")), ("ction", ("ct",)), ("tion", ("te",)), ("ion", ("", "e")),
    ("ment", ("",)), ("ance", ("", "e")), ("ence", ("", "e")), ("ial", ("y",)), ("al", ("", "e")),
    ("ure", ("e",)), ("ism", ("ize", "ise")), ("ing", ("", "e")), ("ery", ("er",)), ("y", ("",)),
)


def nominal_verbs(noun: str) -> tuple[str, ...]:
    """Verbs a noun may be the nominalisation of, most likely first ("establishment" -> establish)."""
    w = noun.lower()
    out: list[str] = [w]  # "visit", "aid", "protest": the same word
    for suffix, replacements in NOMINAL_SUFFIXES:
        if w.endswith(suffix) and len(w) - len(suffix) >= 3:
            stem = w[: -len(suffix)]
            out.extend(stem + r for r in replacements)
    return tuple(dict.fromkeys(out))


def noun_forms(noun: str) -> frozenset[str]:
    w = noun.lower()
    if w.endswith("s") and not w.endswith("ss"):
        return frozenset({w})
    if w.endswith("y") and len(w) > 1 and w[-2] not in VOWELS:
        return frozenset({w, w[:-1] + "ies"})
    if w.endswith(("ss", "sh", "ch", "x")):
        return frozenset({w, w + "es"})
    return frozenset({w, w + "s"})


def _words(value: Any, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        value = [value]
    if isinstance(value, bool) or (isinstance(value, list) and any(isinstance(v, bool) for v in value)):
        raise HorizonscanError(f'E230 {where}: YAML read on/off/yes/no as true/false; quote the word ("on")')
    if not isinstance(value, list) or not all(isinstance(v, (str, int)) for v in value):
        raise HorizonscanError(f"E230 {where}: expected a list of words, got {value!r}")
    return tuple(str(v).lower() for v in value)


def _last_words(phrases: Iterable[str]) -> frozenset[str]:
    return frozenset(p.split()[-1] for p in phrases if p.split())


def check_type_file(stem: str, data: Any) -> list[str]:
    """Schema problems of one type file (empty when valid)."""
    problems: list[str] = []
    if not isinstance(data, dict):
        return [f"{stem}: not a mapping"]
    for key in data:
        if key not in FILE_KEYS:
            problems.append(f"{stem}: unknown key {key!r}")
    if data.get("type") != stem:
        problems.append(f"{stem}: 'type' must equal the file name ({data.get('type')!r})")
    for section, head in (("verbs", "verb"), ("nouns", "noun")):
        entries = data.get(section) or []
        if not isinstance(entries, list):
            problems.append(f"{stem}.{section}: not a list")
            continue
        for i, entry in enumerate(entries):
            if not isinstance(entry, dict) or not isinstance(entry.get(head), str):
                problems.append(f"{stem}.{section}[{i}]: needs a '{head}' word")
                continue
            for key in entry:
                if key not in PATTERN_KEYS or key in ({"verb", "noun"} - {head}):
                    problems.append(f"{stem}.{section}[{i}] ({entry[head]}): unknown key {key!r}")
            cameo = entry.get("cameo")
            if cameo is not None and not (isinstance(cameo, str) and cameo.isdigit() and 2 <= len(cameo) <= 4):
                problems.append(f"{stem}.{section}[{i}] ({entry[head]}): cameo must be a quoted 2-4 digit code")
    modes = data.get("modes") or {}
    if not isinstance(modes, dict):
        problems.append(f"{stem}.modes: not a mapping")
    if data.get("noun_of", "source") not in ("source", "target"):
        problems.append(f"{stem}.noun_of: must be 'source' or 'target'")
    return problems


def _grammar(data: dict[str, Any]) -> Grammar:
    def fs(key: str) -> frozenset[str]:
        return frozenset(_words(data.get(key), f"_grammar.{key}"))

    return Grammar(
        speech_verbs=fs("speech_verbs"),
        modal_aux=fs("modal_aux"),
        modal_adverbs=fs("modal_adverbs"),
        modal_verbs=fs("modal_verbs"),
        modal_nouns=fs("modal_nouns"),
        negators=fs("negators"),
        transparent_verbs=fs("transparent_verbs"),
        negation_words=fs("negation_words"),
        partitives=fs("partitives"),
        target_preps=_words(data.get("target_preps"), "_grammar.target_preps"),
        agent_preps=_words(data.get("agent_preps"), "_grammar.agent_preps"),
        source_preps=_words(data.get("source_preps"), "_grammar.source_preps"),
        pronouns=fs("pronouns"),
        group_nouns=fs("group_nouns"),
        group_pronouns=fs("group_pronouns"),
        person_pronouns=fs("person_pronouns"),
        topic_verbs=fs("topic_verbs"),
    )


@functools.lru_cache(maxsize=8)
def load_lexicon(events_dir: Path) -> Lexicon:
    """Build the lexicon from a pack's ``events`` folder (cached per folder; read-only)."""
    grammar_data = _read(events_dir / "_grammar.yaml") or {}
    grammar = _grammar(grammar_data)
    irregular = {str(k).lower(): _words(v, f"_grammar.irregular.{k}") for k, v in (grammar_data.get("irregular") or {}).items()}
    for sub in GENERATED_DIRS:
        for k, v in ((_read(events_dir / sub / "_grammar.yaml") or {}).get("irregular") or {}).items():
            key = str(k).lower()
            irregular[key] = tuple(dict.fromkeys(irregular.get(key, ()) + _words(v, f"{sub}/_grammar.irregular.{k}")))
    agents: dict[str, str] = {}
    for sector, nouns in sorted((_read(events_dir / "agents.yaml") or {}).items()):
        for noun in _words(nouns, f"agents.{sector}"):
            agents.setdefault(noun, str(sector))

    verbs: dict[str, list[Pattern]] = {}
    nouns: dict[str, list[Pattern]] = {}
    types: dict[str, TypeInfo] = {}
    requirements: list[tuple[frozenset[str], frozenset[str], int]] = []
    order = 0
    hand_verbs: set[str] = set()
    type_files = [(p, False) for p in sorted(events_dir.glob("*.yaml"))]
    type_files += [(p, True) for sub in GENERATED_DIRS for p in sorted((events_dir / sub).glob("*.yaml"))]
    for path, generated in type_files:
        if not path.stem.isupper():
            continue
        data = _read(path)
        problems = check_type_file(path.stem, data)
        if problems:
            raise HorizonscanError("E231 invalid event dictionary: " + "; ".join(problems))
        raw = path.stem
        if generated:
            if raw not in types:  # a type only the generated data knows keeps its file's settings
                types[raw] = _type_info(raw, data)
            data = {"verbs": [e for e in data.get("verbs") or [] if str(e["verb"]).lower() not in hand_verbs]}
        else:
            hand_verbs.update(str(e["verb"]).lower() for e in data.get("verbs") or [])
            types[raw] = _type_info(raw, data)
        reported = types[raw].fold_into or raw
        for section, kind in (("verbs", "verb"), ("nouns", "noun")):
            for entry in data.get(section) or []:
                lemma = str(entry[kind]).lower()
                if kind == "verb":
                    forms = frozenset(_words(entry.get("forms"), f"{raw}.{lemma}.forms")) or verb_forms(
                        lemma, irregular.get(lemma, ())
                    )
                else:
                    forms = noun_forms(lemma)
                order += 1
                pat = Pattern(
                    type=reported,
                    raw_type=raw,
                    kind=kind,
                    lemma=lemma,
                    forms=forms,
                    preps=_words(entry.get("prep"), f"{raw}.{lemma}.prep"),
                    objects=_words(entry.get("object"), f"{raw}.{lemma}.object"),
                    modifiers=_words(entry.get("with"), f"{raw}.{lemma}.with"),
                    object_actor=bool(entry.get("object_actor", False)),
                    object_nonactor=bool(entry.get("object_nonactor", False)),
                    reverse=bool(entry.get("reverse", False)),
                    mutual=bool(entry.get("mutual", False)),
                    source_prep=(str(entry["source_prep"]).lower() if entry.get("source_prep") else None),
                    mode=entry.get("mode"),
                    cameo=entry.get("cameo"),
                    order=order,
                )
                if kind == "verb":
                    verbs.setdefault(lemma, []).append(pat)
                else:
                    for form in forms:
                        nouns.setdefault(form, []).append(pat)
                needed = _last_words(pat.objects) | _last_words(pat.modifiers)
                if pat.preps and not needed:
                    needed = frozenset(pat.preps)
                requirements.append((forms, needed, 1 if types[raw].target_optional else 2))

    verb_index: dict[str, set[str]] = {}
    for lemma, pats in verbs.items():
        for p in pats:
            for form in p.forms:
                verb_index.setdefault(form, set()).add(lemma)
    trigger_words = frozenset(w for forms, _, _ in requirements for w in forms)
    by_form: dict[str, set[Requirement]] = {}
    for pats in (*verbs.values(), *nouns.values()):
        for pat in pats:
            tinfo = types[pat.raw_type]
            req = requirement(pat, 1 if tinfo.target_optional else 2, grammar.target_preps + tinfo.target_preps,
                              tinfo.symmetric or pat.mutual)
            for form in pat.forms:
                by_form.setdefault(form, set()).add(req)
    lemma_index: dict[str, set[str]] = {k: set(v) for k, v in verb_index.items()}
    grammar_verbs = (grammar.speech_verbs | grammar.modal_verbs | grammar.negators | grammar.transparent_verbs
                     | frozenset(EXTRA_VERBS))
    for lemma in grammar_verbs:
        if " " in lemma:
            continue
        extra = tuple(irregular.get(lemma, ())) + EXTRA_IRREGULAR.get(lemma, ())
        for form in verb_forms(lemma, extra):
            lemma_index.setdefault(form, set()).add(lemma)
    return Lexicon(
        verbs={k: tuple(v) for k, v in verbs.items()},
        verb_forms={k: frozenset(v) for k, v in verb_index.items()},
        nouns={k: tuple(v) for k, v in nouns.items()},
        types=types,
        grammar=grammar,
        agents=agents,
        requirements=tuple(requirements),
        trigger_words=trigger_words,
        lemma_index={k: frozenset(v) for k, v in lemma_index.items()},
        form_requirements={k: tuple(sorted(v, key=lambda r: (r[3], r[1], r[2], sorted(r[0])))) for k, v in by_form.items()},
    )


def _type_info(raw: str, data: dict[str, Any]) -> TypeInfo:
    return TypeInfo(
        name=raw,
        fold_into=data.get("fold_into"),
        symmetric=bool(data.get("symmetric", False)),
        target_optional=bool(data.get("target_optional", False)),
        noun_of=data.get("noun_of", "source"),
        modes=tuple((str(m), _words(ws, f"{raw}.modes.{m}")) for m, ws in (data.get("modes") or {}).items()),
        default_mode=data.get("default_mode"),
        target_preps=_words(data.get("target_preps"), f"{raw}.target_preps"),
    )


def _read(path: Path) -> Any:
    if not path.exists():
        return None
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        raise HorizonscanError(f"E201 invalid YAML in topic pack file {path}: {exc}") from exc
