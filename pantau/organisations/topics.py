"""What organisations' services hand to the layers above (pantau.core.handoff)."""

from pantau.core.handoff import declare

PEMDA_HOSTS_CHANGED = declare(
    "organisations.pemda_hosts_changed",
    "A pemda was added, or its public domain or active flag changed (no payload): "
    "whatever maps hosts to pemdas forgets its map.",
)
PEMDA_THRESHOLDS_CHANGED = declare(
    "organisations.pemda_thresholds_changed",
    "The warning thresholds of a pemda changed (pemda): every figure judged with them is "
    "judged again.",
)
