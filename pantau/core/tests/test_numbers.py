"""What the user typed is what is stored: money and numbers are read in the language the page
writes them in, shown again exactly (cents included), and never rounded on the way back."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from pantau.core.forms import AngkaField, RupiahField, RupiahInput
from pantau.core.numbers import format_exact, format_jarak, format_money, to_decimal
from pantau.core.templatetags.pantau import angka_tepat, rupiah

# Every amount a DecimalField(18, 2) can hold that is not negative.
MONEY = st.decimals(
    min_value=Decimal(0), max_value=Decimal("9999999999999999.99"), places=2, allow_nan=False
)
LANGUAGES = st.sampled_from(["id", "en"])


class TestMoneyRoundTrip:
    @given(amount=MONEY, language=LANGUAGES)
    def test_display_parses_back_to_the_same_amount(self, amount, language):
        with translation.override(language):
            assert to_decimal(format_money(amount), label="x") == amount
            assert to_decimal(rupiah(amount), label="x") == amount

    @given(amount=MONEY, language=LANGUAGES)
    def test_money_field_shows_and_resaves_exactly(self, amount, language):
        """parse → store → display in the form → re-save: the same Decimal, to the cent."""
        with translation.override(language):
            shown = RupiahInput().format_value(amount)
            assert RupiahField().clean(shown) == amount
            assert RupiahField().clean(RupiahInput().format_value(RupiahField().clean(shown))) == (
                amount
            )

    def test_cents_are_kept_in_display(self):
        with translation.override("id"):
            assert rupiah(Decimal("1250000.50")) == "Rp 1.250.000,50"
            assert RupiahInput().format_value(Decimal("1250000.50")) == "1.250.000,50"
            assert rupiah(Decimal("1250000.00")) == "Rp 1.250.000"
        with translation.override("en"):
            assert rupiah(Decimal("1250000.50")) == "Rp 1,250,000.50"

    def test_more_cents_than_the_column_holds_is_refused_not_rounded(self):
        with translation.override("id"), pytest.raises(ValidationError) as caught:
            RupiahField().clean("1.250.000,505")
        assert "2 angka di belakang koma" in caught.value.messages[0]


class TestReading:
    @pytest.mark.parametrize(
        ("language", "typed", "value"),
        [
            ("id", "1.250.000,50", Decimal("1250000.50")),
            ("id", "1.250", Decimal(1250)),
            ("id", "87,5", Decimal("87.5")),
            ("id", "Rp 1.250.000", Decimal(1250000)),
            ("id", "1250000.50", Decimal("1250000.50")),
            ("en", "1,250,000.50", Decimal("1250000.50")),
            ("en", "1,250", Decimal(1250)),  # a thousand and a quarter of a thousand
            ("en", "87.5", Decimal("87.5")),
        ],
    )
    def test_read_as_the_language_writes(self, language, typed, value):
        with translation.override(language):
            assert to_decimal(typed, label="x") == value

    @pytest.mark.parametrize(("language", "typed"), [("id", "1,250,000"), ("en", "1,25")])
    def test_the_other_languages_grouping_is_refused(self, language, typed):
        with translation.override(language), pytest.raises(ValidationError):
            to_decimal(typed, label="x")

    def test_empty_is_required_not_an_invalid_number(self):
        with translation.override("id"), pytest.raises(ValidationError) as caught:
            to_decimal("  ", label="Realisasi keuangan")
        assert caught.value.messages == ["Realisasi keuangan wajib diisi."]
        with translation.override("id"), pytest.raises(ValidationError) as caught:
            RupiahField(label="Keuangan").clean("")
        assert caught.value.messages == ["Wajib diisi."]

    def test_invalid_number_message_gives_examples_in_the_language(self):
        with translation.override("en"), pytest.raises(ValidationError) as caught:
            RupiahField().clean("abc")
        assert caught.value.messages == [
            "'abc' is not a valid number: write for example 1,250,000 or 1,250,000.50."
        ]


class TestExactNumbers:
    @given(
        value=st.decimals(min_value=Decimal(0), max_value=Decimal("99999999999999.9999"), places=4),
        language=LANGUAGES,
    )
    def test_indicator_values_round_trip(self, value, language):
        with translation.override(language):
            field = AngkaField(max_digits=18, decimal_places=4)
            assert field.clean(field.widget.format_value(value)) == value
            assert to_decimal(angka_tepat(value), label="x") == value

    def test_exact_display_keeps_every_decimal(self):
        with translation.override("id"):
            assert format_exact(Decimal("12.3456")) == "12,3456"
            assert format_exact(Decimal("45.50")) == "45,5"


def test_distances_in_km():
    with translation.override("id"):
        assert format_jarak(850) == "850 m"
        assert format_jarak(1860) == "1,9 km"
        assert format_jarak(2000) == "2 km"
        assert format_jarak(1_860_000) == "1.860 km"
    with translation.override("en"):
        assert format_jarak(1_860_000) == "1,860 km"


def test_without_an_active_language_numbers_are_read_the_house_way():
    with translation.override(None):  # e.g. a management command that switched translations off
        assert to_decimal("1.250.000,50", label="x") == Decimal("1250000.50")
