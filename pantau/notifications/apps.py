from django.apps import AppConfig


class NotificationsConfig(AppConfig):
    name = "pantau.notifications"
    label = "notifications"
