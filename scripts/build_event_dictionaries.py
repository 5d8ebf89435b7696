#!/usr/bin/env python3
"""Build the generated event verb dictionaries from PETRARCH-2's CAMEO verb dictionary.

Run by hand, never at run time; the YAML it writes is committed:

    PYTHONPATH=src python scripts/build_event_dictionaries.py \
        --source ../shared/data/event-dictionaries/CAMEO.2.0.txt

It reads PETRARCH-2's ``CAMEO.2.0.txt`` (verb blocks ``--- NAME [code] ---``,
``&SET`` synonym sets, ``{irregular forms}``, patterns ``- * HEAD (PREP NOUN)
[code]``), maps each CAMEO code to a PLOVER type and mode through the official
CAMEO -> PLOVER table (shipped as ``events/cameo.yaml``, see
``analysis/cameo.py``), applies the curation in
``scripts/event_dictionary_curation.yaml`` and writes one YAML file per type in
the pack's dictionary format (docs/events.md) to
``packs/china_abroad/events/petrarch/``, plus ``_grammar.yaml`` with the
irregular verb forms. The loader reads that folder after the hand-written files,
which win for any verb they define.

What the pack's format cannot say is left out rather than approximated (see
``Skipped``): conditions on the subject (``- &MILITARY * ...``), a
prepositional phrase that needs a particular noun (``(IN COURT)``: the format
can require a preposition but not its object), and patterns with more than one
object phrase. A pattern whose object is a phrase keeps the whole phrase
("arms shipment"), which the coder matches inside the object's subtree.
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

import yaml

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src"
if str(SRC) not in sys.path:
    sys.path.insert(0, str(SRC))

from horizonscan.analysis import cameo  # noqa: E402

PACK_EVENTS = SRC / "horizonscan" / "packs" / "china_abroad" / "events"
OUT_DIR = PACK_EVENTS / "petrarch"
CURATION = Path(__file__).resolve().parent / "event_dictionary_curation.yaml"
DEFAULT_SOURCE = ROOT.parent / "shared" / "data" / "event-dictionaries" / "CAMEO.2.0.txt"
SOURCE_REPO = "openeventdata/petrarch2"
SOURCE_COMMIT = "676801cd9cb2924bbbad09f86d15c9323e7097bf"
SOURCE_PATH = "petrarch2/data/dictionaries/CAMEO.2.0.txt"
CREDIT = (
    "Verb and actor dictionaries derived from PETRARCH-2 and NGEC (Open Event Data Alliance; "
    "MIT licence). Development of PETRARCH was supported by the US National Science Foundation."
)

# Words that stand right after the verb as a particle or bare preposition in
# PETRARCH patterns ("- * UP BARRICADE", "- * OFF (FROM ^)"); the pack's
# format requires them with ``prep``.
PARTICLES = frozenset(
    "up down off out on over back away in into forward aside through about along around across "
    "to with against for from by at toward towards upon under behind after before between".split()
)
# Markers of PETRARCH's own syntax that name actors, not words: $ source, + target,
# ^ skip, % compound actor.
MARKERS = frozenset("$+^%")
# CAMEO roots the pack keeps in files of their own that fold into a PLOVER type
# (DEMAND.yaml -> REQUEST, FIGHT.yaml -> ASSAULT), so that generated patterns
# carry the same distinction as the hand-written ones.
RAW_TYPE_BY_ROOT = {"10": "DEMAND"}
FIGHT_CODES = ("190", "193", "194", "195", "196")

_BLOCK = re.compile(r"^---\s+(\S+)\s+\[([^\]]*)\]")
_CODE = re.compile(r"\[([^\]]*)\]")


# --------------------------------------------------------------------------- parsing


@dataclass
class VerbLine:
    words: tuple[str, ...]  # lowercase; more than one for "+CALL_OFF"
    forms: tuple[str, ...]  # irregular forms given in braces (lowercase, first word only)
    code: str | None  # own code, else None (the block's default applies)


@dataclass
class PatternLine:
    pre: tuple[str, ...]  # tokens before "*"
    post: tuple[str, ...]  # tokens after "*" (phrases in braces and parentheses kept whole)
    code: str
    origin: str | None  # the verb the comment names, lowercase (where the pattern was first found)


@dataclass
class Block:
    name: str
    code: str | None
    verbs: list[VerbLine] = field(default_factory=list)
    patterns: list[PatternLine] = field(default_factory=list)


@dataclass
class Dictionary:
    synsets: dict[str, tuple[str, ...]]
    blocks: list[Block]


def _clean_code(raw: str) -> str:
    """The code inside brackets without PETRARCH's flags ("080!" -> "080")."""
    return raw.strip().rstrip("!").strip()


