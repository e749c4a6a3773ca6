"""Work queues (issue 11 §6, decision 0025): what each role's queue holds, its filters and
search, the next-report navigation, bulk verify with a mixed batch, the notices of the queues
and the compliance order."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from conftest import PASSWORD, classify
from pantau.audit.models import AuditEvent
from pantau.monitoring import queues
from pantau.monitoring.models import PeriodeLaporan, Realisasi
from pantau.monitoring.queues import Antrian
from pantau.monitoring.services import realisasi_save, realisasi_transition
from pantau.monitoring.services_antrian import realisasi_verify_bulk
from pantau.organisations.choices import Role
from pantau.organisations.services import membership_set, user_create

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _february(clock):
    clock.set("2026-02-05 10:00")


def _pupr_people(tenant):
    """An operator and a head for the tenant's PUPR (the world has people for Dinkes only)."""
    if "operator_pupr" not in tenant.users:
        for role, key in ((Role.OPERATOR_OPD, "operator_pupr"), (Role.KEPALA_OPD, "kepala_pupr")):
            user = user_create(actor=None, username=f"{key}.{tenant.pemda.kode}", password=PASSWORD)
            membership_set(actor=None, user=user, pemda=tenant.pemda, role=role, opd=tenant.pupr)
            tenant.users[key] = user
    return tenant.users["operator_pupr"], tenant.users["kepala_pupr"]


def report(tenant, sub, *, bulan=1, keuangan=30_000_000, fisik=5, step="submit", **fields):
    """A report of `sub` taken to `step`: draft, submit (diajukan) or approve (disetujui)."""
    if sub.opd_id == tenant.pupr.pk:
        operator, head = _pupr_people(tenant)
    else:
        operator, head = tenant.users["operator_opd"], tenant.users["kepala_opd"]
    r = realisasi_save(
        actor=operator,
        sub_kegiatan=sub,
        periode=PeriodeLaporan.objects.get(tahun_anggaran=tenant.ta, bulan=bulan),
        keuangan=Decimal(keuangan),
        fisik=Decimal(fisik),
        **fields,
    )
    if step in {"submit", "approve"}:
        r = realisasi_transition(actor=operator, realisasi=r, name="submit")
    if step == "approve":
        r = realisasi_transition(actor=head, realisasi=r, name="approve")
    return r


def _third_sub(tenant):
    from pantau.planning.services import sub_kegiatan_create

    return sub_kegiatan_create(
        actor=None,
        kegiatan=tenant.kegiatan,
        kode="1.02.02.2.01.0003",
        pagu_murni=Decimal("200000000"),
    )


def ids(user, **filters):
    jenis = filters.pop("jenis", queues.VERIFIKASI)
    antrian = Antrian(jenis=jenis, **filters)
    return list(queues.queue_reports(user=user, antrian=antrian).values_list("pk", flat=True))


def login(client, user):
    client.logout()
    assert client.login(username=user.username, password=PASSWORD)


