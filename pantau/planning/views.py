"""The plan on screen (decision 0020): an OPD's plan per year, its versions and their steps,
and the edit of one sub kegiatan's pagu, PPTK and monthly plan."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from pantau.organisations.access import access_opd, scope_for
from pantau.organisations.rahasia import audit_rahasia_list, audit_rahasia_read
from pantau.planning import services_dokumen as sd
from pantau.planning import services_hapus
from pantau.planning.choices import JenisDokumen, Rumus, StatusDokumen
from pantau.planning.guard import plan_edit_refusal
from pantau.planning.plan_content import plan_diff
from pantau.planning.selectors import (
    access_sub_kegiatan_in_plan,
    content_visible_to,
    dokumen_list,
    indikator_for_induk,
    indikator_for_sub,
    nomenklatur_search,
    plan_subs_for_opd,
    plan_tree,
    rencana_rows,
    sumber_dana_list,
    sumber_rinci_rows,
    tahun_anggaran_list,
    wilayah_choices,
)
from pantau.planning.services import (
    INDIKATOR_TARGETS,
    indikator_create,
    indikator_update,
    kegiatan_create,
    program_create,
    sub_kegiatan_create,
    sub_kegiatan_update,
)
from pantau.planning.validation import opd_bidang_urusan

BULAN = range(1, 13)


def _opd_year(request, opd_id: int, tahun: int):
    opd = access_opd(request.user, opd_id)
    ta = next(
        (y for y in tahun_anggaran_list(user=request.user, pemda=opd.pemda) if y.tahun == tahun),
        None,
    )
    if ta is None:
        raise Http404
    return opd, ta


@login_required
def rencana_index(request):
    """OPD people go to their own plan; others choose the OPD on the OPD list."""
    scope = scope_for(request.user)
    if len(scope.opd_ids) == 1:
        opd = access_opd(request.user, next(iter(scope.opd_ids)))
        years = list(tahun_anggaran_list(user=request.user, pemda=opd.pemda))
        if years:
            return redirect("planning:rencana-opd", opd.pk, years[0].tahun)
    return redirect("organisations:opd-list")


@login_required
def rencana_opd(request, opd_id: int, tahun: int):
    opd, ta = _opd_year(request, opd_id, tahun)
    subs = list(plan_subs_for_opd(user=request.user, opd=opd, tahun_anggaran=ta))
    tree = plan_tree(user=request.user, opd=opd, tahun_anggaran=ta)
    audit_rahasia_list(user=request.user, objs=subs, where="rencana OPD")
    docs = dokumen_list(opd=opd, tahun_anggaran=ta)
    latest = docs[0] if docs else None
    diff = None
    if latest is not None:
        before, after = sd.dokumen_content_for_diff(latest)
        if before is not None:
            diff = plan_diff(
                content_visible_to(user=request.user, opd=opd, content=before),
                content_visible_to(user=request.user, opd=opd, content=after),
            )
    can_edit = sd.can_edit_plan(request.user, opd)
    refusal = plan_edit_refusal(opd_id=opd.pk, tahun_anggaran_id=ta.pk)
    context = {
        "opd": opd,
        "ta": ta,
        "tree": tree,
        "docs": docs,
        "latest": latest,
        "steps": sd.allowed_langkah(request.user, latest) if latest else [],
        "diff": diff,
        "can_edit": can_edit,
        "revisi_draft": bool(
            latest and latest.jenis != JenisDokumen.MURNI and latest.status == StatusDokumen.DRAFT
        ),
        "refusal": refusal,
        "can_open": can_edit and latest is not None and latest.status == StatusDokumen.DIKUNCI,
        "can_create": can_edit and latest is None,
        "total": sum((s.pagu for s in subs), start=0),
    }
    return render(request, "planning/rencana_opd.html", context)


@login_required
@require_POST
def rencana_dokumen_aksi(request, opd_id: int, tahun: int):
    opd, ta = _opd_year(request, opd_id, tahun)
    docs = dokumen_list(opd=opd, tahun_anggaran=ta)
    aksi = request.POST.get("aksi", "")
    try:
        if aksi == "buat":
            sd.dokumen_create(actor=request.user, tahun_anggaran=ta, opd=opd)
        elif aksi in {JenisDokumen.PERGESERAN, JenisDokumen.PERUBAHAN} and docs:
            sd.dokumen_revisi_open(actor=request.user, dokumen=docs[0], jenis=aksi)
        elif docs:
            sd.dokumen_transition(
                actor=request.user,
                dokumen=docs[0],
                name=aksi,
                catatan=request.POST.get("catatan", "")[:2000],
            )
        else:
            raise ValidationError(_("Langkah tidak dikenal."))
    except PermissionDenied as exc:
        messages.error(request, str(exc) or _("Anda tidak berwenang mengambil langkah ini."))
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Tersimpan."))
    return redirect("planning:rencana-opd", opd.pk, ta.tahun)


SUMBER_ROWS = 4


def _rows_from(post) -> list[tuple[str, str]]:
    return [(post.get(f"kas_{m}", "").strip(), post.get(f"fisik_{m}", "").strip()) for m in BULAN]


def _sumber_from(post, masters: dict) -> list[tuple]:
    """The funding-source rows filled in: (SumberDana, amount text); an unknown source is an
    error, a row with neither source nor amount is skipped."""
    rows = []
    for i in range(SUMBER_ROWS):
        kode, jumlah = post.get(f"sd_{i}", "").strip(), post.get(f"sdj_{i}", "").strip()
        if not kode and not jumlah:
            continue
        if kode not in masters:
            raise ValidationError(_("Baris sumber dana %(n)d: pilih sumber dana.") % {"n": i + 1})
        rows.append((masters[kode], jumlah))
    return rows


def _location_from(post, wilayah: list) -> dict:
    kec = {str(k["obj"].pk): k["obj"] for k in wilayah}
    desa = {str(d.pk): d for k in wilayah for d in k["desa"]}
    lat, lon = post.get("latitude", "").strip(), post.get("longitude", "").strip()
    return {
        "kecamatan": kec.get(post.get("kecamatan", "")),
        "desa": desa.get(post.get("desa", "")),
        "latitude": lat or None,
        "longitude": lon or None,
    }


@login_required
def rencana_sub_edit(request, opd_id: int, tahun: int, sub_id: int):
    opd, ta = _opd_year(request, opd_id, tahun)
    sub = access_sub_kegiatan_in_plan(user=request.user, opd=opd, tahun_anggaran=ta, pk=sub_id)
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    audit_rahasia_read(user=request.user, obj=sub, where="ubah rencana sub kegiatan")
    docs = dokumen_list(opd=opd, tahun_anggaran=ta)
    latest = docs[0] if docs else None
    revisi = latest and latest.jenis != JenisDokumen.MURNI and latest.status == StatusDokumen.DRAFT
    tahap = sd.usulan_tahap(latest) if revisi else ta.tahap
    errors: list[str] = []
    masters = {m.kode: m for m in sumber_dana_list()}
    wilayah = wilayah_choices(pemda=opd.pemda)
    if request.method == "POST":
        rows = _rows_from(request.POST)
        try:
            sumber = _sumber_from(request.POST, masters)
            if revisi:
                sd.dokumen_usulan_set(
                    actor=request.user,
                    dokumen=latest,
                    sub_kegiatan=sub,
                    pagu=request.POST.get("pagu", "").strip(),
                    rows=rows,
                    sumber=sumber,
                )
            else:
                fields = {
                    "pptk_nama": request.POST.get("pptk_nama", "").strip()[:150],
                    "pptk_nip": request.POST.get("pptk_nip", "").strip(),
                    ("pagu_perubahan" if tahap == "perubahan" else "pagu_murni"): request.POST.get(
                        "pagu", ""
                    ).strip(),
                    **_location_from(request.POST, wilayah),
                }
                sub_kegiatan_update(
                    actor=request.user,
                    sub_kegiatan=sub,
                    rencana={tahap: rows},
                    sumber={tahap: sumber},
                    **fields,
                )
        except (ValidationError, PermissionDenied) as exc:
            errors = getattr(exc, "messages", None) or [str(exc)]
        else:
            messages.success(request, _("Sub kegiatan tersimpan."))
            return redirect("planning:rencana-opd", opd.pk, ta.tahun)
        post = request.POST
        values = {
            "pagu": post.get("pagu", ""),
            "pptk_nama": post.get("pptk_nama", ""),
            "pptk_nip": post.get("pptk_nip", ""),
            "rows": [(m, kas, fisik) for m, (kas, fisik) in zip(BULAN, rows, strict=True)],
            "sumber": [
                (i, post.get(f"sd_{i}", ""), post.get(f"sdj_{i}", "")) for i in range(SUMBER_ROWS)
            ],
            "kecamatan": post.get("kecamatan", ""),
            "desa": post.get("desa", ""),
            "latitude": post.get("latitude", ""),
            "longitude": post.get("longitude", ""),
        }
    else:
        proposed = latest.usulan.get(str(sub.pk)) if revisi else None
        stored = {
            r.bulan: (r.anggaran_kas, r.target_fisik) for r in rencana_rows(sub=sub, tahap=tahap)
        }
        if proposed:
            stored = {m: tuple(v) for m, v in zip(BULAN, proposed["rencana"], strict=True)}
        if proposed and proposed.get("sumber"):
            sources = [tuple(r) for r in proposed["sumber"]]
        else:
            sources = [
                (r.sumber_dana.kode, r.jumlah) for r in sumber_rinci_rows(sub=sub, tahap=tahap)
            ]
        sources += [("", "")] * (SUMBER_ROWS - len(sources))
        values = {
            "pagu": proposed["pagu"] if proposed else sub.pagu_for(tahap),
            "pptk_nama": sub.pptk_nama,
            "pptk_nip": sub.pptk_nip,
            "rows": [(m, *stored.get(m, ("", ""))) for m in BULAN],
            "sumber": [(i, k, j) for i, (k, j) in enumerate(sources[:SUMBER_ROWS])],
            "kecamatan": str(sub.kecamatan_id or ""),
            "desa": str(sub.desa_id or ""),
            "latitude": sub.latitude if sub.latitude is not None else "",
            "longitude": sub.longitude if sub.longitude is not None else "",
        }
    context = {
        "opd": opd,
        "ta": ta,
        "sub": sub,
        "tahap": tahap,
        "revisi": revisi,
        "latest": latest,
        "refusal": None if revisi else plan_edit_refusal(opd_id=opd.pk, tahun_anggaran_id=ta.pk),
        "values": values,
        "errors": errors,
        "masters": list(masters.values()),
        "indikator": indikator_for_sub(user=request.user, sub=sub),
        "wilayah": wilayah,
    }
    return render(
        request, "planning/sub_kegiatan_edit.html", context, status=400 if errors else 200
    )


TINGKAT_TAMBAH = ("program", "kegiatan", "sub_kegiatan")


def _parent(request, opd, ta, tingkat: str, induk: str):
    """The program (for a kegiatan) or kegiatan (for a sub kegiatan) in this plan, or None."""
    if tingkat == "program":
        return None
    for program in plan_tree(user=request.user, opd=opd, tahun_anggaran=ta):
        if tingkat == "kegiatan" and str(program.pk) == induk:
            return program
        for kegiatan in program.kegiatan_set.all():
            if tingkat == "sub_kegiatan" and str(kegiatan.pk) == induk:
                return kegiatan
    raise Http404


@login_required
def rencana_tambah(request, opd_id: int, tahun: int):
    """Add a program, kegiatan or sub kegiatan chosen from the year's nomenclature by search
    (htmx refreshes the results as one types; without JavaScript the search button does)."""
    opd, ta = _opd_year(request, opd_id, tahun)
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    data = request.POST if request.method == "POST" else request.GET
    tingkat = data.get("tingkat", "program")
    if tingkat not in TINGKAT_TAMBAH:
        raise Http404
    parent = _parent(request, opd, ta, tingkat, data.get("induk", ""))
    errors: list[str] = []
    if request.method == "POST":
        kode = data.get("kode", "").strip()
        try:
            if tingkat == "program":
                program_create(actor=request.user, tahun_anggaran=ta, opd=opd, kode=kode)
            elif tingkat == "kegiatan":
                kegiatan_create(actor=request.user, program=parent, kode=kode)
            else:
                sub = sub_kegiatan_create(
                    actor=request.user,
                    kegiatan=parent,
                    kode=kode,
                    pagu_murni=data.get("pagu", "").strip() or "0",
                )
                messages.success(
                    request, _("Sub kegiatan ditambahkan: isi pagu dan rencana kasnya.")
                )
                return redirect("planning:sub-kegiatan-edit", opd.pk, ta.tahun, sub.pk)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Ditambahkan ke rencana."))
            return redirect("planning:rencana-opd", opd.pk, ta.tahun)
    if tingkat == "program":
        existing = [p.kode for p in plan_tree(user=request.user, opd=opd, tahun_anggaran=ta)]
    elif tingkat == "kegiatan":
        existing = [k.kode for k in parent.kegiatan_set.all()]
    else:
        existing = [s.kode for s in parent.sub_kegiatan_set.all()]
    q = data.get("q", "").strip()[:100]
    context = {
        "opd": opd,
        "ta": ta,
        "tingkat": tingkat,
        "parent": parent,
        "q": q,
        "errors": errors,
        "hasil": nomenklatur_search(
            tahun=ta.tahun,
            tingkat=tingkat,
            induk_kode=parent.kode if parent else "",
            q=q,
            exclude=existing,
            bidang=opd_bidang_urusan(opd),
        ),
        "refusal": plan_edit_refusal(opd_id=opd.pk, tahun_anggaran_id=ta.pk),
    }
    if request.headers.get("HX-Request") and request.method == "GET":
        return render(request, "planning/partials/_nomenklatur_hasil.html", context)
    return render(request, "planning/tambah.html", context, status=400 if errors else 200)


@login_required
def rencana_indikator(request, opd_id: int, tahun: int, sub_id: int, ind_id: int | None = None):
    """Add or change an indicator of a sub kegiatan: name, unit, formula type, yearly and
    quarterly targets."""
    opd, ta = _opd_year(request, opd_id, tahun)
    sub = access_sub_kegiatan_in_plan(user=request.user, opd=opd, tahun_anggaran=ta, pk=sub_id)
    back = reverse("planning:sub-kegiatan-edit", args=[opd.pk, ta.tahun, sub.pk])
    return _indikator_form(request, opd, ta, sub, ind_id, back)


@login_required
def rencana_indikator_induk(
    request, opd_id: int, tahun: int, tingkat: str, induk_id: int, ind_id: int | None = None
):
    """Add or change an indicator of a program (outcome) or a kegiatan (output) of this plan."""
    opd, ta = _opd_year(request, opd_id, tahun)
    induk = None
    for program in plan_tree(user=request.user, opd=opd, tahun_anggaran=ta):
        if tingkat == "program" and program.pk == induk_id:
            induk = program
        for kegiatan in program.kegiatan_set.all():
            if tingkat == "kegiatan" and kegiatan.pk == induk_id:
                induk = kegiatan
    if induk is None:
        raise Http404
    back = reverse("planning:rencana-opd", args=[opd.pk, ta.tahun])
    return _indikator_form(request, opd, ta, induk, ind_id, back)


def _indikator_form(request, opd, ta, induk, ind_id: int | None, back: str):
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    ind = None
    if ind_id is not None:
        ind = next(
            (i for i in indikator_for_induk(user=request.user, induk=induk) if i.pk == ind_id),
            None,
        )
        if ind is None:
            raise Http404
    errors: list[str] = []
    fields = ("nama", "satuan", "rumus", *INDIKATOR_TARGETS)
    if request.method == "POST":
        values = {f: request.POST.get(f, "").strip() for f in fields}
        try:
            rumus = int(values["rumus"]) if values["rumus"] in {str(v) for v in Rumus.values} else 0
            if not rumus:
                raise ValidationError(_("Pilih rumus capaian."))
            data = {**values, "rumus": rumus, "nama": values["nama"][:500]}
            data["satuan"] = values["satuan"][:50]
            if ind is None:
                indikator_create(actor=request.user, induk=induk, **data)
            else:
                indikator_update(actor=request.user, indikator=ind, **data)
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("Indikator tersimpan."))
            return redirect(back)
    else:
        values = {f: ("" if ind is None else getattr(ind, f)) for f in fields}
        values = {k: ("" if v is None else v) for k, v in values.items()}
    context = {
        "opd": opd,
        "ta": ta,
        "induk": induk,
        "back": back,
        "ind": ind,
        "values": values,
        "errors": errors,
        "rumus_choices": Rumus.choices,
        "refusal": plan_edit_refusal(opd_id=opd.pk, tahun_anggaran_id=ta.pk),
    }
    return render(request, "planning/indikator_form.html", context, status=400 if errors else 200)


@login_required
@require_POST
def rencana_hapus(request, opd_id: int, tahun: int):
    """Delete a sub kegiatan, an empty kegiatan or program, or an indicator of this plan."""
    opd, ta = _opd_year(request, opd_id, tahun)
    if not sd.can_edit_plan(request.user, opd):
        raise Http404
    jenis, pk = request.POST.get("jenis", ""), request.POST.get("pk", "")
    found = {}
    for program in plan_tree(user=request.user, opd=opd, tahun_anggaran=ta):
        found[("program", str(program.pk))] = program
        for ind in program.indikator_list:
            found[("indikator", str(ind.pk))] = ind
        for kegiatan in program.kegiatan_set.all():
            found[("kegiatan", str(kegiatan.pk))] = kegiatan
            for ind in kegiatan.indikator_list:
                found[("indikator", str(ind.pk))] = ind
            for sub in kegiatan.sub_kegiatan_set.all():
                found[("sub_kegiatan", str(sub.pk))] = sub
                for ind in (
                    indikator_for_sub(user=request.user, sub=sub) if jenis == "indikator" else []
                ):
                    found[("indikator", str(ind.pk))] = ind
    obj = found.get((jenis, pk))
    if obj is None:
        raise Http404
    service = {
        "program": lambda: services_hapus.program_delete(actor=request.user, program=obj),
        "kegiatan": lambda: services_hapus.kegiatan_delete(actor=request.user, kegiatan=obj),
        "sub_kegiatan": lambda: services_hapus.sub_kegiatan_delete(
            actor=request.user, sub_kegiatan=obj
        ),
        "indikator": lambda: services_hapus.indikator_delete(actor=request.user, indikator=obj),
    }[jenis]
    try:
        service()
    except ValidationError as exc:
        for m in exc.messages:
            messages.error(request, m)
    else:
        messages.success(request, _("Dihapus dari rencana."))
    return redirect("planning:rencana-opd", opd.pk, ta.tahun)
