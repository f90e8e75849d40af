"""Go catalogers; importing registers them (binaries' build info, go.mod/go.sum)."""

from drydock.analyzer.catalogers.golang import binary_scanner as binary_scanner
from drydock.analyzer.catalogers.golang import gomod as gomod
