"""Code one dependency-parsed sentence into PLOVER events (see docs/events.md).

Offsets: ``token.idx`` is relative to the parsed sentence, so ``start +
token.idx`` is the offset in the document text. Everything here is a pure
function of the sentence, its mentions and the lexicon.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Iterable, Sequence

from ..records import DateMention, Event, EventActor, Mention, PlaceMention
from . import cameo
from .event_lexicon import Lexicon, Pattern, nominal_verbs

if TYPE_CHECKING:
    from spacy.tokens import Doc, Token

    from ..packs import Pack

# Dependencies through which a trigger is embedded in another trigger's phrase
# ("signed an agreement on cooperation", "urged X to send aid"): the inner one is
# part of the outer event and is not coded on its own.
EMBED_DEPS = frozenset({"xcomp", "ccomp", "pcomp", "prep", "pobj", "dobj", "compound", "amod", "acl", "nmod", "attr", "dative", "oprd", "agent"})
# Noun-phrase parts kept when an argument's text and span are built.
NP_DEPS = frozenset({"det", "amod", "compound", "poss", "nmod", "nummod", "case", "quantmod", "npadvmod", "predet"})
SUBJ_DEPS = ("nsubj", "nsubjpass", "csubj")
# Verbs whose infinitive complement takes the verb's object as subject ("urged X to send").
OBJECT_CONTROL = frozenset({"urge", "ask", "call", "invite", "help", "allow", "force", "persuade", "encourage", "order", "tell", "press", "push", "request", "enable", "permit", "pressure"})
# Cooperative events announced as intended are coded AGREE with the CAMEO 03x code
# of the intended act (official CAMEO->PLOVER table: 03x -> AGREE).
INTENT_CODES = {"CONSULT": "036", "COOPERATE": "031", "AID": "033", "SUPPORT": "032", "RETREAT": "035",
                "CONCEDE": "035", "AGREE": "030"}
INTENT_AUX = frozenset({"will", "shall", "'ll", "wo"})
INTENT_VERBS = frozenset({"plan", "intend", "pledge", "promise", "vow", "agree", "offer", "aim", "commit", "decide",
                          "prepare", "schedule", "set"})
_PROPOSAL_VERBS = frozenset({"call", "propose", "suggest", "recommend"})
_PLACE_PREP = re.compile(r"\b(?:in|at|near|outside|inside|across|throughout)\s+(?:the\s+)?$", re.I)


# A pattern's own preposition names its target when it points at a place ("arrived in
# Beijing", "travelled to Kenya"), not when it names a topic ("warned of", "talked about").
_PLACE_TARGET_PREPS = frozenset({"in", "to", "at", "into"})

_BE_FORMS = frozenset({"be", "is", "are", "was", "were", "been", "being", "'s"})


@dataclass(frozen=True)
class SentenceInput:
    text: str
    start: int
    end: int
    doc: "Doc"
    mentions: tuple[Mention, ...]
    places: tuple[PlaceMention, ...]
    dates: tuple[DateMention, ...]
    # Antecedents for "the bloc" / "it": the international organisation named last before the
    # sentence, and the last actor or country named before it (events.antecedents).
    last_igo: Mention | None = None
    last_named: Mention | None = None


@dataclass(frozen=True)
class Trigger:
    token: "Token"
    pattern: Pattern
    object: "Token | None" = None  # the theme/object phrase head that satisfied the pattern


# Nouns for the land around a place, not the place: "the five countries on the fringe of Russia"
# are not Russia, so the country named after them is no target.
_OUTSIDE_NOUNS = frozenset({"fringe", "fringes", "periphery", "edge", "edges", "vicinity", "environs"})


# Verbs that make an instrument binding on two parties: its "with" party is the other side.
_CONTRACT_VERBS = frozenset({
    "sign", "signs", "signed", "signing", "ink", "inks", "inked", "inking", "seal", "seals", "sealed", "sealing",
    "conclude", "concludes", "concluded", "concluding", "finalise", "finalised", "finalize", "finalized",
})


def classify_agent(words: Sequence[str], lexicon: Lexicon, pack: "Pack | None" = None) -> tuple[str | None, str | None]:
    """(country, sector) of a common-noun phrase; the actor analyser's version when present."""
    try:
        from .actors import classify_agent as actors_classify
    except ImportError:  # actor analyser not installed: the pack's fallback agent nouns
        actors_classify = None
    if actors_classify is not None:
        country, sector = actors_classify(" ".join(words), pack)
        if country or sector:
            return country, sector
    lowered = [w.lower() for w in words]
    for i in range(len(lowered) - 1, -1, -1):  # the head noun is last in English NPs
        for span in (" ".join(lowered[max(0, i - 2) : i + 1]), " ".join(lowered[max(0, i - 1) : i + 1]), lowered[i]):
            if span in lexicon.agents:
                return None, lexicon.agents[span]
    return None, None


