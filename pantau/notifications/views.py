from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from pantau.notifications.selectors import notifikasi_for_user
from pantau.notifications.services import notifikasi_mark_read


@login_required
def daftar(request):
    if request.method == "POST":
        notifikasi_mark_read(user=request.user)
        messages.success(request, _("Semua notifikasi ditandai sudah dibaca."))
        return redirect("notifications:daftar")
    return render(
        request,
        "notifications/daftar.html",
        {"items": notifikasi_for_user(user=request.user)[:100]},
    )
