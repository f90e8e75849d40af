"""JavaScript catalogers: installed package.json files and npm/yarn/pnpm/bun/deno lock files."""

from drydock.analyzer.catalogers.javascript import lock, package_json  # noqa: F401