class SentenceCoder:
    """Codes one parsed sentence; holds only read-only views of its inputs."""

    def __init__(self, sent: SentenceInput, lexicon: Lexicon, pack: "Pack | None" = None) -> None:
        self.s = sent
        self.pack = pack
        self.lx = lexicon
        self.g = lexicon.grammar
        self.doc = sent.doc

    # ------------------------------------------------------------------ offsets, mentions

    def lemma_in(self, tok: "Token", lemmas: "frozenset[str] | Sequence[str]") -> bool:
        """True when one of the token's possible verb lemmas is in ``lemmas``."""
        return any(lem in lemmas for lem in self.lx.lemmas(tok.lower_))

    def off(self, tok: "Token") -> int:
        return self.s.start + tok.idx

    def mention_at(self, tok: "Token") -> Mention | None:
        pos = self.off(tok)
        best: Mention | None = None
        for m in self.s.mentions:
            if m.start <= pos < m.end and (best is None or (m.end - m.start) > (best.end - best.start)):
                best = m
        return best

    def mentions_in(self, a: int, b: int) -> list[Mention]:
        return [m for m in self.s.mentions if m.start < b and m.end > a]

    # ------------------------------------------------------------------ triggers

    def find_triggers(self) -> list[Trigger]:
        found: list[Trigger] = []
        for tok in self.doc:
            tag = tok.tag_
            trig = self.verb_trigger(tok) if tag.startswith("VB") or tag == "MD" else None
            # A capitalised noun inside a name ("Network for Humanitarian Assistance") is no act.
            if trig is None and tag in ("NN", "NNS") and not (tok.is_title and tok.i > 0 and not tok.nbor(-1).is_punct):
                trig = self.noun_trigger(tok)
            if trig is not None:
                found.append(trig)
        return found

    def verb_trigger(self, tok: "Token") -> Trigger | None:
        lemmas = sorted(self.lx.verb_forms.get(tok.lower_, frozenset()) | self._own_lemma(tok, self.lx.verbs))
        best: tuple[int, int, Trigger] | None = None
        for lemma in lemmas:
            for pat in self.lx.verbs.get(lemma, ()):
                obj = self.pattern_matches(tok, pat)
                if obj is False:
                    continue
                rank = (-pat.specificity, pat.order)
                if best is None or rank < best[:2]:
                    best = (rank[0], rank[1], Trigger(tok, pat, obj if obj is not True else None))
        return best[2] if best else None

    def noun_trigger(self, tok: "Token") -> Trigger | None:
        pats = self.lx.nouns.get(tok.lower_, ()) or self.lx.nouns.get(tok.lemma_.lower(), ()) or self.nominal(tok)
        best: Trigger | None = None
        for pat in pats:
            if pat.preps and not self.has_prep(tok, pat.preps):
                continue
            if pat.modifiers:
                mods = {c.lower_ for c in tok.children if c.dep_ in ("amod", "compound", "nmod", "npadvmod")}
                mods |= {_singular(c.lower_) for c in tok.children if c.dep_ in ("amod", "compound")}
                if tok.dep_ in ("dobj", "nsubjpass"):
                    mods.add(tok.head.lower_)
                if not (mods & set(pat.modifiers)) and not self._phrase_hit(tok, pat.modifiers, left_only=True):
                    continue
            if best is None or (-pat.specificity, pat.order) < (-best.pattern.specificity, best.pattern.order):
                best = Trigger(tok, pat)
        return best

    def nominal(self, tok: "Token") -> tuple[Pattern, ...]:
        """Patterns of the verb a noun nominalises ("Modi's attendance", "the establishment by
        Beijing of"): only the verb's unconditioned patterns and those whose one condition is a
        preposition, which the noun can carry too ("participation in"); object and actor conditions
        do not carry over to a noun."""
        for verb in nominal_verbs(tok.lemma_):
            pats = tuple(replace(p, kind="noun") for p in self.lx.verbs.get(verb, ()) if _transfers_to_noun(p))
            if pats:
                return pats
        return ()

    @staticmethod
    def _own_lemma(tok: "Token", known: "dict[str, object]") -> frozenset[str]:
        """spaCy's lemma of the token when the dictionary knows it (any inflection, no list)."""
        lemma = tok.lemma_.lower()
        return frozenset((lemma,)) if lemma in known else frozenset()

    def has_prep(self, tok: "Token", preps: Sequence[str]) -> bool:
        return any(c.lower_ in preps for c in tok.children if c.dep_ in ("prep", "prt", "agent", "dative", "advmod"))

    def object_of(self, verb: "Token") -> "Token | None":
        """The object phrase head: dobj, or the passive subject, or the xcomp's first noun."""
        for c in verb.children:
            if c.dep_ == "dobj":
                return c
        for c in verb.children:
            if c.dep_ == "nsubjpass":
                return c
        if verb.dep_ == "acl" and verb.tag_ == "VBN":  # "aid sent by China"
            return verb.head
        return None

    def pattern_matches(self, tok: "Token", pat: Pattern) -> "Token | bool":
        """False when the pattern's conditions fail; else the object token (or True)."""
        if pat.preps and not self.has_prep(tok, pat.preps):
            return False
        obj = self.object_of(tok)
        if pat.objects:
            if obj is None:
                return False
            heads = [obj, *obj.conjuncts]
            if not any(self._object_hit(h, pat.objects) for h in heads):
                return False
        if pat.object_actor:
            dobj = next((c for c in tok.children if c.dep_ in ("dobj", "dative")), None)
            actors = self.actors_of(dobj) if dobj is not None else []
            if not actors:
                return False
            # One receives, welcomes or calls someone: a named actor or an agent noun ("delegation"),
            # not a thing with a country modifier ("received two Chinese-made submarines"). A
            # rammed or expelled "Chinese vessel" is still a target.
            if pat.mode in ("visit", "phone") and not any(a.actor_id or a.sector for a in actors):
                return False
        if pat.object_nonactor:
            dobj = next((c for c in tok.children if c.dep_ == "dobj"), None)
            if dobj is None or self.actors_of(dobj):
                return False
        return obj if obj is not None else True

    def _object_hit(self, head: "Token", words: Sequence[str]) -> bool:
        cands = {head.lower_, _singular(head.lower_)}
        for c in head.children:
            if c.dep_ in ("compound", "amod", "nmod"):
                cands |= {c.lower_, _singular(c.lower_)}
            if c.dep_ == "prep" and c.lower_ in ("of", "in"):  # "$5 million in aid", "tonnes of rice"
                for p in c.children:
                    if p.dep_ == "pobj":
                        cands |= {p.lower_, _singular(p.lower_)}
        if cands & set(words):
            return True
        return self._phrase_hit(head, words, left_only=False)

    def _phrase_hit(self, head: "Token", words: Sequence[str], left_only: bool) -> bool:
        multi = [w for w in words if " " in w]
        if not multi:
            return False
        toks = list(head.subtree)
        if left_only:
            toks = [t for t in toks if t.i <= head.i]
        phrase = " " + " ".join(t.lower_ for t in toks) + " "
        return any(f" {w} " in phrase for w in multi)

    # ------------------------------------------------------------------ actors

    def np_tokens(self, head: "Token", with_of: bool) -> list["Token"]:
        keep = [head]
        stack = [head]
        while stack:
            t = stack.pop()
            for c in t.children:
                take = c.dep_ in NP_DEPS or (c.dep_ == "punct" and c.tag_ == "HYPH")
                if with_of and t.i == head.i and c.dep_ == "prep" and c.lower_ == "of":
                    take = True
                if t.dep_ == "prep" and c.dep_ == "pobj":
                    take = True
                if take:
                    keep.append(c)
                    stack.append(c)
        return sorted(keep, key=lambda t: t.i)

    def actors_of(self, tok: "Token") -> list[EventActor]:
        """Actors named by the noun phrase headed by ``tok`` (its conjuncts included)."""
        if tok.lower_ in self.g.partitives or tok.like_num:
            of = next((c for c in tok.children if c.dep_ == "prep" and c.lower_ == "of"), None)
            pobj = next((c for c in of.children if c.dep_ == "pobj"), None) if of is not None else None
            if pobj is not None:
                tok = pobj
        out: list[EventActor] = []
        for h in [tok, *tok.conjuncts]:
            a = self.resolve(h)
            if a is None:
                continue
            out.extend(self.split_modifiers(h, a))
        return out

    def split_modifiers(self, head: "Token", actor: EventActor) -> list[EventActor]:
        """"Chinese and Indian firms" names two actors: one per coordinated country modifier."""
        if actor.actor_id:
            return [actor]
        mods = [c for c in head.children if c.dep_ in ("amod", "compound", "nmod") and c.i < head.i]
        countries: list[str] = []
        for m in mods:
            for t in [m, *m.conjuncts]:
                mention = self.mention_at(t)
                if mention is not None and mention.country and mention.country not in countries:
                    countries.append(mention.country)
        if len(countries) < 2:
            return [actor]
        return [EventActor(actor.text, None, c, actor.sector, actor.start, actor.end) for c in countries]

    def resolve(self, head: "Token") -> EventActor | None:
        referent = self.referent(head)
        if referent is not None:
            return referent
        if head.lower_ in self.g.pronouns or head.tag_ in ("PRP", "PRP$", "WP", "WP$"):
            return None
        if head.lower_ in _OUTSIDE_NOUNS:  # "the fringe of Russia" lies outside Russia: no actor
            return None
        toks = self.np_tokens(head, with_of=self.mention_at(head) is None)
        while toks and toks[0].dep_ == "det":
            toks = toks[1:]
        if not toks:
            return None
        a = self.off(toks[0])
        b = self.off(toks[-1]) + len(toks[-1].text)
        phrase = self.s.text[a:b]
        hm = self.mention_at(head)
        others = [m for m in self.mentions_in(a, b) if m is not hm and (m.country or m.actor_id)]
        actor_id = country = sector = None
        if hm is not None and (hm.actor_id or hm.country or hm.sector):
            actor_id, country, sector = hm.actor_id, hm.country, hm.sector
        words = [t.text for t in toks]
        if sector is None or country is None:
            c2, s2 = classify_agent(words, self.lx, self.pack)
            country = country or c2
            sector = sector or s2
        if not country and others:
            country = others[0].country or (others[0].actor_id if _is_iso3(others[0].actor_id) else None)
        # "Taliban officials", "Huawei employees": a named non-state actor lends its id.
        if not actor_id and hm is None and len(others) == 1 and (not sector or not _is_iso3(others[0].actor_id)):
            actor_id, sector = others[0].actor_id, sector or others[0].sector
        if not country and not actor_id:  # "villagers in Naryn", "lawmakers from Kenya"
            for c in head.children:
                if c.dep_ == "prep" and c.lower_ in ("in", "from", "of"):
                    for p in c.children:
                        m = self.mention_at(p) if p.dep_ == "pobj" else None
                        if m is not None and m.country:
                            country = m.country
        if not country and not actor_id and sector:
            # "heads of state from member nations of the SCO": a group of officials drawn from a
            # named organisation acts for it.
            m = self.nested_mention(head)
            if m is not None:
                actor_id, country = m.actor_id, m.country
        if not (actor_id or country or sector):
            return None
        if not (actor_id or country) and any(c.dep_ == "poss" and c.lower_ in self.g.pronouns for c in head.children):
            return None  # "its embassy": whose is unknown without coreference
        for c in head.children:  # "Wang Yi, China's foreign minister": fill gaps from the apposition
            if c.dep_ == "appos" and (country is None or sector is None):
                extra = self.resolve(c)
                if extra is not None:
                    country = country or extra.country
                    sector = sector or extra.sector
        if hm is not None:
            a, b = min(a, hm.start), max(b, hm.end)
            phrase = self.s.text[a:b]
        return EventActor(text=phrase, actor_id=actor_id, country=country, sector=sector, start=a, end=b)

    def nested_mention(self, head: "Token", depth: int = 0) -> Mention | None:
        """The first named actor inside the of/from phrases hanging off a noun (three deep)."""
        if depth > 3:
            return None
        for c in head.children:
            if c.dep_ == "prep" and c.lower_ in ("of", "from"):
                for p in c.children:
                    if p.dep_ != "pobj":
                        continue
                    m = self.mention_at(p)
                    if m is None or not (m.actor_id or m.country):
                        m = next((x for x in self.mentions_in(self.off(p), self.off(p) + len(p.text))
                                  if x.actor_id or x.country), None)
                    if m is not None and (m.actor_id or m.country):
                        return m
                    found = self.nested_mention(p, depth + 1)
                    if found is not None:
                        return found
        return None

    def referent(self, head: "Token") -> EventActor | None:
        """The organisation or country a pronoun or "the bloc" points back to, if any."""
        low = head.lower_
        ante: Mention | None = None
        if low in self.g.group_pronouns and head.tag_ in ("PRP", "PRP$"):
            last = self.s.last_named
            if last is not None and (last.country or (last.actor_id or "").startswith("igo:")):
                ante = last
        elif low in self.g.person_pronouns and head.tag_ in ("PRP", "PRP$"):
            last = self.s.last_named
            if last is not None and (last.actor_id or "").startswith("person:"):
                ante = last
        elif low in self.g.group_nouns and self.mention_at(head) is None:
            dets = [c.lower_ for c in head.children if c.dep_ in ("det", "poss")]
            mods = [c for c in head.children if c.dep_ in ("amod", "compound", "nmod")]
            if dets in (["the"], ["this"]) and not mods:
                ante = self.s.last_igo
        if ante is None:
            return None
        a = self.off(head)
        return EventActor(text=head.text, actor_id=ante.actor_id, country=ante.country, sector=ante.sector,
                          start=a, end=a + len(head.text))

    # ------------------------------------------------------------------ arguments

    def is_passive(self, verb: "Token") -> bool:
        if verb.dep_ == "acl" and verb.tag_ == "VBN":
            return True
        return any(c.dep_ in ("auxpass", "nsubjpass") for c in verb.children)

    def subject_of(self, verb: "Token", depth: int = 0) -> tuple[list[EventActor], bool]:
        """Actors of the subject, and whether they were inherited from another clause."""
        for c in verb.children:
            if c.dep_ in ("nsubj", "csubj"):
                if c.lower_ in ("who", "which", "that") and verb.dep_ == "relcl":
                    return self.actors_of(verb.head), True
                return self.actors_of(c), False
        if depth > 4:
            return [], True
        head = verb.head
        if verb.dep_ == "relcl":
            return self.actors_of(head), True
        if verb.dep_ in ("xcomp", "acomp", "oprd"):
            if self.lemma_in(head, OBJECT_CONTROL):
                dobj = next((c for c in head.children if c.dep_ == "dobj"), None)
                if dobj is not None:
                    return self.actors_of(dobj), True
            return self.subject_of(head, depth + 1)[0], True
        if verb.dep_ in ("conj", "advcl") and head.i != verb.i:
            if verb.dep_ == "advcl" and not verb.tag_ in ("VBG", "VBN"):
                return [], True
            if self.is_passive(head) and not self.is_passive(verb):
                return [], True
            return self.subject_of(head, depth + 1)[0], True
        return [], True

    def prep_actors(self, tok: "Token", preps: Iterable[str]) -> list[EventActor]:
        wanted = set(preps)
        out: list[EventActor] = []
        for c in tok.children:
            if c.dep_ in ("prep", "agent", "dative") and c.lower_ in wanted:
                for p in c.children:
                    if p.dep_ == "pobj":
                        out.extend(self.actors_of(p))
                if out:
                    break
        return out

    def verb_args(self, trig: Trigger) -> tuple[list[EventActor], list[EventActor], bool]:
        """(sources, targets, inherited-subject) for a verb trigger."""
        v, pat = trig.token, trig.pattern
        tinfo = self.lx.types[pat.raw_type]
        # The pattern's own preposition introduces its target too ("arrived in Beijing").
        tpreps = self.g.target_preps + tinfo.target_preps + tuple(
            p for p in pat.preps if not pat.reverse and p in _PLACE_TARGET_PREPS)
        passive = self.is_passive(v)
        inherited = False
        targets: list[EventActor] = []
        if passive:
            sources = self.prep_actors(v, self.g.agent_preps)
            if not sources and pat.source_prep:
                sources = self.prep_actors(v, (pat.source_prep,))
            patient = next((c for c in v.children if c.dep_ == "nsubjpass"), None)
            if patient is None and v.dep_ == "acl":
                patient = v.head
            is_theme = patient is not None and bool(pat.objects) and trig.object is not None and trig.object.i == patient.i
            if patient is not None and not is_theme:  # "Indian soldiers were attacked by ..."
                targets = self.actors_of(patient)
        else:
            sources, inherited = self.subject_of(v)
            if pat.source_prep and not sources:
                sources = self.prep_actors(v, (pat.source_prep,))
        if not targets:
            for c in v.children:
                if c.dep_ == "dative" and c.tag_.startswith("NN") or c.dep_ == "dative" and c.tag_ in ("NNP", "NNPS"):
                    targets = self.actors_of(c)
                    break
        if not targets and not passive:
            dobj = next((c for c in v.children if c.dep_ == "dobj"), None)
            if dobj is not None and not (pat.objects and trig.object is not None and trig.object.i == dobj.i):
                targets = self.actors_of(dobj)
        if not targets:
            targets = self.prep_actors(v, tpreps)
        if not targets and trig.object is not None:
            obj = trig.object
            targets = self.prep_actors(obj, tpreps + ("of", "by") if pat.raw_type in ("ACCUSE", "REJECT", "PROTEST") else tpreps)
            if not targets and pat.raw_type in ("ACCUSE", "REJECT", "PROTEST"):
                for c in obj.children:  # "condemned the sanctions imposed by Washington"
                    if c.dep_ == "acl" and c.tag_ == "VBN":
                        targets = self.prep_actors(c, self.g.agent_preps)
                        if targets:
                            break
        if not targets and not passive and trig.object is not None:
            # "offered Honduras loans": the parser reads a recipient named before the goods as a
            # compound of them; a country name (not an adjective) there is the recipient.
            for c in trig.object.children:
                if c.dep_ == "compound" and c.tag_ == "NNP" and c.i < trig.object.i:
                    m = self.mention_at(c)
                    if m is not None and m.country and not any(a.country == m.country for a in sources):
                        targets = self.actors_of(c)
                        break
        if pat.reverse:
            givers = self.prep_actors(v, self.g.source_preps)
            if not givers and trig.object is not None:
                givers = self.prep_actors(trig.object, self.g.source_preps)
            sources, targets = givers, sources
        return sources, targets, inherited

    def noun_args(self, trig: Trigger) -> tuple[list[EventActor], list[EventActor], bool]:
        n, pat = trig.token, trig.pattern
        tinfo = self.lx.types[pat.raw_type]
        # "aid with X" names a partner, not a recipient; only symmetric types take "with" targets.
        tpreps = tuple(p for p in self.g.target_preps if tinfo.symmetric or p != "with") + tinfo.target_preps
        if tinfo.symmetric:
            tpreps += ("between",)
        sources: list[EventActor] = []
        targets: list[EventActor] = []
        of_role = tinfo.noun_of
        for c in n.children:
            if c.dep_ == "poss":
                sources = sources or self.actors_of(c)
        for c in n.children:
            if c.dep_ in ("amod", "compound", "nmod") and c.i < n.i and not sources:
                m = self.mention_at(c)
                if m is not None and (m.country or m.actor_id):
                    sources = self.actors_of(c)
        by = self.prep_actors(n, self.g.agent_preps + self.g.source_preps)
        of = self.prep_actors(n, ("of",))
        if of_role == "target":
            sources = by or sources
            targets = self.prep_actors(n, tpreps) or of
        else:
            sources = sources or by or of
            targets = self.prep_actors(n, tpreps)
        inherited = False
        # Copula: "Among the humanitarian actions of X was their engagement in Y".
        be = self._copula_head(n)
        if be is not None:
            for side in be.children:
                if side.i == n.i or side.dep_ not in ("nsubj", "attr", "acomp"):
                    continue
                if not targets:
                    targets = self.prep_actors(side, tpreps)
                if not sources:
                    for c in side.children:
                        if c.dep_ == "poss":
                            sources = self.actors_of(c)
        # "a series of webinars", "a consistent level of engagement": the act's phrase is
        # the one the measure word heads.
        phrase = n
        while phrase.dep_ == "pobj" and phrase.head.lower_ == "of" and phrase.head.head.pos_ == "NOUN" \
                and phrase.head.head.i < phrase.i and self.mention_at(phrase.head.head) is None:
            phrase = phrase.head.head
        if not sources and phrase.dep_ in ("dobj", "nsubjpass") and phrase.head.tag_.startswith("VB"):
            sources, inherited = self.subject_of(phrase.head)
            if phrase.dep_ == "nsubjpass":
                sources = self.prep_actors(phrase.head, self.g.agent_preps)
        if not sources and phrase.dep_ == "pobj" and phrase.head.dep_ == "prep" and phrase.head.head.tag_.startswith("VB"):
            # "the Amity Foundation participated in a series of webinars", "took part in the
            # summit": who took part in the act is the subject of the verb that governs it.
            verb = phrase.head.head
            if phrase.head.lower_ in ("in", "at") and not self.is_passive(verb):
                sources, inherited = self.subject_of(verb)
        if not targets:
            # "Eriador's refusal to talk to Calenardhon", "the decision to send aid to Nepal":
            # the infinitive after the noun names whom the act concerns.
            for c in n.children:
                if c.dep_ in ("acl", "relcl") and c.tag_ == "VB":
                    targets = [a for a in self.prep_actors(c, tpreps) if not _same(a, sources)]
                    if not targets:
                        dobj = next((d for d in c.children if d.dep_ == "dobj"), None)
                        targets = self.actors_of(dobj) if dobj is not None else []
                    if targets:
                        break
        if not targets and n.dep_ == "dobj":
            targets = self.prep_actors(n.head, tpreps)
        if not targets and n.dep_ == "dobj" and n.head.lower_ in _CONTRACT_VERBS:
            # "signed a $1.2 billion loan with Kenya": the other party to a signed instrument
            # is its counterpart, not a partner in giving it.
            targets = self.prep_actors(n, ("with",)) or self.prep_actors(n.head, ("with",))
        return sources, targets, inherited

    def unknown_party(self, tok: "Token") -> bool:
        """True when the trigger's object or target phrase is a name no dictionary knows
        ("restore ties with Gxndor", "hosting Osgiliath"): the event had a party we cannot
        say, and coding it without one would misstate it."""
        preps = set(self.g.target_preps)
        for c in tok.children:
            heads = [c] if c.dep_ in ("dobj", "dative") else (
                [p for p in c.children if p.dep_ == "pobj"] if c.dep_ == "prep" and c.lower_ in preps else [])
            for h in heads:
                if h.tag_ in ("NNP", "NNPS") and not self.mentions_in(self.off(h), self.off(h) + len(h.text)):
                    return True
        return False

    def _copula_head(self, n: "Token") -> "Token | None":
        t = n
        for _ in range(3):
            if t.dep_ in ("nsubj", "attr") and self.lemma_in(t.head, ("be",)):
                return t.head
            if t.dep_ == "pobj" and t.head.dep_ == "prep" and self.lemma_in(t.head.head, ("be",)):
                return t.head.head
            if t.dep_ in ("pobj", "prep"):
                t = t.head
                continue
            break
        return None

    # ------------------------------------------------------------------ flags

    def intent(self, tok: "Token") -> bool:
        """True when the event is announced as intended ("will", "plans to") rather than
        speculated ("may", "could", "is expected to")."""
        t = tok
        for _ in range(4):
            aux = [c.lower_ for c in t.children if c.dep_ in ("aux", "auxpass") and c.lower_ in self.g.modal_aux]
            if aux:
                return all(a in INTENT_AUX for a in aux)
            if t.dep_ not in ("xcomp", "conj") or t.head.i == t.i:
                return False
            head = t.head
            if self.lx.lemmas(head.lower_) & INTENT_VERBS:
                return True
            t = head
        return False

    def negated(self, tok: "Token") -> bool:
        words = self.g.negation_words
        for c in tok.children:
            if c.dep_ == "neg" or (c.dep_ == "det" and c.lower_ in words):
                return True
            if c.dep_ in ("nsubj", "nsubjpass") and any(g.dep_ == "preconj" and g.lower_ == "neither" for g in c.children):
                return True  # "Neither X nor Y boycotted ..."
            if c.dep_ in ("dobj", "nsubjpass") and tok.tag_.startswith("VB") \
                    and any(g.dep_ == "det" and g.lower_ in words for g in c.children):
                return True  # "has given no formal order", "no agreement was signed": nothing was done
        if tok.dep_ in ("pobj", "pcomp") and tok.head.lower_ in words:
            return True  # "without aid from China", "without consulting Kabul"
        if tok.dep_ in ("dobj", "nsubjpass") and self.lemma_in(tok.head, self.g.negators):
            return True  # "postponed their meeting", "blocked any sanctions on Sudan"
        return False

    def hypothetical_own(self, tok: "Token") -> bool:
        for c in tok.children:
            if c.dep_ in ("aux", "auxpass") and c.lower_ in self.g.modal_aux:
                return True
            # hedging adverbs ("possibly") and conditional conjunctions ("if", "unless")
            if c.dep_ in ("advmod", "mark") and c.lower_ in self.g.modal_adverbs:
                return True
        return False

    def _possibility(self, head: "Token") -> bool:
        """"One possibility is (for X) to ...": "be" with a modal noun as its subject."""
        if head.lower_ not in _BE_FORMS:
            return False
        return any(c.dep_ in ("nsubj", "attr") and c.lower_.removesuffix("s") in self.g.modal_nouns for c in head.children)

    def context(self, tok: "Token") -> tuple[bool, bool, "Token | None", bool]:
        """(negated, hypothetical, speech verb, inside another trigger) from governing clauses."""
        neg = self.negated(tok)
        hyp = self.hypothetical_own(tok)
        speech: Token | None = None
        t = tok
        for _ in range(6):
            if t.dep_ in ("ROOT",) or t.head.i == t.i:
                break
            dep, head = t.dep_, t.head
            lems = self.lx.lemmas(head.lower_)
            if dep in ("xcomp", "ccomp", "advcl", "conj", "pcomp", "acl", "relcl", "prep", "pobj", "dobj", "nsubjpass", "nsubj", "attr"):
                if dep in ("dobj", "prep") and lems & self.g.negators:
                    # "blocked a resolution imposing sanctions", "refrained from sending troops":
                    # the act inside the blocked or avoided thing did not happen.
                    neg = True
                if dep in ("xcomp", "ccomp") or (dep == "pcomp"):
                    if lems & self.g.negators:
                        # "refused to sign" denies the signing; "did not refuse to sign" denies the denial
                        neg = not neg
                        if self.negated(head):
                            neg = not neg
                    elif lems & self.g.modal_verbs or ("be" in lems and any(c.lower_ == "about" for c in head.children)):
                        hyp = True
                    speech_head = bool(lems & self.g.speech_verbs)
                    if speech_head and dep == "ccomp" and speech is None:
                        speech = head
                    if dep == "xcomp" and not speech_head and not lems & self.g.negators:
                        neg = neg or self.negated(head)  # "did not plan to send" (a negator's own negation is read above)
                        hyp = hyp or self.hypothetical_own(head)
                    if lems & _PROPOSAL_VERBS and dep != "conj":
                        hyp = True
                if dep in ("advcl", "ccomp", "xcomp") and self._possibility(head):
                    hyp = True
                if dep in ("conj", "advcl", "relcl"):
                    break
                t = head
                continue
            break
        return neg, hyp, speech, False

    # ------------------------------------------------------------------ assembly

    def embedded_in(self, tok: "Token", fired: dict[int, Trigger]) -> Trigger | None:
        t = tok
        for _ in range(8):
            if t.head.i == t.i:
                return None
            if t.dep_ not in EMBED_DEPS:
                return None
            t = t.head
            if t.i in fired and t.i != tok.i:
                return fired[t.i]
        return None

    def separate_act(self, inner: Trigger, outer: Trigger) -> bool:
        """A nominal act of another type that only sets the scene of a nominal act ("engagement
        on the sidelines of SCO meetings") is an act of its own; an act inside a verb's
        complement ("urged X to send aid", "threatened sanctions") is part of that verb's."""
        if inner.pattern.kind != "noun" or outer.pattern.kind != "noun" or inner.pattern.type == outer.pattern.type:
            return False
        t = inner.token
        while t.i != outer.token.i:
            if t.dep_ not in ("pobj", "prep"):
                return False
            t = t.head
        return True

    def mode_for(self, trig: Trigger) -> str | None:
        pat = trig.pattern
        if pat.mode:
            return str(pat.mode)
        tinfo = self.lx.types[pat.raw_type]
        words: set[str] = set()
        for h in (trig.token, trig.object):
            if h is None:
                continue
            for t in h.subtree:
                words.add(t.lower_)
        if trig.pattern.kind == "noun":
            words |= {t.lower_ for t in trig.token.head.children} | {trig.token.head.lower_}
        for mode, mwords in tinfo.modes:
            for w in mwords:
                if (" " in w and w in self._sentence_lower()) or w in words:
                    return mode
        if tinfo.default_mode:
            return str(tinfo.default_mode)
        return None

    def _sentence_lower(self) -> str:
        return self.doc.text.lower()

    def place_for(self, used: list[EventActor]) -> PlaceMention | None:
        if not self.s.places:
            return None
        def attached(p: PlaceMention) -> bool:
            return bool(_PLACE_PREP.search(self.s.text[max(self.s.start, p.start - 12) : p.start]))
        def overlaps(p: PlaceMention) -> bool:
            return any(a.start is not None and a.end is not None and a.start < p.end and a.end > p.start for a in used)
        ranked = sorted(self.s.places, key=lambda p: (not attached(p), overlaps(p), p.start))
        best = ranked[0]
        if not (attached(best) or not overlaps(best)):
            return None
        # "travelled to Bishkek, Kyrgyzstan": the town named before its container is the more
        # precise place, even when it also stands for the host government.
        town = next((p for p in self.s.places if p.lat is not None and self.s.text[p.end : best.start] == ", "), None)
        return town or best

    def date_for(self, pos: int) -> DateMention | None:
        # Only dates resolved to a calendar value ("2015", "2020-03"), not "PRESENT_REF" or "XXXX-04".
        cands = [d for d in self.s.dates if d.type in ("DATE", "TIME") and d.value[:1].isdigit() and d.precision != "duration"]
        if not cands:
            return None
        return sorted(cands, key=lambda d: (abs(d.start - pos), d.start))[0]

    def confidence(self, trig: Trigger, src: EventActor, tgt: EventActor | None, inherited: bool) -> float:
        c = 0.45
        c += 0.15 if src.actor_id else (0.08 if src.country else 0.0)
        if tgt is not None:
            c += 0.15 if tgt.actor_id else (0.08 if tgt.country else 0.0)
        if trig.pattern.specificity:
            c += 0.1
        if trig.pattern.kind == "noun":
            c -= 0.1
        if inherited:
            c -= 0.05
        return round(max(0.05, min(0.95, c)), 2)

    def code(self) -> list[tuple[int, Event]]:
        triggers = self.find_triggers()
        fired = {t.token.i: t for t in triggers}
        out: list[tuple[int, Event]] = []
        for trig in triggers:
            outer = self.embedded_in(trig.token, fired)
            if outer is not None and not (trig.pattern.kind == "verb" and self.lemma_in(outer.token, self.g.speech_verbs)) \
                    and not self.separate_act(trig, outer):
                continue
            if trig.token.dep_ in ("amod", "compound"):  # "aid workers", "protest leaders"
                continue
            if trig.pattern.kind == "noun" and trig.token.dep_ == "dobj" and trig.token.head.lemma_ in self.g.topic_verbs:
                continue  # "citing threats to security", "discussed sanctions": a topic, not an act
            if trig.pattern.kind == "verb":
                sources, targets, inherited = self.verb_args(trig)
            else:
                sources, targets, inherited = self.noun_args(trig)
            # Borrow the target of an absorbed inner trigger ("threatened to impose sanctions on X").
            if not targets:
                for other in triggers:
                    if other is not trig and self.embedded_in(other.token, {trig.token.i: trig}) is trig:
                        inner = self.verb_args(other) if other.pattern.kind == "verb" else self.noun_args(other)
                        targets = [t for t in inner[1] if not _same(t, sources)]
                        if targets:
                            break
            events = self.assemble(trig, sources, targets, inherited)
            out.extend((self.off(trig.token), e) for e in events)
        return out

    def assemble(
        self, trig: Trigger, sources: list[EventActor], targets: list[EventActor], inherited: bool
    ) -> list[Event]:
        pat = trig.pattern
        tinfo = self.lx.types[pat.raw_type]
        sources, targets = sources[:4], targets[:4]
        if not sources:
            return []
        if not any(a.country or a.actor_id for a in sources + targets):
            return []  # two anonymous agents ("crowds" -> "embassy") tell the user nothing
        pairs: list[tuple[EventActor, EventActor | None]] = []
        if pat.mutual:  # "Chinese and Indian troops clashed": each side acted on the other, or no event
            if len(sources) < 2:
                return []
            targets = []
        if targets:
            pairs = [(s, t) for s in sources for t in targets if not _same(t, [s])]
        elif (tinfo.symmetric or pat.mutual) and len(sources) > 1:
            # A reciprocal act is coded once, the first-named party as source ("China and
            # Kazakhstan signed ..." is one event, not one per direction).
            pairs = [(s, t) for i, s in enumerate(sources) for t in sources[i + 1 :] if not _same(t, [s])]
        elif tinfo.target_optional and trig.token.dep_ != "acl" and not self.unknown_party(trig.token):
            # A participle describing a thing ("the plant, built by a Chinese firm") is background
            # unless it names whom the act concerned.
            pairs = [(s, None) for s in sources]
        if not pairs:
            return []
        neg, hyp, speech_verb, _ = self.context(trig.token)
        speaker = None
        if speech_verb is not None:
            sp, _ = self.subject_of(speech_verb)
            speaker = sp[0] if sp else None
        mode = self.mode_for(trig)
        ptype = pat.type
        code = pat.cameo or cameo.cameo_for(pat.raw_type, mode)
        if hyp and ptype in INTENT_CODES and self.intent(trig.token):
            # "will visit", "plans to build", "pledged to deepen cooperation": the
            # announcement is itself the event, CAMEO 03x "express intent to ...",
            # which the official table maps to AGREE.
            code, ptype, mode, hyp = INTENT_CODES[ptype], "AGREE", None, False
        trigger_text = trig.token.text + (f" {pat.preps[0]}" if pat.preps and pat.kind == "verb" else "")
        if trig.object is not None and pat.objects:
            trigger_text += f" {trig.object.text}"
        events = []
        for s, t in pairs:
            used = [a for a in (s, t) if a is not None]
            place = self.place_for(used)
            date = self.date_for(self.off(trig.token))
            from .events import to_event_date, to_event_place

            events.append(
                Event(
                    type=ptype,
                    mode=mode,
                    source=s,
                    target=t,
                    sentence_start=self.s.start,
                    sentence_end=self.s.end,
                    trigger=trigger_text,
                    place=to_event_place(place) if place else None,
                    date=to_event_date(date) if date else None,
                    negated=neg,
                    hypothetical=hyp,
                    speaker=speaker,
                    confidence=self.confidence(trig, s, t, inherited),
                    cameo=code or None,
                    score=cameo.score(pat.raw_type if pat.raw_type in cameo.SCORES else ptype),
                )
            )
        return events


def _transfers_to_noun(p: Pattern) -> bool:
    return not (p.objects or p.modifiers or p.object_actor or p.object_nonactor or p.reverse or p.mutual or p.source_prep)


def _singular(word: str) -> str:
    """Rough singular of a lowercase noun, for matching dictionary words ("loans" -> "loan")."""
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith(("ses", "xes", "ches", "shes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _is_iso3(value: str | None) -> bool:
    return bool(value) and len(value) == 3 and value.isalpha() and value.isupper()  # type: ignore[union-attr]


def _same(a: EventActor, others: Iterable[EventActor]) -> bool:
    """Is ``a`` one party with any of ``others``? (actors.same_party: one span, one id, or two
    voices of one state; "Chinese and Indian troops" are two.)"""
    from .actors import same_party

    return any(same_party(a, o) for o in others)


def code_sentence(sent: SentenceInput, lexicon: Lexicon, pack: "Pack | None" = None) -> list[tuple[int, Event]]:
    """Events of one parsed sentence as (trigger offset, event) pairs."""
    return SentenceCoder(sent, lexicon, pack).code()


__all__ = ["SentenceInput", "code_sentence", "classify_agent"]
