"""Python catalogers (installed distributions, lock/requirements files); ``base.CATALOGER_TABLE``
names their modules, which register them when imported."""
