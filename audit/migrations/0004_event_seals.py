"""Audit without a county-wide lock (issue 14): events carry a keyed digest of their content and the chain
moves to append-only Seal rows written by the sealer. Existing events are given their digest and sealed in
id order, which was their chain order (run `verify_audit` before migrating to check the old chain)."""

import django.db.models.deletion
from django.db import migrations, models
from django.utils import timezone


def digest_and_seal(apps, schema_editor):
    from audit.chain import GENESIS_HASH, event_digest, link_hash

    Event = apps.get_model("audit", "Event")
    Seal = apps.get_model("audit", "Seal")
    prev, position, now, seals = GENESIS_HASH, 0, timezone.now(), []
    for event in Event.objects.order_by("id").iterator(chunk_size=2000):
        event.nonce = str(event.pk)  # events alike in every field must still differ
        event.digest = event_digest(event)
        Event.objects.filter(pk=event.pk).update(nonce=event.nonce, digest=event.digest)
        position += 1
        seal = Seal(position=position, event_id=event.pk, prev_hash=prev, sealed_at=now)
        seal.hash = prev = link_hash(prev, event.digest)
        seals.append(seal)
        if len(seals) >= 2000:
            Seal.objects.bulk_create(seals)
            seals = []
    Seal.objects.bulk_create(seals)


class Migration(migrations.Migration):

    dependencies = [
        ("audit", "0003_event_school_and_pupil"),
    ]

    operations = [
        migrations.AddField(
            model_name="event",
            name="actor_full_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="operator's name"),
        ),
        migrations.AddField(
            model_name="event",
            name="other_school_pk",
            field=models.PositiveBigIntegerField(blank=True, db_index=True, null=True, verbose_name="other school"),
        ),
        migrations.AddField(
            model_name="event",
            name="nonce",
            field=models.CharField(blank=True, max_length=32, verbose_name="nonce"),
        ),
        migrations.AddField(
            model_name="event",
            name="digest",
            field=models.CharField(max_length=64, null=True, verbose_name="digest"),
        ),
        migrations.CreateModel(
            name="Seal",
            fields=[
                ("position", models.PositiveBigIntegerField(primary_key=True, serialize=False, verbose_name="position")),
                ("prev_hash", models.CharField(max_length=64, verbose_name="previous hash")),
                ("hash", models.CharField(max_length=64, unique=True, verbose_name="hash")),
                ("sealed_at", models.DateTimeField(verbose_name="sealed at")),
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="seal",
                        to="audit.event",
                        verbose_name="audit event",
                    ),
                ),
            ],
            options={
                "verbose_name": "audit seal",
                "verbose_name_plural": "audit seals",
                "ordering": ["position"],
            },
        ),
        migrations.CreateModel(
            name="PendingSeal",
            fields=[
                (
                    "event",
                    models.OneToOneField(
                        on_delete=django.db.models.deletion.CASCADE,
                        primary_key=True,
                        related_name="+",
                        serialize=False,
                        to="audit.event",
                    ),
                ),
            ],
            options={
                "verbose_name": "event awaiting its seal",
                "verbose_name_plural": "events awaiting their seal",
            },
        ),
        migrations.RunPython(digest_and_seal, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="event",
            name="digest",
            field=models.CharField(max_length=64, unique=True, verbose_name="digest"),
        ),
        migrations.RemoveField(model_name="event", name="prev_hash"),
        migrations.RemoveField(model_name="event", name="hash"),
    ]