class TestQueueContents:
    def test_head_sees_own_opd_submitted_reports_oldest_first(self, world, clock):
        a = world.a
        first = report(a, a.sub)
        clock.set("2026-02-05 11:00")
        second = report(a, a.sub2)
        report(a, a.sub_pupr)  # another OPD of the same pemda
        report(a, a.sub, bulan=2, step="draft")  # not submitted
        report(world.b, world.b.sub)  # another pemda
        head = a.users["kepala_opd"]
        assert ids(head, jenis=queues.PERSETUJUAN) == [first.pk, second.pk]
        assert queues.approval_count(user=head) == 2
        realisasi_transition(actor=head, realisasi=first, name="approve")
        assert ids(head, jenis=queues.PERSETUJUAN) == [second.pk]

    def test_verifier_sees_every_opd_of_own_pemda_only(self, world):
        a = world.a
        dinkes = report(a, a.sub, step="approve")
        pupr = report(a, a.sub_pupr, step="approve")
        waiting = report(a, a.sub2)  # diajukan: only with the status filter
        report(world.b, world.b.sub, step="approve")
        verifier = a.users["verifikator"]
        assert ids(verifier) == [dinkes.pk, pupr.pk]
        assert ids(verifier, status="diajukan") == [waiting.pk]
        other = ids(world.b.users["verifikator"])
        assert other and not set(other) & {dinkes.pk, pupr.pk, waiting.pk}
        assert queues.verification_count(user=verifier) == 2

    def test_a_rahasia_report_is_never_in_the_verifiers_queue(self, world):
        a = world.a
        hidden = report(a, a.sub2, step="approve")
        classify(a, a.sub2, "rahasia")
        assert hidden.pk not in ids(a.users["verifikator"])
        assert queues.verification_count(user=a.users["verifikator"]) == 0
        # the OPD's own head reads it: the approval queue would list it (here: none waiting)
        assert ids(a.users["kepala_opd"], jenis=queues.PERSETUJUAN) == []

    @pytest.mark.parametrize("role", ["operator_opd", "pimpinan", "admin", "auditor"])
    def test_other_roles_have_no_queue(self, client, world, role):
        login(client, world.a.users[role])
        for name in ("monitoring:antrian-persetujuan", "monitoring:antrian-verifikasi"):
            assert client.get(reverse(name)).status_code == 404

    def test_head_has_no_verification_queue(self, client, world):
        login(client, world.a.users["kepala_opd"])
        assert client.get(reverse("monitoring:antrian-verifikasi")).status_code == 404
        assert client.get(reverse("monitoring:antrian-persetujuan")).status_code == 200


class TestFilters:
    @pytest.fixture
    def three(self, world):
        a = world.a
        plain = report(a, a.sub, step="approve")
        warned = report(
            a,
            a.sub2,
            keuangan=1_000_000,
            fisik=40,
            penjelasan="Pekerjaan fisik mendahului pembayaran termin.",
            step="approve",
        )
        pupr = report(a, a.sub_pupr, bulan=1, step="approve")
        assert warned.peringatan and not plain.peringatan
        return plain, warned, pupr

    def test_opd_month_and_warnings(self, world, three):
        plain, warned, pupr = three
        v = world.a.users["verifikator"]
        assert ids(v, opd=world.a.pupr.pk) == [pupr.pk]
        assert ids(v, peringatan="ada") == [warned.pk]
        assert set(ids(v, peringatan="tanpa")) == {plain.pk, pupr.pk}
        assert ids(v, bulan=2) == []
        assert set(ids(v, bulan=1, tahun=2026)) == {plain.pk, warned.pk, pupr.pk}
        assert ids(v, tahun=2025) == []

    def test_search_by_code_name_and_opd(self, world, three):
        _plain, warned, pupr = three
        v = world.a.users["verifikator"]
        assert ids(v, q="2.01.0002") == [warned.pk]
        assert ids(v, q="puskesmas") == [warned.pk]
        assert ids(v, q="Dinas PUPR") == [pupr.pk]
        assert ids(v, q="tidak ada yang begini") == []

    def test_the_page_applies_the_filter_and_says_the_order(self, client, world, three):
        plain, warned, _pupr = three
        login(client, world.a.users["verifikator"])
        page = client.get(reverse("monitoring:antrian-verifikasi"), {"peringatan": "ada"})
        assert page.status_code == 200
        html = page.text
        assert f'data-laporan="{warned.pk}"' in html
        assert f'data-laporan="{plain.pk}"' not in html
        assert "paling lama menunggu lebih dulu" in html
        assert "berselisih lebih dari" in html  # the warning itself is shown


