"""Java ecosystem catalogers; importing registers them (archives, pom.xml, gradle, JVMs)."""

from drydock.analyzer.catalogers.java import scanner as scanner  # noqa: F401  (registers)
