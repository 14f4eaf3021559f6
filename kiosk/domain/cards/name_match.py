"""How a name typed by staff matches a holder's name, however either is spelled.

A name has several forms: as the holder writes it (native script), as their
documents spell it, the readable spelling (cards/spelling.py) and the ICAO 9303
form. Each word of each form gives its "sounds": the Latin letters folded so
that usual spellings of one name meet (Mohammed / Mohamed / Muhammad ->
MHMD; Abdelrahman / Abdul Rahman / Abdurrahman -> ABDRHMN; Al-Khatib /
Elkhatib / Khatib). Two words written as one and one written as two meet
through the sounds of neighbouring words joined. The index stores only keyed
hashes of these sounds with the birth year (holder_index.py); the ranking
here compares the typed words with a candidate's forms once its sealed name
is open.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from difflib import SequenceMatcher
from functools import lru_cache
from itertools import pairwise

from cards.spelling import lookup_key, readable_latin
from cards.translit import icao_latin

_ARABIC = re.compile("[\u0600-\u06ff\u0750-\u077f]")
_NOT_LETTERS = re.compile(r"[^A-Z]+")
_DOUBLED = re.compile(r"(.)\1+")
_ABD_ARTICLE = re.compile(r"^ABD[AEIOU]L?(?=[A-Z]{2})")
_ARTICLE = re.compile(r"^[AEU]L(?=[A-Z]{3})")
_DIGRAPHS = (("DJ", "J"), ("SH", "S"), ("CH", "S"), ("TH", "T"), ("DH", "D"), ("PH", "F"),
             ("GH", "G"), ("ZH", "J"), ("Q", "K"), ("C", "K"), ("V", "W"))  # fmt: skip
_VOWELS = re.compile("[AEIOUY]")


def folded_words(text: str) -> list[str]:
    """Latin words in upper-case A-Z, accents and apostrophes dropped, hyphens as spaces."""
    plain = unicodedata.normalize("NFKD", text.replace("-", " ")).upper()
    words = ("".join(c for c in word if "A" <= c <= "Z") for word in plain.split())
    return [word for word in words if word]


def _sounds_of(word: str) -> set[str]:
    word = _DOUBLED.sub(r"\1", word)
    word = _ABD_ARTICLE.sub("ABD", word)
    word = _DOUBLED.sub(r"\1", word)
    for written, sound in _DIGRAPHS:
        word = word.replace(written, sound)
    if len(word) > 2 and word.endswith("H"):
        word = word[:-1]
    variants = {word.replace("KH", "H"), word.replace("KH", "K")}
    out = set()
    for variant in variants:
        head, rest = variant[0], variant[1:]
        head = "A" if head in "AEIOU" else head
        skeleton = _DOUBLED.sub(r"\1", head + _VOWELS.sub("", rest))
        out.add(skeleton)
    return out


@lru_cache(maxsize=16384)
def word_sounds(word: str) -> frozenset[str]:
    """The sounds of one folded Latin word, its article dropped too (AL-, EL-, UL-)."""
    sounds = _sounds_of(word)
    stripped = _ARTICLE.sub("", word)
    if stripped != word:
        sounds |= _sounds_of(stripped)
    return frozenset(sounds)


def native_words(name: str) -> list[str]:
    """The words of a name in its own script, folded as the name table looks them up."""
    words = unicodedata.normalize("NFC", name).replace("-", " ").split()
    return [lookup_key(w) if _ARABIC.search(w) else w.casefold() for w in words]


@lru_cache(maxsize=4096)
def latin_forms(name: str, documents: str = "") -> tuple[tuple[str, ...], ...]:
    """The name's Latin forms, as folded words: the documents' spelling, the readable
    spelling and the ICAO 9303 form (a typed Latin name is its own form). Kept: a search
    compares the same typed words with every candidate."""
    forms = [documents, readable_latin(name) or "", icao_latin(name) or ""]
    seen: list[tuple[str, ...]] = []
    for form in forms:
        words = tuple(folded_words(form))
        if words and words not in seen:
            seen.append(words)
    return tuple(seen)


def name_tokens(name: str, documents: str = "") -> set[str]:
    """Every token a name is found by: its native words, and the sounds of each word and
    of each pair of neighbouring words written as one, in every Latin form."""
    tokens = {f"n:{word}" for word in native_words(name)}
    for words in latin_forms(name, documents):
        joined = [a + b for a, b in pairwise(words)]
        for word in (*words, *joined):
            tokens |= {f"s:{sound}" for sound in word_sounds(word)}
    return tokens


@dataclass(frozen=True)
class Match:
    """How well a candidate's name answers the typed one; higher sorts first."""

    words_found: int  # typed words (or joined pairs) found in the candidate's name
    exact_words: int  # of those, found letter for letter
    closeness: float  # how alike the letters of words found by sound are (Mohamed: Mohammed
    # before Mahmoud), summed over them
    birth_exact: bool  # the full birth date matched, not only the year
    spare_words: int  # candidate's words the typed name did not mention (fewer is better)

    def key(self) -> tuple[int, int, float, int, int]:
        return (
            self.words_found, self.exact_words, self.closeness, int(self.birth_exact),
            -self.spare_words,
        )  # fmt: skip


