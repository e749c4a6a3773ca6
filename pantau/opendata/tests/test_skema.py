"""Issue 9 §3: a dataset's table schema is declared (proposed from the first file, confirmed by
the producer), values that break it are per-cell errors, an unpublished dataset's schema can be
corrected and reset, suppression applies to every person-count column whatever type it arrived
in, and personal-data columns are refused at upload."""

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from conftest import PASSWORD
from pantau.audit.models import AuditEvent
from pantau.opendata import public, skema, tables
from pantau.opendata import services as od
from pantau.opendata import services_tabel as tabel
from pantau.opendata.ids import resource_id
from pantau.opendata.models import BarisData, Dataset, DatasetVersi, Publikasi

pytestmark = pytest.mark.django_db

WITH_LETTERS = (
    b"kecamatan,kasus\nWangi-Wangi,12\nKaledupa,tiga\nTomia,20x5\nBinongko,4\nTogo Binongko,7\n"
)
CORRECTED = b"kecamatan,kasus\nWangi-Wangi,12\nKaledupa,3\nTomia,2\nBinongko,4\nTogo Binongko,7\n"


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def _new(world, nama="kasus-dbd-2025", actor=None):
    from pantau.organisations.services import pemda_update

    pemda_update(actor=None, pemda=world.a.pemda, walidata_email="data@a.example")
    return od.dataset_create(
        actor=actor or world.a.users["operator_opd"],
        opd=world.a.dinkes,
        nama=nama,
        judul="Kasus DBD per Kecamatan 2025",
        deskripsi="Jumlah kasus demam berdarah per kecamatan.",
        frekuensi="tahunan",
        periode_awal=dt.date(2025, 1, 1),
        periode_akhir=dt.date(2025, 12, 31),
        tahun=2025,
    )


def _upload(client, ds, body, name="kasus.csv", **extra):
    return client.post(
        f"/satu-data/{ds.pk}/unggah/",
        {"berkas": SimpleUploadedFile(name, body), **extra},
        follow=True,
    )


def _confirm(client, ds, types, titles=None, counts=(), **extra):
    data = {"aksi": "simpan", **extra}
    for i, kind in enumerate(types):
        data[f"jenis_{i}"] = kind
        data[f"judul_{i}"] = (titles or [""] * len(types))[i]
        if i in counts:
            data[f"orang_{i}"] = "on"
    return client.post(f"/satu-data/{ds.pk}/skema/", data, follow=True)


def _private_files(settings):
    return sorted(p for p in Path(settings.PRIVATE_ROOT).rglob("*") if p.is_file())