def _word(token: str) -> str:
    """A dictionary word as text: '+' prefix and trailing '_' dropped, '_' joins words."""
    return token.lstrip("+").rstrip("_").replace("_", " ").lower().strip()


def _tokens(text: str) -> list[str]:
    """Split a pattern side, keeping ``{...}`` and ``(...)`` groups as single tokens."""
    out: list[str] = []
    i, n = 0, len(text)
    while i < n:
        c = text[i]
        if c.isspace():
            i += 1
        elif c in "{(":
            close = "}" if c == "{" else ")"
            j = text.find(close, i)
            j = n - 1 if j < 0 else j
            out.append(text[i : j + 1])
            i = j + 1
        else:
            j = i
            while j < n and not text[j].isspace() and text[j] not in "{(":
                j += 1
            out.append(text[i:j])
            i = j
    return out


def parse_dictionary(text: str) -> Dictionary:
    """Parse a PETRARCH-2 verb dictionary (synonym sets, verb blocks, patterns)."""
    synsets: dict[str, list[str]] = {}
    blocks: list[Block] = []
    current_set: str | None = None
    block: Block | None = None
    for raw in text.splitlines():
        line = raw.rstrip()
        comment = ""
        if "#" in line:
            line, comment = line.split("#", 1)
            line = line.rstrip()
        if not line.strip():
            current_set = None if not raw.strip() else current_set
            continue
        stripped = line.strip()
        m = _BLOCK.match(stripped)
        if m:
            code = _clean_code(m.group(2))
            block = Block(name=m.group(1).lower(), code=None if not code or code.startswith("-") else code)
            blocks.append(block)
            current_set = None
            continue
        if stripped.startswith("&") and block is None:
            current_set = stripped[1:].split()[0].rstrip("_")
            synsets[current_set] = []
            continue
        if current_set is not None and stripped.startswith("+") and block is None:
            synsets[current_set].append(_word(stripped.split()[0]))
            continue
        if block is None:
            continue
        if stripped.startswith("-"):
            codes = _CODE.findall(stripped)
            if not codes or "*" not in stripped:
                continue
            body = stripped[1 : stripped.rfind("[")].strip()
            pre, _, post = body.partition("*")
            origin = comment.strip().split()[0].lower() if comment.strip() else None
            block.patterns.append(PatternLine(tuple(_tokens(pre)), tuple(_tokens(post)), _clean_code(codes[-1]), origin))
            continue
        # a verb line: WORD {FORMS} [code]
        code_m = _CODE.search(stripped)
        code = _clean_code(code_m.group(1)) if code_m else None
        if code is not None and (not code or code.startswith("-")):
            code = None
        forms_m = re.search(r"\{([^}]*)\}", stripped)
        head = stripped.split()[0]
        words = tuple(_word(head).split())
        if not words or not all(re.fullmatch(r"[a-z][a-z'-]*", w) for w in words):
            continue
        forms: tuple[str, ...] = ()
        if forms_m:
            forms = tuple(
                _word(f).split()[0] for f in forms_m.group(1).split() if _word(f)
            )
        block.verbs.append(VerbLine(words, forms, code))
    return Dictionary({k: tuple(v) for k, v in synsets.items()}, blocks)