def _word_tokens(words: list[str]) -> list[tuple[set[str], set[str]]]:
    """For each typed word (native or Latin): its exact forms and its sounds."""
    out = []
    for typed in words:
        latin = latin_forms(typed)
        exact = {f"n:{w}" for w in native_words(typed)}
        exact |= {f"x:{''.join(form)}" for form in latin}
        sounds = {f"s:{s}" for form in latin for s in word_sounds("".join(form))}
        out.append((exact, sounds))
    return out


def match(typed_name: str, name: str, documents: str, *, birth_exact: bool) -> Match:
    """Compare the typed name with one holder's name (native, documents' spelling)."""
    candidate_words: list[tuple[set[str], set[str]]] = []
    natives = native_words(name)
    spellings: dict[str, set[str]] = {}  # a candidate's Latin word (or pair) -> its sounds
    for words in latin_forms(name, documents):
        for index, word in enumerate(words):
            joined = word + words[index + 1] if index + 1 < len(words) else ""
            exact = {f"x:{word}"} | ({f"x:{joined}"} if joined else set())
            spellings[word] = {f"s:{s}" for s in word_sounds(word)}
            sounds = set(spellings[word])
            if joined:
                spellings[joined] = {f"s:{s}" for s in word_sounds(joined)}
                sounds |= spellings[joined]
            candidate_words.append((exact, sounds))
    for native in natives:
        candidate_words.append(({f"n:{native}"}, set()))
    typed_words = typed_name.replace("-", " ").split()
    typed = _word_tokens(typed_words)

    def grade(exact: set[str], sounds: set[str]) -> int:
        if any(exact & e for e, _s in candidate_words):
            return 2
        return 1 if any(sounds & s for _e, s in candidate_words) else 0

    def likeness(typed_word: str) -> float:
        """How alike the letters are, against the candidate's words that sound the same."""
        folded = "".join(folded_words(typed_word))
        sounds = {f"s:{s}" for s in word_sounds(folded)} if folded else set()
        alike = [spelling for spelling, heard in spellings.items() if heard & sounds]
        return max((SequenceMatcher(None, folded, s).ratio() for s in alike), default=0.0)

    found = exact_words = index = 0
    closeness = 0.0
    while index < len(typed):
        alone = grade(*typed[index])
        pair = (
            grade(*_word_tokens([typed_words[index] + typed_words[index + 1]])[0])
            if not alone and index + 1 < len(typed)
            else 0
        )
        step = 2 if pair else 1
        if alone or pair:
            found += step
            exact_words += step if max(alone, pair) == 2 else 0
            closeness += likeness("".join(typed_words[index : index + step]))
        index += step
    longest = max((len(words) for words in latin_forms(name, documents)), default=len(natives))
    spare = max(0, longest - len(typed))
    return Match(found, exact_words, round(closeness, 3), birth_exact, spare)
