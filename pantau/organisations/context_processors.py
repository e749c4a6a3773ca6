from pantau.organisations.access import scope_for


def roles(request):
    """The signed-in user's roles, for the menu (what a page offers, never what it allows)."""
    user = getattr(request, "user", None)
    scope = scope_for(user) if user is not None else None
    names = set(scope.roles.values()) if scope else set()
    return {
        "user_roles": sorted(names),
        "is_opd_user": bool(names & {"operator_opd", "kepala_opd"}),
        "is_reviewer": bool(names & {"verifikator", "admin", "pimpinan", "auditor"}),
        "can_classify": bool(names & {"verifikator", "admin"}),
        "can_view_audit": bool(names & {"admin", "auditor"}),
        "can_manage_people": "admin" in names or bool(getattr(user, "is_superuser", False)),
    }