class TestDeclaredSchema:
    def test_letters_in_a_number_column_are_cell_errors_and_the_corrected_file_is_accepted(
        self, client, world, settings, django_capture_on_commit_callbacks
    ):
        ds = _new(world)
        login(client, world.a.users["operator_opd"])
        page = _upload(client, ds, WITH_LETTERS)
        # nothing is accepted before the producer confirmed the schema; the file's majority
        # decides the proposal, so the letters do not turn the column into text
        assert page.request["PATH_INFO"] == f"/satu-data/{ds.pk}/skema/"
        assert not DatasetVersi.objects.filter(dataset=ds).exists()
        proposed = {f["name"]: f for f in page.context["form"].kolom}
        assert proposed["kasus"]["type"] == "integer" and proposed["kasus"]["tidak_sesuai"] == 2
        assert proposed["kasus"]["jumlah_orang"]  # "kasus" counts people
        assert "Contoh nilai: 12, tiga, 20x5" in page.text
        with django_capture_on_commit_callbacks(execute=True):
            page = _confirm(
                client, ds, ["string", "integer"], ["Kecamatan", "Kasus DBD"], counts={1}
            )
        assert "Baris 3, kolom kasus: nilai &#x27;tiga&#x27; bukan bilangan bulat." in page.text
        assert "Baris 4, kolom kasus: nilai &#x27;20x5&#x27; bukan bilangan bulat." in page.text
        assert "Skema disimpan, tetapi data berkas belum sesuai skema" in page.text
        ds.refresh_from_db()
        assert not DatasetVersi.objects.filter(dataset=ds).exists()
        assert skema.structure(ds.skema) == [("kecamatan", "string"), ("kasus", "integer")]
        assert skema.counts(ds.skema) == {"kasus"}
        # the corrected file is checked against the declared schema and accepted
        with django_capture_on_commit_callbacks(execute=True):
            page = _upload(client, ds, CORRECTED)
        assert "Versi 1 tersimpan: 5 baris." in page.text
        versi = DatasetVersi.objects.get(dataset=ds)
        assert [b.data["kasus"] for b in versi.baris.order_by("nomor")] == [12, 3, 2, 4, 7]
        assert versi.skema["fields"][1] == {
            "name": "kasus",
            "type": "integer",
            "title": "Kasus DBD",
            "constraints": {"minimum": 0},
        }
        ds.refresh_from_db()
        assert ds.unggahan_tertunda == {}
        assert _private_files(settings) == [Path(settings.PRIVATE_ROOT) / versi.berkas]
        actions = list(
            AuditEvent.objects.filter(object_id=str(ds.pk), object_type="opendata.dataset")
            .order_by("pk")
            .values_list("action", flat=True)
        )
        assert actions == [
            "dataset.create",
            "dataset.unggahan",  # the file waits for its schema
            "dataset.skema",  # declared by the producer
            "dataset.unggahan.diterima",  # the corrected file replaced the waiting one
        ]

    def test_every_breaking_cell_is_reported_in_english_too(self, client, world):
        from django.conf import settings as dj

        ds = _new(world)
        tabel.skema_set(
            actor=None,
            dataset=ds,
            fields=[
                {"name": "kecamatan", "type": "string"},
                {"name": "kasus", "type": "integer", "jumlah_orang": True},
            ],
        )
        login(client, world.a.users["operator_opd"])
        client.cookies[dj.LANGUAGE_COOKIE_NAME] = "en"
        page = _upload(client, ds, WITH_LETTERS.replace(b"Binongko,4", b"Binongko,-4"))
        text = page.text
        assert "The file was refused; nothing was saved." in text
        assert "Row 3, column kasus: value &#x27;tiga&#x27; is not a whole number." in text
        assert "Row 4, column kasus: value &#x27;20x5&#x27; is not a whole number." in text
        assert "Row 5, column kasus: value &#x27;-4&#x27; is below 0." in text
        assert not DatasetVersi.objects.filter(dataset=ds).exists()

    def test_the_proposal_can_be_confirmed_or_cancelled(
        self, client, world, settings, django_capture_on_commit_callbacks
    ):
        ds = _new(world)
        login(client, world.a.users["operator_opd"])
        page = client.get(f"/satu-data/{ds.pk}/skema/", follow=True)  # nothing to check yet
        assert "Unggah berkas untuk mendapat usulan skema tabel." in page.text
        _upload(client, ds, CORRECTED)
        assert len(_private_files(settings)) == 1  # kept privately while it waits
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(f"/satu-data/{ds.pk}/skema/", {"aksi": "batal"}, follow=True)
        assert "Unggahan dibatalkan; berkasnya dihapus." in page.text
        ds.refresh_from_db()
        assert ds.unggahan_tertunda == {} and ds.skema == {} and _private_files(settings) == []
        # others may read the dataset but not its schema screen; system series have none
        login(client, world.a.users["pimpinan"])
        assert client.get(f"/satu-data/{ds.pk}/").status_code == 200
        assert client.get(f"/satu-data/{ds.pk}/skema/").status_code == 404

    def test_the_proposal(self):
        table = tables.Table(
            ["kode_desa", "telp_kantor", "jumlah_pasien", "tanggal", "luas", "catatan", "ada"],
            [
                ["001", "0401", "3", "2025-01-02", "1.5", "baik", "true"],
                ["002", "0402", "tiga", "2025-01-03", "2", "12", "false"],
                ["003", "0403", "5", "x", "3,5", "cukup", "true"],
            ],
        )
        got = {f["name"]: (f["type"], f["jumlah_orang"]) for f in skema.propose(table)["fields"]}
        assert got == {
            "kode_desa": ("string", False),  # codes stay text
            "telp_kantor": ("string", False),  # a leading zero stays text
            "jumlah_pasien": ("integer", True),  # 2 of 3 are whole numbers: a number column
            "tanggal": ("date", False),
            "luas": ("number", False),
            "catatan": ("string", False),  # one number among words is still text
            "ada": ("boolean", False),
        }
        assert skema.propose(table)["fields"][2]["title"] == "Jumlah pasien"

    def test_a_declaration_is_checked(self, world):
        ds = _new(world)
        bad = [
            {"name": "Nama", "type": "string"},
            {"name": "a", "type": "uang"},
            {"name": "a", "type": "string"},
            {"name": "kasus", "type": "number", "jumlah_orang": True},
            {"name": "b", "type": "string", "title": "x" * 201},
        ]
        with pytest.raises(ValidationError) as err:
            tabel.skema_set(actor=None, dataset=ds, fields=bad)
        text = " ".join(err.value.messages)
        for expected in (
            "Nama kolom Nama tidak valid",
            "Kolom a: pilih jenis kolom yang dikenal.",
            "Nama kolom a muncul dua kali.",
            "Kolom kasus dinyatakan sebagai jumlah orang: jenisnya harus bilangan bulat.",
            "Kolom b: judul paling banyak 200 karakter",
        ):
            assert expected in text
        ds.refresh_from_db()
        assert ds.skema == {}
        with pytest.raises(ValidationError, match="data pribadi"):
            tabel.skema_set(
                actor=None,
                dataset=ds,
                fields=[{"name": "a", "type": "string", "title": "Hubungi 081234567890"}],
            )


