"""Every named database constraint of every model has a message for people: a broken rule
never reaches a user as `Batasan "dataset_periode_berurutan" dilanggar`."""

import datetime as dt

import pytest
from django.apps import apps
from django.core.exceptions import ValidationError
from django.db.models import BaseConstraint
from django.utils import translation


def _constraints():
    for model in apps.get_models():
        if not model.__module__.startswith("pantau."):
            continue
        for constraint in model._meta.constraints:
            yield model, constraint


def test_every_named_constraint_has_a_human_message():
    default = BaseConstraint.default_violation_error_message
    missing = [
        f"{model._meta.label}.{c.name}"
        for model, c in _constraints()
        if c.violation_error_message in (None, "", default)
    ]
    assert list(_constraints()), "no constraints found: the walk is broken"
    assert not missing, f"constraints without violation_error_message: {missing}"


def test_every_constraint_message_is_translated():
    untranslated = []
    for model, c in _constraints():
        with translation.override("id"):
            indonesian = str(c.violation_error_message)
        with translation.override("en"):
            english = str(c.violation_error_message)
        if indonesian == english:
            untranslated.append(f"{model._meta.label}.{c.name}")
    assert not untranslated, untranslated


@pytest.mark.django_db
def test_dataset_period_order_reads_as_a_sentence(world):
    from pantau.opendata.models import Dataset

    ds = Dataset(
        pemda=world.a.pemda,
        opd=world.a.dinkes,
        nama="urutan-periode",
        judul="Urutan periode",
        deskripsi="Uji",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 12, 31),
        periode_akhir=dt.date(2025, 1, 1),
    )
    with pytest.raises(ValidationError) as caught:
        ds.full_clean()
    text = " ".join(caught.value.messages)
    assert "Periode akhir tidak boleh sebelum periode awal." in text
    assert "dataset_periode_berurutan" not in text