# --------------------------------------------------------------------------- mapping


def plover_for(code: str) -> tuple[str, str | None] | None:
    """(raw pack type, mode) for a CAMEO code, or None when PLOVER has no type for it.

    Through the official table (``cameo.yaml``); CAMEO 02x "appeal" is REQUEST
    (``cameo.cameo_to_plover``, decision in docs/events.md); 01x statements and
    unknown codes give None. The mode is the table's mode column, or for AID its
    context (economic, military, humanitarian), as in the hand-written files.
    """
    if not code.isdigit():
        return None
    mapped = cameo.cameo_to_plover(code)
    if mapped is None:
        return None
    ptype, _ = mapped
    table = cameo._mapping()
    row = next((table[code[:n]] for n in range(len(code), 1, -1) if code[:n] in table), None)
    mode: str | None = None
    if row is not None:
        mode = row[1].strip() or (row[2].split(";")[0].strip() if ptype == "AID" else "") or None
    raw = RAW_TYPE_BY_ROOT.get(code[:2])
    if raw is None and code.startswith(FIGHT_CODES):
        raw = "FIGHT"
    if raw is not None:
        # The pack's DEMAND/FIGHT files give their own default mode; the folded
        # type's mode column ("assist", "") says nothing more.
        return raw, (mode if raw == "FIGHT" and mode not in (None, "") else None)
    return ptype, mode


# --------------------------------------------------------------------------- conversion


@dataclass(frozen=True)
class Entry:
    type: str
    verb: str
    prep: str | None = None
    objects: tuple[str, ...] = ()
    reverse: bool = False
    mode: str | None = None
    cameo: str | None = None

    def as_yaml(self) -> dict[str, Any]:
        d: dict[str, Any] = {"verb": self.verb}
        if self.prep:
            d["prep"] = self.prep
        if self.objects:
            d["object"] = list(self.objects)
        if self.reverse:
            d["reverse"] = True
        if self.mode:
            d["mode"] = self.mode
        if self.cameo:
            d["cameo"] = _Quoted(self.cameo)
        return d


class _Quoted(str):
    """A CAMEO code, always written quoted ("080" must stay a string for every YAML reader)."""


yaml.SafeDumper.add_representer(_Quoted, lambda dumper, value: dumper.represent_scalar(
    "tag:yaml.org,2002:str", str(value), style="'"))


@dataclass
class Curation:
    """Decisions taken by hand on top of the data (``event_dictionary_curation.yaml``)."""

    drop_verbs: dict[str, str]  # verb -> why it is never taken, not even with objects
    bare_only_with_objects: dict[str, str]  # verb -> why its own bare code is dropped
    keep_inherited: dict[str, str]  # synonym -> why it keeps its block's default code
    recode: dict[str, str]  # verb -> CAMEO code replacing the data's bare code
    drop_objects: dict[str, str]  # object word -> why it does not make a pattern
    drop_patterns: dict[str, str] = field(default_factory=dict)  # "verb object" -> why that pair is left out

    @classmethod
    def load(cls, path: Path) -> "Curation":
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}

        def section(key: str) -> dict[str, str]:
            out: dict[str, str] = {}
            for reason, words in (data.get(key) or {}).items():
                for w in words or []:
                    out[str(w).lower()] = str(reason)
            return out

        recode = {str(k).lower(): str(v["cameo"]) for k, v in (data.get("recode") or {}).items()}
        return cls(section("drop_verbs"), section("bare_only_with_objects"), section("keep_inherited"), recode,
                   section("drop_objects"), section("drop_patterns"))


@dataclass
class Skipped:
    counts: Counter = field(default_factory=Counter)

    def add(self, why: str) -> None:
        self.counts[why] += 1