class TestCorrectingTheSchema:
    def test_an_unpublished_schema_is_corrected_and_the_old_version_cannot_be_submitted(
        self, client, world
    ):
        ds = _new(world)
        operator = world.a.users["operator_opd"]
        # the first file had only words: the column was accepted as text
        tabel.versi_upload(
            actor=operator,
            dataset=ds,
            content=b"kecamatan,kasus\nA,tiga\nB,dua\n",
            filename="v1.csv",
            terima_usulan=True,
        )
        login(client, operator)
        page = client.get(f"/satu-data/{ds.pk}/skema/")
        assert page.status_code == 200 and "Atur ulang skema" in page.text
        page = _confirm(client, ds, ["string", "integer"], ["Kecamatan", "Kasus"], counts={1})
        assert "Skema disimpan." in page.text
        assert "Versi terakhir tidak sesuai skema yang dinyatakan" in page.text
        assert "Ajukan ke walidata" not in page.text
        with pytest.raises(ValidationError, match="tidak sesuai skema tabel"):
            od.dataset_submit(actor=operator, dataset=ds)
        _upload(client, ds, b"kecamatan,kasus\nA,3\nB,2\n")
        od.dataset_submit(actor=operator, dataset=ds)
        event = AuditEvent.objects.filter(action="dataset.skema", object_id=str(ds.pk)).last()
        assert event.actor_label == operator.username and "skema" in event.changes

    def test_titles_of_a_draft_version_follow_the_declaration(self, world):
        ds = _new(world)
        v1 = tabel.versi_upload(
            actor=None,
            dataset=ds,
            content=b"kecamatan,kasus\nA,7\n",
            filename="v1.csv",
            terima_usulan=True,
        )
        tabel.skema_set(
            actor=None,
            dataset=ds,
            fields=[
                {"name": "kecamatan", "type": "string", "title": "Nama kecamatan"},
                {"name": "kasus", "type": "integer", "title": "Kasus baru"},
            ],
        )
        v1.refresh_from_db()
        assert [f.get("title") for f in v1.skema["fields"]] == ["Nama kecamatan", "Kasus baru"]

    def test_a_different_table_needs_a_reset_while_never_published(
        self, client, world, django_capture_on_commit_callbacks
    ):
        ds = _new(world)
        operator = world.a.users["operator_opd"]
        tabel.versi_upload(
            actor=operator,
            dataset=ds,
            content=b"kecamatan,kasus\nA,5\n",
            filename="v1.csv",
            terima_usulan=True,
        )
        login(client, operator)
        page = _upload(client, ds, b"kecamatan,kasus_baru,kasus_lama\nA,5,6\n")
        assert "Kolom berkas tidak sesuai skema yang dinyatakan." in page.text
        assert "atur ulang skema dataset ini" in page.text
        with django_capture_on_commit_callbacks(execute=True):
            page = client.post(f"/satu-data/{ds.pk}/skema/", {"aksi": "atur-ulang"}, follow=True)
        assert "Skema diatur ulang." in page.text
        ds.refresh_from_db()
        assert ds.skema == {}
        page = _upload(client, ds, b"kecamatan,kasus_baru,kasus_lama\nA,5,6\n")
        assert [f["name"] for f in page.context["form"].kolom] == [
            "kecamatan",
            "kasus_baru",
            "kasus_lama",
        ]
        page = _confirm(client, ds, ["string", "integer", "integer"])
        assert "Skema disimpan. Versi 2 tersimpan: 1 baris." in page.text
        assert AuditEvent.objects.filter(action="dataset.skema.reset").count() == 1

    def test_once_published_names_and_types_stay_and_counts_are_only_added(
        self, client, world, catalogue
    ):
        admin = world.a.users["admin"]
        ds = _new(world, actor=admin)
        tabel.skema_set(
            actor=admin,
            dataset=ds,
            fields=[
                {"name": "kecamatan", "type": "string"},
                {"name": "kasus", "type": "integer"},
                {"name": "meninggal", "type": "integer", "jumlah_orang": True},
            ],
        )
        tabel.versi_upload(
            actor=admin,
            dataset=ds,
            content=b"kecamatan,kasus,meninggal\nA,12,0\nB,3,1\nC,7,6\n",
            filename="v1.csv",
        )
        od.dataset_submit(actor=admin, dataset=ds)
        ds = od.dataset_publish(actor=admin, dataset=ds, kelas_kip="berkala")
        assert ds.kolom_sel_kecil == ["meninggal"]  # declared counts need no tick
        fields = [dict(f) for f in ds.skema["fields"]]
        for change, message in (
            ({1: {"type": "number"}}, "nama dan jenis kolomnya tetap"),
            ({2: {"jumlah_orang": False}}, "tanda itu tidak dapat dihapus"),
        ):
            wrong = [{**f, **change.get(i, {})} for i, f in enumerate(fields)]
            with pytest.raises(ValidationError, match=message):
                tabel.skema_set(actor=admin, dataset=ds, fields=wrong)
        with pytest.raises(ValidationError, match="tidak dapat diatur ulang"):
            tabel.skema_reset(actor=admin, dataset=ds)
        url = f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'csv')}/download/x.csv"
        assert "B,3,\n" in client.get(url).getvalue().decode()
        # marking "kasus" as a person count hides its small cells in the published data at once
        fields[1]["jumlah_orang"] = True
        fields[1]["title"] = "Kasus baru"
        ds = tabel.skema_set(actor=admin, dataset=ds, fields=fields)
        assert ds.kolom_sel_kecil == ["kasus", "meninggal"] and ds.ambang_sel_kecil == 5
        served = client.get(url).getvalue()
        assert served.decode().splitlines()[1:] == ["A,12,0", "B,,", "C,7,6"]
        import hashlib

        assert ds.csv_sha256 == hashlib.sha256(served).hexdigest()
        assert Publikasi.objects.filter(
            dataset=ds, aksi=Publikasi.Aksi.DIPERBARUI, catatan__contains="kasus"
        ).exists()
        # the published version keeps its titles; the next version gets the new one
        assert "title" not in ds.versi_terbit.skema["fields"][1]


