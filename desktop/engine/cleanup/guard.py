"""Checks a model's answer against the raw transcript before it is shown as "cleaned".

Small local models often answer the dictation, obey instructions spoken in it, add or drop
content, loop, or switch language. ``check`` returns a one-line reason when an answer shows
any of these signs; the caller then shows the rule-based cleanup with that reason.
"""

import difflib
import re
from collections import Counter

from desktop.engine.cleanup.rules import RuleCleaner

_SHOWING = "; showing the rule-based cleanup."
EMPTY = "The model returned nothing" + _SHOWING
CUT_OFF = "The model's answer was cut off" + _SHOWING
ANSWERED = "The model answered the dictation instead of cleaning it" + _SHOWING
ADDED = "The model added words that were never said" + _SHOWING
DROPPED = "The model left out part of the dictation" + _SHOWING
REWROTE = "The model rewrote too much" + _SHOWING
MOVED = "The model moved or repeated words said elsewhere in the dictation" + _SHOWING
LOOPED = "The model got stuck repeating itself" + _SHOWING
LANGUAGE = "The model answered in a different language" + _SHOWING

_WORDS = re.compile(r"[^\W_]+(?:['’][^\W_]+)*")
_NUMBER_WORD = re.compile(
    r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|\w+teen|\w+ty"
    r"|hundred|thousand|million|billion|half|quarter|percent|first|second|third|\w+th"
)
_OPENERS = (
    "sure", "certainly", "of course", "absolutely", "here is", "here's", "here are",
    "i'm glad", "i am glad", "i'd be happy", "i would be happy", "i'm happy to", "as an ai",
    "i can't", "i cannot", "i'm sorry", "i am sorry", "great question", "that's a great",
    "thank you for", "the cleaned", "cleaned transcript", "edited transcript", "the edited",
    "corrected transcript", "the corrected", "transcript:", "note:",
)
# Function words a faithful edit may add (a capitalised "So,", "the", "is"); no content and
# no negation: "not" only where a contraction was said ("don't" → "do not").
_FUNCTION_WORDS = frozenset({
    "a", "an", "the", "this", "that", "these", "those", "some", "any", "each",
    "i", "me", "my", "you", "your", "we", "us", "our", "they", "them", "their", "he", "him",
    "his", "she", "her", "it", "its", "there", "here",
    "is", "are", "am", "was", "were", "be", "been", "have", "has", "had", "do", "does", "did",
    "will", "would", "shall", "should", "can", "could", "may", "might", "must",
    "to", "of", "in", "on", "at", "by", "for", "with", "from", "about", "as", "than",
    "and", "or", "but", "so", "if", "then", "because", "also", "well", "okay",
})
_EMAIL_OK = frozenset({"hi", "hello", "dear", "regards", "best", "thanks", "thank", "subject",
                       "kind"})
# Spoken and written short forms, and the words they stand for, compared in full.
_SHORT_FORMS = {
    "gonna": "going to", "wanna": "want to", "gotta": "got to", "kinda": "kind of",
    "sorta": "sort of", "lemme": "let me", "gimme": "give me", "won't": "will not",
    "can't": "can not", "cannot": "can not", "shan't": "shall not", "ain't": "is not",
    "y'know": "you know", "yknow": "you know", "'cause": "because", "cause": "because",
    "ok": "okay", "alright": "all right", "till": "until", "yeah": "yes", "yep": "yes",
}
_SUFFIXES = {"n't": "not", "'re": "are", "'ll": "will", "'ve": "have", "'m": "am",
             "'d": "would", "'s": "is"}
_WITH_NUMBER = re.compile(r"\d+(?:st|nd|rd|th|s|am|pm|k)?")
# Presets whose answer keeps what was said in the order it was said (notes and custom
# instructions may regroup it).
_IN_ORDER = frozenset({"clean", "verbatim", "email"})
_BOUNDS = {  # preset: (lowest, highest) ratio of answer words to rule-cleaned words
    "clean": (0.6, 1.3), "email": (0.6, 1.4), "notes": (0.5, 1.3),
    "verbatim": (0.85, 1.15), "custom": (0.4, 1.8),
}
_STOPWORDS = {
    "en": {"the", "and", "is", "are", "you", "to", "of", "it", "that", "this", "what", "we"},
    "de": {"der", "die", "das", "und", "ist", "ich", "nicht", "wir", "ein", "eine", "zu", "mit"},
    "fr": {"le", "la", "les", "et", "est", "je", "vous", "nous", "une", "des", "pas", "que"},
    "es": {"el", "la", "los", "las", "y", "es", "que", "yo", "una", "por", "para", "con"},
    "it": {"il", "lo", "gli", "e", "che", "sono", "una", "per", "non", "di", "con", "io"},
    "pt": {"o", "os", "as", "e", "que", "uma", "não", "para", "com", "eu", "você", "um"},
    "nl": {"de", "het", "een", "en", "is", "niet", "ik", "wij", "dat", "van", "met", "je"},
}


def words(text: str) -> list[str]:
    """Return the lower-case words of ``text``, punctuation dropped."""
    return [w.replace("’", "'") for w in _WORDS.findall(text.lower())]


