"""Java ecosystem catalogers; importing registers them (archives, pom.xml, gradle, JVMs)."""

from drydock.analyzer.catalogers.java import gradle as gradle
from drydock.analyzer.catalogers.java import jvm as jvm
from drydock.analyzer.catalogers.java import pom_cataloger as pom_cataloger
from drydock.analyzer.catalogers.java import scanner as scanner
