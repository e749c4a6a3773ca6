"""The hash chain's columns and the chain-head table (decision 0030); `at` is set by the writer."""

from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_indeks_penampil"),
    ]

    operations = [
        migrations.AlterField(
            model_name="auditevent",
            name="at",
            field=models.DateTimeField(db_index=True, verbose_name="waktu"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="chain",
            field=models.CharField(default="", max_length=32, verbose_name="rantai"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="seq",
            field=models.PositiveBigIntegerField(null=True, verbose_name="urutan"),
        ),
        migrations.AddField(
            model_name="auditevent",
            name="prev_hash",
            field=models.CharField(blank=True, default="", max_length=64, verbose_name="hash sebelumnya"),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="hash",
            field=models.CharField(default="", max_length=64, verbose_name="hash"),
            preserve_default=False,
        ),
        migrations.CreateModel(
            name="AuditChainHead",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("chain", models.CharField(max_length=32, unique=True, verbose_name="rantai")),
                ("seq", models.PositiveBigIntegerField(default=0, verbose_name="urutan")),
                ("hash", models.CharField(blank=True, max_length=64, verbose_name="hash")),
            ],
            options={
                "verbose_name": "kepala rantai audit",
                "verbose_name_plural": "kepala rantai audit",
            },
        ),
    ]
