from django.db import models
from django.utils.translation import gettext_lazy as _


class Dasar(models.TextChoices):
    """Which reports a roll-up counts (issue 9: the official figure is the verified one).

    - terverifikasi: the official figure; each report's last version verified by Bappeda.
    - dilaporkan: "as reported"; the last submitted version of each report (submitted,
      approved by the head of OPD or verified; a correction in progress counts its verified
      version until it is submitted again). Drafts and returned reports never count.
    """

    TERVERIFIKASI = "terverifikasi", _("terverifikasi")
    DILAPORKAN = "dilaporkan", _("sesuai laporan")

    @classmethod
    def parse(cls, value) -> "Dasar":
        """A request parameter; anything unknown is the official (verified) basis."""
        return cls.DILAPORKAN if str(value or "").strip() == cls.DILAPORKAN else cls.TERVERIFIKASI
