from pantau.notifications.selectors import unread_count


def unread(request):
    """The number of unread notices beside the bell in the menu."""
    user = getattr(request, "user", None)
    count = unread_count(user=user) if user is not None and user.is_authenticated else 0
    return {"unread_notifications": count}
