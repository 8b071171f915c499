"""Verdict history that stays: reviews keep their claim and reviewer, evidence says
where it comes from, and PostgreSQL itself refuses to change or delete a review.

SQLite has no such trigger; there the rule is kept by the application (the model
refuses to save a review twice, the admin cannot edit or delete one, and claims or
accounts with history cannot be deleted).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

APPEND_ONLY_SQL = """
CREATE OR REPLACE FUNCTION claims_review_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'The verdict history is append-only: % of review % refused.',
        TG_OP, OLD.id
        USING ERRCODE = 'restrict_violation';
END;
$$ LANGUAGE plpgsql;

CREATE TRIGGER claims_review_append_only
    BEFORE UPDATE OR DELETE ON claims_review
    FOR EACH ROW EXECUTE FUNCTION claims_review_append_only();
"""
DROP_APPEND_ONLY_SQL = """
DROP TRIGGER IF EXISTS claims_review_append_only ON claims_review;
DROP FUNCTION IF EXISTS claims_review_append_only();
"""


class PostgreSQLOnlyRunSQL(migrations.RunSQL):
    """SQL that only PostgreSQL understands; other databases skip it."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_i12_extractor_version"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(
            model_name="review",
            name="claim",
            field=models.ForeignKey(
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to="claims.claim",
            ),
        ),
        migrations.AlterField(
            model_name="review",
            name="reviewer",
            field=models.ForeignKey(
                null=True,
                on_delete=django.db.models.deletion.PROTECT,
                related_name="reviews",
                to=settings.AUTH_USER_MODEL,
            ),
        ),
        migrations.AlterConstraint(
            model_name="evidence",
            name="evidence_url_or_source",
            constraint=models.CheckConstraint(
                condition=models.Q(("url", ""), _negated=True) | models.Q(source__isnull=False),
                name="evidence_url_or_source",
                violation_error_message=(
                    "Evidence needs a link or a source: say where the figure can be checked. "
                    "A quoted figure on its own is not enough."
                ),
            ),
        ),
        PostgreSQLOnlyRunSQL(APPEND_ONLY_SQL, reverse_sql=DROP_APPEND_ONLY_SQL),
    ]
