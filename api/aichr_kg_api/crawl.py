"""What crawlers and dataset search engines read: /robots.txt, /sitemap.xml, and the home page's schema.org Dataset.

The sitemap lists the document of every entity (``/doc/...``), the dataset description and the dumps;
the schema.org ``Dataset`` (JSON-LD, in a ``<script type="application/ld+json">`` data block, which the
Content-Security-Policy leaves alone because it is never run) is made from the same statistics as VoID.
"""

import json
from urllib.parse import quote
from xml.sax.saxutils import escape

import pyoxigraph as ox

from aichr_kg_api.void import DESCRIPTION, DUMP_FORMATS, LICENSE, PUBLISHER_NAME, TITLE, Stats, dump_path, publisher_iri

SITEMAP_LIMIT = 50_000  # URLs one sitemap file may hold (sitemaps.org); past that the list is cut
# The Dataset's own @context, inline: a JSON-LD processor reads the markup offline (the context at schema.org would
# have to be fetched, and its vocabulary is http://schema.org/, not the https IRIs the graph uses). The values
# that name web resources are IRIs, as schema.org's context types them.
SCHEMA_CONTEXT = {"@vocab": "https://schema.org/",
                  **{term: {"@type": "@id"} for term in ("url", "license", "contentUrl", "documentation")}}


def robots(public: str) -> str:
    return ("# aichr-kg: everything may be crawled; /sparql answers are generated, so crawl the documents instead\n"
            "User-agent: *\nDisallow: /sparql\nDisallow: /explore\nAllow: /\n"
            f"Sitemap: {public}sitemap.xml\n")


def entity_documents(store, catalogue, base: str) -> list[str]:
    """The path (relative to the service's URL) of every entity's document: ``doc/{kind}/{slug}``. A hash IRI (a
    derived part such as ``holding/x#interval``) is described in its entity's document, so it adds no URL."""
    rows = store.select(catalogue.system("entity-iris"), {"namespace": ox.Literal(base + "id/")}).rows
    slugs = dict.fromkeys(row["entity"].value[len(base + "id/"):].split("#", 1)[0] for row in rows)
    return [f"doc/{quote(slug, safe='/:@!$&()*+,;=-._~')}" for slug in slugs]


def sitemap(urls: list[str]) -> str:
    lines = ['<?xml version="1.0" encoding="UTF-8"?>', '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    lines += [f"  <url><loc>{escape(url)}</loc></url>" for url in urls[:SITEMAP_LIMIT]]
    lines.append("</urlset>")
    return "\n".join(lines) + "\n"


def dataset_jsonld(stats: Stats, base: str, public: str) -> str:
    """schema.org Dataset as JSON-LD text, safe inside a <script> element (no '<' at all)."""
    maintainers = {"@type": "Organization", "@id": publisher_iri(base), "name": PUBLISHER_NAME, "url": base}
    data = {
        "@context": SCHEMA_CONTEXT,
        "@type": "Dataset",
        "@id": base + "dataset",
        "name": TITLE,
        "description": DESCRIPTION,
        "url": public,
        "license": LICENSE,
        "isAccessibleForFree": True,
        "creator": maintainers,
        "publisher": maintainers,
        "keywords": ["human rights", "ASEAN", "AICHR", "linked data"],
        "distribution": [{"@type": "DataDownload", "encodingFormat": media_type, "name": f"Whole graph as {title}",
                          "contentUrl": f"{public}download/{dump_path(stats.version, suffix)}"}
                         for suffix, (media_type, title) in DUMP_FORMATS.items()],
        "includedInDataCatalog": {"@type": "DataCatalog", "name": "aichr-kg", "url": f"{public}.well-known/void"},
        "potentialAction": {"@type": "SearchAction", "target": f"{public}search?q={{query}}", "query-input": "required name=query"},
        "subjectOf": {"@type": "WebAPI", "name": "aichr-kg SPARQL endpoint", "url": f"{public}sparql",
                      "documentation": f"{public}docs"},
    }
    if stats.version:
        data["version"] = stats.version
    if stats.issued is not None:
        data["datePublished"] = stats.issued.value
    if stats.modified is not None:
        data["dateModified"] = stats.modified.value
    return json.dumps(data, ensure_ascii=False, indent=1).replace("<", "\\u003c")  # nothing can end the element
