"""The public portal (no login): landing page, OPD pages, development activities with their
progress and public photos, the dataset catalogue and dataset pages with downloads, the
publication log and the sitemap. Reads only through `pantau.opendata.public`."""

from __future__ import annotations

import io
import json
import re
from decimal import Decimal

from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from pantau.core.dbrouter import replica_readable
from pantau.core.numbers import int_param
from pantau.core.storage import open_private
from pantau.opendata import ckan, dcat, metadata, public
from pantau.opendata.api import base_url
from pantau.opendata.ids import resource_id
from pantau.opendata.ratelimit import limited

BULAN_PENDEK = ["Jan", "Feb", "Mar", "Apr", "Mei", "Jun", "Jul", "Agu", "Sep", "Okt", "Nov", "Des"]


def _pemda(request):
    pemda = public.catalogue_pemda(request.get_host())
    if pemda is None:
        raise Http404
    return pemda


def _year(request, pemda) -> tuple[int | None, list[int]]:
    years = public.years(pemda)
    tahun = int_param(request.GET.get("tahun"))
    if tahun not in years:
        tahun = years[0] if years else None
    return tahun, years


@replica_readable
@require_GET
def beranda(request):
    pemda = _pemda(request)
    tahun, years = _year(request, pemda)
    organisations = list(public.organisations(pemda).order_by("kode"))
    return render(
        request,
        "opendata/beranda.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "years": years,
            "ringkasan": public.headline(pemda, tahun) if tahun else None,
            "opds": organisations,
            "terbaru": list(public.publication_log(pemda, 5)),
            "jumlah_dataset": public.datasets(pemda).count(),
        },
    )


@replica_readable
@require_GET
def opd_page(request, kode: str):
    pemda = _pemda(request)
    opd = public.opd(pemda, kode)
    if opd is None:
        raise Http404
    tahun, years = _year(request, pemda)
    activities = public.activities(pemda, tahun, opd_id=opd.pk) if tahun else []
    base = base_url(request)
    datasets = [
        p for p in ckan.catalogue(pemda, base) if p["organization"]["name"] == ckan.opd_name(opd)
    ]
    return render(
        request,
        "opendata/opd.html",
        {
            "pemda": pemda,
            "opd": opd,
            "tahun": tahun,
            "years": years,
            "kegiatan": list(activities[:200]) if tahun else [],
            "datasets": datasets,
        },
    )


@replica_readable
@require_GET
def kegiatan_list(request):
    pemda = _pemda(request)
    tahun, years = _year(request, pemda)
    kecamatan = request.GET.get("kecamatan", "")[:20]
    q = request.GET.get("q", "").strip()[:100]
    rows = public.activities(pemda, tahun, kecamatan=kecamatan or None) if tahun else None
    if rows is not None and q:
        rows = rows.filter(nama__icontains=q)
    page = Paginator(rows if rows is not None else [], 30).get_page(request.GET.get("halaman"))
    markers = []
    if rows is not None:
        for sub in rows.exclude(latitude__isnull=True)[:2000]:
            markers.append(
                {
                    "nama": sub.nama,
                    "lat": float(sub.latitude),
                    "lng": float(sub.longitude),
                    "fisik": None if sub.fisik is None else float(sub.fisik),
                    "url": reverse("opendata:kegiatan", args=[sub.pk]),
                }
            )
    return render(
        request,
        "opendata/kegiatan_list.html",
        {
            "pemda": pemda,
            "tahun": tahun,
            "years": years,
            "kecamatan": kecamatan,
            "kecamatan_list": list(public.kecamatan_list(pemda)),
            "q": q,
            "page": page,
            "peta": {"pulau": public.islands(pemda), "titik": markers},
        },
    )


@replica_readable
@require_GET
def kegiatan_detail(request, pk: int):
    pemda = _pemda(request)
    sub = public.activity(pemda, pk)
    if sub is None:
        raise Http404
    history = [
        {"bulan": BULAN_PENDEK[b - 1], "keuangan": k, "fisik": f}
        for b, k, f in public.progress_history(sub)
    ]
    pagu = sub.pagu_for(sub.tahun_anggaran.tahap)  # a pagu cut to Rp 0 is Rp 0
    return render(
        request,
        "opendata/kegiatan_detail.html",
        {
            "pemda": pemda,
            "sub": sub,
            "pagu": pagu,
            "persen_keuangan": (sub.realisasi or Decimal(0)) * 100 / pagu if pagu else None,
            "riwayat": history,
            "foto": list(public.photos(sub)),
            "indikator": [
                (i, ", ".join(BULAN_PENDEK[m - 1] for m in i.bulan)) for i in public.indicators(sub)
            ],
        },
    )


@replica_readable
@require_GET
@cache_control(public=True, max_age=300)  # a reclassified photo leaves caches within minutes
def foto(request, pk: int):
    pemda = _pemda(request)
    bukti = public.photo(pemda, pk)
    if bukti is None:
        raise Http404
    try:
        path = open_private(bukti.salinan_publik)
    except FileNotFoundError as exc:
        raise Http404 from exc
    return FileResponse(path.open("rb"), content_type="image/jpeg")


