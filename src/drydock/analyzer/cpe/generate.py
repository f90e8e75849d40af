"""Candidate CPEs from package attributes (syft's ``FromPackageAttributes``): every
vendor × product candidate, filtered for known false positives, most specific first."""

from __future__ import annotations

from drydock.analyzer.cpe import candidates as c
from drydock.analyzer.cpe.attributes import ANY, Attributes, format_cpe, is_valid_formatted, specificity
from drydock.analyzer.cpe.java import products_for_java, vendors_for_java
from drydock.analyzer.model import Package

JENKINS = "jenkins"
# package types that never get CPEs (ML models are not in NVD's software dictionary)
NO_CPE_TYPES = frozenset({"model"})

_VENDORS_BY_METADATA = {
    "RpmDBEntry": c.vendors_for_rpm,
    "RpmArchive": c.vendors_for_rpm,
    "RubyGemspec": c.vendors_for_ruby,
    "PythonPackage": c.vendors_for_python,
    "JavaArchive": vendors_for_java,
    "ApkDBEntry": c.vendors_for_apk,
    "NpmPackage": c.vendors_for_javascript,
}
_DOTNET_METADATA = frozenset({"DotnetDepsEntry", "DotnetPackagesLockEntry", "DotnetPortableExecutableEntry"})


def _type(pkg: Package) -> str:
    return str(pkg.type)


def candidate_product_set(pkg: Package) -> c.CandidateSet:
    products = c.CandidateSet([pkg.name])
    ptype, lang = _type(pkg), pkg.language
    if lang == "dotnet" or ptype == "dotnet":
        products.clear()
        products.union(c.products_for_dotnet(pkg))
    elif lang == "python" or ptype == "python":
        if not pkg.name.startswith("python"):
            products.add_values("python-" + pkg.name)
    elif lang == "java" or pkg.metadata_type == "JavaArchive" or ptype == "java-archive":
        products.add_values(*products_for_java(pkg))
    elif lang == "go" or ptype == "go-module":
        products.clear()
        products.add_values(c.product_for_go(pkg.name))
    if pkg.metadata_type == "ApkDBEntry":
        products.union(c.products_for_apk(pkg))
    elif pkg.metadata_type == "WordpressPluginEntry":
        products.clear()
        products.union(c.products_for_wordpress(pkg))
    products.remove_values("", "*")
    c.add_delimiter_variations(products)
    products.add_values(*c.additional_products(ptype, pkg.name))
    products.remove_values(*c.products_to_remove(ptype, pkg.name))
    return products


def candidate_products(pkg: Package) -> list[str]:
    values = candidate_product_set(pkg).values()
    return c.add_digit_variations(values) if _type(pkg) == "binary" else values


def candidate_vendors(pkg: Package) -> list[str]:
    # Without a vendor field, NVD often uses the project name as vendor (elasticsearch gem,
    # rack gem...), so every product candidate is also a vendor candidate.
    vendors = c.CandidateSet()
    vendors.union(candidate_product_set(pkg))
    ptype = _type(pkg)
    if pkg.language == "javascript" and pkg.name == "node.js":
        vendors.add_values("nodejs")
    elif pkg.language == "ruby":
        vendors.add_values("ruby-lang")
    elif pkg.language == "go":
        vendors.clear()
        vendors.add_values(c.vendor_for_go(pkg.name))
    if ptype == "rust-crate":
        vendors.add_values(f"{pkg.name}_project", no_sub=True, no_delim=True)
    if pkg.metadata_type in _DOTNET_METADATA:
        vendors.clear()
        vendors.union(c.vendors_for_dotnet(pkg))
    elif pkg.metadata_type == "WordpressPluginEntry":
        vendors.clear()
        vendors.union(c.vendors_for_wordpress(pkg))
    elif pkg.metadata_type in _VENDORS_BY_METADATA:
        vendors.union(_VENDORS_BY_METADATA[pkg.metadata_type](pkg))
    vendors.remove_values("", "*")
    c.add_delimiter_variations(vendors)
    c.add_sub_selections(vendors)
    for vendor in vendors.values():
        vendors.add_values(*c.additional_vendors(ptype, pkg.name, vendor))
    vendors.remove_values(*c.vendors_to_remove(ptype, pkg.name))
    values = vendors.values()
    known = [v for v in values if v in c.KNOWN_VENDORS]
    if known:
        return known[:1]
    return c.add_digit_variations(values) if ptype == "binary" else values


def candidate_target_sw(pkg: Package) -> str:
    return {"wordpress-plugin": "wordpress", "rust-crate": "rust"}.get(_type(pkg), ANY)


# --- false-positive filters -----------------------------------------------------------------


def _jira_client(attrs: Attributes, pkg: Package) -> bool:
    """jira/atlassian CPEs describe the server, not client libraries."""
    return (attrs.Product == "jira" and "client" in pkg.name.lower()
            and attrs.Vendor in (ANY, "jira", "atlassian"))


def _tomcat_embed_el(attrs: Attributes, pkg: Package) -> bool:
    if (attrs.Vendor, attrs.Product) != ("apache", "tomcat") or pkg.metadata_type != "JavaArchive":
        return False
    props = c.mapping(pkg.metadata, "PomProperties")
    return (c.text(props, "GroupID"), c.text(props, "ArtifactID")) == ("org.apache.tomcat.embed", "tomcat-embed-el")


def _jenkins_server_for_plugin(attrs: Attributes, pkg: Package) -> bool:
    return _type(pkg) == "jenkins-plugin" and attrs.Product == JENKINS


def _jenkins_unrelated(attrs: Attributes, pkg: Package) -> bool:
    return (attrs.Product == JENKINS and JENKINS not in pkg.name.lower()
            and attrs.Vendor in (ANY, JENKINS, "cloudbees"))


_FILTERS = (_jira_client, _tomcat_embed_el, _jenkins_server_for_plugin, _jenkins_unrelated)


def cpes_from_attributes(pkg: Package) -> list[str]:
    if _type(pkg) in NO_CPE_TYPES:
        return []
    products = candidate_products(pkg)
    if not products:
        return []
    vendors = candidate_vendors(pkg)
    target_sw = candidate_target_sw(pkg)
    seen: set[tuple[str, str]] = set()
    keyed: list[tuple[tuple[int, int, str], str]] = []
    for product in products:
        for vendor in vendors:
            if (product, vendor) in seen:
                continue
            seen.add((product, vendor))
            attrs = Attributes(Part="a", Vendor=vendor, Product=product, Version=pkg.version, TargetSw=target_sw)
            formatted = format_cpe(attrs)  # once: validation, sort key and result share it
            if is_valid_formatted(formatted) and not any(f(attrs, pkg) for f in _FILTERS):
                keyed.append((specificity(attrs, formatted), formatted))
    keyed.sort()
    return [formatted for _, formatted in keyed]
