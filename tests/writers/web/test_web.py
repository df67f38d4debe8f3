"""The web edition: a site a reader can open from the file system or any host.

Built once for the sample book (the session's `sample_build`) and once for the
`web-features` fixture (a chapter file named index.md, a figure in a subfolder, a note
called twice, accents, a base URL). The site is crawled link by link, validated with the
Nu HTML Checker and driven in headless Chromium. The live preview (`bookwright serve`) has
its own tests in tests/cli/test_serve.py.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from lxml import html

from bookwright.diagnostics import Diagnostics
from bookwright.build.atomic import atomic_folder
from bookwright.build.pipeline import build, prepare_book
from bookwright.words import human_size
from bookwright.writers.web.search import tokens
from support import BOOKS, ROOT, SAMPLE, chromium_browser, copy_book

ARTIFACTS = ROOT / "tests" / "_artifacts"
FEATURES = BOOKS / "web-features"
VNU_JAR = ROOT / ".tools" / "vnu" / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"


# --- fixtures and helpers --------------------------------------------------------------------


@pytest.fixture(scope="module")
def sample_site(sample_build) -> Path:
    return next(o.path for o in sample_build.outputs if o.format == "web")


@pytest.fixture(scope="module")
def features_build(tmp_path_factory):
    """The fixture book built the way `bookwright build` does by default: every edition."""
    out = tmp_path_factory.mktemp("web-features")
    result = build(FEATURES, out)
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    return result


@pytest.fixture(scope="module")
def features_site(features_build) -> Path:
    return next(o.path for o in features_build.outputs if o.format == "web")


def page(path: Path) -> html.HtmlElement:
    return html.fromstring(path.read_bytes())


def chapter_keys(root: Path) -> list[str]:
    book = prepare_book(root, Diagnostics(root=root))
    return [c.key for c in book.chapters]


def page_name(key: str) -> str:
    return f"{key}-chapter.html" if key == "index" else f"{key}.html"


def crawl(site: Path) -> set[Path]:
    """Follows every link and resource from index.html; fails on any that does not resolve.
    Returns every page reached."""
    seen: set[Path] = set()
    queue = [site / "index.html"]
    ids: dict[Path, set[str]] = {}

    def ids_of(path: Path) -> set[str]:
        if path not in ids:
            ids[path] = {el.get("id") for el in page(path).iter() if isinstance(el.tag, str) and el.get("id")}
        return ids[path]

    while queue:
        current = queue.pop()
        if current in seen:
            continue
        seen.add(current)
        doc = page(current)
        for el, attr in [(a, "href") for a in doc.iter("a", "link")] + [(e, "src") for e in doc.iter("img", "script")]:
            value = el.get(attr)
            if value is None:
                continue
            parts = urlsplit(value)
            if parts.scheme or parts.netloc or value.startswith("/"):
                # The author's links to other sites are theirs; everything the page loads is local.
                assert el.tag == "a" or value == "data:," or el.get("rel") == "canonical", \
                    f"{current.name}: {el.tag} loads {value} from elsewhere"
                continue
            target = (current.parent / unquote(parts.path)).resolve() if parts.path else current
            assert target.is_file(), f"{current.name}: {value} points at a missing file"
            assert target.is_relative_to(site.resolve()), f"{current.name}: {value} leaves the site"
            if parts.fragment:
                assert target.suffix == ".html", f"{current.name}: {value} has a fragment on a non-page"
                assert unquote(parts.fragment) in ids_of(target), f"{current.name}: no #{parts.fragment} in {target.name}"
            if target.suffix == ".html" and el.tag == "a":
                queue.append(target)
    return seen


def pager(doc: html.HtmlElement, where: str) -> dict[str, str]:
    nav = doc.find_class(f"pager-{where}")[0]
    links = {}
    for kind in ("contents", "prev", "next"):
        found = nav.find_class(f"pager-{kind}")
        if found:
            links[kind] = found[0].get("href")
            links[kind + "-title"] = " ".join(found[0].text_content().split())
    return links


# --- the site's pages and links ---------------------------------------------------------------


def test_every_page_reached_and_every_link_and_fragment_resolves(sample_site, features_site):
    for site in (sample_site, features_site):
        pages = crawl(site)
        assert {p.name for p in pages} == {p.name for p in site.glob("*.html")}
    css = (sample_site / "assets" / "book.css").read_text()
    for url in re.findall(r"url\(([^)]+)\)", css):
        assert not urlsplit(url).scheme, f"the stylesheet loads {url} from elsewhere"
        assert (sample_site / "assets" / url).resolve().is_file(), url


def test_one_page_per_chapter_named_from_its_file(features_site):
    keys = chapter_keys(FEATURES)
    assert keys == ["00-preface", "01-kitchen", "index", "90-appendix"]
    names = sorted(p.name for p in features_site.glob("*.html"))
    assert names == sorted(["index.html"] + [page_name(k) for k in keys])
    # A chapter file called index.md gets its own page; the home page stays the home page.
    assert page(features_site / "index-chapter.html").find(".//h1").text_content().strip().endswith("The Index Room")
    assert page(features_site / "index.html").get_element_by_id("contents") is not None


@pytest.mark.parametrize("which", ["sample", "features"])
def test_previous_and_next_follow_book_order(which, sample_site, features_site):
    site, root = (sample_site, SAMPLE) if which == "sample" else (features_site, FEATURES)
    keys = chapter_keys(root)
    names = [page_name(k) for k in keys]
    titles = {name: " ".join(page(site / name).find(".//h1").text_content().split()) for name in names}
    for number, name in enumerate(names):
        doc = page(site / name)
        for where in ("top", "bottom"):
            links = pager(doc, where)
            assert links["contents"] == "index.html#contents"
            if number == 0:
                assert "prev" not in links, f"{name} is first and has a Previous link"
            else:
                assert links["prev"] == names[number - 1]
                # The neighbour's title is printed: "Previous 1. Trust Is Built ..." for "Chapter 1 Trust ...".
                assert links["prev-title"].split(" ", 1)[1].split(". ", 1)[-1] in titles[names[number - 1]]
            if number == len(names) - 1:
                assert "next" not in links, f"{name} is last and has a Next link"
            else:
                assert links["next"] == names[number + 1]
                assert links["next-title"].split(" ", 1)[1].split(". ", 1)[-1] in titles[names[number + 1]]
    # The home page starts the book.
    assert page(site / "index.html").find_class("start-link")[0].get("href") == names[0]


def test_downloads_are_the_built_editions_with_their_sizes(sample_build, sample_site):
    built = {o.format: o.path for o in sample_build.outputs}
    for doc_name in ["index.html"] + [p.name for p in sample_site.glob("0*.html")]:
        links = {a.get("href"): " ".join(a.text_content().split())
                 for a in page(sample_site / doc_name).xpath("//section[contains(@class,'downloads')]//a")}
        assert set(links) == {built["epub"].name, built["pdf"].name}, doc_name
        for href, text in links.items():
            copied = sample_site / href
            original = built["epub"] if href.endswith(".epub") else built["pdf"]
            assert copied.read_bytes() == original.read_bytes()
            kind = "EPUB" if href.endswith(".epub") else "PDF"
            assert text == f"{kind}, {human_size(original.stat().st_size)}"
    assert re.fullmatch(r"\d+ KB|\d+\.\d MB", human_size(412 * 1024)) and human_size(412 * 1024) == "412 KB"


def test_web_is_part_of_the_default_build_and_comes_last(features_build):
    formats = [o.format for o in features_build.outputs]
    assert formats[-1] == "web" and {"epub", "pdf"} <= set(formats)
    web = features_build.outputs[-1]
    assert web.path.name == "site" and web.path.is_dir()
    assert re.fullmatch(r"5 pages, search index \d+ (B|KB)", web.note)


def test_pages_are_semantic_and_described(sample_site, features_site):
    for site in (sample_site, features_site):
        for path in site.glob("*.html"):
            doc = page(path)
            root = doc.getroottree().getroot()
            assert root.get("lang") == "en", path.name
            assert len(doc.findall(".//h1")) == 1, f"{path.name} has {len(doc.findall('.//h1'))} h1"
            assert len(doc.findall(".//main")) == 1 and doc.findall(".//nav"), path.name
            for img in doc.iter("img"):
                assert img.get("alt"), f"{path.name}: an image without alt text"
            meta = {m.get("name") or m.get("property"): m.get("content") for m in doc.iter("meta")}
            assert meta["description"] and meta["og:title"] and meta["og:image"], path.name
            assert meta["viewport"].startswith("width=device-width")
            if path.name != "index.html":
                assert doc.find(".//article") is not None
                assert doc.xpath("//a[contains(@class,'home')]/@href") == ["index.html"]
                assert doc.xpath("//nav[contains(@class,'sidebar')]//a[@aria-current='page']/@href") == [path.name]


def test_notes_sit_at_the_chapter_end_with_links_both_ways(features_site):
    doc = page(features_site / "01-kitchen.html")
    calls = doc.xpath("//article//a[contains(@class,'noteref')]")
    assert [(c.text, c.get("href")) for c in calls] == [("1", "#note-1"), ("2", "#note-2"), ("1", "#note-1")]
    notes = doc.xpath("//aside[contains(@class,'notes')]//li")
    assert [n.get("id") for n in notes] == ["note-1", "note-2"]
    backs = [n.find_class("note-back")[0].get("href") for n in notes]
    assert backs == ["#note-ref-1", "#note-ref-2"]
    assert {c.get("id") for c in calls} >= {"note-ref-1", "note-ref-2"}
    # A reference inside a note is a link to the other chapter's page and element.
    assert notes[0].xpath(".//a[contains(@class,'xref')]/@href") == ["index-chapter.html#sec-pantry"]
    # Notes are numbered through the book: the appendix's note is the third.
    appendix = page(features_site / "90-appendix.html")
    assert appendix.xpath("//aside//li/@id") == ["note-3"] and appendix.xpath("//aside//li/@value") == ["3"]


def test_references_figures_and_tables_keep_their_numbers(features_site):
    preface = page(features_site / "00-preface.html")
    refs = {" ".join(a.text_content().split()): a.get("href") for a in preface.xpath("//article//a")}
    assert refs["Chapter 1"] == "01-kitchen.html#sec-kitchen"
    assert refs["Figure 1.1"] == "01-kitchen.html#fig-plan"
    assert refs["section on the pantry"] == "index-chapter.html#sec-pantry"
    assert refs["the project’s site"] == "https://example.org/"
    kitchen = page(features_site / "01-kitchen.html")
    figure = kitchen.get_element_by_id("fig-plan")
    assert " ".join(figure.find(".//figcaption").text_content().split()).startswith("Figure 1.1: The floor plan")
    assert figure.find(".//img").get("src") == "media/images/plan.svg"
    assert (features_site / "media" / "images" / "plan.svg").is_file()
    assert " ".join(kitchen.get_element_by_id("tbl-rings").find("caption").text_content().split()).startswith("Table 1.1")
    assert [" ".join(t.split()) for t in kitchen.xpath("//a[@href='#lst-recipe']/text()")] == ["Listing 1.1"]


def test_chapters_in_a_subfolder_keep_their_images(tmp_path):
    # Image paths are relative to the chapter file; the site keeps the book's folder layout.
    book = copy_book(FEATURES, tmp_path)
    (book / "text").mkdir()
    for chapter in book.glob("*.md"):
        chapter.rename(book / "text" / chapter.name)
    (book / "images").rename(book / "text" / "images")
    toml = book / "book.toml"
    toml.write_text(re.sub(r'"([0-9a-z-]+\.md)"', r'"text/\1"', toml.read_text()))
    result = build(book, tmp_path / "out", ("web",))
    assert not result.diagnostics.errors, [d.format() for d in result.diagnostics.errors]
    site = result.outputs[0].path
    img = page(site / "01-kitchen.html").get_element_by_id("fig-plan").find(".//img")
    assert img.get("src") == "media/text/images/plan.svg"
    assert b"<svg" in (site / img.get("src")).read_bytes()
    crawl(site)


def test_index_page_has_cover_title_description_and_full_contents(sample_site):
    doc = page(sample_site / "index.html")
    cover = doc.find(".//img[@class='cover']")
    assert (sample_site / cover.get("src")).is_file() and "The Small Table" in cover.get("alt")
    assert doc.findtext(".//h1") == "The Small Table"
    assert "Clara Vennholt" in doc.find_class("authors")[0].text_content()
    assert doc.find_class("description")[0].text_content().startswith("A practical, story-driven guide")
    toc = doc.get_element_by_id("contents")
    parts = [" ".join(p.text_content().split()) for p in toc.find_class("toc-part-title")]
    assert parts == ["Part One: The People at the Table", "Part Two: The Work on the Table"]
    hrefs = toc.xpath(".//a/@href")
    assert "01-trust.html" in hrefs and "01-trust.html#sec-trust-ledger" in hrefs
    assert "90-appendix-toolkit.html" in hrefs


def test_base_url_gives_a_sitemap_and_absolute_open_graph(features_site, sample_site):
    sitemap = (features_site / "sitemap.xml").read_text()
    locs = re.findall(r"<loc>([^<]+)</loc>", sitemap)
    assert locs[0] == "https://books.example.org/cafe-notes/"
    assert "https://books.example.org/cafe-notes/index-chapter.html" in locs and len(locs) == 5
    doc = page(features_site / "01-kitchen.html")
    assert doc.xpath("//link[@rel='canonical']/@href") == ["https://books.example.org/cafe-notes/01-kitchen.html"]
    assert doc.xpath("//meta[@property='og:image']/@content") == ["https://books.example.org/cafe-notes/cover.png"]
    # Without a base URL there is no sitemap, and the site stays relocatable.
    assert not (sample_site / "sitemap.xml").exists()
    assert page(sample_site / "index.html").xpath("//meta[@property='og:image']/@content") == ["cover.png"]


def test_a_bad_base_url_is_reported_at_its_line(tmp_path):
    book = copy_book("minimal", tmp_path, '[web]\nbase-url = "books.example.org/x"')
    diags = Diagnostics(root=book)
    with pytest.raises(Exception):
        prepare_book(book, diags)
    line = len((book / "book.toml").read_text().splitlines())
    assert [d.format().splitlines()[0] for d in diags.errors] == [
        f"book.toml:{line}:1: error: [web] base-url 'books.example.org/x' is not a web address"]


# --- search -------------------------------------------------------------------------------


def search_index(site: Path) -> dict:
    text = (site / "assets" / "search-index.js").read_text(encoding="utf-8")
    prefix = "window.bookwrightSearch="
    assert text.startswith(prefix) and text.rstrip().endswith(";")
    return json.loads(text[len(prefix):].rstrip().rstrip(";"))


def postings(data: dict, term: str) -> list[int]:
    ids, previous = [], 0
    for delta in data["terms"].get(term, "").split(","):
        if delta:
            previous += int(delta, 36)
            ids.append(previous)
    return ids


def test_search_index_finds_words_in_text_notes_and_accents(features_site):
    data = search_index(features_site)
    sections = data["sections"]
    pages = data["pages"]

    def where(term):
        return [(pages[sections[i][0]][0], sections[i][1]) for i in postings(data, term)]

    assert where("zurich") == [("01-kitchen.html", "")]  # written "Zürich"
    assert where("naive") == [("01-kitchen.html", "")]
    assert ("index-chapter.html", "sec-pantry") in where("marmalade")
    assert where("eleven") == [("90-appendix.html", "")]  # only in the appendix's note
    assert where("rings") == [("01-kitchen.html", "sec-stove")]
    # Every section points at a page and an element that exist.
    for page_index, anchor, title, text in sections:
        target = features_site / pages[page_index][0]
        assert target.is_file()
        if anchor:
            assert page(target).get_element_by_id(anchor) is not None
        assert title and isinstance(text, str)


def test_search_tokens_fold_case_and_accents_like_the_browser():
    assert tokens("Café ZÜRICH naïve ﬁrst e\u0301te\u0301 a 7") == ["cafe", "zurich", "naive", "first", "ete", "7"]
    node = shutil.which("node")
    if node is None:
        pytest.skip("node is not installed")
    # The browser's side, from web.js itself: the fold and tokens functions as shipped.
    script = (ROOT / "styles" / "web.js").read_text()
    functions = re.search(r"  function fold\(text\) \{.*?\n  \}\n  function tokens\(text\) \{.*?\n  \}\n", script, re.S)
    assert functions, "web.js no longer defines fold() and tokens() together"
    sample = "Café ZÜRICH naïve ﬁrst e\u0301te\u0301 a 7 Straße don’t"
    code = functions.group(0) + f"\nprocess.stdout.write(JSON.stringify(tokens({json.dumps(sample)})));"
    browser = json.loads(subprocess.run([node, "-e", code], capture_output=True, text=True, check=True).stdout)
    assert browser == tokens(sample)


# --- validity and colour ---------------------------------------------------------------------


def vnu_jar() -> Path:
    if not VNU_JAR.is_file():
        if shutil.which("npm") is None:
            pytest.skip("npm is not installed, so the Nu HTML Checker cannot be")
        sys.path.insert(0, str(ROOT))
        try:
            import build as project_build
        finally:
            sys.path.remove(str(ROOT))
        project_build.ensure_npm_tools()
    if shutil.which("java") is None:
        pytest.skip("java is not installed")
    assert VNU_JAR.is_file(), "npm could not install vnu-jar"
    return VNU_JAR


def test_html_and_css_are_valid_for_the_nu_checker(sample_site, features_site):
    jar = vnu_jar()
    pages = sorted(map(str, sample_site.glob("*.html"))) + sorted(map(str, features_site.glob("*.html")))
    pages.append(str(sample_site / "assets" / "book.css"))
    done = subprocess.run(["java", "-jar", str(jar), "--also-check-css", "--format", "json", "--stdout", *pages],
                          capture_output=True, text=True, timeout=240)
    messages = json.loads(done.stdout)["messages"]
    problems = [f"{Path(unquote(urlsplit(m.get('url', '')).path)).name}:{m.get('lastLine')}: {m['type']}: {m['message']}"
                for m in messages if m["type"] in ("error", "non-document-error") or m.get("subType") == "warning"]
    assert problems == []


def luminance(colour: str) -> float:
    channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    high, low = sorted([luminance(a), luminance(b)], reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_theme_colours_meet_wcag_aa_in_light_and_dark():
    css = (ROOT / "styles" / "web.css").read_text()
    light = dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", css.split("@media (prefers-color-scheme: dark)")[0]))
    dark_block = css.split("@media (prefers-color-scheme: dark)")[1].split("}\n}")[0]
    dark = {**light, **dict(re.findall(r"--([a-z-]+):\s*(#[0-9a-f]{6})", dark_block))}
    for scheme in (light, dark):
        for ground in ("paper", "panel"):
            for text in ("ink", "muted", "accent"):
                assert contrast(scheme[text], scheme[ground]) >= 4.5, (text, ground, scheme[text], scheme[ground])
        # The "Start reading" button: paper-coloured text on the accent.
        assert contrast(scheme["paper"], scheme["accent"]) >= 4.5
        # Marked search hits keep their text readable.
        assert contrast(scheme["ink"], scheme["mark"]) >= 4.5


# --- writing the folder -------------------------------------------------------------------


def test_a_failed_build_leaves_the_previous_site_untouched(tmp_path):
    book = copy_book(FEATURES, tmp_path)
    out = tmp_path / "out"
    assert not build(book, out, ("web",)).diagnostics.errors
    before = {p: p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()}
    chapter = book / "01-kitchen.md"
    chapter.write_text(chapter.read_text() + "\nSee @sec-nowhere.\n")
    assert build(book, out, ("web",)).diagnostics.errors
    assert {p: p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".site.")], "a temporary folder was left"

    with pytest.raises(RuntimeError):
        with atomic_folder(out / "site") as temporary:
            (temporary / "index.html").write_text("half a site")
            raise RuntimeError("the writer failed")
    assert {p: p.read_bytes() for p in (out / "site").rglob("*") if p.is_file()} == before
    assert not [p.name for p in out.iterdir() if p.name.startswith(".site.")], "a temporary folder was left"


# --- in a browser -------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    yield from chromium_browser()


def open_page(browser, width: int, height: int, **options):
    context = browser.new_context(viewport={"width": width, "height": height}, **options)
    tab = context.new_page()
    problems: list[str] = []
    tab.on("pageerror", lambda error: problems.append(f"script error: {error}"))
    tab.on("console", lambda msg: problems.append(f"console {msg.type}: {msg.text}") if msg.type == "error" else None)
    tab.on("request", lambda request: problems.append(f"request outside the site: {request.url}")
           if not request.url.startswith("file://") else None)
    return tab, problems


def test_a_reader_pages_through_searches_and_opens_a_note_in_chromium(browser, sample_site):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    names = [page_name(k) for k in chapter_keys(SAMPLE)]
    tab, problems = open_page(browser, 1280, 900)
    tab.goto((sample_site / "index.html").as_uri())
    tab.screenshot(path=str(ARTIFACTS / "web-index-desktop.png"))
    tab.click("a.start-link")
    visited = [Path(urlsplit(tab.url).path).name]
    while tab.locator("nav.pager-bottom a.pager-next").count():
        tab.click("nav.pager-bottom a.pager-next")
        visited.append(Path(urlsplit(tab.url).path).name)
    assert visited == names

    # The arrow keys turn pages too; from the first chapter, which has notes.
    first = names.index("01-trust.html")
    tab.goto((sample_site / names[first]).as_uri())
    # The first Tab reaches the skip link, which shows itself with a visible outline.
    tab.keyboard.press("Tab")
    focused = tab.evaluate("(() => { const el = document.activeElement, s = getComputedStyle(el);"
                           " return [el.className, s.outlineStyle, el.getBoundingClientRect().top >= 0]; })()")
    assert focused == ["skip-link", "solid", True], focused
    tab.keyboard.press("Escape")
    tab.keyboard.press("ArrowRight")
    tab.wait_for_url("**/" + names[first + 1])
    tab.keyboard.press("ArrowLeft")
    tab.wait_for_url("**/" + names[first])
    tab.screenshot(path=str(ARTIFACTS / "web-chapter-desktop.png"))

    # A note opens beside its call.
    tab.click("article a.noteref >> nth=0")
    popup = tab.locator(".note-popup")
    popup.wait_for()
    note_id = tab.locator("article a.noteref >> nth=0").get_attribute("href").lstrip("#")
    expected = " ".join(tab.locator(f"#{note_id} .note-body").inner_text().split())
    assert expected and expected in " ".join(popup.inner_text().split())
    tab.keyboard.press("Escape")
    assert tab.locator(".note-popup").count() == 0

    # Search, offline from file://: a phrase from the middle of chapter 1.
    tab.fill("#search-input", "a sailor reads the sky")
    first = tab.locator("#search-results li a").first
    first.wait_for()
    assert first.get_attribute("href") == "01-trust.html"
    assert "sailor reads the sky" in first.inner_text()
    tab.screenshot(path=str(ARTIFACTS / "web-search-desktop.png"))
    # A word that lives in a section of the appendix leads to that section.
    tab.fill("#search-input", "")
    tab.fill("#search-input", "toolkit")
    tab.locator("#search-results li a").first.wait_for()
    hrefs = tab.locator("#search-results li a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
    assert any(h.startswith("90-appendix-toolkit.html") for h in hrefs)
    tab.keyboard.press("Enter")
    tab.wait_for_url("**/90-appendix-toolkit.html*")
    assert problems == []


def test_the_site_reads_on_a_phone_in_dark_and_prints_clean(browser, sample_site):
    tab, problems = open_page(browser, 390, 844, device_scale_factor=2, is_mobile=True, has_touch=True)
    for name in ("index.html", "01-trust.html", "06-measuring.html"):
        tab.goto((sample_site / name).as_uri())
        overflow = tab.evaluate("document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0, f"{name} scrolls sideways on a phone by {overflow}px"
    tab.goto((sample_site / "01-trust.html").as_uri())
    font = tab.evaluate("document.fonts.check('16px \"Linux Libertine O\"') && [...document.fonts].some(f => f.status === 'loaded')")
    assert font, "the book face did not load"
    tab.screenshot(path=str(ARTIFACTS / "web-chapter-phone.png"))

    tab.emulate_media(color_scheme="dark")
    ground = tab.evaluate("getComputedStyle(document.body).backgroundColor")
    assert [int(c) for c in re.findall(r"\d+", ground)[:3]] < [60, 60, 60], ground
    tab.screenshot(path=str(ARTIFACTS / "web-chapter-phone-dark.png"))

    tab.emulate_media(media="print", color_scheme="light")
    assert not tab.locator("nav.sidebar").is_visible() and not tab.locator("nav.pager-top").is_visible()
    assert tab.locator("article h1").is_visible() and tab.locator("aside.notes").is_visible()
    assert problems == []
