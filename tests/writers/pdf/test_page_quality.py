"""Issue 15: pages a book designer signs off without proofing every page, read back from the
sample book's screen PDF and its KDP interior (tests/support/page_quality.py): no blank page
on a screen, few hyphens and no ladders, every footnote on its call's page and set once, no
chapter ending with three lines or fewer on a page of its own, no page left short."""

from __future__ import annotations

import pytest

from support import SAMPLE, build_book
from support.page_quality import float_places, lonely_lines, measure, table_pages


@pytest.fixture(scope="module")
def measured_paths(sample_outputs, tmp_path_factory):
    result = build_book(SAMPLE, tmp_path_factory.mktemp("quality-kdp"), formats=("print-kdp",))
    assert not result.diagnostics.errors
    kdp = next(o.path for o in result.outputs if o.format == "print-kdp")
    return {"pdf": sample_outputs["pdf"], "print-kdp": kdp}


@pytest.fixture(scope="module")
def measured(measured_paths):
    return {edition: measure(path) for edition, path in measured_paths.items()}


def test_the_screen_pdf_has_no_blank_page(measured):
    assert measured["pdf"].blank == []


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_even_colour_few_hyphens_and_no_ladders(measured, edition):
    quality = measured[edition]
    assert quality.lines > 1000  # the whole book was read
    assert quality.hyphenated_share <= 0.05, f"{quality.hyphenated} of {quality.lines} lines hyphenated"
    assert quality.ladders == [], f"three hyphens in a row on pages {quality.ladders}"


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_every_footnote_sits_on_its_call_page_once(measured, edition):
    quality = measured[edition]
    assert quality.notes == 17
    assert quality.notes_elsewhere == {}, "note: (called on, set on)"


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_no_chapter_ends_with_a_runt(measured, edition):
    assert measured[edition].runts == []


def test_no_page_is_left_short(measured):
    # A figure or listing that did not fit moved on with the text after it filling the page;
    # a scene break may open a page (its ornament shows it there).
    assert measured["pdf"].short == [], "pages filled less than 85 % that end no chapter"


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_a_caption_stays_with_its_table(measured, edition):
    assert measured[edition].lone_captions == []


def test_a_float_is_never_further_than_the_page_after_its_first_mention(sample_outputs):
    # Its own chapter's first mention: a float never leaves its chapter, so one that another
    # chapter mentions first (Listing A.1, from chapter 6) is held to its own.
    places = float_places(sample_outputs["pdf"])
    mentioned = {label: pages for label, pages in places.items() if pages[0] is not None}
    assert len(mentioned) >= 4, places
    assert {label: pages for label, pages in mentioned.items() if pages[1] > pages[0] + 1} == {}, \
        "(first mention, caption) pages"


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_a_table_run_onto_the_next_page_is_named_there_over_its_header_row(measured_paths, edition):
    # Its header row repeated, under "Table 4.1 (continued)", as a reader turning the page
    # needs to know what the columns are and which table they belong to.
    placed = table_pages(measured_paths[edition])
    assert len(placed) == 3, placed  # every table of the sample was found with its header row
    continued = {label: pages[1:] for label, pages in placed.items() if len(pages) > 1}
    assert continued, "no table of the sample runs over a page turn: the test proves nothing"
    for label, pages in continued.items():
        assert [above for _, above in pages] == [f"Table {label} (continued)"] * len(pages), pages


@pytest.mark.parametrize("edition", ["pdf", "print-kdp"])
def test_no_word_is_left_alone_on_a_line_in_the_middle_of_a_paragraph(measured_paths, edition):
    # WeasyPrint broke a line at its first break opportunity when the next inline element's
    # first word did not fit ("to" alone on a line, the sentence going on under it); the
    # space before an inline element now moves into it (pdf/linebreaks.py).
    assert lonely_lines(measured_paths[edition]) == []
