"""Go catalogers (binaries' build info, go.mod/go.sum); ``base.CATALOGER_TABLE`` and
``base.SCANNER_TABLE`` name their modules, which register them when imported."""
