import pytest
from django.core.exceptions import ValidationError

from pantau.planning import codes


class TestValidate:
    @pytest.mark.parametrize(
        ("kode", "tingkat"),
        [
            ("1", "urusan"),
            ("1.02", "bidang_urusan"),
            ("1.02.02", "program"),
            ("1.02.02.2.01", "kegiatan"),
            ("1.02.02.1.01", "kegiatan"),
            ("1.02.02.2.01.0001", "sub_kegiatan"),
        ],
    )
    def test_valid_codes_pass(self, kode, tingkat):
        codes.validate(kode, tingkat)
        assert codes.tingkat_of(kode) == tingkat

    @pytest.mark.parametrize(
        ("kode", "tingkat"),
        [
            ("9", "urusan"),
            ("1.2", "bidang_urusan"),
            ("1.02.2", "program"),
            ("1.02.02.3.01", "kegiatan"),
            (
                "1.02.02.02.01",
                "kegiatan",
            ),  # legacy level digit is normalised on import, not accepted
            ("1.02.02.2.01.001", "sub_kegiatan"),
            ("1.02.02.2.01.0001 ", "sub_kegiatan"),
            ("", "program"),
        ],
    )
    def test_invalid_codes_refused_with_example(self, kode, tingkat):
        with pytest.raises(ValidationError) as exc:
            codes.validate(kode, tingkat)
        assert "tidak sah" in exc.value.messages[0]
        assert codes.EXAMPLES[tingkat] in exc.value.messages[0]


class TestNormaliseAndParent:
    def test_legacy_level_digit_normalised(self):
        assert codes.normalise("1.01.01.02.01") == "1.01.01.2.01"
        assert codes.normalise(" 1.01.01.02.01.0001") == "1.01.01.2.01.0001"
        assert codes.normalise("1.01.01") == "1.01.01"

    @pytest.mark.parametrize(
        ("kode", "parent"),
        [
            ("1.02.02.2.01.0001", "1.02.02.2.01"),
            ("1.02.02.2.01", "1.02.02"),
            ("1.02.02", "1.02"),
            ("1.02", "1"),
            ("1", None),
            ("garbage", None),
        ],
    )
    def test_parent(self, kode, parent):
        assert codes.parent(kode) == parent

    def test_child_of_other_kegiatan_refused(self):
        with pytest.raises(ValidationError) as exc:
            codes.validate_child("1.02.02.2.02.0001", "sub_kegiatan", "1.02.02.2.01")
        assert "tidak berada di bawah 1.02.02.2.01" in exc.value.messages[0]

    def test_penunjang(self):
        assert codes.is_penunjang_program("2.16.01")
        assert not codes.is_penunjang_program("2.16.02")