class TestNext:
    def test_report_page_in_a_queue_links_the_next_one(self, client, world, clock):
        a = world.a
        first = report(a, a.sub, step="approve")
        clock.set("2026-02-05 12:00")
        second = report(a, a.sub_pupr, step="approve")
        login(client, a.users["verifikator"])
        url = reverse("monitoring:laporan", args=[a.sub.pk, 1]) + "?antrian=verifikasi"
        page = client.get(url).text
        nxt = reverse("monitoring:laporan", args=[a.sub_pupr.pk, 1])
        assert "data-berikutnya" in page and f'href="{nxt}?antrian=verifikasi' in page
        assert "laporan 1 dari 2 di antrian" in page and ">Berikutnya<" in page
        # the last one's next is the first again, and the button says so
        last = client.get(
            reverse("monitoring:laporan", args=[a.sub_pupr.pk, 1]) + "?antrian=verifikasi"
        ).text
        assert "laporan 2 dari 2 di antrian" in last and "Kembali ke laporan pertama" in last
        # filtered to PUPR only: the first report is not in that queue, the next is PUPR's
        page = client.get(url + f"&opd={a.pupr.pk}").text
        assert f"{nxt}?antrian=verifikasi&amp;status=disetujui&amp;opd={a.pupr.pk}" in page
        assert first.pk != second.pk

    def test_approving_goes_to_the_next_waiting_report_keeping_the_filter(
        self, client, world, clock
    ):
        a = world.a
        first = report(a, a.sub)
        clock.set("2026-02-05 12:00")
        report(a, a.sub2)
        login(client, a.users["kepala_opd"])
        step = reverse("monitoring:langkah", args=[first.pk])
        reply = client.post(step, {"langkah": "approve", "antrian": "persetujuan", "q": "1.02.02"})
        assert reply.status_code == 302
        assert reply.url == (
            reverse("monitoring:laporan", args=[a.sub2.pk, 1]) + "?antrian=persetujuan&q=1.02.02"
        )
        assert Realisasi.objects.get(pk=first.pk).status == "disetujui"

    def test_the_last_one_leads_back_to_the_queue(self, client, world):
        a = world.a
        only = report(a, a.sub)
        login(client, a.users["kepala_opd"])
        reply = client.post(
            reverse("monitoring:langkah", args=[only.pk]),
            {"langkah": "return_opd", "catatan": "Foto kurang", "antrian": "persetujuan"},
            follow=True,
        )
        assert reply.redirect_chain[-1][0] == reverse("monitoring:antrian-persetujuan")
        assert "Tidak ada lagi laporan" in reply.text
        assert Realisasi.objects.get(pk=only.pk).status == "dikembalikan"

    def test_a_refused_step_stays_on_the_report_in_its_queue(self, client, world):
        a = world.a
        only = report(a, a.sub)
        login(client, a.users["kepala_opd"])
        reply = client.post(
            reverse("monitoring:langkah", args=[only.pk]),
            {"langkah": "return_opd", "catatan": "", "antrian": "persetujuan"},
        )
        assert (
            reply.url == reverse("monitoring:laporan", args=[a.sub.pk, 1]) + "?antrian=persetujuan"
        )
        assert Realisasi.objects.get(pk=only.pk).status == "diajukan"


