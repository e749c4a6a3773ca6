"""The pemda admin's people and organisation screens (`/kelola/`, issue 11 §2): accounts and
OPDs, with merges and splits. Only the admin of the pemda (or a superuser) reaches them;
everyone else gets 404. Reads through selectors_kelola, writes through services_kelola."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from pantau.backup.selectors import backup_status_for
from pantau.core.errors import error_messages
from pantau.core.forms import add_service_errors
from pantau.core.numbers import int_param
from pantau.organisations import masuk
from pantau.organisations import selectors_kelola as sel
from pantau.organisations import services_akun_impor as impor
from pantau.organisations import services_faktor as svc_faktor
from pantau.organisations import services_kelola as svc
from pantau.organisations.choices import Role
from pantau.organisations.faktor import faktor_status
from pantau.organisations.forms_kelola import (
    OPD_FORM_FIELDS,
    AccountForm,
    MergeForm,
    OpdForm,
    SplitForm,
)
from pantau.organisations.selectors import kecamatan_list


def _pemda(request):
    pemda_id = int_param(request.POST.get("pemda") or request.GET.get("pemda"))
    return sel.kelola_pemda(user=request.user, pemda_id=pemda_id)


def _ctx(request, pemda, **extra):
    return {"pemda": pemda, "pemdas": sel.kelola_pemdas(user=request.user), **extra}


def _back(name, pemda, *args):
    return redirect(reverse(f"kelola:{name}", args=args) + f"?pemda={pemda.pk}")


def _refused(request, exc) -> None:
    for message in error_messages(exc) if isinstance(exc, ValidationError) else [str(exc)]:
        messages.error(request, message)


# --- accounts ---------------------------------------------------------------------------------


@login_required
def akun_list(request):
    pemda = _pemda(request)
    g = request.GET
    role = g.get("role", "") if g.get("role", "") in Role.values else ""
    aktif = g.get("aktif", "") if g.get("aktif", "") in {"1", "0"} else ""
    opd_id = int_param(g.get("opd"))
    q = g.get("q", "").strip()[:100]
    rows = sel.account_list(pemda=pemda, q=q, role=role, opd_id=opd_id, aktif=aktif)
    shown = list(rows[:500])
    return render(
        request,
        "organisations/akun_list.html",
        _ctx(
            request,
            pemda,
            rows=shown,
            terkunci=masuk.locked_usernames(usernames=[u.username for u in shown]),
            total=rows.count(),
            q=q,
            role=role,
            aktif=aktif,
            opd_id=opd_id,
            roles=Role.choices,
            opds=sel.opd_kelola_list(pemda=pemda),
            # backups are per instance: their status is for superusers only (issue 13 §3)
            cadangan=backup_status_for(request.user),
        ),
    )


@never_cache
@login_required
def akun_baru(request):
    pemda = _pemda(request)
    form = AccountForm(request.POST or None, opds=sel.opd_kelola_list(pemda=pemda, aktif="1"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            user, temp = svc.account_create(actor=request.user, pemda=pemda, **d)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            return render(
                request,
                "organisations/akun_sandi_sementara.html",
                _ctx(request, pemda, akun=user, sandi=temp, baru=True),
            )
    return render(request, "organisations/akun_form.html", _ctx(request, pemda, form=form))


@login_required
def akun_detail(request, pk: int):
    pemda = _pemda(request)
    akun = sel.access_account(pemda=pemda, pk=pk)
    m = akun.membership
    form = AccountForm(
        request.POST or None,
        opds=sel.opd_kelola_list(pemda=pemda, aktif="1"),
        edit=True,
        initial={
            "first_name": akun.first_name,
            "last_name": akun.last_name,
            "email": akun.email,
            "role": m.role,
            "opd": m.opd_id,
            "jabatan": m.jabatan,
        },
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.account_update(actor=request.user, pemda=pemda, user=akun, **form.cleaned_data)
        except PermissionDenied as exc:
            _refused(request, exc)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Akun %(u)s disimpan.") % {"u": akun.get_username()})
            return _back("akun-detail", pemda, akun.pk)
    return render(
        request,
        "organisations/akun_form.html",
        _ctx(
            request,
            pemda,
            form=form,
            akun=akun,
            profil=sel.profil_for(user=akun),
            terkunci=masuk.lockouts_for(user=akun),
            faktor=faktor_status(user=akun),
        ),
    )


@login_required
@require_POST
def akun_aktif(request, pk: int):
    pemda = _pemda(request)
    akun = sel.access_account(pemda=pemda, pk=pk)
    aktif = request.POST.get("aktif") == "1"
    try:
        svc.account_set_active(actor=request.user, pemda=pemda, user=akun, aktif=aktif)
    except (PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            (_("Akun %(u)s diaktifkan.") if aktif else _("Akun %(u)s dinonaktifkan."))
            % {"u": akun.get_username()},
        )
    return _back("akun-detail", pemda, akun.pk)


@never_cache
@login_required
@require_POST
def akun_reset_sandi(request, pk: int):
    pemda = _pemda(request)
    akun = sel.access_account(pemda=pemda, pk=pk)
    try:
        temp = svc.account_password_reset(actor=request.user, pemda=pemda, user=akun)
    except PermissionDenied as exc:
        _refused(request, exc)
        return _back("akun-detail", pemda, akun.pk)
    return render(
        request,
        "organisations/akun_sandi_sementara.html",
        _ctx(request, pemda, akun=akun, sandi=temp, baru=False),
    )


@never_cache
@login_required
@require_POST
def akun_buka_kunci(request, pk: int):
    """Lift the sign-in lockout of an account of the admin's pemda (another pemda's: 404)."""
    pemda = _pemda(request)
    akun = sel.access_account(pemda=pemda, pk=pk)
    try:
        masuk.account_unlock(actor=request.user, pemda=pemda, user=akun)
    except PermissionDenied as exc:
        _refused(request, exc)
    else:
        messages.success(request, _("Kunci masuk akun %(u)s dibuka.") % {"u": akun.get_username()})
    return _back("akun-detail", pemda, akun.pk)


@login_required
@require_POST
def akun_reset_2fa(request, pk: int):
    """A lost phone: the admin removes the person's second factor; they enrol again."""
    pemda = _pemda(request)
    akun = sel.access_account(pemda=pemda, pk=pk)
    try:
        svc_faktor.faktor_reset(actor=request.user, pemda=pemda, user=akun)
    except (PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            _(
                "Verifikasi dua langkah %(u)s disetel ulang; ia mendaftarkan aplikasinya lagi "
                "saat masuk berikutnya."
            )
            % {"u": akun.get_username()},
        )
    return _back("akun-detail", pemda, akun.pk)


