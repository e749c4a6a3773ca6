"""The quarterly predicates of cumulative financial realisation (docs/domain.md §9, unverified,
configurable as data): the `keuangan_triwulan_1..4` rows of
pantau/fixtures/data/kategori_penilaian.csv. A database made before they were in the file gets
them here; a new one already has them from evaluation's 0002 (replaced, never doubled)."""

import csv
import re
from decimal import Decimal
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parents[2] / "fixtures" / "data" / "kategori_penilaian.csv"
PREFIX = "keuangan_triwulan_"


def load(apps, schema_editor):
    from pantau.evaluation.categories import parse_rule

    model = apps.get_model("evaluation", "KategoriPenilaian")
    model.objects.filter(skema__startswith=PREFIX).delete()
    order = {}
    with DATA.open(newline="", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            skema = row["skema"].strip()
            if not skema.startswith(PREFIX):
                continue
            order[skema] = order.get(skema, 0) + 1
            lower = Decimal(row["batas_bawah"]) if row["batas_bawah"].strip() else None
            upper = Decimal(row["batas_atas"]) if row["batas_atas"].strip() else None
            lower_incl, upper_incl = parse_rule(row["aturan_batas"], lower, upper)
            colour = next(
                (w for w in row["catatan"].split() if re.fullmatch(r"#[0-9a-fA-F]{6}", w)), ""
            )
            model.objects.create(
                skema=skema,
                label=row["label"].strip(),
                urutan=order[skema],
                batas_bawah=lower,
                batas_atas=upper,
                bawah_inklusif=lower_incl,
                atas_inklusif=upper_incl,
                aturan_batas=row["aturan_batas"].strip()[:200],
                warna=colour,
                catatan=row["catatan"].strip()[:300],
                sumber=row["sumber"].strip(),
            )


def unload(apps, schema_editor):
    apps.get_model("evaluation", "KategoriPenilaian").objects.filter(
        skema__startswith=PREFIX
    ).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_laporan_resmi"),
        ("evaluation", "0007_pesan_batasan"),
    ]
    operations = [migrations.RunPython(load, unload)]
