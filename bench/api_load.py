"""How fast are the API's claim reads under load, next to the fastest view Django serves?

    DATABASE_URL=postgres://USER@127.0.0.1:5432/DBNAME \
    CELERY_BROKER_URL=redis://127.0.0.1:6379/N \
    NEWSFACTS_CACHE_URL=redis://127.0.0.1:6379/N+1 .venv/bin/python bench/api_load.py

(The health view pings the broker, so it needs one that answers.)

Migrates the database, fills it with 100,000 claims (once; later runs reuse them),
starts gunicorn on a free port of 127.0.0.1 with production settings and
``--workers`` processes, and sends a fixed number of requests from this process with
a pool of keep-alive threads to each of these in turn (``--rounds`` turns each, so that
a change in the machine's load meets them all alike):

- ``/api/v1/health/live``: a bare Django view with a fixed JSON body, the ceiling;
- ``/api/v1/health``: the readiness check (a database query and a broker ping), for
  comparison: it is no longer bare, so it is not the ceiling;
- the claims list: the first page of reviewed claims, as an API consumer;
- a filtered list: one source's reviewed claims of one event above a value;
- one claim, and the same claim as ClaimReview JSON-LD;
- ``/api/v1/sources/``: a one-query DRF endpoint with the same token authentication,
  to tell the cost of the claim reads from the cost of any authenticated API request.

The consumers' shared answer cache is off (``--cache-seconds 0``, the default), so
every request reads the database: the figures are the API's own. Give
``NEWSFACTS_CACHE_URL`` as production does (a shared cache holds the rate counters and
the verified tokens); without it each worker keeps its own.

It prints requests/s, p50 and p99 latency and the error count for each, each claim
read's share of the ceiling (the goal is at least 25% each, with no errors) and the
machine's load average, which moves the figures on a shared machine. It also prints
the CPU time each request cost gunicorn, the database and this client together, and
the ceiling's CPU as a share of it: what the rate would be if CPU were all that
counted, which the load of other processes moves much less than requests/s.
"""

from __future__ import annotations

import argparse
import http.client
import os
import secrets
import socket
import statistics
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

ROOT = Path(__file__).resolve().parent.parent
CLAIMS = 100_000
CLAIMS_PER_ARTICLE = 20
SOURCES = 25
BENCH_USER = "bench-consumer"
BATCH = 5_000
# Each claim read's requests/s as a share of the bare health view's, in the same run.
GOAL_SHARE = 0.25


def _production_env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "DATABASE_URL": database_url,
        "DJANGO_SETTINGS_MODULE": "newsfacts.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(50),
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # Plain http on loopback: no redirect to https, no HSTS.
        "DJANGO_SECURE_SSL_REDIRECT": "0",
        "DJANGO_HSTS_SECONDS": "0",
        "DJANGO_HSTS_PRELOAD": "0",
        # Throttling stays on (its cost is part of every request) at a rate no run reaches.
        "NEWSFACTS_API_RATE_USER": "100000000/hour",
        "NEWSFACTS_API_RATE_ANON": "100000000/hour",
        "NEWSFACTS_LOG_LEVEL": "WARNING",
    }


# --- Data -------------------------------------------------------------------------


