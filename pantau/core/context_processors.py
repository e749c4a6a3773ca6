from django.conf import settings


def pantau(request):
    from pantau.organisations.access import scope_for

    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    return {
        "PANTAU_DEBUG": settings.DEBUG,
        "user_roles": sorted(set(scope.roles.values())) if scope else [],
    }
