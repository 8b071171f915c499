"""Each claim carries its article's source (``Claim.source``), kept by the database.

Lists filtered by source then read one range of a (source, ...) index in their own
order instead of every claim of the source through its articles, sorted.

Triggers keep the copy equal to the article's source whatever writes the rows: a
claim inserted takes its article's source, a claim moved to another article (or given
another source) takes the article's, an article given another source passes it to its
claims. Deleting a source sets its articles' source to NULL, which clears its claims'.

The migration is not atomic: the triggers come first, so that rows written while the
existing claims are filled (in batches, each its own transaction, so that a large
table is not locked as a whole) are already right; the indexes come last.

SQLite drops a table's triggers when Django rebuilds the table (``_remake_table``, for
some field changes). A later migration that rebuilds claims_claim or claims_article
on SQLite must create these triggers again (``SQLITE_TRIGGERS``); the tests of
``Claim.source`` fail without them.
"""

from django.db import migrations, models, transaction

# In the claim's trigger, FOR SHARE waits for a transaction that is changing the
# article's source and then reads its outcome; without it a claim inserted meanwhile
# would keep the old source, as the article's trigger cannot see the uncommitted claim.
POSTGRESQL_TRIGGERS = """
CREATE OR REPLACE FUNCTION claims_claim_source_from_article() RETURNS trigger AS $$
BEGIN
    SELECT source_id INTO NEW.source_id FROM claims_article
     WHERE id = NEW.article_id FOR SHARE;
    RETURN NEW;
END;
$$ LANGUAGE plpgsql;

CREATE OR REPLACE FUNCTION claims_article_source_to_claims() RETURNS trigger AS $$
BEGIN
    UPDATE claims_claim SET source_id = NEW.source_id
     WHERE article_id = NEW.id AND source_id IS DISTINCT FROM NEW.source_id;
    RETURN NULL;
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER claims_claim_source_insert
    BEFORE INSERT ON claims_claim
    FOR EACH ROW EXECUTE FUNCTION claims_claim_source_from_article();

CREATE TRIGGER claims_claim_source_update
    BEFORE UPDATE OF article_id, source_id ON claims_claim
    FOR EACH ROW
    WHEN (NEW.article_id IS DISTINCT FROM OLD.article_id
          OR NEW.source_id IS DISTINCT FROM OLD.source_id)
    EXECUTE FUNCTION claims_claim_source_from_article();

CREATE TRIGGER claims_article_source_to_claims
    AFTER UPDATE OF source_id ON claims_article
    FOR EACH ROW
    WHEN (NEW.source_id IS DISTINCT FROM OLD.source_id)
    EXECUTE FUNCTION claims_article_source_to_claims();
"""
DROP_POSTGRESQL_TRIGGERS = """
DROP TRIGGER IF EXISTS claims_article_source_to_claims ON claims_article;
DROP TRIGGER IF EXISTS claims_claim_source_update ON claims_claim;
DROP TRIGGER IF EXISTS claims_claim_source_insert ON claims_claim;
DROP FUNCTION IF EXISTS claims_article_source_to_claims();
DROP FUNCTION IF EXISTS claims_claim_source_from_article();
"""

# SQLite's triggers cannot change the row being written, so they correct it just
# after; the WHEN clauses skip that when the row is right already. One writer at a
# time: no race to guard against.
SQLITE_TRIGGERS = [
    """
    CREATE TRIGGER claims_claim_source_insert
    AFTER INSERT ON claims_claim
    FOR EACH ROW WHEN NEW.source_id IS NOT
        (SELECT source_id FROM claims_article WHERE id = NEW.article_id)
    BEGIN
        UPDATE claims_claim
           SET source_id = (SELECT source_id FROM claims_article WHERE id = NEW.article_id)
         WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER claims_claim_source_update
    AFTER UPDATE OF article_id, source_id ON claims_claim
    FOR EACH ROW WHEN NEW.source_id IS NOT
        (SELECT source_id FROM claims_article WHERE id = NEW.article_id)
    BEGIN
        UPDATE claims_claim
           SET source_id = (SELECT source_id FROM claims_article WHERE id = NEW.article_id)
         WHERE id = NEW.id;
    END
    """,
    """
    CREATE TRIGGER claims_article_source_to_claims
    AFTER UPDATE OF source_id ON claims_article
    FOR EACH ROW WHEN NEW.source_id IS NOT OLD.source_id
    BEGIN
        UPDATE claims_claim SET source_id = NEW.source_id
         WHERE article_id = NEW.id AND source_id IS NOT NEW.source_id;
    END
    """,
]
DROP_SQLITE_TRIGGERS = [
    "DROP TRIGGER IF EXISTS claims_article_source_to_claims",
    "DROP TRIGGER IF EXISTS claims_claim_source_update",
    "DROP TRIGGER IF EXISTS claims_claim_source_insert",
]

# Claims per UPDATE when filling PostgreSQL: a short transaction each.
FILL_BATCH = 20_000


def create_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(POSTGRESQL_TRIGGERS)
    elif vendor == "sqlite":
        for statement in SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def drop_triggers(apps, schema_editor):
    vendor = schema_editor.connection.vendor
    if vendor == "postgresql":
        schema_editor.execute(DROP_POSTGRESQL_TRIGGERS)
    elif vendor == "sqlite":
        for statement in DROP_SQLITE_TRIGGERS:
            schema_editor.execute(statement)


def fill_sources(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        if connection.vendor != "postgresql":
            cursor.execute(
                "UPDATE claims_claim SET source_id = (SELECT source_id FROM claims_article"
                " WHERE claims_article.id = claims_claim.article_id)"
            )
            return
        cursor.execute("SELECT min(id), max(id) FROM claims_claim")
        low, high = cursor.fetchone()
        if low is None:
            return
        for start in range(low, high + 1, FILL_BATCH):
            with transaction.atomic(using=connection.alias):
                cursor.execute(
                    "UPDATE claims_claim c SET source_id = a.source_id FROM claims_article a"
                    " WHERE a.id = c.article_id AND c.id >= %s AND c.id < %s"
                    " AND c.source_id IS DISTINCT FROM a.source_id",
                    [start, start + FILL_BATCH],
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("claims", "0009_i15_review_latest_note_index")]

    operations = [
        migrations.AddField(
            model_name="claim",
            name="source",
            field=models.ForeignKey(
                blank=True,
                db_index=False,
                editable=False,
                null=True,
                on_delete=models.deletion.SET_NULL,
                related_name="claims",
                to="claims.source",
            ),
        ),
        migrations.RunPython(create_triggers, drop_triggers),
        migrations.RunPython(fill_sources, migrations.RunPython.noop, atomic=False),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["source", "reviewed_at", "id"], name="claim_source_reviewed_idx"
            ),
        ),
        migrations.AddIndex(
            model_name="claim",
            index=models.Index(
                fields=["source", "verdict", "-checkworthiness", "-id"],
                name="claim_source_queue_idx",
            ),
        ),
    ]
