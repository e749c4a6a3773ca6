from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "pantau.notifications"
    verbose_name = _("Notifikasi")
    label = "notifications"

    def ready(self):
        # Notices follow monitoring's steps once they have committed (decision 0018).
        from pantau.core import handoff
        from pantau.monitoring import topics
        from pantau.notifications.services import (
            notify_bulk_verify,
            notify_reopen,
            notify_transition,
        )

        handoff.subscribe(topics.TRANSITION_DONE, notify_transition, after_commit=True)
        handoff.subscribe(topics.PERIOD_REOPENED, notify_reopen, after_commit=True)
        handoff.subscribe(topics.REPORTS_VERIFIED_IN_BULK, notify_bulk_verify, after_commit=True)

        from pantau.notifications.services import notify_dokumen
        from pantau.planning import topics as planning_topics

        handoff.subscribe(planning_topics.DOKUMEN_TRANSITION, notify_dokumen, after_commit=True)
