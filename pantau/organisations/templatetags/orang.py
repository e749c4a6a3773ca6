"""People on pages: `{{ user|orang:pemda_id }}` shows full name and position, never a username
alone (organisations.selectors.person_label)."""

from django import template

from pantau.organisations.selectors import person_label

register = template.Library()


@register.filter
def orang(user, pemda_id=None) -> str:
    return person_label(user, pemda_id=pemda_id)
