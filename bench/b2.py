"""B2: the public open-data JSON listing against Datasette on the same SQLite file.

One public dataset of 20,000 rows is published through the services into an SQLite database.
Pantau (gunicorn, N worker processes) answers `datastore_search` with a filter, 100 rows a page;
Datasette (uvicorn, the same N worker processes, immutable mode) answers the same SQL over the
same table. Before any timing, every page is fetched from both and the rows compared. Then C
client threads call each server for D seconds over the same 24 URLs (8 filter values x 3 pages);
throughput = successful responses per second, every response checked (status and row count).
Pantau is measured twice: with its API cache disabled (every call computed) and as configured.

Prints one JSON line per measurement. Run by bench/run.py.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path
from urllib.parse import urlencode

import _django
import requests

HERE = Path(__file__).resolve().parent
KECAMATAN = [
    "Wangi-Wangi",
    "Wangi-Wangi Selatan",
    "Kaledupa",
    "Kaledupa Selatan",
    "Tomia",
    "Tomia Timur",
    "Binongko",
    "Togo Binongko",
]
ROWS = 20_000
SQL = (
    "select nomor, data from opendata_barisdata where versi_id = :v "
    "and json_extract(data, '$.kecamatan') = :k order by nomor limit 100 offset :o"
)


def build(data_dir: Path) -> dict:
    """The database and its public dataset (once); returns the ids the URLs need."""
    os.environ["PANTAU_DATA_DIR"] = str(data_dir)
    os.environ["DATABASE_URL"] = ""
    _django.setup()
    import datetime as dt

    from django.core.management import call_command

    from pantau.demo import plan as P  # noqa: N812
    from pantau.opendata import services as od
    from pantau.opendata import services_tabel
    from pantau.opendata.ids import resource_id
    from pantau.opendata.models import Dataset
    from pantau.organisations.choices import JenisOpd
    from pantau.organisations.services import opd_create, pemda_update, wilayah_load

    call_command("migrate", verbosity=0)
    ds = Dataset.objects.filter(nama="kunjungan-layanan-b2").first()
    if ds is None:
        pemda = wilayah_load(
            actor=None, path=P.DATA / "wakatobi_wilayah_kepmendagri_2025.csv", sumber="bench"
        ).pemda
        pemda_update(actor=None, pemda=pemda, walidata_email="data@wakatobi.example")
        opd = opd_create(
            actor=None,
            pemda=pemda,
            kode="1.02.0.00.0.00.01.0000",
            nama="Dinas Kesehatan",
            singkatan="Dinkes",
            jenis=JenisOpd.DINAS,
            bidang_urusan="1.02",
        )
        ds = od.dataset_create(
            actor=None,
            opd=opd,
            nama="kunjungan-layanan-b2",
            judul="Kunjungan layanan (B2)",
            deskripsi="Data sintetis untuk benchmark B2.",
            frekuensi="bulanan",
            periode_awal=dt.date(2025, 1, 1),
            periode_akhir=dt.date(2025, 12, 31),
        )
        lines = ["nomor,kecamatan,bulan,layanan,jumlah,biaya"]
        for i in range(ROWS):
            lines.append(
                f"{i + 1},{KECAMATAN[i % 8]},{i % 12 + 1},layanan {i % 37},{(i * 7919) % 500},"
                f"{((i * 104729) % 1_000_000) / 100:.2f}"
            )
        services_tabel.versi_upload(
            actor=None,
            dataset=ds,
            content="\n".join(lines).encode(),
            filename="b2.csv",
            terima_usulan=True,
        )
        od.dataset_submit(actor=None, dataset=ds)
        ds = od.dataset_publish(actor=None, dataset=ds, kelas_kip="berkala")
    from django.db import connection

    connection.close()
    return {"resource": resource_id(ds.uid, "csv"), "versi": ds.versi_terbit_id}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait(url: str) -> None:
    for _ in range(200):
        try:
            if requests.get(url, timeout=2).status_code < 500:
                return
        except requests.RequestException:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"server did not start: {url}")


def start(cmd: list[str], env: dict) -> subprocess.Popen:
    return subprocess.Popen(
        cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True
    )


def stop(proc: subprocess.Popen) -> None:
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=20)


def pantau_urls(base: str, ids: dict) -> list[str]:
    return [
        f"{base}/api/3/action/datastore_search?"
        + urlencode(
            {
                "resource_id": ids["resource"],
                "limit": 100,
                "offset": o,
                "filters": json.dumps({"kecamatan": k}),
            }
        )
        for k in KECAMATAN
        for o in (0, 100, 200)
    ]


def datasette_urls(base: str, ids: dict) -> list[str]:
    return [
        f"{base}/pantau.json?"
        + urlencode({"sql": SQL, "v": ids["versi"], "k": k, "o": o, "_shape": "objects"})
        for k in KECAMATAN
        for o in (0, 100, 200)
    ]


def pantau_rows(body: dict) -> list:
    return [
        (r["_id"], {k: v for k, v in r.items() if k != "_id"}) for r in body["result"]["records"]
    ]


def datasette_rows(body: dict) -> list:
    return [(r["nomor"], json.loads(r["data"])) for r in body["rows"]]


def load(urls: list[str], rows_of, clients: int, seconds: float) -> dict:
    done, errors, lock = [0], [], threading.Lock()
    end = time.monotonic() + seconds

    def worker(offset: int) -> None:
        session = requests.Session()
        i = offset
        while time.monotonic() < end:
            url = urls[i % len(urls)]
            i += 1
            try:
                r = session.get(url, timeout=30)
                ok = r.status_code == 200 and len(rows_of(r.json())) == 100
            except (requests.RequestException, ValueError, KeyError):
                ok = False
            with lock:
                if ok:
                    done[0] += 1
                else:
                    errors.append(url)

    threads = [threading.Thread(target=worker, args=(n * 3,)) for n in range(clients)]
    start_time = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start_time
    return {"requests": done[0], "errors": len(errors), "rps": round(done[0] / elapsed, 1)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=15)
    args = parser.parse_args()
    data_dir = HERE.parent / "var" / "bench" / "b2"
    data_dir.mkdir(parents=True, exist_ok=True)
    ids = build(data_dir)
    db = data_dir / "pantau.sqlite3"
    bin_dir = Path(sys.executable).parent
    env = {
        **os.environ,
        "PANTAU_DATA_DIR": str(data_dir),
        "DATABASE_URL": "",
        "PANTAU_DEBUG": "0",
        "SECRET_KEY": "bench-" + "x" * 60,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "PANTAU_SSL_REDIRECT": "0",  # plain HTTP on loopback, no TLS-ending proxy in front
        "PYTHONPATH": str(HERE.parent),
    }
    results = []
    ds_port = free_port()
    datasette = start(
        [
            str(bin_dir / "uvicorn"),
            "--factory",
            "b2_datasette:app",
            "--workers",
            str(args.workers),
            "--port",
            str(ds_port),
            "--log-level",
            "warning",
            "--no-access-log",
        ],
        {**env, "B2_DB": str(db), "PYTHONPATH": str(HERE)},
    )
    try:
        ds_base = f"http://127.0.0.1:{ds_port}"
        wait(ds_base + "/-/versions.json")
        for cache in ("0", "60"):
            port = free_port()
            pantau = start(
                [
                    str(bin_dir / "gunicorn"),
                    "config.wsgi:application",
                    "-w",
                    str(args.workers),
                    "-b",
                    f"127.0.0.1:{port}",
                    "--log-level",
                    "warning",
                    "--chdir",
                    str(HERE.parent),
                ],
                # all clients call from 127.0.0.1: the per-address rate limit (R6) would
                # measure itself, not the listing
                {
                    **env,
                    "PANTAU_OPENDATA_API_CACHE_SECONDS": cache,
                    "PANTAU_OPENDATA_API_RATE": "0",
                },
            )
            try:
                base = f"http://127.0.0.1:{port}"
                wait(base + "/api/3")
                ours, theirs = pantau_urls(base, ids), datasette_urls(ds_base, ids)
                for a, b in zip(ours, theirs, strict=True):  # identical rows before any timing
                    got = pantau_rows(requests.get(a, timeout=30).json())
                    ref = datasette_rows(requests.get(b, timeout=30).json())
                    assert got == ref and len(got) == 100, (a, len(got), len(ref))
                value = load(ours, pantau_rows, args.clients, args.seconds)
                reference = load(theirs, datasette_rows, args.clients, args.seconds)
                assert value["errors"] == 0 and reference["errors"] == 0, (value, reference)
                results.append(
                    {
                        "benchmark": "B2",
                        "pantau_cache_s": int(cache),
                        "workers": args.workers,
                        "clients": args.clients,
                        "rows": ROWS,
                        "pantau_rps": value["rps"],
                        "datasette_rps": reference["rps"],
                        "ratio": round(value["rps"] / reference["rps"], 2),
                    }
                )
            finally:
                stop(pantau)
    finally:
        stop(datasette)
    for r in results:
        print(json.dumps(r))


if __name__ == "__main__":
    main()
