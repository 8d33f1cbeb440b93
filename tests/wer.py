"""Word error rate with Whisper's English normaliser, as the benchmarks compute it."""

import jiwer
from whisper_normalizer.english import EnglishTextNormalizer

_normalise = EnglishTextNormalizer()


def wer(references: list[str], hypotheses: list[str]) -> float:
    """Return the corpus WER in percent after normalising both sides."""
    refs = [_normalise(r) for r in references]
    hyps = [_normalise(h) for h in hypotheses]
    pairs = [(r, h) for r, h in zip(refs, hyps, strict=True) if r.strip()]
    return 100.0 * jiwer.wer([r for r, _ in pairs], [h for _, h in pairs])
