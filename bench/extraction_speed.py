"""Throughput of claim extraction against the bare spaCy parse, and peak memory.

Usage: python bench/extraction_speed.py CORPUS.jsonl [--limit N]

CORPUS.jsonl holds one JSON object a line with a "text" field. Prints words/s for
plain `nlp.pipe` over the texts (the faster of two runs) and for `extract_claims_batch`
over the same texts, their ratio, the number of claims and the peak resident set size
of the process.
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import time
from pathlib import Path

from claims.extraction import extract_claims_batch, get_nlp, split_chunks
from claims.extraction.pipeline import BATCH_SIZE


def _load(path: Path, limit: int | None) -> list[str]:
    texts: list[str] = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                texts.append(json.loads(line).get("text") or "")
            if limit is not None and len(texts) >= limit:
                break
    return texts


def _peak_rss_mb() -> float:
    # ru_maxrss is in kilobytes on Linux (bytes on macOS).
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--limit", type=int, default=None)
    args = parser.parse_args(argv)

    texts = _load(args.corpus, args.limit)
    words = sum(len(t.split()) for t in texts)
    nlp = get_nlp()
    nlp("warm up the pipeline")

    # The same chunks the extractor parses, so both sides do the same spaCy work.
    chunks = [t[s:e] for t in texts if t.strip() for s, e in split_chunks(t)]

    def plain_pass() -> float:
        started = time.perf_counter()
        for _doc in nlp.pipe(chunks, batch_size=BATCH_SIZE):
            pass
        return time.perf_counter() - started

    # The plain parse is timed before and after the extractor and the faster run is
    # kept: on a shared machine this keeps the ratio on the conservative side.
    first_plain = plain_pass()
    started = time.perf_counter()
    results = extract_claims_batch(texts, batch_size=BATCH_SIZE)
    extract_seconds = time.perf_counter() - started
    plain_seconds = min(first_plain, plain_pass())

    plain_rate = words / plain_seconds
    extract_rate = words / extract_seconds
    print(f"articles            {len(texts)}")
    print(f"words               {words}")
    print(f"nlp.pipe            {plain_rate:,.0f} words/s ({plain_seconds:.1f} s)")
    print(f"extract_claims      {extract_rate:,.0f} words/s ({extract_seconds:.1f} s)")
    print(f"ratio               {extract_rate / plain_rate:.2f}")
    print(f"claims              {sum(len(r) for r in results)}")
    print(f"peak RSS            {_peak_rss_mb():.0f} MB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