class TestSuppressionWhateverTheType:
    def _legacy(self, world, body, schema):
        """A dataset written by the code before schemas were declared: its count column
        arrived as text and the migration declared it so."""
        admin = world.a.users["admin"]
        ds = _new(world, actor=admin)
        ds = tabel.skema_set(actor=admin, dataset=ds, fields=schema)
        table = tables.read_table(body, "legacy.csv")
        tabel._new_version(
            actor=admin,
            dataset=ds,
            schema=skema.for_version(ds.skema),
            rows=[dict(zip(table.header, r, strict=True)) for r in table.rows],
            nama_berkas="legacy.csv",
            fmt="csv",
            content=body,
            catatan="",
        )
        od.dataset_submit(actor=admin, dataset=ds)
        return ds

    def test_a_count_column_that_arrived_as_text_is_offered_and_suppressed(
        self, client, world, catalogue
    ):
        ds = self._legacy(
            world,
            b"kecamatan,kasus\nA,12\nB,3\nC,0\nD,2\nE,tiga\nF,5\n",
            [{"name": "kecamatan", "type": "string"}, {"name": "kasus", "type": "string"}],
        )
        login(client, world.a.users["admin"])
        page = client.get(f"/satu-data/{ds.pk}/")
        assert 'name="kolom_sel_kecil" value="kasus"' in page.text
        client.post(
            f"/satu-data/{ds.pk}/terbitkan/", {"kelas_kip": "berkala", "kolom_sel_kecil": ["kasus"]}
        )
        ds = Dataset.objects.get(pk=ds.pk)
        assert ds.status == "terbit" and ds.kolom_sel_kecil == ["kasus"]
        published = [data["kasus"] for _n, data in public.records(ds)]
        # 3, 2 and "tiga" (a small count in words) never reach the public
        assert published == ["12", None, "0", None, None, "5"]
        csv_text = (
            client.get(f"/dataset/{ds.nama}/resource/{resource_id(ds.uid, 'csv')}/download/x.csv")
            .getvalue()
            .decode()
        )
        assert csv_text.splitlines()[1:] == ["A,12", "B,", "C,0", "D,", "E,", "F,5"]

    def test_a_declared_count_is_suppressed_without_the_walidata_ticking_it(
        self, client, world, catalogue
    ):
        ds = _new(world, actor=world.a.users["admin"])
        tabel.skema_set(
            actor=None,
            dataset=ds,
            fields=[
                {"name": "kecamatan", "type": "string"},
                {"name": "kasus", "type": "integer", "jumlah_orang": True},
            ],
        )
        tabel.versi_upload(actor=None, dataset=ds, content=CORRECTED, filename="k.csv")
        od.dataset_submit(actor=None, dataset=ds)
        login(client, world.a.users["admin"])
        page = client.get(f"/satu-data/{ds.pk}/")
        assert 'value="kasus" id="sel-kasus" checked disabled' in page.text
        client.post(f"/satu-data/{ds.pk}/terbitkan/", {"kelas_kip": "berkala"})
        ds = Dataset.objects.get(pk=ds.pk)
        assert ds.kolom_sel_kecil == ["kasus"]
        assert [d["kasus"] for _n, d in public.records(ds)] == [12, None, None, None, 7]

    @pytest.mark.parametrize(
        "value, hidden",
        [
            (None, False),
            ("", False),
            (0, False),
            ("0", False),
            (5, False),
            (5.0, False),
            ("17", False),
            (1, True),
            (4, True),
            ("3", True),
            (" 2 ", True),
            (4.5, True),
            ("tiga", True),
            ("20x5", True),
            (-3, True),
            (True, True),
            ("NaN", True),
        ],
    )
    def test_what_a_count_column_may_show(self, value, hidden):
        assert public._hidden(value, 5) is hidden


