"""The static files storage of production (`PANTAU_DEBUG=0`): WhiteNoise's hashed, gzip- and
Brotli-compressed copies, with one change: the `sourceMappingURL` comments that vendor files
carry are left as they are instead of being rewritten to hashed names.

Django's manifest storage rewrites those comments and stops `collectstatic` with an error when
the named map is missing (`leaflet.js.map` once did so, and then every page answered 500).
Source maps only help a developer's browser tools; a comment left as it is still resolves,
next to the hashed file, to the unhashed copy that `collectstatic` keeps when the map was
copied, and to a harmless 404 when it was not."""

from __future__ import annotations

from whitenoise.storage import CompressedManifestStaticFilesStorage


def _without_source_maps(patterns):
    kept = []
    for extension, rules in patterns:
        rules = tuple(
            rule
            for rule in rules
            if "sourceMappingURL" not in (rule[0] if isinstance(rule, tuple) else rule)
        )
        if rules:
            kept.append((extension, rules))
    return tuple(kept)


class PantauStaticFilesStorage(CompressedManifestStaticFilesStorage):
    patterns = _without_source_maps(CompressedManifestStaticFilesStorage.patterns)
