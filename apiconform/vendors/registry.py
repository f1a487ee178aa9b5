"""The registered vendors: one line per vendor package. Adding a vendor: a spec, a package, a line here."""

from __future__ import annotations

from apiconform.errors import UsageError, did_you_mean
from apiconform.vendors.code_insight.vendor import VENDOR as CODE_INSIGHT
from apiconform.vendors.mend.vendor import VENDOR as MEND
from apiconform.vendors.metadefender_sscp.vendor import VENDOR as METADEFENDER_SSCP
from apiconform.vendors.plugin import Vendor
from apiconform.vendors.sd_elements.vendor import VENDOR as SD_ELEMENTS

VENDORS: dict[str, Vendor] = {v.surface: v for v in (CODE_INSIGHT, MEND, METADEFENDER_SSCP, SD_ELEMENTS)}


def get_vendor(surface: str) -> Vendor:
    """The plug-in of `surface`, or a UsageError naming the registered ones."""
    try:
        return VENDORS[surface]
    except KeyError:
        known = ", ".join(VENDORS)
        raise UsageError(
            f"no vendor plug-in for {surface!r}{did_you_mean(surface, VENDORS)}; registered: {known} "
            "(a new surface needs its package listed in apiconform/vendors/registry.py)"
        ) from None
