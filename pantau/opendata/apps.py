from django.apps import AppConfig


class OpendataConfig(AppConfig):
    name = "pantau.opendata"
    verbose_name = "Data terbuka (Satu Data)"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        # The host → pemda map is forgotten when organisations changes a pemda's hosts, at once
        # and again after the commit (a request in between may have refilled it; decision 0018).
        from pantau.core import handoff
        from pantau.opendata.public import forget_hosts
        from pantau.organisations import topics

        handoff.subscribe(topics.PEMDA_HOSTS_CHANGED, forget_hosts)
        handoff.subscribe(topics.PEMDA_HOSTS_CHANGED, forget_hosts, after_commit=True)
