"""JavaScript catalogers (installed package.json files, npm/yarn/pnpm/bun/deno lock files);
``base.CATALOGER_TABLE`` names their modules, which register them when imported."""
