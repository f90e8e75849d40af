"""Java ecosystem catalogers; importing registers them (archives, pom.xml, gradle, JVMs)."""

from drydock.analyzer.catalogers.java import scanner as scanner  # noqa: F401  (registers)
from drydock.analyzer.catalogers.java import gradle as gradle  # noqa: F401,E402  (registers)
from drydock.analyzer.catalogers.java import jvm as jvm  # noqa: F401,E402  (registers)
from drydock.analyzer.catalogers.java import pom_cataloger as pom_cataloger  # noqa: F401,E402  (registers)