def _expand(token: str, synsets: dict[str, tuple[str, ...]]) -> list[str] | None:
    """Object words of one post-verb token; None when the pack's format cannot express it."""
    if token.startswith("&"):
        return list(synsets.get(token[1:].rstrip("_"), ())) or None
    if token.startswith("{"):
        inner = token[1:-1].split()
        if any(t in MARKERS for t in inner):
            return None
        # A set inside a phrase ("{&MILITARY AID}") gives one phrase per member.
        phrases = [""]
        for t in inner:
            alts = list(synsets.get(t[1:].rstrip("_"), ())) if t.startswith("&") else [_word(t)]
            if not alts:
                return None
            phrases = [f"{p} {a}".strip() for p in phrases for a in alts]
        return phrases
    if re.fullmatch(r"[A-Z][A-Z'_-]*", token):
        return [_word(token)]
    return None


def convert_pattern(
    pat: PatternLine, synsets: dict[str, tuple[str, ...]], skipped: Skipped
) -> tuple[str | None, tuple[str, ...], bool] | None:
    """(particle or preposition, object words, reverse) of a pattern, or None when not expressible."""
    if any(t not in MARKERS for t in pat.pre):
        skipped.add("condition on the subject")
        return None
    prep: str | None = None
    objects: list[str] | None = None
    post = [t for t in pat.post if t not in MARKERS]
    for i, tok in enumerate(post):
        if tok.startswith("("):
            inner = [t for t in tok[1:-1].split() if t not in MARKERS]
            if not inner:
                continue
            if len(inner) > 1 or inner[0].lower() not in PARTICLES:
                skipped.add("prepositional phrase with its own noun")
                return None
            if prep is not None:
                skipped.add("two prepositions")
                return None
            prep = inner[0].lower()
            continue
        if i == 0 and tok.lower() in PARTICLES and len(post) > 0:
            prep = tok.lower()
            continue
        if objects is not None:
            skipped.add("more than one object phrase")
            return None
        objects = _expand(tok, synsets)
        if objects is None:
            skipped.add("object not expressible")
            return None
    if prep is None and not objects:
        skipped.add("no condition left")
        return None
    return prep, tuple(dict.fromkeys(objects or ())), False