class TestBulkVerify:
    @pytest.fixture
    def batch(self, world, clock):
        """Four rows as the verifier's list showed them: a valid one, one still diajukan, one
        that moved after the list was drawn, one of a rahasia sub kegiatan."""
        a = world.a
        valid = report(a, a.sub_pupr, step="approve")
        wrong_state = report(a, a.sub, bulan=1, step="submit")
        moved = report(a, a.sub2, step="approve")
        secret = report(a, _third_sub(a), step="approve")
        rows = [
            (valid.pk, queues.version_token(valid)),
            (wrong_state.pk, queues.version_token(wrong_state)),
            (moved.pk, queues.version_token(moved)),
            (secret.pk, queues.version_token(secret)),
        ]
        classify(a, secret.sub_kegiatan, "rahasia")  # since the list: no longer readable
        # the moved one: returned, corrected, submitted and approved again since the list
        clock.set("2026-02-06 09:00")
        v = a.users["verifikator"]
        realisasi_transition(actor=v, realisasi=moved, name="return_bappeda", catatan="Cek SP2D")
        moved = report(a, a.sub2, keuangan=31_000_000, step="approve")
        assert moved.status == "disetujui"
        return a, valid, wrong_state, moved, rows, secret

    def test_mixed_batch_each_row_its_own_outcome(self, world, batch):
        a, valid, wrong_state, moved, rows, secret = batch
        v = a.users["verifikator"]
        before_moved = Realisasi.objects.get(pk=moved.pk).updated_at
        results = realisasi_verify_bulk(actor=v, items=rows, catatan="Sesuai SP2D")
        by_pk = {r.pk: r for r in results}
        assert [r.pk for r in results] == [pk for pk, _t in rows]
        assert by_pk[valid.pk].ok
        assert not by_pk[wrong_state.pk].ok and "Diajukan" in by_pk[wrong_state.pk].pesan
        assert not by_pk[moved.pk].ok and "diubah sejak daftar" in by_pk[moved.pk].pesan
        assert not by_pk[secret.pk].ok and by_pk[secret.pk].report is None
        assert "tidak ditemukan" in by_pk[secret.pk].pesan
        assert Realisasi.objects.get(pk=secret.pk).status == "disetujui"
        assert Realisasi.objects.get(pk=valid.pk).status == "diverifikasi"
        assert Realisasi.objects.get(pk=wrong_state.pk).status == "diajukan"
        m = Realisasi.objects.get(pk=moved.pk)
        assert m.status == "disetujui" and m.updated_at == before_moved
        # each verify audited like a single one, and the run itself once
        verify_events = AuditEvent.objects.filter(action="realisasi.verify", actor=v)
        assert list(verify_events.values_list("object_id", flat=True)) == [str(valid.pk)]
        run = AuditEvent.objects.get(action="realisasi.verify_bulk")
        assert run.changes["_summary"]["diverifikasi"] == [valid.pk]
        assert set(run.changes["_summary"]["ditolak"]) == {
            str(wrong_state.pk),
            str(moved.pk),
            str(secret.pk),
        }

    def test_the_same_list_sent_twice_says_already_verified(self, client, world):
        """A second run of the same list (a double tap, a colleague quicker) is not a refusal:
        the report is already what was asked, and nothing changes."""
        a = world.a
        r = report(a, a.sub, step="approve")
        item = f"{r.pk}:{queues.version_token(r)}"
        login(client, a.users["verifikator"])
        url = reverse("monitoring:verifikasi-massal")
        client.post(url, {"laporan": [item], "opd": "", "catatan": ""})
        verified = Realisasi.objects.get(pk=r.pk)
        page = client.post(url, {"laporan": [item], "opd": "", "catatan": ""}).text
        assert "0 diverifikasi, 1 sudah diverifikasi sebelumnya, 0 tidak diverifikasi." in page
        assert "Sudah diverifikasi sebelumnya; tidak ada yang diubah." in page
        assert Realisasi.objects.get(pk=r.pk).updated_at == verified.updated_at
        second = AuditEvent.objects.filter(action="realisasi.verify_bulk").order_by("id").last()
        assert second.changes["_summary"]["sudah_diverifikasi"] == [r.pk]
        assert second.changes["_summary"]["ditolak"] == {}

    def test_the_run_is_recorded_in_the_records_language(self, world):
        from django.utils import translation

        a = world.a
        r = report(a, a.sub, step="approve")
        with translation.override("en"):
            realisasi_verify_bulk(
                actor=a.users["verifikator"], items=[(r.pk, queues.version_token(r))]
            )
        run = AuditEvent.objects.get(action="realisasi.verify_bulk")
        assert run.object_repr == "Verifikasi massal: 1 laporan"

    def test_a_forged_token_is_refused_without_claiming_a_status_change(self, world):
        a = world.a
        r = report(a, a.sub, step="approve")
        results = realisasi_verify_bulk(actor=a.users["verifikator"], items=[(r.pk, "hacked")])
        assert not results[0].ok and "sekarang berstatus" not in results[0].pesan
        assert Realisasi.objects.get(pk=r.pk).status == "disetujui"

    def test_a_report_the_user_may_not_read_is_refused_like_a_missing_one(self, world):
        a = world.a
        secret = report(a, a.sub2, step="approve")
        token = queues.version_token(secret)
        classify(a, a.sub2, "rahasia")
        secret.refresh_from_db()
        v = a.users["verifikator"]
        results = realisasi_verify_bulk(
            actor=v, items=[(secret.pk, queues.version_token(secret)), (999_999, token)]
        )
        assert [r.ok for r in results] == [False, False]
        assert results[0].pesan == results[1].pesan
        assert results[0].report is None  # nothing of it reaches the result page
        assert Realisasi.objects.get(pk=secret.pk).status == "disetujui"
        assert not AuditEvent.objects.filter(action__startswith="realisasi.verify").exists()

    def test_the_page_shows_each_outcome_and_changes_only_the_valid_rows(
        self, client, world, batch
    ):
        a, valid, wrong_state, moved, rows, _ = batch
        login(client, a.users["verifikator"])
        page = client.post(
            reverse("monitoring:verifikasi-massal"),
            {"laporan": [f"{pk}:{t}" for pk, t in rows], "opd": "", "catatan": ""},
        )
        assert page.status_code == 200
        assert f'data-hasil="{valid.pk}" data-ok="1"' in page.text
        assert f'data-hasil="{wrong_state.pk}" data-ok="0"' in page.text
        assert f'data-hasil="{moved.pk}" data-ok="0"' in page.text
        assert f'data-hasil="{rows[3][0]}" data-ok="0"' in page.text
        assert "1 diverifikasi, 3 tidak diverifikasi" in page.text
        assert "Pembangunan Fasilitas Kesehatan Lainnya" not in page.text  # the rahasia one
        assert Realisasi.objects.filter(status="diverifikasi").count() == 1

    def test_nothing_selected_or_no_role(self, client, world):
        a = world.a
        r = report(a, a.sub, step="approve")
        login(client, a.users["verifikator"])
        reply = client.post(reverse("monitoring:verifikasi-massal"), {}, follow=True)
        assert "Pilih minimal satu laporan" in reply.text
        login(client, a.users["kepala_opd"])
        reply = client.post(
            reverse("monitoring:verifikasi-massal"),
            {"laporan": f"{r.pk}:{queues.version_token(r)}"},
        )
        assert reply.status_code == 404
        assert Realisasi.objects.get(pk=r.pk).status == "disetujui"
        login(client, world.b.users["verifikator"])  # another pemda's verifier
        results = realisasi_verify_bulk(
            actor=world.b.users["verifikator"], items=[(r.pk, queues.version_token(r))]
        )
        assert not results[0].ok and results[0].report is None
        assert Realisasi.objects.get(pk=r.pk).status == "disetujui"

    def test_the_queue_page_carries_the_version_seen(self, client, world):
        a = world.a
        r = report(a, a.sub, step="approve")
        login(client, a.users["verifikator"])
        page = client.get(reverse("monitoring:antrian-verifikasi")).text
        assert f'value="{r.pk}:{queues.version_token(r)}"' in page
        assert "Verifikasi yang dipilih" in page