FORMAT_LABEL = {"csv": "CSV", "xlsx": "XLSX", "json": "JSON"}


@replica_readable
@require_GET
def dataset_list(request):
    pemda = _pemda(request)
    base = base_url(request)
    pkgs = ckan.catalogue(pemda, base)
    q = request.GET.get("q", "").strip()[:200]
    chosen = {k: request.GET.get(k, "") for k in ("opd", "topik", "tahun", "format")}
    words = [w.lower() for w in q.split()]

    def keep(p, skip=None):
        if words and not all(w in p["_search"] for w in words):
            return False
        if skip != "opd" and chosen["opd"] and p["organization"]["name"] != chosen["opd"]:
            return False
        if (
            skip != "topik"
            and chosen["topik"]
            and chosen["topik"] not in [g["name"] for g in p["groups"]]
        ):
            return False
        if skip != "tahun" and chosen["tahun"] and _extra(p, "tahun_anggaran") != chosen["tahun"]:
            return False
        return not (
            skip != "format"
            and chosen["format"]
            and chosen["format"] not in [r["format"] for r in p["resources"]]
        )

    results = sorted((p for p in pkgs if keep(p)), key=lambda p: p["title"].lower())
    facets = {
        "opd": _facet(
            (p for p in pkgs if keep(p, "opd")),
            lambda p: [(p["organization"]["name"], p["organization"]["title"])],
        ),
        "topik": _facet(
            (p for p in pkgs if keep(p, "topik")),
            lambda p: [(g["name"], g["title"]) for g in p["groups"]],
        ),
        "tahun": _facet(
            (p for p in pkgs if keep(p, "tahun")),
            lambda p: [(_extra(p, "tahun_anggaran"),) * 2] if _extra(p, "tahun_anggaran") else [],
        ),
        "format": _facet(
            (p for p in pkgs if keep(p, "format")),
            lambda p: [(r["format"], r["format"]) for r in p["resources"]],
        ),
    }
    page = Paginator(results, 20).get_page(request.GET.get("halaman"))
    return render(
        request,
        "opendata/dataset_list.html",
        {
            "pemda": pemda,
            "page": page,
            "q": q,
            "chosen": chosen,
            "facets": facets,
            "count": len(results),
        },
    )


def _extra(pkg: dict, key: str) -> str:
    return next((e["value"] for e in pkg["extras"] if e["key"] == key), "")


def _facet(pkgs, values) -> list[tuple[str, str, int]]:
    counts: dict[str, list] = {}
    for p in pkgs:
        for name, title in set(values(p)):
            counts.setdefault(name, [title, 0])[1] += 1
    return sorted(((n, t, c) for n, (t, c) in counts.items()), key=lambda x: (-x[2], x[1]))


@replica_readable
@require_GET
def dataset_detail(request, nama: str):
    pemda = _pemda(request)
    ds = public.dataset(pemda, nama)
    if ds is None:
        raise Http404
    base = base_url(request)
    pkg = ckan.package_dict(base, ds)
    fields = ds.versi_terbit.skema.get("fields", [])
    preview = [data for _n, data in public.records(ds, limit=20)]
    return render(
        request,
        "opendata/dataset_detail.html",
        {
            "pemda": pemda,
            "ds": ds,
            "pkg": pkg,
            "fields": fields,
            "preview": [[row.get(f["name"]) for f in fields] for row in preview],
            "chart": _chart(fields, preview),
            "jsonld": metadata.schema_org(base, ds, pkg),
            "rdf": [(f"{base}/dataset/{ds.uid}.{f}", m) for f, (_n, m) in dcat.FORMATS.items()],
            "api": f"{base}/api/3/action/package_show?id={ds.nama}",
            "datastore": f"{base}/api/3/action/datastore_search?resource_id="
            f"{resource_id(ds.uid, 'csv')}",
        },
    )


NOT_A_MEASURE = {
    "lintang",
    "bujur",
    "latitude",
    "longitude",
    "lat",
    "lng",
    "tahun",
    "bulan",
    "nomor",
    "no",
    "id",
    "urutan",
}


def _chart(fields: list[dict], rows: list[dict]) -> dict | None:
    """Bars of the dataset's measure against its label (first 20 rows), drawn as plain HTML,
    readable without JavaScript and by screen readers. The label is the first text column that
    is not a code; the measure the last numeric column that is not a coordinate, year, month or
    row number."""
    label = next(
        (
            f["name"]
            for f in fields
            if f.get("type", "string") == "string" and not f["name"].startswith("kode")
        ),
        None,
    )
    measures = [
        f["name"]
        for f in fields
        if f.get("type") in ("number", "integer") and f["name"] not in NOT_A_MEASURE
    ]
    if label is None or not measures:
        return None
    value = measures[-1]
    numbers = [r.get(value) for r in rows if isinstance(r.get(value), int | float)]
    top = max((abs(n) for n in numbers), default=0)
    if not top:
        return None
    titles = {f["name"]: f.get("title") or f["name"].replace("_", " ") for f in fields}
    return {
        "label": label,
        "value": value,
        "label_title": titles[label],
        "value_title": titles[value],
        "bars": [
            {
                "label": r.get(label),
                "value": r.get(value),
                "width": round(abs(r.get(value)) * 100 / top, 1),
            }
            for r in rows
            if isinstance(r.get(value), int | float)
        ],
    }


