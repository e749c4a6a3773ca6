from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo generator: the top layer (it builds every app's data through their services);
    an app only so that its `demo` command is found. No models."""

    name = "pantau.demo"
    verbose_name = _("Demo")
    label = "demo"
