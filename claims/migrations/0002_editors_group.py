from django.contrib.auth.management import create_permissions
from django.db import migrations

EDITORS = "Editors"
# What an editor needs to work the queue: read everything, submit articles, correct
# claims, give verdicts and attach evidence. Sources stay with the admins.
EDITOR_PERMISSIONS = [
    "view_source",
    "view_feed",
    "view_article",
    "add_article",
    "view_claim",
    "change_claim",
    "review_claim",
    "view_review",
    "add_review",
    "view_evidence",
    "add_evidence",
]


def create_editors_group(apps, schema_editor):
    # Permissions are normally created after all migrations have run; create them now
    # so the group can be given them on a fresh database.
    app_config = apps.get_app_config("claims")
    app_config.models_module = True
    create_permissions(app_config, apps=apps, verbosity=0)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=EDITORS)
    permissions = Permission.objects.filter(
        content_type__app_label="claims", codename__in=EDITOR_PERMISSIONS
    )
    group.permissions.add(*permissions)


def remove_editors_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=EDITORS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("claims", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_editors_group, remove_editors_group)]
