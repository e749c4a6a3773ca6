"""`{% unduh_url 'app:name' 'xlsx' key=value ... %}`: the download twin of the current list, with
the page's query (less its page number: a download holds every row) and the filters the page
actually applied (given as keywords, so a default chosen by the page is fixed in the link)."""

from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag(takes_context=True)
def unduh_url(context, name: str, fmt: str, *args, **filters) -> str:
    request = context.get("request")
    query = request.GET.copy() if request is not None else None
    if query is None:
        from django.http import QueryDict

        query = QueryDict(mutable=True)
    for key in ("halaman", "format", "pemisah"):
        query.pop(key, None)
    for key, value in filters.items():
        if value is None or value == "":
            query.pop(key, None)
        else:
            query[key] = str(value)
    if fmt == "csv-id":
        query["format"], query["pemisah"] = "csv", "titik-koma"
    else:
        query["format"] = fmt
    return f"{reverse(name, args=args)}?{query.urlencode()}"


@register.inclusion_tag("core/_unduh.html", takes_context=True)
def unduh(context, name: str, *args, **filters) -> dict:
    """The row of download links (XLSX, CSV, CSV with semicolons) of the current list."""
    return {
        "xlsx": unduh_url(context, name, "xlsx", *args, **filters),
        "csv": unduh_url(context, name, "csv", *args, **filters),
        "csv_id": unduh_url(context, name, "csv-id", *args, **filters),
    }