def build_entries(
    dictionary: Dictionary, curation: Curation, reserved: frozenset[str]
) -> tuple[dict[str, list[Entry]], dict[str, set[str]], Skipped]:
    """Pack entries by type, irregular forms by verb, and what was left out.

    ``reserved`` are verbs the coder's grammar already uses (speech, modal,
    negating and transparent verbs): they stay grammar words, not triggers.
    """
    skipped = Skipped()
    entries: dict[str, list[Entry]] = defaultdict(list)
    irregular: dict[str, set[str]] = defaultdict(set)
    seen: set[tuple] = set()

    def add(entry: Entry) -> None:
        key = (entry.verb, entry.prep, entry.objects, entry.reverse)
        if key in seen:  # the first pattern of a verb, in file order, keeps a condition
            skipped.add("duplicate condition")
            return
        seen.add(key)
        entries[entry.type].append(entry)

    for block in dictionary.blocks:
        verbs = [v for v in block.verbs]
        heads = {v.words[0] for v in verbs}
        for v in verbs:
            if v.forms:
                irregular[v.words[0]].update(f for f in v.forms if f.isalpha() and f != v.words[0])
        # Bare verbs (and two-word verbs such as "call off"), coded with their own or the block's
        # code. PETRARCH-2 spread each block's code over its WordNet synonyms; most of those are
        # other senses ("comb", "mine", "sweep" under PROBE), so a synonym that only inherits the
        # block's code is kept only when the curation says so.
        for v in verbs:
            verb = v.words[0]
            why = _verb_excluded(verb, curation, reserved)
            if why:
                skipped.add(why)
                continue
            own = v.code is not None or verb == block.name.split("_")[0]
            code = curation.recode.get(" ".join(v.words)) or v.code or block.code
            if code is None:
                continue
            if not own and " ".join(v.words) not in curation.keep_inherited:
                skipped.add("synonym inheriting the block's code")
                continue
            mapped = _mapped(code, skipped)
            if mapped is None:
                continue
            ptype, mode = mapped
            if len(v.words) == 1:
                if verb in curation.bare_only_with_objects:
                    skipped.add("ambiguous bare verb")
                    continue
                add(Entry(ptype, verb, mode=mode, cameo=code))
            elif len(v.words) == 2 and v.words[1] in PARTICLES:
                if " ".join(v.words) in curation.drop_patterns:
                    skipped.add("curated pattern")
                    continue
                add(Entry(ptype, verb, prep=v.words[1], mode=mode, cameo=code))
            elif len(v.words) == 2 and v.words[1] not in ("and", "or", "the", "a"):
                if v.words[1] in curation.drop_objects:
                    skipped.add("curated object")
                    continue
                add(Entry(ptype, verb, objects=(v.words[1],), mode=mode, cameo=code))
            else:
                skipped.add("multi-word verb")
        # Patterns: kept for the verb the comment names (where the pattern was found and
        # checked by coders), not spread over the whole synonym block.
        by_words = {v.words: v for v in verbs}
        by_form = {f: v for v in verbs for f in v.forms}
        for pat in block.patterns:
            if not pat.code or pat.code.startswith("-"):
                skipped.add("null-code pattern")
                continue
            forward, _, backward = pat.code.partition(":")
            reverse = False
            code = forward.strip()
            if not code:
                code, reverse = backward.strip(), True  # "[:173]": the target acts on the source
            if not code.isdigit():
                skipped.add("no code")
                continue
            origin = tuple(_word(pat.origin).split()) if pat.origin else ()
            owner = by_words.get(origin) or (by_form.get(origin[0]) if origin else None)
            if owner is None:
                skipped.add("pattern's verb not in its block")
                continue
            mapped = _mapped(code, skipped)
            if mapped is None:
                continue
            conv = convert_pattern(pat, dictionary.synsets, skipped)
            if conv is None:
                continue
            prep, objects, _ = conv
            if len(owner.words) == 2 and owner.words[1] in PARTICLES:
                if prep is not None and prep != owner.words[1]:
                    skipped.add("two prepositions")
                    continue
                prep = owner.words[1]
            elif len(owner.words) > 1:
                skipped.add("multi-word verb")
                continue
            if any(f"{owner.words[0]} {o}" in curation.drop_patterns for o in objects):
                # one word of a synonym set names the whole pattern ("approve money": every currency)
                skipped.add("curated pattern")
                continue
            kept = tuple(o for o in objects if o not in curation.drop_objects)
            if objects and not kept:
                skipped.add("curated object")
                continue
            verb = owner.words[0]
            why = _verb_excluded(verb, curation, reserved)
            if why:
                skipped.add(why)
                continue
            if not kept and f"{verb} {prep}" in curation.drop_patterns:
                skipped.add("curated pattern")
                continue
            if not kept and verb in curation.bare_only_with_objects:
                # "go (to)", "take (over)": with only a particle the verb is as ambiguous as bare.
                skipped.add("ambiguous bare verb")
                continue
            ptype, mode = mapped
            add(Entry(ptype, verb, prep=prep, objects=kept, reverse=reverse, mode=mode, cameo=code))
    return entries, irregular, skipped


def _verb_excluded(verb: str, curation: Curation, reserved: frozenset[str]) -> str | None:
    if verb in curation.drop_verbs:
        return "curated verb"
    if verb in reserved:
        return "grammar verb"
    return None


def _mapped(code: str, skipped: Skipped) -> tuple[str, str | None] | None:
    mapped = plover_for(code)
    if mapped is None:
        skipped.add("no PLOVER type (CAMEO 01x statements)")
    return mapped


def reserved_verbs(events_dir: Path = PACK_EVENTS) -> frozenset[str]:
    data = yaml.safe_load((events_dir / "_grammar.yaml").read_text(encoding="utf-8")) or {}
    words: set[str] = set()
    for key in ("speech_verbs", "modal_verbs", "negators", "transparent_verbs"):
        words |= {str(w).lower() for w in data.get(key) or [] if " " not in str(w)}
    return frozenset(words)


