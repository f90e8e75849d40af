"""Feed drivers, one module per upstream family; importing this package fills the registry."""

from drydock.feeds.drivers import (  # noqa: F401  (imported for their @register side effect)
    amazon,
    anchore_feed,
    arch,
    debian,
    echo,
    enrichment,
    npm_registry,
    nvd,
    osv,
    oval_distros,
    redhat,
    secdb,
    suse_cvrf,
    ubuntu,
)
from drydock.feeds.drivers.base import Driver, DriverConfig, ParseStats, all_drivers, get_driver

__all__ = ["Driver", "DriverConfig", "ParseStats", "all_drivers", "get_driver"]