def seed(env: dict[str, str]) -> tuple[str, int]:
    """Create the bench data unless it is there; return the consumer's token and the id
    of a reviewed claim with evidence."""
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.utils import timezone
    from knox.models import AuthToken

    from claims.models import Article, Claim, Evidence, Review, Source, content_hash_for

    bench_sources = Source.objects.filter(slug__startswith="bench-")
    existing = Claim.objects.filter(article__source__in=bench_sources).count()
    if existing < CLAIMS:
        print(f"creating {CLAIMS:,} claims ...", flush=True)
        started = time.perf_counter()
        Article.objects.filter(source__in=bench_sources).delete()
        bench_sources.delete()
        sources = Source.objects.bulk_create(
            Source(name=f"Bench outlet {i}", slug=f"bench-{i}", homepage=f"https://b{i}.example")
            for i in range(SOURCES)
        )
        now = timezone.now()
        verdicts = [v for v in Claim.Verdict.values if v != Claim.Verdict.UNREVIEWED]
        reviewer = User.objects.get_or_create(username="bench-editor")[0]
        for first in range(0, CLAIMS // CLAIMS_PER_ARTICLE, BATCH // CLAIMS_PER_ARTICLE):
            numbers = range(first, first + BATCH // CLAIMS_PER_ARTICLE)
            bodies = {
                n: f"Bench article {n}: more than {n} people were displaced." for n in numbers
            }
            articles = Article.objects.bulk_create(
                Article(
                    title=f"Bench article {n}",
                    url=f"https://b{n % SOURCES}.example/story/{n}",
                    body=bodies[n],
                    content_hash=content_hash_for(bodies[n]),
                    source=sources[n % SOURCES],
                    published_at=now - timedelta(hours=n),
                    status=Article.Status.EXTRACTED,
                )
                for n in numbers
            )
            claims = []
            for article in articles:
                for k in range(CLAIMS_PER_ARTICLE):
                    n = article.pk * CLAIMS_PER_ARTICLE + k
                    reviewed = n % 5 < 2  # 40% of claims have a verdict
                    claims.append(
                        Claim(
                            article=article,
                            start=k * 40,
                            end=k * 40 + 12,
                            text=f"more than {n % 900 + 10}",
                            value=float(n % 900 + 10),
                            lower=float(n % 900 + 10),
                            qualifier=Claim.Qualifier.LOWER_BOUND,
                            unit="people",
                            event="displace",
                            attribution="OCHA" if k % 3 == 0 else "",
                            sentence=f"More than {n % 900 + 10} people were displaced, OCHA said.",
                            sentence_start=k * 40,
                            sentence_end=k * 40 + 39,
                            checkworthiness=(n % 97) / 97,
                            verdict=verdicts[n % len(verdicts)] if reviewed else "unreviewed",
                            reviewed_at=now - timedelta(minutes=n) if reviewed else None,
                            reviewed_by=reviewer if reviewed else None,
                        )
                    )
            claims = Claim.objects.bulk_create(claims)
            reviewed_claims = [c for c in claims if c.verdict != "unreviewed"]
            Review.objects.bulk_create(
                Review(
                    claim=c,
                    reviewer=reviewer,
                    from_verdict="unreviewed",
                    to_verdict=c.verdict,
                    note="Checked against the agency's situation report.",
                    created_at=c.reviewed_at,
                )
                for c in reviewed_claims
            )
            Evidence.objects.bulk_create(
                Evidence(
                    claim=c,
                    added_by=reviewer,
                    url=f"https://ocha.example/report/{c.pk}",
                    stance=Evidence.Stance.SUPPORTS,
                )
                for c in reviewed_claims[::2]
            )
        print(f"created in {time.perf_counter() - started:.0f}s", flush=True)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    consumer = User.objects.get_or_create(username=BENCH_USER)[0]
    claim_id = (
        Claim.objects.filter(article__source__in=bench_sources, evidence__isnull=False)
        .order_by("-id")
        .values_list("id", flat=True)
        .first()
    )
    # Keys are stored as digests: each run makes a new one (and drops the last run's).
    AuthToken.objects.filter(user=consumer).delete()
    return AuthToken.objects.create(user=consumer)[1], claim_id


# --- Server -----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_gunicorn(
    env: dict[str, str], port: int, workers: int, threads: int = 2
) -> subprocess.Popen:
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "newsfacts.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "gthread",
        "--threads",
        str(threads),
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
    ]
    server = subprocess.Popen(command, cwd=ROOT, env=env)
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            connection.request("GET", "/api/v1/health")
            response = connection.getresponse()
            if response.status == 200:
                return server
            if response.status == 503:
                server.terminate()
                raise SystemExit(f"the health view answers 503: {response.read().decode()}")
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise SystemExit("gunicorn did not answer within 30 seconds")


# --- CPU accounting ---------------------------------------------------------------
#
# Requests/s move with whatever else the machine runs; the CPU time a request costs
# all the processes serving it (gunicorn, its PostgreSQL backends, this client) moves
# far less, so each endpoint's CPU per request is printed next to its rate.

_TICK = os.sysconf("SC_CLK_TCK")


