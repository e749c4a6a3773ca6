"""Canaries for `make security` (decision 0032): after `pantau demo`, a unique canary string goes
into every restricted value of the demo pemda (terbatas and rahasia sub kegiatan, indicators,
datasets and photos; report texts and verifiers' notes; personal data of the people and the
heads of OPD; password hashes and TOTP secrets are canaries as they are), and a second pemda
with its own admin is added. Each canary is written with the rows it stands for written
directly (test seeding, like tests/test_leakage.py); the list goes to canaries.json in the data
directory, each with who may see it. Run inside the server's environment:
`python scripts/security/seed.py OUT.json`."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OTHER_PEMDA_ADMIN = ("admin.kanari", "Sandi-Kanari-2026!")


class Seeds:
    def __init__(self) -> None:
        self.items: list[dict] = []

    def add(self, label: str, *, scope: str, opd: int | None = None, user=None, value=None):
        """A canary and who may see it. scope: "rahasia" (pimpinan, admin, auditor and the
        OPD's own roles), "opd" (the OPD's own roles and the pemda-wide roles), "pemda" (every
        signed-in person of the pemda), "person" (the person `user` and the admin), "secret"
        (nobody). Returns the value to write."""
        if value is None:
            value = f"KANARI{len(self.items):05d}x{label}"
        self.items.append(
            {"value": value, "label": label, "scope": scope, "opd": opd, "user": user}
        )
        return value


def _level(obj, otherwise: str = "pemda") -> str:
    return "rahasia" if obj.klasifikasi == "rahasia" else otherwise


def seed(out: Path) -> None:
    import django

    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    django.setup()
    from django.apps import apps
    from django.contrib.auth import get_user_model
    from django.db import transaction

    from pantau.monitoring.models import Bukti, Realisasi, RealisasiIndikator, RiwayatStatus
    from pantau.opendata.models import Dataset
    from pantau.opendata.services import klasifikasi_set
    from pantau.organisations.models import Membership, Opd, Pemda, Profil
    from pantau.organisations.services import (
        membership_set,
        pemda_create,
        pemda_update,
        user_create,
    )
    from pantau.planning.models import Indikator, SubKegiatan

    s = Seeds()
    pemda = Pemda.objects.get()
    # the demo has no rahasia items: the Walidata makes a few of every OPD's sub kegiatan
    # and indicators rahasia, through the service (Pasal 17 h)
    walidata = get_user_model().objects.get(username="admin.kominfo")
    for opd in Opd.objects.filter(pemda=pemda):
        for model in (SubKegiatan, Indikator):
            for obj in model.objects.filter(opd=opd).order_by("pk")[:3]:
                klasifikasi_set(
                    actor=walidata,
                    obj=obj,
                    klasifikasi="rahasia",
                    dasar_pengecualian="17h",
                    alasan="Uji keamanan: data rahasia.",
                )
    with transaction.atomic():
        for sub in SubKegiatan.objects.exclude(klasifikasi="publik").select_related("kegiatan"):
            scope = "rahasia" if sub.klasifikasi == "rahasia" else "pemda"
            SubKegiatan.objects.filter(pk=sub.pk).update(
                nama=s.add("subkegiatan", scope=scope, opd=sub.opd_id)
            )
        for sub in SubKegiatan.objects.filter(pptk_nama__gt=""):
            SubKegiatan.objects.filter(pk=sub.pk).update(pptk_nama=s.add("pptk", scope="pemda"))
        for ind in Indikator.objects.exclude(klasifikasi="publik"):
            Indikator.objects.filter(pk=ind.pk).update(
                nama=s.add("indikator", scope=_level(ind), opd=ind.opd_id)
            )
        for ds in Dataset.objects.exclude(klasifikasi="publik", status="terbit"):
            Dataset.objects.filter(pk=ds.pk).update(
                judul=s.add("datasetjudul", scope=_level(ds), opd=ds.opd_id),
                deskripsi=s.add("datasetdeskripsi", scope=_level(ds), opd=ds.opd_id),
            )
        for b in Bukti.objects.exclude(klasifikasi="publik").select_related("realisasi"):
            opd = b.realisasi.sub_kegiatan.opd_id
            Bukti.objects.filter(pk=b.pk).update(
                nama_berkas=s.add("bukti", scope=_level(b, "opd"), opd=opd) + ".jpg"
            )
        # report texts and notes: the OPD's, its verifiers' and the leaders' only
        latest = Realisasi.objects.order_by("-periode__tahun_anggaran__tahun", "-periode__bulan")
        for r in latest.select_related("sub_kegiatan")[:300]:
            sub = r.sub_kegiatan
            scope, opd = _level(sub, "opd"), sub.opd_id
            Realisasi.objects.filter(pk=r.pk).update(
                kendala=s.add("kendala", scope=scope, opd=opd),
                tindak_lanjut=s.add("tindaklanjut", scope=scope, opd=opd),
                penjelasan=s.add("penjelasan", scope=scope, opd=opd),
            )
        notes = RiwayatStatus.objects.exclude(catatan="").select_related("realisasi__sub_kegiatan")
        for h in notes[:300]:
            sub = h.realisasi.sub_kegiatan
            RiwayatStatus.objects.filter(pk=h.pk).update(
                catatan=s.add("catatanstatus", scope=_level(sub, "opd"), opd=sub.opd_id)
            )
        for ri in RealisasiIndikator.objects.exclude(catatan="").select_related("indikator")[:300]:
            ind = ri.indikator
            RealisasiIndikator.objects.filter(pk=ri.pk).update(
                catatan=s.add("catatanindikator", scope=_level(ind, "opd"), opd=ind.opd_id)
            )
        # personal data: e-mail, NIP, phone of the people and the heads of OPD
        for opd in Opd.objects.all():
            nip = s.add("nipkepala", scope="pemda", value=f"19700101{opd.pk:010d}")
            Opd.objects.filter(pk=opd.pk).update(kepala_nip=nip)
        users = get_user_model().objects
        for n, user in enumerate(users.all()):
            email = s.add("email", scope="person", user=user.username) + "@contoh.go.id"
            users.filter(pk=user.pk).update(email=email)
            nip, telepon = f"19880808{user.pk:010d}", f"08127777{n:04d}"
            Profil.objects.update_or_create(user=user, defaults={"nip": nip, "telepon": telepon})
            s.add("nip", scope="person", user=user.username, value=nip)
            s.add("telepon", scope="person", user=user.username, value=telepon)
    # another pemda with its own admin (through the services, as an install does)
    other = pemda_create(actor=None, kode="74.99", nama="Kabupaten Kanari")
    pemda_update(actor=None, pemda=other, domain_publik="data.kanari.example")
    admin = user_create(actor=None, username=OTHER_PEMDA_ADMIN[0], password=OTHER_PEMDA_ADMIN[1])
    membership_set(actor=None, user=admin, pemda=other, role="admin")
    # secrets, as they are stored
    for user in users.all():
        s.add("passwordhash", scope="secret", value=user.password)
    if apps.is_installed("django_otp.plugins.otp_totp"):
        for device in apps.get_model("otp_totp", "TOTPDevice").objects.all():
            s.add("totpsecret", scope="secret", value=device.key)
    ids = {
        "pemda": pemda.pk,
        "dinkes": Opd.objects.get(pemda=pemda, singkatan="Dinkes").pk,
        "memberships": Membership.objects.count(),
    }
    out.write_text(json.dumps({"canaries": s.items, "ids": ids}, indent=1))
    print(f"== {len(s.items)} kanari ditanam / canaries seeded -> {out}")


if __name__ == "__main__":
    seed(Path(sys.argv[1]))