class TestPersonalDataAtUpload:
    @pytest.mark.parametrize(
        "body, reason",
        [
            (b"nik,kasus\n7407010101010001,1\n", "kolom nik (nama kolom data pribadi)"),
            (b"no_kk,kasus\n7407010101010002,1\n", "kolom no_kk (nama kolom data pribadi)"),
            (b"nama_pasien,kasus\nBudi,1\n", "kolom nama_pasien (nama kolom data pribadi)"),
            (b"kode,alamat\nA,Jl. Merdeka 1\n", "kolom alamat (nama kolom data pribadi)"),
            (b"kode,kontak\nA,081234567890\n", "kolom kontak (berisi nomor telepon)"),
            (b"kode,catatan\nA,7407010101010001\n", "kolom catatan (berisi NIK)"),
        ],
    )
    def test_refused_with_the_column_and_nothing_kept(self, client, world, settings, body, reason):
        ds = _new(world)
        login(client, world.a.users["operator_opd"])
        page = _upload(client, ds, body)
        assert "Berkas berisi data pribadi yang tidak boleh masuk Satu Data" in page.text
        assert reason in page.text
        ds.refresh_from_db()
        assert ds.unggahan_tertunda == {} and ds.skema == {} and not ds.versi.exists()
        assert _private_files(settings) == []
        # the same when the schema is declared (later versions)
        tabel.skema_set(
            actor=None,
            dataset=ds,
            fields=[{"name": n, "type": "string"} for n in body.decode().split("\n")[0].split(",")],
        )
        with pytest.raises(ValidationError, match="data pribadi"):
            tabel.versi_upload(actor=None, dataset=ds, content=body, filename="p.csv")

    def test_counts_of_such_things_are_aggregates(self, world):
        ds = _new(world)
        versi = tabel.versi_upload(
            actor=None,
            dataset=ds,
            content=b"kecamatan,jumlah_kk,jumlah_alamat\nA,120,80\n",
            filename="kk.csv",
            terima_usulan=True,
        )
        assert versi.jumlah_baris == 1

    def test_the_message_in_english(self, client, world):
        from django.conf import settings as dj

        ds = _new(world)
        login(client, world.a.users["operator_opd"])
        client.cookies[dj.LANGUAGE_COOKIE_NAME] = "en"
        page = _upload(client, ds, b"nik,kasus\n7407010101010001,1\n")
        assert "The file holds personal data that may not enter Satu Data" in page.text
        assert "column nik (a personal-data column name)" in page.text