# --- OPDs -------------------------------------------------------------------------------------


@login_required
def opd_list(request):
    pemda = _pemda(request)
    aktif = request.GET.get("aktif", "1")
    aktif = aktif if aktif in {"1", "0", ""} else "1"
    q = request.GET.get("q", "").strip()[:100]
    return render(
        request,
        "organisations/kelola_opd_list.html",
        _ctx(
            request,
            pemda,
            rows=sel.opd_kelola_list(pemda=pemda, aktif=aktif, q=q),
            aktif=aktif,
            q=q,
        ),
    )


def _opd_fields(form) -> dict:
    return {k: form.cleaned_data[k] for k in OPD_FORM_FIELDS}


@login_required
def opd_baru(request):
    pemda = _pemda(request)
    form = OpdForm(request.POST or None, wilayah=kecamatan_list(pemda=pemda))
    form.instance.pemda = pemda
    if request.method == "POST" and form.is_valid():
        try:
            opd = svc.opd_save(actor=request.user, pemda=pemda, **_opd_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("OPD %(o)s ditambahkan.") % {"o": opd.nama})
            return _back("opd-detail", pemda, opd.pk)
    return render(request, "organisations/kelola_opd_form.html", _ctx(request, pemda, form=form))


@login_required
def opd_detail(request, pk: int):
    pemda = _pemda(request)
    opd = sel.access_opd_kelola(pemda=pemda, pk=pk)
    form = OpdForm(
        request.POST or None,
        instance=sel.access_opd_kelola(pemda=pemda, pk=pk),  # a copy: the page shows the saved one
        wilayah=kecamatan_list(pemda=pemda),
    )
    if request.method == "POST" and form.is_valid():
        try:
            svc.opd_save(actor=request.user, pemda=pemda, opd=opd, **_opd_fields(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("OPD %(o)s disimpan.") % {"o": form.cleaned_data["nama"]})
            return _back("opd-detail", pemda, opd.pk)
    return render(
        request,
        "organisations/kelola_opd_form.html",
        _ctx(
            request,
            pemda,
            form=form,
            opd=opd,
            members=sel.opd_members(opd=opd),
            lineage=sel.opd_lineage(opd=opd),
        ),
    )


@login_required
@require_POST
def opd_aktif(request, pk: int):
    pemda = _pemda(request)
    opd = sel.access_opd_kelola(pemda=pemda, pk=pk)
    aktif = request.POST.get("aktif") == "1"
    try:
        svc.opd_set_active(actor=request.user, opd=opd, aktif=aktif)
    except (PermissionDenied, ValidationError) as exc:
        _refused(request, exc)
    else:
        messages.success(
            request,
            (_("OPD %(o)s diaktifkan.") if aktif else _("OPD %(o)s dinonaktifkan."))
            % {"o": opd.nama},
        )
    return _back("opd-detail", pemda, opd.pk)


@login_required
def opd_lebur(request):
    pemda = _pemda(request)
    form = MergeForm(request.POST or None, opds=sel.opd_kelola_list(pemda=pemda, aktif="1"))
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            r = svc.opd_merge(
                actor=request.user,
                pemda=pemda,
                asal=list(d["asal"]),
                tujuan=d["tujuan"],
                baru=form.baru(),
                tanggal=d["tanggal"],
                dasar_hukum=d["dasar_hukum"],
                catatan=d["catatan"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            hasil = r.hasil.get()
            messages.success(request, _("OPD dilebur ke %(o)s.") % {"o": hasil.nama})
            return _back("opd-detail", pemda, hasil.pk)
    return render(request, "organisations/kelola_opd_lebur.html", _ctx(request, pemda, form=form))


@login_required
def opd_pecah(request, pk: int):
    pemda = _pemda(request)
    opd = sel.access_opd_kelola(pemda=pemda, pk=pk)
    jumlah = int_param(request.POST.get("jumlah") or request.GET.get("jumlah"), 2, lo=2, hi=5)
    form = SplitForm(
        request.POST if request.POST.get("kirim") else None,
        jumlah=jumlah,
        members=sel.opd_members(opd=opd),
    )
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        try:
            r = svc.opd_split(
                actor=request.user,
                opd=opd,
                baru=form.baru(),
                anggota=form.anggota(),
                tanggal=d["tanggal"],
                dasar_hukum=d["dasar_hukum"],
                catatan=d["catatan"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(
                request,
                _("%(o)s dipecah menjadi %(n)d OPD.") % {"o": opd.nama, "n": r.hasil.count()},
            )
            return _back("opd-detail", pemda, opd.pk)
    return render(
        request,
        "organisations/kelola_opd_pecah.html",
        _ctx(request, pemda, form=form, opd=opd, jumlah=jumlah),
    )


# --- accounts from a CSV ---------------------------------------------------------------------


def _counts(result) -> dict:
    if result is None:
        return {}
    return {f"n_{k}": result.count(k) for k in ("baru", "diubah", "tetap", "galat")}


@login_required
def akun_templat(request):
    pemda = _pemda(request)  # admins only, like the import itself
    response = HttpResponse(impor.template_csv(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="templat-akun-{pemda.kode}.csv"'
    return response


@never_cache
@login_required
def akun_impor(request):
    """Upload, dry run (each row's outcome and every problem), then the real import of the same
    text (carried in the page, re-checked in full before anything is written)."""
    pemda = _pemda(request)
    result, content, refused = None, "", []
    if request.method == "POST":
        upload = request.FILES.get("berkas")
        if upload is not None:
            if upload.size > impor.MAX_BYTES:
                refused.append(_("Berkas terlalu besar (maksimum 1 MB)."))
            elif not upload.size:  # a file was chosen: say what is wrong with it
                refused.append(
                    _("Berkas %(n)s kosong (0 bita): simpan ulang lalu unggah lagi.")
                    % {"n": upload.name}
                )
            else:
                raw = upload.read()
                content = raw.decode("utf-8-sig", errors="replace")
                data = raw
        else:
            content = request.POST.get("isi", "")[: impor.MAX_BYTES]
            data = content.encode("utf-8")
        if content and not refused:
            real = request.POST.get("langkah") == "impor"
            try:
                result = impor.account_import(
                    actor=request.user, pemda=pemda, content=data, dry_run=not real
                )
            except ValidationError as exc:
                refused += error_messages(exc)
            else:
                if result.written:
                    return render(
                        request,
                        "organisations/akun_impor_selesai.html",
                        _ctx(request, pemda, result=result, **_counts(result)),
                    )
        elif not refused:
            refused.append(_("Pilih berkas CSV."))
    return render(
        request,
        "organisations/akun_impor.html",
        _ctx(
            request,
            pemda,
            result=result,
            content=content,
            refused=refused,
            columns=impor.COLUMNS,
            roles=Role.values,
            **_counts(result),
        ),
    )
