"""HTTP routes of the catalog service, one module per resource."""
