"""Crawlers and dataset search: /robots.txt, /sitemap.xml (every entity document), the home page's schema.org Dataset."""

import json
import re
import xml.etree.ElementTree as ET

BASE = "https://w3id.org/aichr-kg/"
SERVICE = "http://127.0.0.1:8000/"  # AICHR_KG_PUBLIC_URL unset: where `aichr-kg serve` listens by default


def _dataset(ld_client) -> dict:
    page = ld_client.get("/")
    blocks = re.findall(r'<script type="application/ld\+json">(.*?)</script>', page.text, re.S)
    assert len(blocks) == 1
    return json.loads(blocks[0])


def test_robots_names_the_sitemap(ld_client):
    response = ld_client.get("/robots.txt")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/plain")
    assert f"Sitemap: {SERVICE}sitemap.xml" in response.text.splitlines() and "User-agent: *" in response.text


def test_sitemap_lists_every_entity_document_and_each_answers(ld_client, store):
    response = ld_client.get("/sitemap.xml")
    assert response.status_code == 200 and response.headers["content-type"].startswith("application/xml")
    ns = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    urls = [loc.text for loc in ET.fromstring(response.content).findall("s:url/s:loc", ns)]
    documents = {u for u in urls if u.startswith(SERVICE + "doc/")}
    subjects = {row["s"].value for row in store.select(
        f"SELECT DISTINCT ?s WHERE {{ ?s ?p ?o FILTER(isIRI(?s) && STRSTARTS(STR(?s), '{BASE}id/')) }}").rows}
    assert documents == {SERVICE + "doc/" + s[len(BASE + "id/"):].split("#")[0] for s in subjects} and len(documents) > 300
    for url in sorted(documents)[::25]:  # a sample answers (every URI dereferencing is tested in test_resources)
        assert ld_client.get(url.removeprefix(SERVICE[:-1]), headers={"accept": "text/turtle"}).status_code == 200, url
    assert f"{SERVICE}.well-known/void" in urls


def test_home_page_describes_the_dataset_for_search_engines(ld_client):
    dataset = _dataset(ld_client)
    assert dataset["@context"]["@vocab"] == "https://schema.org/" and dataset["@type"] == "Dataset"
    assert dataset["name"] and dataset["description"] and dataset["version"].startswith(__import__("aichr_kg").__version__)
    assert dataset["creator"]["@type"] == "Organization" and dataset["publisher"]["name"]
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", dataset["datePublished"]) and dataset["dateModified"]
    assert dataset["subjectOf"]["url"] == SERVICE + "sparql"
    formats = {d["encodingFormat"] for d in dataset["distribution"]}
    assert {"text/turtle", "application/n-quads"} <= formats
    for distribution in dataset["distribution"]:
        assert ld_client.get(distribution["contentUrl"].removeprefix(SERVICE[:-1])).status_code == 200
    assert "<" not in _raw_block(ld_client)  # nothing in the data can end the element early


def _raw_block(ld_client) -> str:
    return re.search(r'<script type="application/ld\+json">(.*?)</script>', ld_client.get("/").text, re.S).group(1)


def test_researchers_guide_is_served_and_linked(ld_client):
    guide = ld_client.get("/researchers")
    assert guide.status_code == 200 and guide.headers["content-type"].startswith("text/markdown")
    assert "PREFIX" in guide.text
    assert 'href="/researchers"' in ld_client.get("/").text