# --------------------------------------------------------------------------- output


def _header(source: Path, commit: str, what: str) -> str:
    return (
        f"# {what}\n"
        "# GENERATED by scripts/build_event_dictionaries.py -- do not edit by hand; change the\n"
        "# curation (scripts/event_dictionary_curation.yaml) or the hand-written files instead.\n"
        f"# Source: {source.name} from {SOURCE_REPO} @{commit} ({SOURCE_PATH}),\n"
        "# CAMEO codes mapped to PLOVER through the official CAMEO2PLOVER-2021 table (events/cameo.yaml).\n"
        f"# {CREDIT}\n"
        "# Copyright (c) 2015 Open Event Data Alliance; MIT licence (see petrarch/LICENSE.petrarch2).\n"
    )


def render(entries: dict[str, list[Entry]], irregular: dict[str, set[str]], source: Path,
           commit: str = SOURCE_COMMIT) -> dict[str, str]:
    """File name -> text of every generated file."""
    files: dict[str, str] = {}
    for ptype in sorted(entries):
        items = sorted(entries[ptype], key=lambda e: (e.verb, e.prep or "", e.objects, e.reverse, e.cameo or ""))
        body = yaml.safe_dump({"type": ptype, "verbs": [e.as_yaml() for e in items]}, sort_keys=False,
                              allow_unicode=True, default_flow_style=None, width=110)
        files[f"{ptype}.yaml"] = _header(source, commit, f"PLOVER {ptype}: verb patterns from PETRARCH-2.") + body
    used = {e.verb for es in entries.values() for e in es}
    irr = {v: sorted(fs) for v, fs in sorted(irregular.items()) if v in used and fs}
    files["_grammar.yaml"] = _header(source, commit, "Irregular verb forms of the generated patterns.") + yaml.safe_dump(
        {"irregular": irr}, sort_keys=True, default_flow_style=None, width=110
    )
    return files


def _source_commit(source: Path) -> str:
    """The README's recorded commit; the data folder is a copy, not a clone."""
    readme = source.parent / "README.md"
    if readme.exists():
        m = re.search(r"openeventdata/petrarch2 @([0-9a-f]{40})", readme.read_text(encoding="utf-8"))
        if m:
            return m.group(1)
    return SOURCE_COMMIT


def main(argv: Iterable[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--source", type=Path, default=DEFAULT_SOURCE, help="PETRARCH-2 CAMEO.2.0.txt")
    ap.add_argument("--out", type=Path, default=OUT_DIR)
    ap.add_argument("--curation", type=Path, default=CURATION)
    args = ap.parse_args(list(argv) if argv is not None else None)
    if not args.source.exists():
        print(f"source not found: {args.source}", file=sys.stderr)
        return 2
    dictionary = parse_dictionary(args.source.read_text(encoding="utf-8", errors="replace"))
    entries, irregular, skipped = build_entries(dictionary, Curation.load(args.curation), reserved_verbs())
    files = render(entries, irregular, args.source, _source_commit(args.source))
    args.out.mkdir(parents=True, exist_ok=True)
    for old in args.out.glob("*.yaml"):
        if old.name not in files:
            old.unlink()
    for name, text in files.items():
        (args.out / name).write_text(text, encoding="utf-8")
    licence = args.source.parent / "LICENSE.petrarch2"
    if licence.exists():
        (args.out / "LICENSE.petrarch2").write_text(licence.read_text(encoding="utf-8"), encoding="utf-8")
    n_verbs = len({e.verb for es in entries.values() for e in es})
    n = sum(len(es) for es in entries.values())
    print(f"{len(dictionary.blocks)} blocks -> {n} patterns, {n_verbs} verbs in {len(entries)} types, written to {args.out}")
    for why, count in skipped.counts.most_common():
        print(f"  left out: {why}: {count}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