def _cpu_seconds(pid: int) -> float:
    """User + system CPU of one process, all its threads; 0 once it has gone."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICK


def _children(pid: int) -> list[int]:
    found = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid:
            found.append(int(stat.parent.name))
    return found


def _database_backends(database_url: str) -> list[int]:
    """The PostgreSQL server processes serving the other connections to the database."""
    import psycopg

    with psycopg.connect(database_url) as connection:
        rows = connection.execute(
            "SELECT pid FROM pg_stat_activity"
            " WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).fetchall()
    return [pid for (pid,) in rows]


def machine_cpu(server: subprocess.Popen, database_url: str) -> dict[str, dict[int, float]]:
    """CPU seconds so far of each process serving requests: gunicorn (master and
    workers), the database's backends for them (looked up each time, as connections
    are closed and opened again) and this process, the client."""
    return {
        "web": {pid: _cpu_seconds(pid) for pid in [server.pid, *_children(server.pid)]},
        "db": {pid: _cpu_seconds(pid) for pid in _database_backends(database_url)},
        "client": {0: time.process_time()},
    }


def cpu_between(before: dict, after: dict) -> list[float]:
    """CPU seconds spent between two ``machine_cpu`` readings, as (web, db, client);
    a process that started meanwhile counts from zero, one that ended is lost."""
    return [
        sum(max(seconds - before[part].get(pid, 0.0), 0.0) for pid, seconds in after[part].items())
        for part in ("web", "db", "client")
    ]


# --- Load -------------------------------------------------------------------------


def load(
    port: int, path: str, headers: dict, *, requests: int, threads: int, max_seconds: float
) -> dict:
    """Send ``requests`` GETs from ``threads`` keep-alive connections, or stop at the limit."""
    latencies: list[float] = []
    errors: list[str] = []
    lock = threading.Lock()
    remaining = [requests]
    deadline = time.monotonic() + max_seconds

    def worker() -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
        while time.monotonic() < deadline:
            with lock:
                if remaining[0] <= 0:
                    break
                remaining[0] -= 1
            started = time.perf_counter()
            try:
                connection.request("GET", path, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
                if response.will_close:
                    connection.close()
            except (OSError, http.client.HTTPException) as exc:
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
                ok, status = False, type(exc).__name__
            else:
                status = response.status
            elapsed = time.perf_counter() - started
            with lock:
                latencies.append(elapsed)
                if not ok:
                    errors.append(str(status))
        connection.close()

    started = time.perf_counter()
    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return {"seconds": time.perf_counter() - started, "latencies": latencies, "errors": errors}


def summary(runs: list[dict]) -> dict:
    """One endpoint's figures over its runs (a round each)."""
    latencies = sorted(x for run in runs for x in run["latencies"])
    errors = [e for run in runs for e in run["errors"]]
    seconds = sum(run["seconds"] for run in runs)
    return {
        "requests": len(latencies),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        "p50_ms": 1000 * statistics.median(latencies),
        "p99_ms": 1000 * latencies[min(len(latencies) - 1, int(len(latencies) * 0.99))],
        "errors": len(errors),
        "error_statuses": sorted(set(errors)),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--requests", type=int, default=4000, help="per endpoint")
    parser.add_argument("--threads", type=int, default=4, help="client connections")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument(
        "--worker-threads", type=int, default=2, help="threads of each gunicorn worker"
    )
    parser.add_argument("--max-seconds", type=float, default=60, help="per endpoint")
    parser.add_argument(
        "--rounds",
        type=int,
        # Short turns: the host's speed drifts by a sixth from one minute to the next
        # (the ceiling alone read 1,790 and 2,480 req/s in two runs), and only turns
        # this short meet every endpoint with the same drift.
        default=20,
        help="the endpoints take turns this many times, each with its share of the "
        "requests, so that a change in the machine's load meets them all alike",
    )
    parser.add_argument(
        "--cache-seconds",
        type=int,
        default=0,
        help="NEWSFACTS_API_CACHE_SECONDS for the server (0: consumers' answer cache off)",
    )
    args = parser.parse_args()

    database_url = os.environ.get("DATABASE_URL", "")
    if urlsplit(database_url).scheme not in {"postgres", "postgresql"}:
        raise SystemExit("Set DATABASE_URL to a PostgreSQL database to fill and measure.")
    env = _production_env(database_url)
    env["NEWSFACTS_API_CACHE_SECONDS"] = str(args.cache_seconds)
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        check=True,
    )
    token, claim_id = seed(env)

    port = free_port()
    server = start_gunicorn(env, port, args.workers, args.worker_threads)
    try:
        auth = {"Authorization": f"Token {token}"}
        targets = [
            ("ceiling /api/v1/health/live", "/api/v1/health/live", {}),
            ("readiness /api/v1/health", "/api/v1/health", {}),
            ("claims list", "/api/v1/claims/", auth),
            (
                "claims list, filtered",
                "/api/v1/claims/?source=bench-3&event=displace&value_min=100",
                auth,
            ),
            ("claim", f"/api/v1/claims/{claim_id}/", auth),
            ("claim as ClaimReview", f"/api/v1/claims/{claim_id}/claimreview", auth),
            # The cost of token auth + DRF on a one-query endpoint, for comparison.
            ("baseline /api/v1/sources/", "/api/v1/sources/", auth),
        ]
        for _name, path, headers in targets:
            # Warm-up: connections, the workers' imports and the database's caches.
            load(port, path, headers, requests=200, threads=args.threads, max_seconds=20)
        runs: dict[str, list[dict]] = {name: [] for name, _path, _headers in targets}
        cpu_spent = {name: [0.0, 0.0, 0.0] for name in runs}
        per_round = max(args.requests // args.rounds, 1)
        for _round in range(args.rounds):
            for name, path, headers in targets:
                before = machine_cpu(server, database_url)
                runs[name].append(
                    load(
                        port,
                        path,
                        headers,
                        requests=per_round,
                        threads=args.threads,
                        max_seconds=args.max_seconds / args.rounds,
                    )
                )
                spent = cpu_between(before, machine_cpu(server, database_url))
                cpu_spent[name] = [a + b for a, b in zip(cpu_spent[name], spent, strict=True)]
        results = {}
        for name, endpoint_runs in runs.items():
            results[name] = summary(endpoint_runs)
            done = max(results[name]["requests"], 1)
            results[name]["cpu_parts_ms"] = [1000 * part / done for part in cpu_spent[name]]
            results[name]["cpu_ms"] = sum(results[name]["cpu_parts_ms"])
    finally:
        server.terminate()
        server.wait(timeout=30)

    print(
        f"\ngunicorn: {args.workers} workers x {args.worker_threads} threads on 127.0.0.1:{port}; "
        f"client: {args.threads} keep-alive connections; {args.rounds} rounds; "
        f"{CLAIMS:,} claims; "
        f"consumers' answer cache {args.cache_seconds or 'off'}; "
        f"shared cache {'yes' if env.get('NEWSFACTS_CACHE_URL') else 'no'}"
    )
    print("load average (1, 5, 15 min): " + ", ".join(f"{x:.1f}" for x in os.getloadavg()))
    print(
        f"{'endpoint':<28} {'requests':>8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
        f"{'errors':>6} {'share':>6} {'CPU ms':>7} {'CPU share':>9}  web/db/client ms"
    )
    ceiling = results[targets[0][0]]
    met = ceiling["errors"] == 0
    for name, path, _headers in targets:
        r = results[name]
        share = r["rps"] / ceiling["rps"]
        print(
            f"{name:<28} {r['requests']:>8} {r['rps']:>8.0f} {r['p50_ms']:>8.2f} "
            f"{r['p99_ms']:>8.2f} {r['errors']:>6} {share:>6.0%} {r['cpu_ms']:>7.2f} "
            f"{ceiling['cpu_ms'] / r['cpu_ms']:>9.0%}  "
            + "/".join(f"{part:.2f}" for part in r["cpu_parts_ms"])
            + (f"  {r['error_statuses']}" if r["errors"] else "")
        )
        if path.startswith("/api/v1/claims/"):
            met = met and share >= GOAL_SHARE and r["errors"] == 0
    print(
        f"every claim read at >= {GOAL_SHARE:.0%} of the ceiling, no errors: "
        f"{'met' if met else 'NOT met'}"
    )
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
