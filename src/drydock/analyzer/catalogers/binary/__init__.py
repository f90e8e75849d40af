"""Binary classifiers (syft's binary-classifier-cataloger); importing registers the cataloger."""

from drydock.analyzer.catalogers.binary import cataloger as cataloger
from drydock.analyzer.catalogers.binary import pe_scanner as pe_scanner
