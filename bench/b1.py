"""B1: the leadership dashboard against (a) the bare SQL aggregation of the same figures over
the raw rows and (b) the bare SQL that reads the same figures from the roll-up tables.

Run by `bench/run.py` once per database and scale (DATABASE_URL / PANTAU_DATA_DIR select the
database; the data are generated on first use). Prints one JSON line:
  server time of GET /dasbor/ (median of N, through the whole Django stack: middleware, selectors,
  template), the reference (median of N runs of one SQL statement computing, from the *raw*
  rows, the per-OPD pagu, cumulative realisation, weighted physical progress, cash plan, target,
  reported and critical counts the dashboard shows), their ratio, and the number of queries the
  page ran. Before timing, every figure of the dashboard is compared with the reference: a wrong
  or failed page fails the benchmark instead of counting as fast.

The dashboard does more than reference (a) (indicator achievement, ranking, S-curve, year over
year, map), so that ratio is an upper bound of its overhead. Reference (b) reads what the page
reads (OPD rows, indicator averages per OPD, the category distribution, the S-curve of both
years, the warnings, the kecamatan summary) in as many plain statements: the limit of the
design, target ≤ 3×. Both references count the official (verified) figures, as the page does.
"""

import argparse
import json
import statistics
import time
from decimal import Decimal

import _django

# Common table expressions over the raw rows: the sub kegiatan of the year with the pagu in
# force, their reports up to the month (money summed, the latest physical figure), and the plan
# of the budget version in force (cash plan to the month, the month's physical target).
BASE = """
WITH subs AS (
  SELECT s.id, s.opd_id, s.kecamatan_id,
         CASE WHEN %(perubahan)s = 1 THEN COALESCE(s.pagu_perubahan, s.pagu_murni)
              ELSE s.pagu_murni END AS pagu
  FROM planning_subkegiatan s WHERE s.tahun_anggaran_id = %(ta)s
),
reports AS (  -- the verified version of each report (decision 0010)
  SELECT r.sub_kegiatan_id AS id, p.bulan, r.keuangan_resmi AS keuangan,
         r.fisik_resmi AS fisik,
         ROW_NUMBER() OVER (PARTITION BY r.sub_kegiatan_id ORDER BY p.bulan DESC) AS latest,
         ROW_NUMBER() OVER (PARTITION BY r.sub_kegiatan_id
                            ORDER BY CASE WHEN p.bulan < %(bulan)s THEN 0 ELSE 1 END,
                                     p.bulan DESC) AS latest_before
  FROM monitoring_realisasi r JOIN monitoring_periodelaporan p ON p.id = r.periode_id
  WHERE p.tahun_anggaran_id = %(ta)s AND p.bulan <= %(bulan)s
    AND r.keuangan_resmi IS NOT NULL
),
money AS (
  SELECT id, SUM(keuangan) AS realisasi,
         MAX(CASE WHEN bulan = %(bulan)s THEN 1 ELSE 0 END) AS dilaporkan,
         MAX(CASE WHEN latest = 1 THEN fisik END) AS fisik,
         MAX(CASE WHEN latest_before = 1 AND bulan < %(bulan)s THEN fisik END) AS fisik_lalu
  FROM reports GROUP BY id
),
versions AS (  -- the plan of the budget version in force, else the original one
  SELECT rb.sub_kegiatan_id AS id,
         MAX(CASE WHEN rb.tahap = %(tahap)s THEN 1 ELSE 0 END) AS has_current
  FROM planning_rencanabulanan rb JOIN subs ON subs.id = rb.sub_kegiatan_id
  GROUP BY rb.sub_kegiatan_id
),
plan AS (
  SELECT rb.sub_kegiatan_id AS id,
         SUM(CASE WHEN rb.bulan <= %(bulan)s THEN rb.anggaran_kas ELSE 0 END) AS kas,
         MAX(CASE WHEN rb.bulan = %(bulan)s THEN rb.target_fisik END) AS target,
         MAX(CASE WHEN rb.bulan = 12 THEN rb.target_fisik END) AS target_akhir
  FROM planning_rencanabulanan rb JOIN versions v ON v.id = rb.sub_kegiatan_id
  WHERE rb.tahap = CASE WHEN v.has_current = 1 THEN %(tahap)s ELSE 'murni' END
  GROUP BY rb.sub_kegiatan_id
),
rows AS (  -- one row per sub kegiatan: its figures at the end of the month
  SELECT subs.opd_id, subs.kecamatan_id, subs.pagu,
         COALESCE(money.realisasi, 0) AS realisasi, COALESCE(money.fisik, 0) AS fisik,
         COALESCE(money.dilaporkan, 0) AS dilaporkan, plan.kas, plan.target,
         COALESCE(money.fisik_lalu, 0) AS fisik_lalu, COALESCE(plan.target_akhir, 100) AS target_akhir
  FROM subs LEFT JOIN money ON money.id = subs.id LEFT JOIN plan ON plan.id = subs.id
)
"""
# kontrak kritis (decision 0011): behind by more than X (plan <= boundary) or Y (above it), or,
# above the boundary, behind while the last month's rate does not finish the year's plan by
# December (the 1e-6 keeps float sums of two-decimal figures off the boundary)
KRITIS = """CASE WHEN target IS NOT NULL AND (target - fisik >
            CASE WHEN target <= %(batas)s THEN %(awal)s ELSE %(akhir)s END
            OR (target > %(batas)s AND target - fisik > 0
                AND fisik + (fisik - fisik_lalu) * (12 - %(bulan)s) < target_akhir - 0.000001))
            THEN 1 ELSE 0 END"""
