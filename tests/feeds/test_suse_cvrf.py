from __future__ import annotations

from drydock.feeds.drivers import get_driver
from drydock.feeds.drivers.suse_cvrf import product_namespace, split_product_id

from .conftest import FEEDS

CVRF = FEEDS / "raw" / "suse-cvrf"


def test_all_real_cvrf_documents_parse_including_latin1_one():
    driver = get_driver("suse-cvrf")
    records = list(driver.parse(CVRF))
    assert driver.stats.files == 11 and driver.stats.skipped_total == 0
    assert driver.stats.repaired == 1  # cvrf-opensuse-su-2016-0874-1.xml holds ISO-8859 bytes
    single = get_driver("suse-cvrf")
    # The repaired document parses cleanly; its "Fixed" status lists no product, so no record.
    assert list(single.parse(CVRF / "cvrf-opensuse-su-2016-0874-1.xml")) == []
    assert (single.stats.repaired, single.stats.skipped_total) == (1, 0)
    assert {v.namespace for v in records} >= {"sles:11.4", "opensuse:13.2", "opensuse-leap:15.0"}


def test_sles_record_fields():
    records = {(v.namespace, v.id): v for v in get_driver("suse-cvrf").parse(CVRF)}
    sles = [v for (ns, _), v in records.items() if ns == "sles:11.4"]
    assert sles and all(v.link.startswith("https://www.suse.com/security/cve/CVE-") for v in sles)
    adv = sles[0].affected[0].advisories[0]
    assert adv.id.startswith("SUSE-SU-") and sles[0].affected[0].fix_available is not None


def test_product_helpers():
    assert product_namespace("SUSE Linux Enterprise Server 11 SP4-LTSS") == "sles:11.4"
    assert product_namespace("SUSE Linux Enterprise Server for SAP Applications 12 SP4") is None
    assert split_product_id("openSUSE 13.1:libvirt-1.1.2-2.36.1") == (
        "openSUSE 13.1",
        "libvirt",
        "1.1.2-2.36.1",
    )
    assert split_product_id("no-colon") is None