class TestNotices:
    def test_submission_to_the_head_approval_to_bappeda(
        self, world, django_capture_on_commit_callbacks
    ):
        from pantau.notifications.models import Notifikasi

        a = world.a
        with django_capture_on_commit_callbacks(execute=True):
            r = report(a, a.sub)
        heads = Notifikasi.objects.values_list("user__username", flat=True)
        assert list(heads) == ["kepala_opd.a"]
        note = Notifikasi.objects.get()
        assert "menunggu persetujuan" in note.judul and "antrian=persetujuan" in note.url
        with django_capture_on_commit_callbacks(execute=True):
            realisasi_transition(actor=a.users["kepala_opd"], realisasi=r, name="approve")
        note = Notifikasi.objects.exclude(user=a.users["kepala_opd"]).get()
        assert note.user == a.users["verifikator"]
        assert "antrian=verifikasi" in note.url and f"opd={a.dinkes.pk}" in note.url

    def test_no_second_notice_while_the_first_is_unread(
        self, world, django_capture_on_commit_callbacks
    ):
        from pantau.notifications.models import Notifikasi
        from pantau.notifications.services import notifikasi_mark_read

        a = world.a
        with django_capture_on_commit_callbacks(execute=True):
            report(a, a.sub)
            report(a, a.sub2)
        assert Notifikasi.objects.filter(user=a.users["kepala_opd"]).count() == 1
        notifikasi_mark_read(user=a.users["kepala_opd"])
        with django_capture_on_commit_callbacks(execute=True):
            report(a, a.sub, bulan=2)
        assert Notifikasi.objects.filter(user=a.users["kepala_opd"]).count() == 2

    def test_an_approved_rahasia_report_is_not_announced_to_bappeda(
        self, world, django_capture_on_commit_callbacks
    ):
        from pantau.notifications.models import Notifikasi

        a = world.a
        classify(a, a.sub2, "rahasia")
        with django_capture_on_commit_callbacks(execute=True):
            report(a, a.sub2, step="approve")
        assert not Notifikasi.objects.filter(user=a.users["verifikator"]).exists()

    def test_bulk_verify_sends_one_notice_per_opd(self, world, django_capture_on_commit_callbacks):
        from pantau.notifications.models import Notifikasi

        a = world.a
        rows = [
            report(a, a.sub, step="approve"),
            report(a, a.sub2, step="approve"),
            report(a, a.sub_pupr, step="approve"),
        ]
        Notifikasi.objects.all().delete()
        with django_capture_on_commit_callbacks(execute=True):
            results = realisasi_verify_bulk(
                actor=a.users["verifikator"],
                items=[(r.pk, queues.version_token(r)) for r in rows],
            )
        assert all(r.ok for r in results)
        per_user = {n.user.username: n for n in Notifikasi.objects.select_related("user")}
        assert set(per_user) == {
            "operator_opd.a",
            "kepala_opd.a",
            f"operator_pupr.{a.pemda.kode}",
            f"kepala_pupr.{a.pemda.kode}",
        }
        assert Notifikasi.objects.count() == 4
        dinkes = per_user["operator_opd.a"]
        assert dinkes.judul.startswith("2 laporan Dinkes-a")
        assert a.sub.kode in dinkes.isi and a.sub2.kode in dinkes.isi