PER_OPD = (
    BASE
    + f"""
SELECT opd_id, SUM(pagu), SUM(realisasi), SUM(pagu * fisik),
       SUM(CASE WHEN target IS NOT NULL THEN pagu ELSE 0 END),
       SUM(CASE WHEN target IS NOT NULL THEN kas ELSE 0 END),
       SUM(CASE WHEN target IS NOT NULL THEN pagu * target ELSE 0 END),
       COUNT(*), SUM(dilaporkan), SUM({KRITIS})
FROM rows GROUP BY opd_id
"""
)
PER_KECAMATAN = (
    BASE
    + f"""
SELECT kecamatan_id, COUNT(*), SUM(pagu), SUM(realisasi), SUM({KRITIS})
FROM rows WHERE kecamatan_id IS NOT NULL GROUP BY kecamatan_id
"""
)
FIELDS = [
    "pagu",
    "realisasi",
    "fisik_x_pagu",
    "pagu_rencana",
    "rencana_kas",
    "target_fisik_x_pagu",
    "jumlah_sub",
    "dilaporkan",
    "kritis",
]


def _params(ta, bulan: int) -> dict:
    from pantau.evaluation.rollup import tahap_pada

    pemda = ta.pemda
    tahap = tahap_pada(ta, bulan)  # the budget version in force at the month's end
    return {
        "ta": ta.pk,
        "bulan": bulan,
        "tahap": tahap,
        "perubahan": 1 if tahap == "perubahan" else 0,
        # numbers, not Decimals: SQLite binds a Decimal as text, which compares above any number
        "batas": float(pemda.kritis_batas_rencana),
        "awal": float(pemda.kritis_deviasi_awal),
        "akhir": float(pemda.kritis_deviasi_akhir),
    }


def reference(ta, bulan: int, ta_lalu=None) -> dict:
    """The dashboard's money and physical figures from the raw rows: per OPD this month, per
    kecamatan, and per OPD last year (three statements)."""
    from django.db import connection

    out = {}
    with connection.cursor() as cursor:
        cursor.execute(PER_OPD, _params(ta, bulan))
        out["opd"] = {r[0]: dict(zip(FIELDS, r[1:], strict=True)) for r in cursor.fetchall()}
        cursor.execute(PER_KECAMATAN, _params(ta, bulan))
        out["kecamatan"] = {r[0]: r[1:] for r in cursor.fetchall()}
        if ta_lalu is not None:
            cursor.execute(PER_OPD, _params(ta_lalu, bulan))
            out["lalu"] = {r[0]: dict(zip(FIELDS, r[1:], strict=True)) for r in cursor.fetchall()}
    return out