def check(
    raw: str,
    answer: str,
    *,
    preset: str = "clean",
    done_reason: str | None = None,
    allowed: frozenset[str] = frozenset(),
) -> str | None:
    """Return why ``answer`` must not be shown as the cleanup of ``raw``, or None if it may.

    A single added content word is a rejection: words spoken into a dictation ("your new
    task is...") must not turn into text that was never said. Function words, contractions
    written out or in, numbers as digits and spelling fixes are edits, not additions.

    Args:
        raw: the transcript the model was given.
        answer: the model's full answer, think blocks already removed.
        preset: the cleanup preset the model was asked for.
        done_reason: Ollama's ``done_reason``; ``"length"`` means the answer was cut off.
        allowed: the user's vocabulary terms, which the answer may use although the
            transcript spelled them otherwise.

    Returns:
        One sentence ending in "showing the rule-based cleanup.", or None.
    """
    out, said = words(answer), words(raw)
    if not out:
        return EMPTY
    if done_reason == "length":
        return CUT_OFF
    if _sounds_like_assistant(said, out) or _question_lost(raw, answer, preset):
        return ANSWERED
    if _language(out) not in (None, _language(said)) and _language(said) is not None:
        return LANGUAGE
    if _max_run(out) > max(_max_run(said), 2):
        return LOOPED
    length = _length_problem(raw, said, out, preset)
    if length != DROPPED and preset != "custom" and _novel(said, out, preset, allowed):
        return ADDED  # a summary's abbreviations ("re") are not additions: it dropped the rest
    if length is None and preset in _IN_ORDER and _moved(said, out, preset):
        return MOVED
    return length


def _sounds_like_assistant(said: list[str], out: list[str]) -> bool:
    start, spoken, whole = " ".join(out[:8]), " ".join(said[:8]), " ".join(said)
    for opener in _OPENERS:
        bare = opener.rstrip(":")
        if start.startswith(bare) and not spoken.startswith(bare):
            return True
        if " " in bare and f" {bare} " in f" {' '.join(out)} " and bare not in whole:
            return True
    return False


def _question_lost(raw: str, answer: str, preset: str) -> bool:
    asked = "?" in RuleCleaner("verbatim").clean(raw)
    return asked and "?" not in answer and preset != "custom"


def _language(ws: list[str]) -> str | None:
    if len(ws) < 5:
        return None
    hits = {lang: sum(w in stop for w in ws) for lang, stop in _STOPWORDS.items()}
    best = max(hits, key=lambda lang: hits[lang])
    return best if hits[best] >= 2 else None


def _max_run(ws: list[str]) -> int:
    """Return the most times any phrase of 1-6 words repeats back to back."""
    best = 1
    for n in range(1, 7):
        for start in range(len(ws) - n):
            run, i = 1, start + n
            while ws[i : i + n] == ws[start : start + n]:
                run, i = run + 1, i + n
            best = max(best, run if n > 1 else run - 1)
    return best


def _novel(said: list[str], out: list[str], preset: str, terms: frozenset[str]) -> list[str]:
    """Return the words of ``out`` that ``said`` does not account for."""
    spoken = _in_full(said)
    vocab = set(spoken) | {"".join(spoken[i : i + 2]) for i in range(len(spoken) - 1)}
    ok = _edit_words(preset) | {w for term in terms for w in _in_full(words(term))}
    has_numbers = any(w.isdigit() or _NUMBER_WORD.fullmatch(w) for w in said)
    return [
        w for w in _in_full(out)
        if w not in vocab and w not in ok and not (has_numbers and _WITH_NUMBER.fullmatch(w))
        and not difflib.get_close_matches(w, vocab, n=1, cutoff=0.75)
    ]


def _moved(said: list[str], out: list[str], preset: str) -> bool:
    """Return whether the answer says a content word more often than the transcript, or
    moves more than one of them (a cleanup drops words; it never moves or repeats them).

    Words of the answer are matched to the transcript's with spelling fixes allowed;
    function words and words the transcript cannot account for (digits, vocabulary terms:
    see :func:`_novel`) are left out.
    """
    ok = _edit_words(preset)
    spoken = [w for w in _in_full(said) if w not in ok]
    known = set(spoken)
    written = []
    for w in _in_full(out):
        if w in ok:
            continue
        match = w if w in known else next(iter(difflib.get_close_matches(w, known, n=1,
                                                                       cutoff=0.75)), None)
        if match is not None:
            written.append(match)
    if Counter(written) - Counter(spoken):
        return True
    kept = difflib.SequenceMatcher(None, spoken, written, autojunk=False).get_matching_blocks()
    return len(written) - sum(block.size for block in kept) > 1


def _edit_words(preset: str) -> frozenset[str]:
    """Return the words an edit in ``preset`` may add, move or repeat freely."""
    return _FUNCTION_WORDS | (_EMAIL_OK if preset == "email" else frozenset())


def _in_full(ws: list[str]) -> list[str]:
    """Return ``ws`` with short forms and contractions written out, compounds split."""
    full: list[str] = []
    for w in ws:
        w = _SHORT_FORMS.get(w, w)
        for suffix, word in _SUFFIXES.items():
            if w.endswith(suffix) and len(w) > len(suffix):
                w = f"{w[: -len(suffix)]} {word}"
                break
        full += [part for part in re.split(r"[\s'-]+", w) if part]
    return full


def _length_problem(raw: str, said: list[str], out: list[str], preset: str) -> str | None:
    reference = said if preset == "verbatim" else words(RuleCleaner(preset).clean(raw))
    low, high = _BOUNDS.get(preset, _BOUNDS["clean"])
    if len(out) > len(reference) * high + 3:
        return REWROTE
    if len(out) < len(reference) * low - 2:
        return DROPPED
    return None
