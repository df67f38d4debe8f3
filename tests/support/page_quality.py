"""A book PDF's pages read back for what a book designer checks on every page (issue 15):
hyphenated lines and ladders, footnotes on their call's page and set once, chapter endings
of a few lines on a page of their own, pages left short, blank pages, a caption left at the
foot of a page without its table.

Read with pdfplumber, from the text and drawing on each page: body lines are those set in
the most common size; a line at least 1.35 times that size is display type (a chapter or
part opening, a title page); a footnote is a smaller line under the body that starts with
its number and a full stop; a call is a run of small digits inside a body line.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HYPHENS = ("\u2010", "-", "\u00ad")
NOTE = re.compile(r"^(\d+)\. ")
CAPTION = re.compile(r"^(Table|Listing) [0-9A-Z]+\.\d+: ")  # a caption above what it names


@dataclass
class Line:
    top: float
    bottom: float
    size: float
    text: str
    raised: list[str] = field(default_factory=list)  # runs of small raised digits (note calls)


@dataclass
class Page:
    index: int
    height: float
    lines: list[Line]
    drawn: list[float]  # where each picture or drawing on the page ends

    @property
    def drawn_bottom(self) -> float:
        """The lowest picture or drawing on the page (0: none)."""
        return max(self.drawn, default=0.0)

    def body_lines(self, body: float) -> list[Line]:
        return [line for line in self.lines if abs(line.size - body) < 0.3]


def read_pages(path: Path) -> list[Page]:
    import pdfplumber

    pages = []
    with pdfplumber.open(str(path)) as pdf:
        for index, page in enumerate(pdf.pages):
            lines = []
            for found in page.extract_text_lines(return_chars=True):
                chars = found["chars"]
                size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]
                raised, run = [], ""
                for char in chars:
                    small = char["size"] < size * 0.8 and char["text"].isdigit()
                    if small:
                        run += char["text"]
                    elif run:
                        raised.append(run)
                        run = ""
                if run:
                    raised.append(run)
                lines.append(Line(found["top"], found["bottom"], size, found["text"], raised))
            drawn = [o["bottom"] for o in page.images + page.rects + page.curves]
            # The note area's rule is no drawing of the text's; it lies above small lines only.
            pages.append(Page(index, float(page.height), lines, drawn))
    return pages


def body_size(pages: list[Page]) -> float:
    return Counter(line.size for page in pages for line in page.lines).most_common(1)[0][0]


@dataclass
class Quality:
    blank: list[int]  # page numbers (1-based) with no text and no drawing
    lines: int  # body lines
    hyphenated: int
    ladders: list[int]  # pages with three or more hyphenated lines in a row
    notes_elsewhere: dict[int, tuple[list[int], list[int]]]  # note → (call pages, pages it is set on)
    notes: int
    runts: list[int]  # chapter endings of three lines or fewer on a page of their own
    short: list[int]  # body pages filled less than 85 % that end no chapter
    lone_captions: list[int]  # pages ending with a caption whose table or listing is on the next

    @property
    def hyphenated_share(self) -> float:
        return self.hyphenated / self.lines if self.lines else 0.0


def measure(path: Path) -> Quality:
    pages = read_pages(path)
    body = body_size(pages)
    blank = [p.index + 1 for p in pages if not p.lines and not p.drawn_bottom]
    display = {p.index for p in pages if any(line.size >= 1.35 * body for line in p.lines)}

    total = hyphenated = 0
    ladders = []
    calls: dict[int, list[int]] = {}
    set_on: dict[int, list[int]] = {}
    for page in pages:
        run = 0
        laddered = False
        body_lines = page.body_lines(body)
        for line in body_lines:
            total += 1
            if line.text.rstrip().endswith(HYPHENS):
                hyphenated += 1
                run += 1
                laddered |= run >= 3
            else:
                run = 0
            for number in line.raised:
                calls.setdefault(int(number), []).append(page.index + 1)
        if laddered:
            ladders.append(page.index + 1)
        last_body = max((line.bottom for line in body_lines), default=0)
        for line in page.lines:
            found = NOTE.match(line.text)
            if found and line.size < 0.92 * body and line.top > last_body:
                set_on.setdefault(int(found.group(1)), []).append(page.index + 1)
    elsewhere = {n: (calls.get(n, []), where) for n, where in set_on.items()
                 if len(where) != 1 or calls.get(n, [None])[0] != where[0]}

    def ends_section(index: int) -> bool:
        following = next((p for p in pages[index + 1:] if p.lines), None)
        return following is None or following.index in display

    lone_captions = []
    for page in pages:
        text = [line for line in page.lines if not NOTE.match(line.text) and not line.text.strip().isdigit()]
        if text and CAPTION.match(text[-1].text) and ". . ." not in text[-1].text:
            lone_captions.append(page.index + 1)
    runts, short = [], []
    text_pages = [p for p in pages if p.index not in display and p.body_lines(body)]
    tops = Counter(round(p.body_lines(body)[0].top) for p in text_pages)
    block_top = tops.most_common(1)[0][0] if tops else 0
    bottoms = Counter(round(max(line.bottom for line in p.body_lines(body))) for p in text_pages)
    block_bottom = bottoms.most_common(1)[0][0] if bottoms else 0  # a full page's last line
    for page in text_pages:
        lines = page.body_lines(body)
        if ends_section(page.index):
            if page.index - 1 not in display and len(lines) <= 3 and pages[page.index - 1].lines:
                runts.append(page.index + 1)
            continue
        if not page.lines[-1].text.strip().isdigit():
            continue  # no arabic folio at its foot: front matter (a dedication is meant to be short)
        # The page's text reaches down to its last line above the folio, notes and drawings included.
        content = [line.bottom for line in page.lines if line.bottom < block_bottom + 0.5 * body
                   or NOTE.match(line.text)] + [page.drawn_bottom]
        notes_top = min((line.top for line in page.lines if NOTE.match(line.text) and line.size < 0.92 * body),
                        default=None)
        bottom = block_bottom if notes_top is None else notes_top - body
        # Above the notes: every line and picture (a table's smaller rows too), not the notes' rule.
        reached = max(content) if notes_top is None else max(
            [line.bottom for line in page.lines if line.bottom < notes_top] +
            [drawn for drawn in page.drawn if drawn < notes_top - body / 2])
        if bottom > block_top and (reached - block_top) / (bottom - block_top) < 0.85:
            short.append(page.index + 1)
    return Quality(blank, total, hyphenated, ladders, elsewhere, len(set_on), runts, short, lone_captions)


FLOAT_CAPTION = re.compile(r"^(Figure|Table|Listing) ([0-9A-Z]+\.\d+): ")
FLOAT_MENTION = re.compile(r"(Figure|Table|Listing)[ \u00a0]([0-9A-Z]+\.\d+)\b")
CHAPTER_BOOKMARK = re.compile(r"^([0-9]+|[A-Z])\. ")  # "6. Measuring What Matters", "A. A Toolkit"


def float_places(path: Path) -> dict[str, tuple[int | None, int]]:
    """Each figure, table and listing → (the page its own chapter first mentions it on, or
    None; the page its caption is on), pages counted from 1. A chapter runs from its
    bookmark to the next bookmark at its level or above; a mention is its name in running
    text ("Table 2.1", never a caption line)."""
    import pdfplumber
    import pypdf

    reader = pypdf.PdfReader(str(path))
    marks: list[tuple[int, int, str]] = []  # (page, depth, title)

    def walk(items, depth):
        for item in items:
            if isinstance(item, list):
                walk(item, depth + 1)
            else:
                marks.append((reader.get_destination_page_number(item) + 1, depth, item.title))

    walk(reader.outline, 0)
    with pdfplumber.open(str(path)) as pdf:
        texts = [page.extract_text() or "" for page in pdf.pages]
    chapters: dict[str, range] = {}
    for index, (start, depth, title) in enumerate(marks):
        if match := CHAPTER_BOOKMARK.match(title):
            end = next((page for page, other, _ in marks[index + 1:] if other <= depth), len(texts) + 1)
            chapters[match.group(1)] = range(start, end)
    places: dict[str, tuple[int | None, int]] = {}
    for number, text in enumerate(texts, 1):
        for line in text.splitlines():
            if (caption := FLOAT_CAPTION.match(line)) and caption.group(2) not in places:
                label = caption.group(2)
                pages = chapters.get(label.split(".")[0], range(0))
                mentioned = next((page for page in pages if any(
                    m.group(2) == label for text_line in texts[page - 1].splitlines()
                    if not FLOAT_CAPTION.match(text_line) for m in FLOAT_MENTION.finditer(text_line))), None)
                places[label] = (mentioned, number)
    return places


TABLE_CAPTION = re.compile(r"^Table ([0-9A-Z]+\.\d+): ")


def table_pages(path: Path) -> dict[str, list[tuple[int, str]]]:
    """Each numbered table → the pages its header row is printed on, each with the line
    printed above it there: on its first page the end of its caption, on a page it runs
    onto (WeasyPrint repeats the header row) what names it there. The header row is the
    first line set all in bold under the caption; a header row belongs to the table whose
    caption came last."""
    import pdfplumber

    with pdfplumber.open(str(path)) as pdf:
        lines = [(number, found["text"].strip(),
                  all("Bold" in c["fontname"] for c in found["chars"] if c["text"].strip()))
                 for number, page in enumerate(pdf.pages, 1) for found in page.extract_text_lines(return_chars=True)]
    found: dict[str, list[tuple[int, str]]] = {}
    label = header = None
    for index, (number, text, bold) in enumerate(lines):
        if caption := TABLE_CAPTION.match(text):
            label, header = caption.group(1), None
            found[label] = []
        elif label is not None and bold and (header is None or text == header):
            header = text
            found[label].append((number, lines[index - 1][1]))
    return found


def lonely_lines(path: Path, body: float = 11.0) -> list[tuple[int, str]]:
    """Lines of running text that stop short in the middle of a paragraph: shorter than 60 %
    of the measure, not ending a sentence, with the paragraph going on at the left edge on the
    next line (a word or two left alone on a line). (page, text) of each."""
    import pdfplumber

    found = []
    with pdfplumber.open(str(path)) as pdf:
        for number, page in enumerate(pdf.pages, 1):
            lines = [line for line in page.extract_text_lines(return_chars=True)
                     if abs(Counter(round(c["size"], 1) for c in line["chars"]).most_common(1)[0][0] - body) < 0.3]
            if len(lines) < 3:
                continue
            left = Counter(round(line["x0"]) for line in lines).most_common(1)[0][0]
            measure = max(line["x1"] for line in lines) - left
            for line, following in zip(lines, lines[1:]):
                if (line["x1"] - line["x0"] < 0.6 * measure and abs(line["x0"] - left) < 2
                        and abs(following["x0"] - left) < 2 and following["top"] - line["bottom"] < body * 0.7
                        and not re.search(r"[.:!?”)]$", line["text"].strip()) and following["text"][:1].islower()):
                    found.append((number, line["text"]))
    return found