ROLLUP = [  # what the page reads, as plain statements over the roll-up tables
    """SELECT opd_id, pagu, pagu_murni, realisasi, pagu_rencana, rencana_kas, fisik_x_pagu,
              fisik_x_pagu_rencana, target_fisik_x_pagu, jumlah_sub, dilaporkan, kritis,
              uang_tanpa_fisik, melebihi_pagu
       FROM evaluation_ringkasanopd
       WHERE tahun_anggaran_id = %(ta)s AND dasar = 'terverifikasi' AND bulan = %(bulan)s""",
    """SELECT opd_id, SUM(capaian), COUNT(capaian) FROM evaluation_ringkasanindikator
       WHERE tahun_anggaran_id = %(ta)s AND dasar = 'terverifikasi' AND triwulan = %(tw)s
       GROUP BY opd_id""",
    """SELECT SUM(CASE WHEN capaian >= 91 THEN 1 ELSE 0 END),
              SUM(CASE WHEN capaian >= 76 AND capaian < 91 THEN 1 ELSE 0 END),
              SUM(CASE WHEN capaian >= 66 AND capaian < 76 THEN 1 ELSE 0 END),
              SUM(CASE WHEN capaian >= 51 AND capaian < 66 THEN 1 ELSE 0 END),
              SUM(CASE WHEN capaian < 51 THEN 1 ELSE 0 END), COUNT(*)
       FROM evaluation_ringkasanindikator
       WHERE tahun_anggaran_id = %(ta)s AND dasar = 'terverifikasi' AND triwulan = %(tw)s""",
    """SELECT tahun_anggaran_id, bulan, SUM(pagu), SUM(realisasi), SUM(pagu_rencana),
              SUM(rencana_kas), SUM(fisik_x_pagu), SUM(target_fisik_x_pagu)
       FROM evaluation_ringkasanopd
       WHERE tahun_anggaran_id IN (%(ta)s, %(ta_lalu)s) AND dasar = 'terverifikasi'
       GROUP BY tahun_anggaran_id, bulan""",
    """SELECT r.sub_kegiatan_id, s.nama, r.fisik, r.target_fisik FROM evaluation_ringkasansubkegiatan r
       JOIN planning_subkegiatan s ON s.id = r.sub_kegiatan_id
       WHERE r.tahun_anggaran_id = %(ta)s AND r.dasar = 'terverifikasi' AND r.bulan = %(bulan)s
         AND (r.status_fisik = 'kritis' OR r.uang_tanpa_fisik OR r.melebihi_pagu)
       ORDER BY r.fisik - r.target_fisik LIMIT 20""",
    """SELECT s.kecamatan_id, COUNT(*), SUM(r.pagu), SUM(r.realisasi),
              SUM(CASE WHEN r.status_fisik = 'kritis' THEN 1 ELSE 0 END)
       FROM evaluation_ringkasansubkegiatan r JOIN planning_subkegiatan s ON s.id = r.sub_kegiatan_id
       WHERE r.tahun_anggaran_id = %(ta)s AND r.dasar = 'terverifikasi' AND r.bulan = %(bulan)s
         AND s.kecamatan_id IS NOT NULL GROUP BY s.kecamatan_id""",
]


def rollup_reference(ta, bulan: int, triwulan: int, ta_lalu=None) -> int:
    """Reference (b): read the dashboard's figures straight from the roll-up tables."""
    from django.db import connection

    params = {"ta": ta.pk, "bulan": bulan, "tw": triwulan, "ta_lalu": ta_lalu.pk if ta_lalu else 0}
    rows = 0
    with connection.cursor() as cursor:
        for sql in ROLLUP:
            cursor.execute(sql, params)
            rows += len(cursor.fetchall())
    return rows


def close(a, b) -> bool:
    """Equal to the cent / to 1e-4 of a percentage point (SQLite sums decimals as floats)."""
    a, b = Decimal(str(a or 0)), Decimal(str(b or 0))
    return abs(a - b) <= max(Decimal("0.01"), abs(b) * Decimal("1e-12"))


