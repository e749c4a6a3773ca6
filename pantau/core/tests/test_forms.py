"""The number fields' refusal of text gives an example that fits the field: a percentage is not
shown millions, money is shown rupiah (in the active language)."""

from decimal import Decimal

import pytest
from django import forms
from django.utils import translation

from pantau.core.forms import AngkaField, RupiahField


class _Form(forms.Form):
    fisik = AngkaField(label="Fisik", min_value=Decimal(0), max_value=Decimal(100))
    nilai = AngkaField(label="Nilai")
    uang = RupiahField(label="Uang")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        (
            "id",
            {
                "fisik": "'abc' bukan angka yang sah: tulis misalnya 87,5 atau 100.",
                "nilai": "'abc' bukan angka yang sah: tulis misalnya 1.250.000 atau 87,5.",
            },
        ),
        (
            "en",
            {
                "fisik": "'abc' is not a valid number: write for example 87.5 or 100.",
                "nilai": "'abc' is not a valid number: write for example 1,250,000 or 87.5.",
            },
        ),
    ],
)
def test_the_example_fits_the_field(lang, expected):
    with translation.override(lang):
        form = _Form({"fisik": "abc", "nilai": "abc", "uang": "abc"})
        assert not form.is_valid()
        assert {k: form.errors[k][0] for k in expected} == expected
        assert "1.250.000" in form.errors["uang"][0] or "1,250,000" in form.errors["uang"][0]
