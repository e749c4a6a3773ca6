"""Satu Data management screens: the Produsen Data (OPD) creates datasets and uploads versions;
the Walidata (Diskominfo) reviews, publishes, returns and withdraws. Views stay thin: reads go
through `opendata.selectors`, writes through `opendata.services`."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pantau.core.classification import Klasifikasi
from pantau.core.errors import error_messages
from pantau.core.forms import add_service_errors
from pantau.core.numbers import int_param
from pantau.core.uploads import refused_message
from pantau.opendata import selectors, services, services_tabel, skema
from pantau.opendata.forms import (
    META,
    DatasetForm,
    KlasifikasiForm,
    PublishForm,
    ReturnForm,
    SkemaForm,
    UploadForm,
    WithdrawForm,
)
from pantau.opendata.models import StatusDataset
from pantau.organisations.access import access_opd
from pantau.organisations.selectors import opd_list_for_user


def _fail(request, exc) -> None:
    for message in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


@login_required
def daftar(request):
    status = request.GET.get("status", "")
    if status not in StatusDataset.values:
        status = ""
    rows = selectors.dataset_list(user=request.user, status=status or None)
    return render(
        request,
        "opendata/kelola_daftar.html",
        {
            "rows": rows,
            "status": status,
            "statuses": StatusDataset.choices,
            "opds": opd_list_for_user(user=request.user),
        },
    )


@login_required
def baru(request):
    opds = list(opd_list_for_user(user=request.user))
    if not opds:
        raise Http404
    opd_id = int_param(request.POST.get("opd") or request.GET.get("opd"))
    opd = access_opd(request.user, opd_id) if opd_id else opds[0]
    form = DatasetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            ds = services.dataset_create(
                actor=request.user,
                opd=opd,
                nama=data["nama"],
                topik=data["topik"],
                **{k: data[k] for k in META if k in data},
            )
        except PermissionDenied as exc:
            _fail(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Dataset dibuat. Unggah datanya."))
            return redirect("opendata-kelola:detail", ds.pk)
    return render(
        request,
        "opendata/kelola_form.html",
        {"form": form, "opd": opd, "opds": opds},
        status=422 if form.errors else 200,
    )


@login_required
def ubah(request, pk: int):
    ds = selectors.dataset_for(user=request.user, pk=pk)
    form = DatasetForm(
        request.POST or None, instance=ds, edit=True, initial={"topik": ds.topik.all()}
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.dataset_update(
                actor=request.user,
                dataset=ds,
                topik=data["topik"],
                **{k: data[k] for k in META if k in data},
            )
        except PermissionDenied as exc:
            _fail(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Metadata disimpan."))
            return redirect("opendata-kelola:detail", ds.pk)
    return render(
        request,
        "opendata/kelola_form.html",
        {"form": form, "ds": ds, "opd": ds.opd},
        status=422 if form.errors else 200,
    )


def _detail(request, ds, **extra):
    versions = list(selectors.versions(ds))
    latest = versions[0] if versions else None
    return render(
        request,
        "opendata/kelola_detail.html",
        {
            "ds": ds,
            "versions": versions,
            "latest": latest,
            "preview": selectors.preview(latest) if latest else [],
            "history": selectors.history(ds),
            "kolom": selectors.table_columns(ds, latest),
            "cocok": latest is None
            or bool(ds.sumber_sistem)
            or skema.matches(ds.skema, latest.skema),
            "upload": UploadForm(),
            "publish": PublishForm(versi=latest, dataset=ds),
            "kembalikan": ReturnForm(),
            "tarik": WithdrawForm(),
            "produsen": services.is_produsen(request.user, ds.opd),
            "walidata": services.is_walidata(request.user, ds.opd.pemda),
            "kurang": services.missing_metadata(ds),
            **extra,
        },
    )


def _errors(exc) -> list[str]:
    return error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]


@login_required
def detail(request, pk: int):
    return _detail(request, selectors.dataset_for(user=request.user, pk=pk))


@login_required
@require_POST
def unggah(request, pk: int):
    """A file for the dataset: checked against the declared schema and stored as a version, or,
    while no schema is declared, kept to propose one (the schema screen follows). Problems are
    listed next to the upload form, all at once, and nothing is stored."""
    ds = selectors.dataset_for(user=request.user, pk=pk)
    refused = refused_message(request)
    if refused:
        return _detail(request, ds, upload_errors=[refused])
    form = UploadForm(request.POST, request.FILES)
    if not form.is_valid():
        return _detail(request, ds, upload_errors=[_("Pilih berkas CSV atau XLSX.")])
    upload = form.cleaned_data["berkas"]
    if upload.size > settings.OPENDATA_MAX_UPLOAD_MB * 1024 * 1024:  # refused before reading
        return _detail(
            request,
            ds,
            upload_errors=[
                _("Berkas terlalu besar (maksimum %(n)s MB).")
                % {"n": settings.OPENDATA_MAX_UPLOAD_MB}
            ],
        )
    args = {
        "actor": request.user,
        "dataset": ds,
        "content": upload.read(),
        "filename": upload.name,
        "catatan": form.cleaned_data["catatan"],
    }
    try:
        if not ds.skema and not ds.sumber_sistem:
            services_tabel.skema_propose(**args)
            messages.success(
                request, _("Berkas diterima. Periksa skema tabel yang diusulkan, lalu simpan.")
            )
            return redirect("opendata-kelola:skema", ds.pk)
        versi = services_tabel.versi_upload(**args)
    except (ValidationError, PermissionDenied) as exc:
        return _detail(request, ds, upload_errors=_errors(exc))
    messages.success(
        request,
        _("Versi %(n)s tersimpan: %(r)s baris.") % {"n": versi.nomor, "r": versi.jumlah_baris},
    )
    return redirect("opendata-kelola:detail", ds.pk)


@login_required
def skema_tabel(request, pk: int):
    """The producer's schema screen: confirm or correct the schema proposed from the first file
    (the file is then checked against it), correct a declared schema, reset it while the
    dataset was never published, or drop the waiting upload."""
    ds = selectors.dataset_for(user=request.user, pk=pk)
    if ds.sumber_sistem or not services.is_produsen(request.user, ds.opd):
        raise Http404
    terbit = services_tabel.published_once(ds)
    kolom = selectors.skema_columns(ds)
    if not kolom:  # nothing declared and no file waiting: the schema comes from a file
        messages.info(request, _("Unggah berkas untuk mendapat usulan skema tabel."))
        return redirect("opendata-kelola:detail", ds.pk)
    form = SkemaForm(request.POST or None, kolom=kolom, terbit=terbit)
    errors, saved = [], False
    if request.method == "POST":
        aksi = request.POST.get("aksi", "simpan")
        try:
            if aksi == "atur-ulang":
                services_tabel.skema_reset(actor=request.user, dataset=ds)
                messages.success(
                    request,
                    _("Skema diatur ulang. Unggah berkas untuk mendapat usulan skema baru."),
                )
                return redirect("opendata-kelola:detail", ds.pk)
            if aksi == "batal":
                services_tabel.unggahan_cancel(actor=request.user, dataset=ds)
                messages.success(request, _("Unggahan dibatalkan; berkasnya dihapus."))
                return redirect("opendata-kelola:detail", ds.pk)
            if not form.is_valid():
                raise ValidationError(_("Periksa isian skema yang ditandai."))
            services_tabel.skema_set(actor=request.user, dataset=ds, fields=form.declared())
            saved = True
            if ds.unggahan_tertunda:
                versi = services_tabel.unggahan_accept(actor=request.user, dataset=ds)
                messages.success(
                    request,
                    _("Skema disimpan. Versi %(n)s tersimpan: %(r)s baris.")
                    % {"n": versi.nomor, "r": versi.jumlah_baris},
                )
            else:
                messages.success(request, _("Skema disimpan."))
            return redirect("opendata-kelola:detail", ds.pk)
        except (ValidationError, PermissionDenied) as exc:
            errors = _errors(exc)
        if saved:  # the schema stands and the file broke it: show the schema as saved
            ds = selectors.dataset_for(user=request.user, pk=pk)
            form = SkemaForm(kolom=selectors.skema_columns(ds), terbit=terbit)
    return render(
        request,
        "opendata/kelola_skema.html",
        {
            "ds": ds,
            "form": form,
            "terbit": terbit,
            "tertunda": ds.unggahan_tertunda,
            "errors": errors,
            "saved": saved,
            "upload": UploadForm(),
        },
    )


@login_required
@require_POST
def langkah(request, pk: int, nama: str):
    """A review step: ajukan (Produsen), terbitkan / kembalikan / tarik (Walidata)."""
    ds = selectors.dataset_for(user=request.user, pk=pk)
    try:
        if nama == "ajukan":
            services.dataset_submit(actor=request.user, dataset=ds)
            messages.success(request, _("Dataset diajukan ke walidata."))
        elif nama == "terbitkan":
            form = PublishForm(request.POST, versi=selectors.versions(ds).first())
            if not form.is_valid():
                raise ValidationError([e for errors in form.errors.values() for e in errors])
            services.dataset_publish(actor=request.user, dataset=ds, **form.cleaned_data)
            messages.success(request, _("Dataset diterbitkan."))
        elif nama == "kembalikan":
            form = ReturnForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Tuliskan apa yang harus diperbaiki."))
            services.dataset_return(actor=request.user, dataset=ds, **form.cleaned_data)
            messages.success(request, _("Dataset dikembalikan ke produsen data."))
        elif nama == "tarik":
            form = WithdrawForm(request.POST)
            if not form.is_valid():
                raise ValidationError(_("Isi klasifikasi, dasar pengecualian dan alasan."))
            services.dataset_withdraw(actor=request.user, dataset=ds, **form.cleaned_data)
            messages.success(request, _("Dataset ditarik dari publikasi."))
        else:
            raise Http404
    except (ValidationError, PermissionDenied) as exc:
        _fail(request, exc)
    return redirect("opendata-kelola:detail", ds.pk)


# ---- classification of sub kegiatan, indicators and evidence --------------------------------


def _level_args(form) -> dict:
    data = form.cleaned_data
    return {
        "klasifikasi": data["klasifikasi"],
        "kelas_kip": data["kelas_kip"],
        "dasar_pengecualian": data["dasar_pengecualian"],
        "alasan": data["alasan"],
    }


@login_required
def klasifikasi(request):
    """The Walidata's (and Bappeda verifier's) list of the year's sub kegiatan with their level;
    a selection of them can be given one level at once."""
    from pantau.planning.models import SubKegiatan
    from pantau.planning.selectors import tahun_anggaran_list, tahun_anggaran_pick

    pemda = selectors.klasifikasi_pemda(user=request.user)
    ta = tahun_anggaran_pick(user=request.user, pemda=pemda, tahun=request.GET.get("tahun"))
    if ta is None:
        raise Http404
    opd = request.GET.get("opd", "")
    level = request.GET.get("level", "")
    level = level if level in Klasifikasi.values else ""
    q = (request.GET.get("q") or "").strip()[:100]
    rows = selectors.klasifikasi_subs(
        user=request.user,
        tahun_anggaran=ta,
        opd_id=int_param(opd),
        level=level,
        q=q,
    )
    if request.method == "POST":
        form = KlasifikasiForm(request.POST)
        chosen = [n for n in map(int_param, request.POST.getlist("pilih")) if n is not None]
        pks = list(rows.filter(pk__in=chosen).values_list("pk", flat=True))
        if not pks:
            messages.error(request, _("Pilih paling sedikit satu sub kegiatan."))
        elif not form.is_valid():
            messages.error(request, _("Pilih klasifikasi."))
        else:
            try:
                n = services.klasifikasi_set_many(
                    actor=request.user, model=SubKegiatan, pks=pks, **_level_args(form)
                )
                messages.success(
                    request,
                    _("%(n)s sub kegiatan kini berklasifikasi %(level)s.")
                    % {"n": n, "level": Klasifikasi(form.cleaned_data["klasifikasi"]).label},
                )
            except (ValidationError, PermissionDenied) as exc:
                _fail(request, exc)
        return redirect(f"{request.path}?{request.GET.urlencode()}")
    page = selectors.klasifikasi_halaman(
        user=request.user, rows=rows, halaman=request.GET.get("halaman")
    )
    return render(
        request,
        "opendata/klasifikasi_daftar.html",
        {
            "pemda": pemda,
            "ta": ta,
            "years": tahun_anggaran_list(user=request.user, pemda=pemda),
            "opds": opd_list_for_user(user=request.user).filter(pemda=pemda),
            "opd": opd,
            "level": level,
            "q": q,
            "levels": Klasifikasi.choices,
            "page": page,
            "form": KlasifikasiForm(),
        },
    )


@login_required
def klasifikasi_sub(request, pk: int):
    sub, indicators, evidence = selectors.klasifikasi_sub(user=request.user, pk=pk)
    return render(
        request,
        "opendata/klasifikasi_sub.html",
        {"sub": sub, "indicators": indicators, "evidence": evidence, "form": KlasifikasiForm()},
    )


@login_required
@require_POST
def klasifikasi_ubah(request, jenis: str, pk: int):
    obj = selectors.klasifikasi_item(user=request.user, jenis=jenis, pk=pk)
    form = KlasifikasiForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Pilih klasifikasi."))
    else:
        try:
            services.klasifikasi_set(actor=request.user, obj=obj, **_level_args(form))
            messages.success(
                request,
                _("Klasifikasi %(obj)s kini %(level)s.")
                % {
                    "obj": str(obj)[:80],
                    "level": Klasifikasi(form.cleaned_data["klasifikasi"]).label,
                },
            )
        except (ValidationError, PermissionDenied) as exc:
            _fail(request, exc)
    sub_id = selectors.sub_of(obj)
    if sub_id is None:
        return redirect("opendata-kelola:klasifikasi")
    return redirect("opendata-kelola:klasifikasi-sub", sub_id)
