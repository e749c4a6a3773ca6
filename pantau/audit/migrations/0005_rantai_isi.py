"""Chain the events written before the chain existed, in id order, one chain per pemda."""

import hashlib

from django.db import migrations


def chain_existing(apps, schema_editor):
    from pantau.audit.chain import canonical, chain_key

    AuditEvent = apps.get_model("audit", "AuditEvent")
    AuditChainHead = apps.get_model("audit", "AuditChainHead")
    heads: dict[str, tuple[int, str]] = {}
    batch = []
    for event in AuditEvent.objects.order_by("id").iterator(2000):
        key = chain_key(event.pemda_id)
        seq, prev = heads.get(key, (0, ""))
        event.chain, event.seq, event.prev_hash = key, seq + 1, prev
        event.hash = hashlib.sha256(
            canonical(
                chain=key,
                seq=event.seq,
                at=event.at,
                actor_id=event.actor_id,
                actor_label=event.actor_label,
                pemda_id=event.pemda_id,
                opd_id=event.opd_id,
                action=event.action,
                object_type=event.object_type,
                object_id=event.object_id,
                object_repr=event.object_repr,
                changes=event.changes,
                prev_hash=prev,
            )
        ).hexdigest()
        heads[key] = (event.seq, event.hash)
        batch.append(event)
        if len(batch) >= 1000:
            AuditEvent.objects.bulk_update(batch, ["chain", "seq", "prev_hash", "hash"])
            batch = []
    if batch:
        AuditEvent.objects.bulk_update(batch, ["chain", "seq", "prev_hash", "hash"])
    AuditChainHead.objects.bulk_create(
        [AuditChainHead(chain=k, seq=s, hash=h) for k, (s, h) in heads.items()]
    )


def unchain(apps, schema_editor):
    apps.get_model("audit", "AuditChainHead").objects.all().delete()


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0004_rantai_hash"),
    ]

    operations = [
        migrations.RunPython(chain_existing, unchain),
    ]
