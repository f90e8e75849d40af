"""java-jvm-cataloger: an installed JDK/JRE, identified by its ``release`` file.

The release file (``KEY="value"`` lines) names the implementor and several version strings;
syft turns them into a ``binary`` package with declared CPEs (vendor/product chosen from the
implementor, install path and whether ``bin/javac`` exists) and a ``pkg:generic`` PURL.
"""

from __future__ import annotations

import posixpath
from typing import Any
from urllib.parse import quote

from packageurl import PackageURL

from drydock.analyzer.catalogers.base import CatalogContext, register_cataloger
from drydock.analyzer.filetree import FileResolver, FileTooLarge
from drydock.analyzer.model import CatalogResult, FileType, Location, Package, PackageType

CATALOGER_NAME = "java-jvm-cataloger"
_MAX_RELEASE_BYTES = 500 * 1024
_FIELDS = {
    "IMPLEMENTOR": "Implementor",
    "IMPLEMENTOR_VERSION": "ImplementorVersion",
    "JAVA_RUNTIME_VERSION": "JavaRuntimeVersion",
    "JAVA_VERSION": "JavaVersion",
    "JAVA_VERSION_DATE": "JavaVersionDate",
    "LIBC": "Libc",
    "MODULES": "Modules",
    "OS_ARCH": "OsArch",
    "OS_NAME": "OsName",
    "OS_VERSION": "OsVersion",
    "SOURCE": "Source",
    "BUILD_SOURCE": "BuildSource",
    "BUILD_SOURCE_REPO": "BuildSourceRepo",
    "SOURCE_REPO": "SourceRepo",
    "FULL_VERSION": "FullVersion",
    "SEMANTIC_VERSION": "SemanticVersion",
    "BUILD_INFO": "BuildInfo",
    "JVM_VARIANT": "JvmVariant",
    "JVM_VERSION": "JvmVersion",
    "IMAGE_TYPE": "ImageType",
    "BUILD_TYPE": "BuildType",
}


def parse_release(text: str) -> dict[str, Any] | None:
    """The release file as syft's ``JavaVMRelease``; None when it is not a JVM release file
    (the glob ``**/release`` is deliberately broad)."""
    out: dict[str, Any] = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        field = _FIELDS.get(key.strip())
        if not sep or field is None:
            continue
        value = value.strip().strip('"')
        out[field] = value.split(" ") if field == "Modules" else value
    if "JavaVersion" not in out and "JavaRuntimeVersion" not in out:
        return None
    return out


def jvm_version(release: dict[str, Any]) -> str:
    """JAVA_RUNTIME_VERSION, else FULL_VERSION when its major matches JAVA_VERSION's, else
    JAVA_VERSION (see JEP 223 for why the fields disagree)."""
    if release.get("JavaRuntimeVersion"):
        return release["JavaRuntimeVersion"]
    full, java = release.get("FullVersion", ""), release.get("JavaVersion", "")
    if full and full.split(".")[0] == java.split(".")[0]:
        return full
    return java


def primary_vendor_product(implementor: str, path: str, image_type: str, has_jdk: bool) -> tuple[str, str]:
    implementor = implementor.lower().replace(" ", "")
    product = "jdk" if has_jdk or _project_by_type(image_type) == "jdk" else "jre"
    if "azul" in implementor or "zulu" in path:
        return "azul", "zulu"
    if "sun" in implementor:
        return "sun", product
    if "oracle" in implementor or "oracle" in path:
        return "oracle", product
    return "oracle", "openjdk"


def _project_by_type(image_type: str) -> str:
    return "jre" if "jre" in image_type.lower() else "jdk"


def version_and_update(version: str) -> tuple[str, str]:
    """``1.8.0_302-b08`` → (1.8.0, 302); ``9.0.1+20`` → (9.0.1, '')."""
    if "_" in version:
        fields = version.split("_")
        if len(fields) == 2:
            return fields[0], fields[1].split("-")[0]
    if "+" in version:
        return version.split("+")[0], ""
    return version, ""


def jvm_cpes(
    version: str, vendor: str, product: str, image_type: str, has_jdk: bool
) -> list[tuple[str, str, str, str]]:
    """(vendor, product, version, update) candidates, as syft declares them."""
    candidates: list[tuple[str, str]] = []

    def enterprise(ven: str) -> None:
        candidates.append((ven, "jre"))
        if has_jdk or _project_by_type(image_type) == "jdk":
            candidates.append((ven, "jdk"))

    if vendor == "azul":
        candidates += [("azul", "zulu"), ("oracle", "openjdk")]
    elif vendor == "sun":
        enterprise(vendor)
    elif vendor == "oracle" and product != "openjdk":
        candidates.append((vendor, "java_se"))
        enterprise(vendor)
    else:
        candidates.append((vendor, product))
    short, update = version_and_update(version)
    if not short:
        return []
    if update and "update" not in update.lower():
        update = "update" + (update.lstrip("0") or "0")
    return [(ven, prod, short, update) for ven, prod in candidates if ven and prod]


def cpe_string(vendor: str, product: str, version: str, update: str) -> str:
    return f"cpe:2.3:a:{vendor}:{product}:{version}:{update or '*'}:*:*:*:*:*:*"


def jvm_purl(release: dict[str, Any], version: str, vendor: str, product: str) -> str:
    """Qualifier values are fully percent-encoded, as packageurl-go (and so syft) writes them."""
    purl = PackageURL(type="generic", namespace=vendor, name=product, version=version).to_string()
    repo = release.get("SourceRepo") or release.get("BuildSourceRepo")
    return f"{purl}?repository_url={quote(repo, safe='')}" if repo else purl


@register_cataloger
class JvmCataloger:
    name = CATALOGER_NAME
    patterns = ("**/release",)

    def catalog(self, resolver: FileResolver, context: CatalogContext) -> CatalogResult:
        result = CatalogResult()
        for entry in resolver.glob("**/release"):
            if entry.type is not FileType.REGULAR or entry.size > _MAX_RELEASE_BYTES:
                continue
            try:
                release = parse_release(resolver.read_text(entry.path))
            except (FileNotFoundError, FileTooLarge, OSError) as exc:
                result.warnings.append(f"{CATALOGER_NAME}: {entry.path}: {exc}")
                continue
            if release is not None:
                result.packages.append(self._package(resolver, entry.path, entry.layer, release))
        return result

    def _package(
        self, resolver: FileResolver, path: str, layer: str | None, release: dict[str, Any]
    ) -> Package:
        install_dir = posixpath.dirname(path)
        files = sorted(
            e.path for e in resolver.glob(install_dir.rstrip("/") + "/**") if e.type is not FileType.DIRECTORY
        )
        has_jdk = any(f.endswith("bin/javac") for f in files)
        version = jvm_version(release)
        vendor, product = primary_vendor_product(
            release.get("Implementor", ""), path, release.get("ImageType", ""), has_jdk
        )
        cpes = [
            cpe_string(*c) for c in jvm_cpes(version, vendor, product, release.get("ImageType", ""), has_jdk)
        ]
        return Package(
            name=product,
            version=version,
            type=PackageType.BINARY,
            found_by=CATALOGER_NAME,
            locations=[Location(path, layer, "primary")],
            purl=jvm_purl(release, version, vendor, product),
            cpes=cpes,
            metadata_type="JavaVMInstallation",
            metadata={"Release": release, "Files": files},
        )
