"""Deterministic cleanup: fillers, stutters, repeats, spacing, capitals, final punctuation.

The rule-based cleaner is the embedded default when no Ollama answers and the fallback when
the guard rejects the model's answer. It is conservative: a word that can carry meaning
("like" in "I like pizza", "you know" in "you know the answer") is only removed where
punctuation or a neighbouring filler marks it as a filler.
"""

import re
from dataclasses import dataclass

_TOKEN = re.compile(r"[\w'’]+(?:[-–][\w'’]*)*|[.,!?;:…]+|\S")
_FILLER = re.compile(
    r"(?:u+[mh]+|e+r+m*|a+h+|h+m+|m+h*m+|yknow|y'know|ya'know|ä+h+m*|ö+h+m*|euh+)", re.I
)
_WORD = re.compile(r"\w")
_CLOSING = set(".,!?;:…)]}”’")
_OPENING = set("([{“‘")
_END = set(".!?…")
# Words whose immediate repetition is grammatical ("I know that that works", "we had had").
_REPEAT_OK = {"that", "had", "bye", "no", "very", "so", "ha", "la"}
_NUMBERS = {
    "zero", "oh", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "hundred", "thousand", "double",
}
_QUESTION_STARTS = {
    "what", "why", "how", "when", "where", "who", "whom", "whose", "which", "do", "does", "did",
    "is", "are", "was", "were", "can", "could", "would", "should", "will", "shall", "may",
    "have", "has", "am", "isn't", "aren't", "don't", "doesn't", "didn't", "won't", "can't",
}
_WORD_PREFIXES = {"re", "co", "de", "pre", "non", "un", "bi", "ex", "mid", "sub", "in", "e"}
_LEAD_INS = {"so", "and", "but", "okay", "ok", "well", "hey", "also", "then", "now", "alright"}
_LOWER_I = re.compile(r"^i(?:'m|'ve|'ll|'d|’m|’ve|’ll|’d)?$")


@dataclass(frozen=True)
class _Token:
    text: str
    space_before: bool

    @property
    def is_word(self) -> bool:
        return bool(_WORD.search(self.text))

    @property
    def key(self) -> str:
        return self.text.lower().replace("’", "'")


class RuleCleaner:
    """Cleans a transcript with fixed rules; safe to call from any thread.

    Attributes:
        preset: the cleanup style; ``verbatim`` keeps every word and only fixes spacing,
            capitals and final punctuation, ``notes`` puts each sentence on a bullet.
    """

    def __init__(self, preset: str = "clean") -> None:
        self.preset = preset

    def clean(self, text: str) -> str:
        """Return the cleaned text; blank lines and line breaks are kept."""
        lines = [self._clean_line(line) for line in text.strip().splitlines()]
        return "\n".join(lines).strip()

    def _clean_line(self, line: str) -> str:
        tokens = _tokenize(line)
        if self.preset != "verbatim":
            tokens = _drop_repeats(_drop_fillers(_fix_stutters(tokens)))
        sentences = _sentences(_tidy_punctuation(tokens))
        if self.preset == "notes":
            return "\n".join(f"- {_finish(s)}" for s in sentences)
        return " ".join(_finish(s) for s in sentences)


def _tokenize(text: str) -> list[_Token]:
    return [
        _Token(m.group(), m.start() > 0 and text[m.start() - 1].isspace())
        for m in _TOKEN.finditer(text)
    ]


def _fix_stutters(tokens: list[_Token]) -> list[_Token]:
    """Drop cut-off words ("th- the") and join hyphen stutters ("I-I-I" → "I")."""
    out: list[_Token] = []
    for i, tok in enumerate(tokens):
        parts = re.split(r"[-–]", tok.text)
        nxt = tokens[i + 1].key if i + 1 < len(tokens) else ""
        if len(parts) > 1 and parts[-1] == "" and parts[0] and nxt.startswith(parts[0].lower()):
            continue
        if len(parts) > 1 and all(parts) and _is_stutter(parts):
            tok = _Token(parts[-1], tok.space_before)
        out.append(tok)
    return out


def _is_stutter(parts: list[str]) -> bool:
    """Whether "b-b-but" or "I-I" style: equal short starts of the last part, not "re-do"."""
    first, last = parts[0].lower(), parts[-1].lower()
    same = all(p.lower() == first for p in parts[:-1])
    return same and len(first) < 4 and last.startswith(first) and first not in _WORD_PREFIXES


