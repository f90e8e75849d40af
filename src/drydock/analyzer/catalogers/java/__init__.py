"""Java ecosystem catalogers (archives, pom.xml, gradle, JVMs); ``base.CATALOGER_TABLE`` and
``base.SCANNER_TABLE`` name their modules, which register them when imported."""