class TestPages:
    def test_home_and_reports_page_say_how_many_wait(self, client, world):
        a = world.a
        report(a, a.sub)
        report(a, a.sub2)
        login(client, a.users["kepala_opd"])
        for url in (reverse("core:home"), reverse("monitoring:daftar")):
            text = client.get(url).text
            assert "2 laporan menunggu persetujuan" in text
            assert reverse("monitoring:antrian-persetujuan") in text
        login(client, a.users["operator_opd"])
        assert "menunggu persetujuan" not in client.get(reverse("core:home")).text

    def test_approval_queue_page_lists_figures(self, client, world):
        a = world.a
        r = report(a, a.sub, keuangan=45_000_000)
        login(client, a.users["kepala_opd"])
        page = client.get(reverse("monitoring:antrian-persetujuan")).text
        assert f'data-laporan="{r.pk}"' in page and "Rp 45.000.000" in page
        assert 'name="laporan"' not in page  # no bulk verify for a head


class TestComplianceOrder:
    def test_worst_first_by_the_stated_rule(self, world, clock):
        from pantau.monitoring.selectors import compliance
        from pantau.monitoring.services import periode_reopen
        from pantau.organisations.choices import JenisOpd
        from pantau.organisations.services import opd_create

        a = world.a
        opd_create(
            actor=None,
            pemda=a.pemda,
            kode="1.01.0.00.0.00.01.0000",
            nama="Dinas Arsip A",  # first by name: it is last only because it has no plan
            singkatan="Arsip-a",
            jenis=JenisOpd.DINAS,
            bidang_urusan="1.02",
        )
        report(a, a.sub)  # Dinkes: one of two on time
        clock.set("2026-02-12 10:00")  # after the cut-off of 10 February
        periode = PeriodeLaporan.objects.get(tahun_anggaran=a.ta, bulan=1)

        def order():
            rows = compliance(user=a.users["verifikator"], periode=periode)
            return [r.opd.singkatan for r in rows]

        # one missing each: the lower on-time share first (PUPR 0 %, Dinkes 50 %)
        assert order() == ["PUPR-a", "Dinkes-a", "Arsip-a"]
        for opd in (a.pupr, a.dinkes):
            periode_reopen(
                actor=a.users["admin"], periode=periode, opd=opd, alasan="Laporan susulan Januari"
            )
        report(a, a.sub_pupr)  # late: PUPR has none missing now, Dinkes still one
        assert order() == ["Dinkes-a", "PUPR-a", "Arsip-a"]
        report(a, a.sub2)  # late too: one late each, the lower on-time share first again
        rows = compliance(user=a.users["verifikator"], periode=periode)
        assert [r.opd.singkatan for r in rows] == ["PUPR-a", "Dinkes-a", "Arsip-a"]
        assert [(r.tidak_ada, r.terlambat) for r in rows[:2]] == [(0, 1), (0, 1)]
        assert [r.persen_tepat_waktu for r in rows[:2]] == [Decimal(0), Decimal("50.0")]

    def test_the_rule_is_printed_on_the_page(self, client, world):
        login(client, world.a.users["verifikator"])
        page = client.get(reverse("monitoring:kepatuhan"), {"tahun": 2026, "bulan": 1}).text
        assert "Urutan: yang terburuk lebih dulu" in page


