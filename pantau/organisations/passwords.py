"""Context words in passwords (ASVS 5.0 V6.2.11, decision 0026): a password that is mostly the
name of the product or of a pemda ("wakatobi2026", "Pantau123!") is the first thing an
attacker tries, however long. Django's validators cover length, the common-password list, the
person's own name and all-digit passwords; this one adds the installation's own words."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

# always context words here, whatever the pemda's name
PRODUCT_WORDS = ("pantau", "sipd", "spbe", "pemda", "kabupaten", "kota", "provinsi")
# what must remain beside a context word for the password still to be hard to guess
MIN_REST = 8


def context_words() -> set[str]:
    """The product's words and every word of four letters or more in the pemdas' names."""
    from pantau.organisations.models import Pemda

    words = set(PRODUCT_WORDS)
    for name in Pemda.objects.values_list("nama", flat=True):
        words.update(w for w in re.findall(r"[a-z]+", name.lower()) if len(w) >= 4)
    return words


class ContextWordsValidator:
    """Refuses a password whose letters, once a context word is taken out, leave fewer than
    MIN_REST characters: "wakatobi2026" is refused, "wakatobi-laut-biru-indah" is not."""

    def validate(self, password: str, user=None) -> None:
        plain = password.lower()
        for word in sorted(context_words(), key=len, reverse=True):
            if word in plain and len(plain.replace(word, "")) < MIN_REST:
                raise ValidationError(
                    _(
                        "Kata sandi ini terlalu mudah ditebak: sebagian besar berisi “%(kata)s”. "
                        "Tambahkan kata lain yang tidak berhubungan dengan Pantau atau nama daerah."
                    )
                    % {"kata": word},
                    code="password_context_word",
                )

    def get_help_text(self) -> str:
        return _("Kata sandi tidak boleh sebagian besar berisi nama Pantau atau nama daerah.")
