"""JSON embedded in HTML (`<script type="application/ld+json">` and the like), safe from the
text it carries: `<`, `>` and `&` become \\u003C, \\u003E and \\u0026 (so `</script>` and
`<!--<script>` in a description can never end or hide the rest of the page), and U+2028/U+2029
are escaped for old JavaScript parsers. The JSON value is unchanged for any JSON reader."""

from __future__ import annotations

import json

from django.utils.safestring import SafeString, mark_safe

ESCAPES = {
    ord("<"): "\\u003C",
    ord(">"): "\\u003E",
    ord("&"): "\\u0026",
    0x2028: "\\u2028",
    0x2029: "\\u2029",
}


def embedded_json(value) -> SafeString:
    text = json.dumps(value, ensure_ascii=False, default=str).translate(ESCAPES)
    return mark_safe(text)  # noqa: S308 - every character that could end the script is escaped # nosec B308 B703
