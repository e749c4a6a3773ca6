from pantau.notifications.models import Notifikasi


def notifikasi_for_user(*, user):
    return Notifikasi.objects.filter(user=user).order_by("-created_at", "-id")


def unread_count(*, user) -> int:
    return Notifikasi.objects.filter(user=user, dibaca_pada__isnull=True).count()
