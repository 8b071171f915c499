"""CPU time to render one page of the review queue, and where it goes.

Renders ``claims/claim_queue.html`` for the first N queue rows of the configured
database (fill one with ``bench/ui_latency.py``), the rows read once beforehand, so
that only template work is timed. Prints the median CPU milliseconds per render for
each page size; ``--profile`` adds the functions that take the most time.

    DJANGO_DEBUG=1 DATABASE_URL=postgres://postgres@127.0.0.1:5432/h5bench \\
        .venv/bin/python bench/queue_render.py --rows 50 200 --profile
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "newsfacts.settings")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="+", default=[50, 200])
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.contrib.auth.models import Group, User
    from django.template import engines
    from django.template.loader import render_to_string
    from django.test import RequestFactory
    from django.test.utils import setup_test_environment

    from claims.forms import QueueFilterForm
    from claims.models import Claim

    setup_test_environment()
    # Production renders without the debug annotations DJANGO_DEBUG=1 would add.
    settings.DEBUG = False
    engines["django"].engine.debug = False

    editor, _ = User.objects.get_or_create(username="bench-editor")
    editor.groups.add(Group.objects.get(name="Editors"))
    for size in args.rows:
        claims = list(Claim.objects.for_queue_page().unreviewed()[:size])
        if len(claims) < size:
            sys.exit(f"the database holds {len(claims)} unreviewed claims; fill it first")
        request = RequestFactory().get("/queue/")
        request.user = editor
        request.session = {}
        request._messages = []  # noqa: SLF001 - the messages framework's request slot
        form = QueueFilterForm({"verdict": "unreviewed"})
        form.is_valid()
        context = {
            "form": form,
            "claims": claims,
            "next_url": "/queue/?cursor=x",
            "first_url": None,
            "mine_url": "/queue/?mine=on",
            "mine": False,
            "here": "/queue/",
        }

        def render(context=context, request=request):
            return render_to_string("claims/claim_queue.html", context, request=request)

        render()  # templates compiled and cached
        cpu = []
        for _ in range(args.repeat):
            started = time.process_time()
            render()
            cpu.append((time.process_time() - started) * 1000)
        median = statistics.median(cpu)
        print(f"{size:4d} rows: {median:6.1f} ms CPU per render (median of {args.repeat})")
        if args.profile:
            profiler = cProfile.Profile()
            profiler.enable()
            for _ in range(10):
                render()
            profiler.disable()
            out = io.StringIO()
            pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(18)
            print(out.getvalue())


if __name__ == "__main__":
    main()
