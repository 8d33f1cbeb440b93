"""Checks a model's answer against the raw transcript before it is shown as "cleaned".

Small local models often answer the dictation, obey instructions spoken in it, add or drop
content, loop, or switch language. ``check`` returns a one-line reason when an answer shows
any of these signs; the caller then shows the rule-based cleanup with that reason.
"""

import difflib
import re

from desktop.engine.cleanup.rules import RuleCleaner

_SHOWING = "; showing the rule-based cleanup."
EMPTY = "The model returned nothing" + _SHOWING
CUT_OFF = "The model's answer was cut off" + _SHOWING
ANSWERED = "The model answered the dictation instead of cleaning it" + _SHOWING
ADDED = "The model added words that were never said" + _SHOWING
DROPPED = "The model left out part of the dictation" + _SHOWING
REWROTE = "The model rewrote too much" + _SHOWING
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
# Words a faithful edit may add: expanded contractions, articles, greeting/sign-off forms.
_ALWAYS_OK = {
    "a", "an", "the", "and", "to", "of", "is", "are", "am", "was", "not", "will", "would",
    "have", "has", "had", "do", "does", "did", "going", "want", "got", "us", "it", "that",
    "i", "you", "we", "they", "he", "she", "okay", "ok",
}
_EMAIL_OK = {"hi", "hello", "dear", "regards", "best", "thanks", "thank", "subject", "kind"}
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
    raw: str, answer: str, *, preset: str = "clean", done_reason: str | None = None
) -> str | None:
    """Return why ``answer`` must not be shown as the cleanup of ``raw``, or None if it may.

    Args:
        raw: the transcript the model was given.
        answer: the model's full answer, think blocks already removed.
        preset: the cleanup preset the model was asked for.
        done_reason: Ollama's ``done_reason``; ``"length"`` means the answer was cut off.

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
    if preset != "custom" and len(_novel(said, out, preset)) > max(1, len(out) // 10):
        return ADDED
    return _length_problem(raw, said, out, preset)


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


def _novel(said: list[str], out: list[str], preset: str) -> list[str]:
    vocab = set(said) | {part for w in said for part in re.split(r"['-]", w)}
    vocab |= {"".join(said[i : i + 2]) for i in range(len(said) - 1)}
    allowed = _ALWAYS_OK | (_EMAIL_OK if preset == "email" else set())
    has_numbers = any(w.isdigit() or _NUMBER_WORD.fullmatch(w) for w in said)
    novel = []
    for w in out:
        if w in vocab or w in allowed or (has_numbers and w.isdigit()):
            continue
        if set(re.split(r"['-]", w)) <= vocab | allowed:
            continue
        if not difflib.get_close_matches(w, vocab, n=1, cutoff=0.75):
            novel.append(w)
    return novel


def _length_problem(raw: str, said: list[str], out: list[str], preset: str) -> str | None:
    reference = said if preset == "verbatim" else words(RuleCleaner(preset).clean(raw))
    low, high = _BOUNDS.get(preset, _BOUNDS["clean"])
    if len(out) > len(reference) * high + 3:
        return REWROTE
    if len(out) < len(reference) * low - 2:
        return DROPPED
    return None