def test_migration_declares_the_schema_of_existing_datasets(world):
    """Datasets uploaded before schemas were declared keep working: the latest version's
    columns become the declared schema, the Walidata's small-cell columns person counts."""
    import importlib

    from django.apps import apps

    migration = importlib.import_module("pantau.opendata.migrations.0005_skema_dinyatakan")
    ds = _new(world)
    ds = tabel.skema_set(
        actor=None,
        dataset=ds,
        fields=[
            {"name": "kecamatan", "type": "string", "title": "Kecamatan"},
            {"name": "kasus", "type": "integer"},
        ],
    )
    tabel.versi_upload(actor=None, dataset=ds, content=b"kecamatan,kasus\nA,4\n", filename="a.csv")
    Dataset.objects.filter(pk=ds.pk).update(skema={}, kolom_sel_kecil=["kasus"])
    migration.declare_from_versions(apps, None)
    ds.refresh_from_db()
    assert skema.structure(ds.skema) == [("kecamatan", "string"), ("kasus", "integer")]
    assert skema.counts(ds.skema) == {"kasus"}
    assert ds.skema["fields"][0]["title"] == "Kecamatan"  # the version's title
    # and the data accept a new version as before
    tabel.versi_upload(actor=None, dataset=ds, content=b"kecamatan,kasus\nB,9\n", filename="b.csv")
    assert BarisData.objects.filter(versi__dataset=ds).count() == 2


def test_a_column_name_repeated_three_times_is_said_once():
    from pantau.opendata.tables import check_header

    errors = check_header(["a", "a", "a"])
    assert errors.count("Nama kolom a muncul dua kali.") == 1
