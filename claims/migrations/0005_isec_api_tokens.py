"""API keys move to digests: each existing key is stored as its SHA-512 digest in
knox's table and goes on working; the table that held the keys in plain text goes.
"""

import hashlib

from django.db import migrations

OLD_TABLE = "authtoken_token"
# knox keeps the first characters of a key beside its digest (shown to admins).
PREFIX_LENGTH = 15


def keys_to_digests(apps, schema_editor):
    connection = schema_editor.connection
    if OLD_TABLE not in connection.introspection.table_names():
        return
    AuthToken = apps.get_model("knox", "AuthToken")
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT key, user_id, created FROM {OLD_TABLE}")  # noqa: S608
        rows = cursor.fetchall()
    AuthToken.objects.bulk_create(
        [
            AuthToken(
                # The same digest knox computes for a key sent in a request.
                digest=hashlib.sha512(key.encode()).hexdigest(),
                token_key=key[:PREFIX_LENGTH],
                user_id=user_id,
                expiry=None,
            )
            for key, user_id, _created in rows
        ],
        ignore_conflicts=True,
    )
    # ``created`` is auto_now_add: set it to when each key was really made.
    for key, _user_id, created in rows:
        AuthToken.objects.filter(digest=hashlib.sha512(key.encode()).hexdigest()).update(
            created=created
        )
    schema_editor.execute(f"DROP TABLE {OLD_TABLE}")


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0004_isec_review_history"),
        ("knox", "0009_extend_authtoken_field"),
    ]

    operations = [
        # Keys cannot be recovered from their digests: going back leaves no tokens.
        migrations.RunPython(keys_to_digests, migrations.RunPython.noop),
    ]