class TestPaging:
    def test_pages_keep_the_filter(self, client, world, monkeypatch):
        a = world.a
        first = report(a, a.sub, step="approve")
        second = report(a, a.sub2, step="approve")
        report(a, a.sub_pupr, step="approve")  # filtered out by the search
        monkeypatch.setattr(queues, "PAGE_SIZE", 1)
        login(client, a.users["verifikator"])
        url = reverse("monitoring:antrian-verifikasi")
        one = client.get(url, {"q": "1.02.02"}).text
        assert f'data-laporan="{first.pk}"' in one and f'data-laporan="{second.pk}"' not in one
        assert "halaman=2" in one and "q=1.02.02" in one
        two = client.get(url, {"q": "1.02.02", "halaman": 2}).text
        assert f'data-laporan="{second.pk}"' in two and f'data-laporan="{first.pk}"' not in two

    def test_the_queue_page_does_not_query_per_report(self, client, world):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        a = world.a
        login(client, a.users["verifikator"])
        url = reverse("monitoring:antrian-verifikasi")
        report(a, a.sub, step="approve")
        client.get(url)  # warm the session and caches
        with CaptureQueriesContext(connection) as few:
            client.get(url)
        report(a, a.sub2, step="approve")
        report(a, a.sub_pupr, step="approve")
        report(a, a.sub, bulan=2, step="approve")
        with CaptureQueriesContext(connection) as more:
            assert "data-laporan" in client.get(url).text
        assert len(more.captured_queries) == len(few.captured_queries)
