from django.contrib.auth.views import redirect_to_login
from django.shortcuts import redirect

from pantau.core.dbrouter import replica_readable
from pantau.opendata.public import catalogue_pemda


@replica_readable
def visitor_start(request):
    """A visitor at the site root gets the public portal, or the sign-in page when this host
    serves no catalogue (served at `core:home` by `config.start`)."""
    if catalogue_pemda(request.get_host()) is not None:
        return redirect("opendata:beranda")
    return redirect_to_login(request.get_full_path())
