"""Bulk import with extraction and stories (``import_articles --now``) against
extraction alone, on the same articles.

    DJANGO_DEBUG=1 NEWSFACTS_VAR_DIR=/tmp/importbench .venv/bin/python bench/import_speed.py \\
        ../shared/corpora/fakes_sample.jsonl --limit 780

NEWSFACTS_VAR_DIR must point at a new folder (a fresh SQLite database is made). Both
runs happen in this process after the model is loaded. CPU time is the figure to
compare on a shared machine; wall time is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from io import StringIO
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")


def timed(work) -> tuple[float, float]:
    wall, cpu = time.perf_counter(), time.process_time()
    work()
    return time.perf_counter() - wall, time.process_time() - cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path")
    parser.add_argument("--limit", type=int, default=780)
    args = parser.parse_args()

    import django

    django.setup()
    from django.core.management import call_command

    from claims.extraction import extract_claims, get_nlp
    from claims.models import Article

    call_command("migrate", verbosity=0)
    if Article.objects.exists():
        sys.exit("The database already holds articles; point NEWSFACTS_VAR_DIR at a new folder.")
    lines = [line for line in Path(args.path).read_text().splitlines() if line.strip()]
    lines = lines[: args.limit]
    texts = [json.loads(line)["text"] for line in lines]
    get_nlp()("warm up the model")

    alone_wall, alone_cpu = timed(lambda: [extract_claims(t) for t in texts])
    with tempfile.NamedTemporaryFile("w", suffix=".jsonl", delete=False) as handle:
        handle.write("\n".join(lines) + "\n")
    out = StringIO()
    import_wall, import_cpu = timed(
        lambda: call_command(
            "import_articles", handle.name, "--now", "--create-sources", stdout=out, stderr=out
        )
    )
    os.unlink(handle.name)
    print(f"articles: {len(texts)}")
    print(f"extraction alone:      cpu {alone_cpu:7.1f} s, wall {alone_wall:7.1f} s")
    print(f"import_articles --now: cpu {import_cpu:7.1f} s, wall {import_wall:7.1f} s")
    print(
        f"ratio: cpu {import_cpu / alone_cpu:.2f}x, wall {import_wall / alone_wall:.2f}x "
        "(import includes storing claims, features, stories and quantities)"
    )


if __name__ == "__main__":
    main()
