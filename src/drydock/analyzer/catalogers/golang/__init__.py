"""Go catalogers; importing registers them (binaries' build info, go.mod/go.sum)."""

from drydock.analyzer.catalogers.golang import binary_scanner as binary_scanner  # noqa: F401  (registers)
from drydock.analyzer.catalogers.golang import gomod as gomod  # noqa: F401,E402  (registers)
