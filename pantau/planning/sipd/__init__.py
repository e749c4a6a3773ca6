"""Import of SIPD's own records of the plan through a per-pemda mapping (decision 0023)."""

from pantau.planning.sipd.convert import derived_plan, sipd_convert, sipd_to_plan
from pantau.planning.sipd.pemetaan import pemetaan_csv, pemetaan_for, pemetaan_sipd_set
from pantau.planning.sipd.reader import sipd_read
from pantau.planning.sipd.run import SipdResult, sipd_dry_run, sipd_import

__all__ = [
    "SipdResult",
    "derived_plan",
    "pemetaan_csv",
    "pemetaan_for",
    "pemetaan_sipd_set",
    "sipd_convert",
    "sipd_dry_run",
    "sipd_import",
    "sipd_read",
    "sipd_to_plan",
]