def verify(board, ref: dict, peta: dict) -> None:
    """Every money and physical figure of the dashboard equals the reference from the raw rows:
    the OPD table, the S-curve's month, the kecamatan table and last year's totals."""
    for row in board.opd_rows:
        p, r = row.progress, ref["opd"].get(row.opd.pk)
        if r is None:
            assert p.jumlah_sub == 0, row.opd
            continue
        got = {f: getattr(p, f, None) for f in FIELDS if f != "kritis"} | {"kritis": row.kritis}
        for name in FIELDS:
            assert close(got[name], r[name]), (row.opd.singkatan, name, got[name], r[name])
    curve = board.kurva  # the S-curve's point for the month is the pemda total
    i = curve["bulan"].index(board.bulan)
    pagu = sum(r["pagu"] for r in ref["opd"].values())
    realisasi = sum(r["realisasi"] for r in ref["opd"].values())
    assert close(curve["keuangan"][i], round(float(realisasi) * 100 / float(pagu), 2))
    by_name = {k["sub_kegiatan__kecamatan__kode"]: k for k in peta["kecamatan"]}
    assert len(by_name) == len(ref["kecamatan"])
    from pantau.organisations.models import Wilayah

    codes = dict(Wilayah.objects.filter(pk__in=ref["kecamatan"]).values_list("pk", "kode"))
    for kec_id, (jumlah, pagu, realisasi, kritis) in ref["kecamatan"].items():
        got = by_name[codes[kec_id]]
        assert got["jumlah"] == jumlah and got["kritis"] == kritis, codes[kec_id]
        assert close(got["pagu"], pagu) and close(got["realisasi"], realisasi), codes[kec_id]
    if "lalu" in ref:
        assert close(board.tahun_lalu.realisasi, sum(r["realisasi"] for r in ref["lalu"].values()))
        assert close(board.tahun_lalu.pagu, sum(r["pagu"] for r in ref["lalu"].values()))


def timed(fn, repeat: int) -> float:
    fn()
    fn()  # warm caches (templates, category table, database pages)
    samples = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--scale", required=True)
    parser.add_argument("--pemda", type=int, required=True)
    parser.add_argument("--years", type=int, default=1)
    parser.add_argument("--repeat", type=int, default=15)
    args = parser.parse_args()
    _django.setup()
    from django.conf import settings
    from django.contrib.auth import get_user_model
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from scale import TODAY

    from pantau.demo.scale import build_scale
    from pantau.evaluation.selectors import dashboard_for, ketepatan_opd, peta
    from pantau.planning.models import TahunAnggaran

    settings.ALLOWED_HOSTS = ["*"]
    call_command("migrate", verbosity=0)
    start = time.perf_counter()
    pemdas = build_scale(pemda=args.pemda, years=args.years, today=TODAY, log=lambda m: None)
    built = time.perf_counter() - start
    pemda = pemdas[0]
    ta = TahunAnggaran.objects.select_related("pemda").get(pemda=pemda, tahun=TODAY.year)
    bulan = 10
    user = get_user_model().objects.get(username=f"pimpinan.{pemda.kode}")
    client = Client()
    _django.sign_in(client, user)
    url = f"/dasbor/?tahun={ta.tahun}&periode={bulan}"

    def page():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    ta_lalu = TahunAnggaran.objects.filter(pemda=pemda, tahun=TODAY.year - 1).first()
    ref = reference(ta, bulan, ta_lalu)
    _, ketepatan = ketepatan_opd(user=user, tahun_anggaran=ta)
    board = dashboard_for(
        user=user, tahun_anggaran=ta, bulan=bulan, ketepatan=ketepatan, tahun_lalu=ta_lalu
    )
    verify(board, ref, peta(user=user, tahun_anggaran=ta, bulan=bulan))
    assert pemda.nama.encode() in page().content
    with CaptureQueriesContext(connection) as queries:
        page()
    server = timed(page, args.repeat)
    sql = timed(lambda: reference(ta, bulan, ta_lalu), args.repeat)
    assert rollup_reference(ta, bulan, board.triwulan, ta_lalu) > 0
    rolled = timed(lambda: rollup_reference(ta, bulan, board.triwulan, ta_lalu), args.repeat)
    from django.db.models import Count

    from pantau.monitoring.models import Realisasi

    realisasi_rows = Realisasi.objects.aggregate(n=Count("id"))["n"]
    print(
        json.dumps(
            {
                "benchmark": "B1",
                "database": connection.vendor,
                "scale": args.scale,
                "pemda": args.pemda,
                "realisasi_rows": realisasi_rows,
                "sub_kegiatan": board.total.jumlah_sub,
                "server_ms": round(server * 1000, 2),
                "reference_ms": round(sql * 1000, 2),
                "ratio": round(server / sql, 2),
                "rollup_sql_ms": round(rolled * 1000, 2),
                "ratio_rollup_sql": round(server / rolled, 2),
                "queries": len(queries.captured_queries),
                "build_s": round(built),
            }
        )
    )


if __name__ == "__main__":
    main()
