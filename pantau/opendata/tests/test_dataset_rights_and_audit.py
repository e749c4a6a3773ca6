"""Who may change a dataset once published, and the audit of its topics."""

import pytest
from django.core.exceptions import ValidationError

from pantau.audit.models import AuditEvent
from pantau.opendata import services as od

pytestmark = pytest.mark.django_db


API = "/api/3/action/"


def test_produsen_cannot_change_a_published_dataset(world, catalogue):
    ds = catalogue.public[0]
    with pytest.raises(ValidationError, match="walidata"):
        od.dataset_update(actor=world.a.users["operator_opd"], dataset=ds, judul="Belum disetujui")
    with pytest.raises(ValidationError, match="data pribadi"):
        od.dataset_update(
            actor=world.a.users["admin"], dataset=ds, deskripsi="Hubungi 081234567890"
        )
    before = ds.diubah_publik
    ds = od.dataset_update(actor=world.a.users["admin"], dataset=ds, judul="Judul baru")
    assert ds.diubah_publik > before  # harvesters see the change


def test_topic_changes_are_audited(world, catalogue):
    from pantau.opendata.models import Topik

    ds = catalogue.public[0]
    sosial, _ = Topik.objects.get_or_create(nama="sosial", defaults={"judul": "Sosial"})
    od.dataset_update(actor=world.a.users["admin"], dataset=ds, topik=[sosial])
    event = AuditEvent.objects.filter(action="dataset.topik").latest("pk")
    assert event.changes["topik"] == [["kesehatan"], ["sosial"]]
