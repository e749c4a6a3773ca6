"""What a total may count for one reader (issue 10 §1.5, decision 0014).

A total shown to someone who may not read an item leaves that item out, on every page, so
that no figure can be found by subtracting one total from another. The OPD roll-up rows
(`RingkasanOpd`) sum every sub kegiatan of an OPD, rahasia ones included: they hold exactly
what a reader of every rahasia item of the pemda may see (leadership, the Walidata, the
Inspektorat: `audit.services.rahasia_readers`), and an OPD's own roles read all of their
OPD. Anyone else (the Bappeda verifier) gets the same figures summed from the sub kegiatan
roll-up rows they may read, by the grouped query the programme-group filter already uses
(`kelompok.opd_angka_from_subs`): the same number of queries, no second set of sums.
"""

from __future__ import annotations

from django.db.models import Q


def saring_sub(user, pemda_id: int, prefix: str = "sub_kegiatan__") -> Q | None:
    """None when the user reads every rahasia sub kegiatan of the pemda (the OPD roll-up rows
    may be read as they are); else the filter keeping the rows of sub kegiatan the user may
    read, for a model whose sub kegiatan is at `prefix` ("" for SubKegiatan itself)."""
    from pantau.organisations.rahasia import rahasia_readers, rahasia_visible_q

    if rahasia_readers(user, pemda_id):
        return None
    return rahasia_visible_q(user, prefix)


def saring_indikator(user, pemda_id: int, prefix: str = "indikator__") -> Q | None:
    """The same for indicator rows: a rahasia indicator, or one of a rahasia sub kegiatan, is
    left out for a user who may not read it."""
    from pantau.organisations.rahasia import rahasia_readers, rahasia_visible_q

    if rahasia_readers(user, pemda_id):
        return None
    return rahasia_visible_q(user, prefix) & rahasia_visible_q(user, f"{prefix}sub_kegiatan__")


def also(q: Q, saring: Q | None) -> Q:
    """`q` and, when there is one, the reader's filter."""
    return q if saring is None else q & saring
