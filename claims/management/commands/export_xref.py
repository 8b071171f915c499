"""Print stories and quantities in the cross-referencing format (PRED of XREF.md)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand

from claims.services.stories import xref_export


class Command(BaseCommand):
    help = "Print every story with its articles, and every claim with its quantity, as JSON."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--format", choices=["json"], default="json")

    def handle(self, *args: Any, format: str, **options: Any) -> None:
        self.stdout.write(json.dumps(xref_export(), ensure_ascii=False))
