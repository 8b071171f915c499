"""Full-text and partial-word search in claim sentences, on PostgreSQL.

A stored generated column holds each sentence's words (stemmed, English) under a GIN
index; a trigram index on the upper-cased sentence answers the case-insensitive
substring match for parts of words. Other databases have neither and search the
sentences one by one (see ``ClaimQuerySet.search``).
"""

from django.db import migrations

FORWARD = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "ALTER TABLE claims_claim ADD COLUMN search_vector tsvector "
    "GENERATED ALWAYS AS (to_tsvector('english'::regconfig, sentence)) STORED",
    "CREATE INDEX claim_search_idx ON claims_claim USING gin (search_vector)",
    "CREATE INDEX claim_sentence_trgm_idx ON claims_claim USING gin (upper(sentence) gin_trgm_ops)",
]
BACKWARD = [
    "DROP INDEX IF EXISTS claim_sentence_trgm_idx",
    "DROP INDEX IF EXISTS claim_search_idx",
    "ALTER TABLE claims_claim DROP COLUMN IF EXISTS search_vector",
]


def _run(statements):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor != "postgresql":
            return
        for statement in statements:
            schema_editor.execute(statement)

    return run


class Migration(migrations.Migration):
    dependencies = [("claims", "0004_i15_dashboard_tallies")]

    operations = [migrations.RunPython(_run(FORWARD), _run(BACKWARD))]
