"""CPE generation data: curated candidate tables and the NVD-derived dictionary index."""
