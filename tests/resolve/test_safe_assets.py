"""Issue 4: images are checked and made safe, raw HTML is cleaned, nothing outside the
book is read and nothing is fetched from the network during a build."""

from __future__ import annotations

import http.server
import io
import os
import struct
import subprocess
import sys
import threading
import zlib
from pathlib import Path

import pytest
from lxml import etree
from PIL import Image

from bookwright.build.pipeline import build
from support import BOOKS, check, epubcheck, first_lines, make_book
from support.readback import XHTML, Epub, text_of


def png_bytes(size=(40, 30), mode="RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, size, 120).save(out, format="PNG")
    return out.getvalue()


def jpeg_bytes(size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(out, format="JPEG")
    return out.getvalue()


def figure(src: str, n: int) -> str:
    return f"![Figure {n}]({src}){{#fig-{n}}}\n\n"


# --- images --------------------------------------------------------------------------------


def test_missing_unreadable_and_outside_images_are_all_errors_in_one_run():
    assert first_lines(check(BOOKS / "bad-references")) == [
        "01-broken.md:3:22: error: image 'images/missing.png' does not exist",
        "01-broken.md:5:37: error: image 'images/not-really.png' is not an image bookwright can read "
        "(PNG, JPEG, GIF, WebP or SVG)",
        "01-broken.md:7:5: error: unknown reference @fig-misssing; did you mean @fig-missing (defined at 01-broken.md:3)?",
        "01-broken.md:7:23: error: unknown reference @sec-brokn; did you mean @sec-broken (defined at 01-broken.md:1)?",
        "01-broken.md:7:51: error: citation @nobody2020, but book.toml names no bibliography",
        "01-broken.md:9:21: error: remote image 'https://127.0.0.1:9/remote.png' is not fetched",
        "01-broken.md:11:22: error: image '../../../../etc/passwd' is outside the book folder",
        "01-broken.md:13:21: error: image '/etc/hostname' is outside the book folder",
        "01-broken.md:15:19: error: image 'file:///etc/passwd' is outside the book folder",
        "01-broken.md:17:22: error: an image embedded as a data: address is not supported",
        "01-broken.md:19:26: error: link to '../../secrets.md', which is outside the book folder",
        "01-broken.md:19:58: error: link to '/etc/passwd', which is outside the book folder",
    ]


def test_truncated_disguised_and_unsupported_images_name_the_line(tmp_path):
    png = png_bytes()
    bmp = io.BytesIO()
    Image.new("RGB", (8, 8)).save(bmp, format="BMP")
    root = make_book(tmp_path / "b", {
        "01-a.md": "# Images\n\n" + figure("images/cut.png", 1) + figure("images/photo.png", 2)
                   + figure("images/old.bmp", 3) + figure("images/empty.gif", 4),
        "images/cut.png": png[: len(png) - 30],
        "images/photo.png": jpeg_bytes(),
        "images/old.bmp": bmp.getvalue(),
        "images/empty.gif": b"",
    })
    assert first_lines(check(root)) == [
        "01-a.md:3:13: error: image 'images/cut.png' is damaged or truncated (image file is truncated)",
        "01-a.md:5:13: error: image 'images/photo.png' is a JPEG image but its name says otherwise; "
        "rename it to end in .jpg",
        "01-a.md:7:13: error: image 'images/old.bmp' is a BMP image; EPUB readers show PNG, JPEG, GIF, WebP and SVG: "
        "convert it",
        "01-a.md:9:13: error: image 'images/empty.gif' is not an image bookwright can read (PNG, JPEG, GIF, WebP or SVG)",
    ]


def huge_png(path: Path, width: int, height: int) -> None:
    """A valid grey PNG written row by row, so the test itself never holds it in memory."""
    def chunk(kind: bytes, body: bytes) -> bytes:
        return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body) & 0xFFFFFFFF)

    deflate = zlib.compressobj(9)
    row = b"\x00" + bytes(range(256)) * (width // 256) + b"\x80" * (width % 256)
    with path.open("wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)))
        data = b"".join(deflate.compress(row) for _ in range(height)) + deflate.flush()
        f.write(chunk(b"IDAT", data) + chunk(b"IEND", b""))


def test_a_huge_png_is_scaled_down_in_bounded_memory(tmp_path):
    root = make_book(tmp_path / "b", {"01-a.md": "# Huge\n\n" + figure("images/huge.png", 1)})
    (root / "images").mkdir(exist_ok=True)
    huge_png(root / "images" / "huge.png", 20_000, 20_000)
    # The child's own peak (VmHWM): its getrusage maxrss would start from this test process's
    # peak, which Linux carries over the exec of a child started with vfork, as subprocess does.
    code = ("import sys; from pathlib import Path; from bookwright.build.pipeline import prepare_book; "
            "from bookwright.diagnostics import Diagnostics; from PIL import Image; import io; "
            "d = Diagnostics(); book = prepare_book(Path(sys.argv[1]), d); "
            "print([x.format() for x in d.items]); "
            "print(Image.open(io.BytesIO(next(iter(book.assets.values())))).size); "
            "print(next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM:')))")
    done = subprocess.run([sys.executable, "-c", code, str(root)], capture_output=True, text=True, timeout=180)
    assert done.returncode == 0, done.stderr[-2000:]
    messages, size, peak_kb = done.stdout.splitlines()
    assert "01-a.md:3:13: warning: image 'images/huge.png' is 20000×20000 pixels; scaled down to 5000×5000" in messages
    assert size == "(5000, 5000)"
    # Decoded whole it would take 1.6 GB (Pillow keeps four bytes a pixel); streamed, far less.
    assert int(peak_kb) < 700_000


def test_a_large_photo_is_embedded_scaled_in_every_edition(tmp_path):
    root = make_book(tmp_path / "b", {"01-a.md": "# Photo\n\n" + figure("images/wide.jpg", 1),
                                      "images/wide.jpg": jpeg_bytes((7000, 1000))})
    result = build(root, tmp_path / "out", ("epub", "web"))
    assert first_lines([d.format() for d in result.diagnostics.items]) == [
        "01-a.md:3:13: warning: image 'images/wide.jpg' is 7000×1000 pixels; scaled down to 5000×714 "
        "(at most 5000 a side)"]
    embedded = Epub(tmp_path / "out" / "t.epub").files["EPUB/media/images/wide.jpg"]
    assert Image.open(io.BytesIO(embedded)).size == (5000, 714)
    assert Image.open(tmp_path / "out" / "site" / "media" / "images" / "wide.jpg").size == (5000, 714)
    assert (root / "images" / "wide.jpg").read_bytes() == jpeg_bytes((7000, 1000))  # the manuscript untouched


@pytest.fixture(scope="module")
def svg_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("svg")
    result = build(BOOKS / "bad-svg", out, ("epub", "pdf", "web"))
    return result


def test_a_hostile_svg_is_reported_and_made_inert(svg_build):
    (warning,) = [d for d in svg_build.diagnostics.items if "hostile.svg" in d.message]
    assert (warning.path, warning.line, warning.severity) == ("01-pictures.md", 5, "warning")
    for removed in ("entity declarations", "&secret;", "xml-stylesheet", "onload", "<script>", "onclick",
                    "file:///etc/hostname", "http://127.0.0.1:9/tracker.png", "javascript:alert(2)",
                    "<foreignObject>", "<set>", "<style>", "fill attribute"):
        assert removed in warning.message
    outputs = {o.format: o.path for o in svg_build.outputs}
    embedded = Epub(outputs["epub"]).files["EPUB/media/images/hostile.svg"]
    web_copy = (outputs["web"] / "media" / "images" / "hostile.svg").read_bytes()
    assert embedded == web_copy
    root = etree.fromstring(embedded, etree.XMLParser(resolve_entities=False, no_network=True))
    svg = "{http://www.w3.org/2000/svg}"
    assert root.getroottree().docinfo.internalDTD is None
    assert not list(root.iter(f"{svg}script", f"{svg}foreignObject", f"{svg}set", f"{svg}style", f"{svg}image"))
    assert not list(root.iter(etree.Entity))
    for el in root.iter():
        for name, value in el.attrib.items():
            assert not name.lower().startswith("on")
            assert "127.0.0.1" not in value and "file:" not in value and "javascript:" not in value
    assert b"root:" not in embedded  # /etc/passwd was never read into it
    assert len(list(root.iter(f"{svg}rect"))) == 2 and root.find(f"{svg}use") is not None  # the drawing stays
    assert epubcheck(outputs["epub"]) == []
    assert not [d for d in svg_build.diagnostics.items if "PDF layout" in d.message]


# --- raw HTML ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def raw_build(tmp_path_factory):
    out = tmp_path_factory.mktemp("raw")
    return build(BOOKS / "bad-raw-html", out, ("epub", "pdf", "web"))


def test_unsafe_raw_html_is_removed_with_a_warning_at_its_line(raw_build):
    assert first_lines([d.format() for d in raw_build.diagnostics.sorted()]) == [
        "01-raw.md:3:9: warning: <script> removed and its content",
        "01-raw.md:5:9: warning: event handler onclick removed from <span>",
        "01-raw.md:6:10: warning: link to 'javascript:alert(1)' removed (javascript: addresses are not kept)",
        "01-raw.md:6:63: warning: link to 'javascript:alert(2)' removed (javascript: addresses are not kept)",
        "01-raw.md:8:1: warning: <iframe> removed and its content",
        "01-raw.md:10:1: warning: <object> removed and its content",
        "01-raw.md:10:26: warning: <embed> removed (its text is kept)",
        "01-raw.md:12:1: warning: <form> removed (its text is kept)",
        "01-raw.md:12:43: warning: <input> removed (its text is kept)",
        "01-raw.md:12:62: warning: <button> removed (its text is kept)",
        "01-raw.md:17:4: warning: <em> is never closed; it is closed where its block ends",
    ]


def test_no_edition_keeps_scripts_frames_forms_or_handlers(raw_build):
    outputs = {o.format: o.path for o in raw_build.outputs}
    assert epubcheck(outputs["epub"]) == []
    chapter = Epub(outputs["epub"]).documents["EPUB/01-raw.xhtml"].find(f".//{XHTML}body")
    page = etree.parse(str(outputs["web"] / "01-raw.html"), etree.HTMLParser()).find(".//main")
    for root, ns in ((chapter, XHTML), (page, "")):
        assert not list(root.iter(*(f"{ns}{t}" for t in ("script", "iframe", "object", "embed", "form", "input",
                                                          "button", "style"))))
        for el in root.iter():
            if isinstance(el.tag, str):
                assert not [n for n in el.attrib if n.lower().startswith("on")]
                assert not (el.get("href") or "").strip().lower().startswith("javascript")
    body = text_of(chapter)
    assert "The rest of the paragraph stays." in body and "alert" not in body and "Frame fallback" not in body
    assert chapter.find(f".//{XHTML}kbd").text == "Ctrl" and chapter.find(f".//{XHTML}abbr") is not None
    assert "unclosed emphasis runs on" in body and "Code stays code: <script>not run</script>." in body
    from pypdf import PdfReader

    pdf_text = " ".join(p.extract_text() for p in PdfReader(str(outputs["pdf"])).pages)
    assert "The rest of the paragraph stays." in pdf_text and "alert" not in pdf_text


# --- paths and the network ---------------------------------------------------------------------


def test_symbolic_links_leading_outside_the_book_are_refused(tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "secret.md").write_text("# Secret\n\nPrivate.\n")
    (outside / "secret.png").write_bytes(png_bytes())
    toml = '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\ncover = "cover.png"\n'
    root = make_book(tmp_path / "book", {"01-a.md": "# A\n\n" + figure("images/linked.png", 1) + "[notes](notes.md)\n"},
                     toml + 'chapters = ["01-a.md", "02-secret.md"]\n')
    (root / "images").mkdir()
    os.symlink(outside / "secret.png", root / "images" / "linked.png")
    os.symlink(outside / "secret.png", root / "cover.png")
    os.symlink(outside / "secret.md", root / "02-secret.md")
    os.symlink(outside / "secret.md", root / "notes.md")
    # Chapters are read first; one that leads outside stops the build before anything is parsed.
    assert first_lines(check(root)) == ["book.toml:6:24: error: chapter '02-secret.md' is outside the book folder"]
    (root / "book.toml").write_text(toml + 'chapters = ["01-a.md"]\n')
    os.unlink(root / "02-secret.md")
    assert first_lines(check(root)) == [
        "01-a.md:3:13: error: image 'images/linked.png' is outside the book folder",
        "01-a.md:5:9: error: link to 'notes.md', which is outside the book folder",
        "book.toml:5:1: error: cover 'cover.png' is outside the book folder",
    ]


class CountingServer:
    """A web server on 127.0.0.1 that counts the requests it gets (it must get none)."""

    def __init__(self):
        hits = self.hits = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):
                hits.append(self.path)
                self.send_response(200)
                self.send_header("Content-Type", "image/png")
                self.end_headers()
                self.wfile.write(png_bytes())

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


def test_a_build_never_fetches_anything_even_with_remote_images_allowed(tmp_path):
    with CountingServer() as server:
        svg = (f'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink" width="20" '
               f'height="20"><image xlink:href="{server.url}/in-svg.png" width="20" height="20"/>'
               f'<rect width="5" height="5" fill="url({server.url}/paint.svg#p)"/></svg>')
        root = make_book(tmp_path / "b", {
            "01-a.md": f"# Remote\n\n![The remote diagram]({server.url}/figure.png){{#fig-remote}}\n\n"
                       f"Inline <img src=\"{server.url}/inline.png\" alt=\"an inline picture\"> and "
                       f"<span style=\"background: url({server.url}/bg.png)\">styled</span> and "
                       f"[a link]({server.url}/page.html).\n\n![Local](images/d.svg){{#fig-local}}\n",
            "images/d.svg": svg,
        }, BOOK_TOML_REMOTE)
        result = build(root, tmp_path / "out", ("epub", "pdf", "web"))
        assert server.hits == []
    assert not result.diagnostics.errors
    warnings = first_lines([d.format() for d in result.diagnostics.sorted()])
    assert f"01-a.md:3:23: warning: remote image '{server.url}/figure.png' is not fetched; the editions link to it" \
        in warnings
    outputs = {o.format: o.path for o in result.outputs}
    assert epubcheck(outputs["epub"]) == []
    epub = Epub(outputs["epub"])
    chapter = epub.documents["EPUB/01-a.xhtml"]
    links = {a.get("href"): text_of(a) for a in chapter.iter(f"{XHTML}a") if a.get("class") == "remote-image"}
    assert links == {f"{server.url}/figure.png": "The remote diagram", f"{server.url}/inline.png": "an inline picture"}
    assert not [img for img in chapter.iter(f"{XHTML}img") if "127.0.0.1" in img.get("src", "")]
    assert all(b"127.0.0.1" not in data for name, data in epub.files.items() if name.endswith(".svg"))


BOOK_TOML_REMOTE = '[book]\ntitle = "T"\nauthors = ["A"]\nlanguage = "en"\nallow-remote-images = true\n'


def test_the_pdf_fetcher_serves_only_the_book_and_the_theme(tmp_path):
    from weasyprint import HTML

    from bookwright.paths import theme_dir
    from bookwright.writers.pdf.units import BookFetcher

    book = tmp_path / "book"
    book.mkdir()
    (book / "ok.png").write_bytes(png_bytes())
    (tmp_path / "secret.txt").write_text("secret")
    fetcher = BookFetcher([book, theme_dir()])
    with CountingServer() as server:
        refused = [f"{server.url}/x.png", server.url.replace("http", "https") + "/x.png", "ftp://127.0.0.1/x",
                   (tmp_path / "secret.txt").as_uri(), "file:///etc/passwd", (book / ".." / "secret.txt").as_uri(),
                   f"file://127.0.0.1{book / 'ok.png'}"]
        for url in refused:
            with pytest.raises(ValueError):
                fetcher.fetch(url)
        assert fetcher.fetch((book / "ok.png").as_uri()) is not None
        document = (f'<p>text</p><img src="{server.url}/a.png"><img src="file:///etc/hostname">'
                    f'<link rel="stylesheet" href="{server.url}/s.css"><div style="background: url({server.url}/b.png)">x</div>')
        HTML(string=document, base_url=book.as_uri() + "/", url_fetcher=fetcher).write_pdf(tmp_path / "x.pdf")
        assert server.hits == []
