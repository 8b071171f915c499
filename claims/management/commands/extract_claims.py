"""Print the numeric claims of text files, without touching the database."""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from claims.extraction import ExtractedClaim, extract_claims_batch


def _bound(claim: ExtractedClaim) -> str:
    def fmt(x: float | None) -> str:
        if x is None:
            return "-"
        return f"{x:,.0f}" if float(x).is_integer() else f"{x:,g}"

    if claim.qualifier in ("range", "vague"):
        return f"{fmt(claim.lower)}..{fmt(claim.upper)}"
    return fmt(claim.value)


class Command(BaseCommand):
    help = (
        "Extract the numeric claims of text files (or '-' for standard input) and print "
        "them as JSON or as a table. With --jsonl, read {'id', 'text'} JSON lines on "
        "standard input and write {'id', 'claims'} lines. Nothing is saved."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("paths", nargs="*", help="Text files to read; '-' reads stdin.")
        parser.add_argument("--format", choices=("json", "table"), default="json")
        parser.add_argument(
            "--jsonl",
            action="store_true",
            help="Read JSON lines {'id': ..., 'text': ...} on stdin, write one line each.",
        )

    def handle(self, *args: Any, paths: list[str], format: str, jsonl: bool, **options: Any):
        if jsonl:
            if paths:
                raise CommandError("--jsonl reads standard input; do not give file paths too.")
            self._jsonl()
            return
        if not paths:
            raise CommandError("Give at least one file to read, or '-' for standard input.")
        documents = [(path, self._read(path)) for path in paths]
        results = extract_claims_batch(text for _path, text in documents)
        if format == "table":
            for (path, _text), claims in zip(documents, results, strict=True):
                self._table(path, claims)
            return
        payload = [
            {"path": path, "claims": [c.to_dict() for c in claims]}
            for (path, _text), claims in zip(documents, results, strict=True)
        ]
        self.stdout.write(json.dumps(payload, ensure_ascii=False, indent=2))

    def _read(self, path: str) -> str:
        if path == "-":
            return sys.stdin.read()
        try:
            return Path(path).read_text(encoding="utf-8")
        except FileNotFoundError as exc:
            raise CommandError(f"No such file: {path}") from exc
        except UnicodeDecodeError as exc:
            raise CommandError(f"{path} is not UTF-8 text.") from exc
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc.strerror or exc}") from exc

    def _jsonl(self) -> None:
        ids: list[Any] = []
        texts: list[str] = []
        for number, line in enumerate(sys.stdin, start=1):
            if not line.strip():
                continue
            try:
                item = json.loads(line)
            except json.JSONDecodeError as exc:
                raise CommandError(f"Line {number} is not valid JSON: {exc.msg}.") from exc
            if not isinstance(item, dict) or not isinstance(item.get("text"), str):
                raise CommandError(f'Line {number} needs a "text" string field.')
            ids.append(item.get("id"))
            texts.append(item["text"])
        for doc_id, claims in zip(ids, extract_claims_batch(texts), strict=True):
            record = {"id": doc_id, "claims": [c.to_dict() for c in claims]}
            self.stdout.write(json.dumps(record, ensure_ascii=False))

    def _table(self, path: str, claims: list[ExtractedClaim]) -> None:
        self.stdout.write(f"{path}: {len(claims)} claims")
        for c in claims:
            text = c.text.replace("\n", " ")
            self.stdout.write(
                f"  {c.start:>6}-{c.end:<6} {text[:32]:<32} {_bound(c):>22} "
                f"{c.qualifier:<11} {c.unit or '-':<12} {c.event or '-':<10} "
                f"{c.attribution or '-'}"
            )