@replica_readable
@require_GET
@limited
def download(request, nama: str, rid: str, filename: str):
    pemda = _pemda(request)
    found = public.dataset_by_resource(pemda, str(rid))
    if found is None or found[0].nama != nama:
        raise Http404
    ds, fmt = found
    fields = [f["name"] for f in ds.versi_terbit.skema.get("fields", [])]
    records = (data for _n, data in public.records(ds))
    if fmt == "csv":
        response = HttpResponse(public.csv_download(ds), content_type="text/csv; charset=utf-8")
    elif fmt == "xlsx":
        from openpyxl import Workbook
        from openpyxl.cell import WriteOnlyCell

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title=ds.nama[:31])
        sheet.append(fields)

        def cell(value):
            # text is written as text: "=HYPERLINK(...)" from a dataset must never become a formula
            if isinstance(value, str):
                c = WriteOnlyCell(sheet, value=None)
                c.value, c.data_type = value, "s"
                return c
            return value

        for r in records:
            sheet.append([cell(r.get(f)) for f in fields])
        out = io.BytesIO()
        book.save(out)
        response = HttpResponse(
            out.getvalue(),
            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )
    else:
        response = HttpResponse(
            json.dumps(
                {"fields": ds.versi_terbit.skema.get("fields", []), "records": list(records)},
                ensure_ascii=False,
            ),
            content_type="application/json; charset=utf-8",
        )
    safe = re.sub(r"[^a-z0-9_.-]", "", f"{ds.nama}.{fmt}")
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    response["Cache-Control"] = "public, max-age=300"
    return response


@replica_readable
@require_GET
@limited
def datapackage(request, nama: str):
    pemda = _pemda(request)
    ds = public.dataset(pemda, nama)
    if ds is None:
        raise Http404
    return JsonResponse(
        metadata.datapackage(base_url(request), ds), json_dumps_params={"ensure_ascii": False}
    )


@replica_readable
@require_GET
def publikasi(request):
    pemda = _pemda(request)
    return render(
        request,
        "opendata/publikasi.html",
        {"pemda": pemda, "log": list(public.publication_log(pemda, 500))},
    )


@replica_readable
@require_GET
def sitemap(request):
    pemda = _pemda(request)
    base = base_url(request)
    urls = [
        reverse("opendata:beranda"),
        reverse("opendata:dataset-list"),
        reverse("opendata:kegiatan-list"),
        reverse("opendata:publikasi"),
    ]
    urls += [reverse("opendata:opd", args=[o.kode]) for o in public.organisations(pemda)]
    pkgs = ckan.catalogue(pemda, base)
    # lastmod (W3C datetime, UTC) where Pantau knows it: each dataset page and the catalogue list
    lastmod = {reverse("opendata:dataset", args=[p["name"]]): p["metadata_modified"] for p in pkgs}
    if pkgs:
        lastmod[reverse("opendata:dataset-list")] = max(p["metadata_modified"] for p in pkgs)
    urls += [reverse("opendata:dataset", args=[p["name"]]) for p in pkgs]
    tahun, _years = _year(request, pemda)
    if tahun:
        urls += [reverse("opendata:kegiatan", args=[s.pk]) for s in public.activities(pemda, tahun)]
    body = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">',
    ]
    for u in urls:
        stamp = f"<lastmod>{lastmod[u].split('.')[0]}+00:00</lastmod>" if u in lastmod else ""
        body.append(f"<url><loc>{base}{u}</loc>{stamp}</url>")
    body.append("</urlset>")
    return HttpResponse("\n".join(body), content_type="application/xml")


@replica_readable
@require_GET
@limited
def catalog_rdf(request, fmt: str):
    """The DCAT catalogue, one page of 100 datasets with Hydra paging."""
    if fmt not in dcat.FORMATS:
        raise Http404
    pemda = _pemda(request)
    base = base_url(request)
    try:
        graph = dcat.catalogue_graph(
            pemda=pemda, base=base, pkgs=ckan.catalogue(pemda, base), params=request.GET, fmt=fmt
        )
    except dcat.BadRequestError as exc:
        return HttpResponse(str(exc), status=400, content_type="text/plain; charset=utf-8")
    body, media = dcat.serialise(graph, fmt)
    response = HttpResponse(body, content_type=f"{media}; charset=utf-8")
    response["Cache-Control"] = "public, max-age=300"
    return response


@replica_readable
@require_GET
@limited
def dataset_rdf(request, key: str, fmt: str):
    if fmt not in dcat.FORMATS:
        raise Http404
    pemda = _pemda(request)
    base = base_url(request)
    pkg = next((p for p in ckan.catalogue(pemda, base) if key in (p["id"], p["name"])), None)
    if pkg is None:
        raise Http404
    body, media = dcat.serialise(dcat.dataset_graph(base=base, pkg=pkg), fmt)
    return HttpResponse(body, content_type=f"{media}; charset=utf-8")
