"""The fixed dataset of the golden tests, built with the services (as conftest's worlds).

Pemda A, OPD Dinkes, 2026, s.d. Februari (domain.md §7's example, 600/300/100 jt):
  A 1.02.02.2.01.0001 pagu 600 jt, plan: kas 50 jt a month, target fisik 8 % a month
      Jan: Rp 100 jt, fisik 20 %; Feb: Rp 80 jt, fisik 50 %      (verified)
  B 1.02.02.2.01.0002 pagu 300 jt, no plan
      Feb: Rp 150 jt, fisik 80 %                                 (verified)
  C 1.02.02.2.01.0003 pagu 100 jt, no plan
      Jan: Rp 100 jt, fisik 100 %; no February report            (verified)
  D an unverified (submitted only) report of B in March: counts nowhere on the official basis.
"""

from __future__ import annotations

from decimal import Decimal

from conftest import verified

JT = Decimal(1_000_000)


def golden(world):
    from pantau.planning.services import sub_kegiatan_create

    a = world.a
    a.sub3 = sub_kegiatan_create(
        actor=None, kegiatan=a.kegiatan, kode="1.02.02.2.01.0003", pagu_murni=100 * JT
    )
    verified(a, a.sub, 1, 100 * JT, 20)
    verified(a, a.sub, 2, 80 * JT, 50)
    verified(a, a.sub2, 2, 150 * JT, 80)
    verified(a, a.sub3, 1, 100 * JT, 100)
    return a
