"""Every event has its place in its chain, once; the database refuses UPDATE, DELETE and (on
PostgreSQL) TRUNCATE on audit rows, and a chain head only moves forward (pantau.audit.triggers)."""

from django.db import migrations, models


def triggers_create(apps, schema_editor):
    from pantau.audit import triggers

    triggers.create(schema_editor.connection)


def triggers_drop(apps, schema_editor):
    from pantau.audit import triggers

    triggers.drop(schema_editor.connection)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0005_rantai_isi"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(verbose_name="urutan"),
        ),
        migrations.AddConstraint(
            model_name="auditevent",
            constraint=models.UniqueConstraint(
                fields=("chain", "seq"),
                name="audit_rantai_urutan_unik",
                violation_error_message="Satu urutan hanya satu kali dalam satu rantai.",
            ),
        ),
        migrations.RunPython(triggers_create, triggers_drop),
    ]