def _drop_fillers(tokens: list[_Token]) -> list[_Token]:
    out: list[_Token] = []
    i = 0
    while i < len(tokens):
        width = _filler_width(tokens, i)
        if not width:
            out.append(tokens[i])
            i += 1
            continue
        i += width
        if i < len(tokens) and tokens[i].text == ",":
            i += 1
            if out and out[-1].text == ",":
                out.pop()
    return out


def _filler_width(tokens: list[_Token], i: int) -> int:
    """Return how many tokens from ``i`` form a filler, or 0."""
    key = tokens[i].key
    if _FILLER.fullmatch(key):
        return 1
    before = tokens[i - 1].key if i else "."
    opens = before in (",", ";") or before[-1] in _END or bool(_FILLER.fullmatch(before))
    pair = f"{key} {tokens[i + 1].key}" if i + 1 < len(tokens) else ""
    if pair in ("you know", "i mean"):
        after = tokens[i + 2].key if i + 2 < len(tokens) else "."
        closes = after in (",", ";") or after[0] in _END
        return 2 if opens and (closes if pair == "you know" else after == ",") else 0
    if key == "like":
        after = tokens[i + 1].key if i + 1 < len(tokens) else "."
        if opens and (after == "," or bool(_FILLER.fullmatch(after))):
            return 1
    return 0


def _drop_repeats(tokens: list[_Token]) -> list[_Token]:
    """Collapse an immediately repeated word or phrase of up to three words."""
    out: list[_Token] = []
    for tok in tokens:
        out.append(tok)
        for n in (3, 2, 1):
            cut = _repeat_start(out, n)
            if cut is not None:
                del out[cut:]
                while out and out[-1].text == ",":
                    out.pop()
                break
    return out


def _repeat_start(out: list[_Token], n: int) -> int | None:
    """Return where the second copy starts if ``out`` ends with an n-word phrase twice."""
    if not out[-1].is_word:
        return None
    positions = _tail_words(out, 2 * n)
    if positions is None:
        return None
    keys = [out[p].key for p in positions]
    if keys[:n] != keys[n:]:
        return None
    if any(k.isdigit() or k in _NUMBERS for k in keys) or (n == 1 and keys[0] in _REPEAT_OK):
        return None
    return positions[n]


def _tail_words(out: list[_Token], count: int) -> list[int] | None:
    """Return the indexes of the last ``count`` words, if only commas separate them."""
    found: list[int] = []
    for i in range(len(out) - 1, -1, -1):
        if out[i].is_word:
            found.append(i)
            if len(found) == count:
                return found[::-1]
        elif out[i].text != ",":
            return None
    return None


def _tidy_punctuation(tokens: list[_Token]) -> list[_Token]:
    out: list[_Token] = []
    for tok in tokens:
        punct = not tok.is_word and tok.text[0] in _CLOSING
        if punct and (not out or (not out[-1].is_word and out[-1].text[0] in _CLOSING)):
            if out and tok.text[0] in _END and out[-1].text in (",", ";", ":"):
                out[-1] = tok
            continue
        out.append(tok)
    return out


def _sentences(tokens: list[_Token]) -> list[list[_Token]]:
    sentences: list[list[_Token]] = [[]]
    for tok in tokens:
        sentences[-1].append(tok)
        if not tok.is_word and tok.text[0] in _END:
            sentences.append([])
    return [s for s in sentences if any(t.is_word for t in s)]


def _finish(sentence: list[_Token]) -> str:
    """Join one sentence with normal spacing, a capital and end punctuation."""
    words = [t for t in sentence if t.is_word]
    parts: list[str] = []
    for tok in sentence:
        text = "I" + tok.text[1:] if _LOWER_I.match(tok.key) else tok.text
        if tok is words[0]:
            text = text[:1].upper() + text[1:]
        glue = not parts or tok.text[0] in _CLOSING or parts[-1][-1] in _OPENING
        parts.append(text if glue else " " + text)
    text = "".join(parts).rstrip(",;: ")
    if text[-1] not in _END and text[-1] not in "\"”)":
        text += "?" if _is_question([w.key for w in words]) else "."
    return text


def _is_question(words: list[str]) -> bool:
    while len(words) > 1 and (words[0] in _LEAD_INS or _FILLER.fullmatch(words[0])):
        words = words[1:]
    return words[0] in _QUESTION_STARTS
