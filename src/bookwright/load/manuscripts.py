"""What a manuscript written for Quarto, R Markdown or Pandoc brings to its chapter files.

- Chapter files may be `.qmd` (Quarto) and `.Rmd` (R Markdown, Bookdown) as well as `.md`:
  the same Markdown.
- Their front matter may hold Quarto's keys. `title:` is the chapter's title when the
  text has no `# Title` of its own (the heading is set where the key is, so its line is
  the one problems point at); the keys that set how Quarto renders or runs the file
  (`format`, `execute`, ...) mean nothing to bookwright, and are reported as ignored.
- A Markdown file in the book folder that `chapters` leaves out (and no chapter includes)
  may be a chapter the author forgot; files Quarto and Bookdown do not render either
  (a name starting with `_`) and a repository's README, LICENSE and the like are not.
"""

from __future__ import annotations

import re
from pathlib import Path

from bookwright.diagnostics import Diagnostics
from bookwright.model import SourceLocation
from bookwright.paths import is_inside

CHAPTER_SUFFIXES = (".md", ".markdown", ".qmd", ".rmd")
# Quarto's and R Markdown's document keys: read by their renderers, not by bookwright.
QUARTO_KEYS = {"subtitle", "author", "authors", "date", "date-modified", "format", "output", "execute", "engine",
               "jupyter", "knitr", "bibliography", "csl", "filters", "number-sections", "toc", "toc-depth", "lang",
               "editor", "params", "description", "abstract", "keywords", "image", "categories", "draft", "freeze",
               "crossref", "echo", "warning", "message", "always_allow_html", "editor_options", "code-fold",
               "reference-location", "citation-location", "fig-cap-location", "tbl-cap-location", "aliases",
               "title-block-banner", "page-layout", "comments", "cache", "eval", "include", "self-contained",
               "documentclass", "classoption", "geometry", "fontsize", "mainfont", "header-includes", "link-citations",
               "nocite", "site", "github-repo", "url", "cover-image", "biblio-style", "papersize"}
NOT_CHAPTERS = {"readme", "license", "licence", "changelog", "changes", "contributing", "code_of_conduct",
                "authors", "citation", "news", "security", "todo"}
HEADING = re.compile(r"^[ ]{0,3}#[ \t]+\S", re.M)


def is_chapter_file(name: str) -> bool:
    return name.lower().endswith(CHAPTER_SUFFIXES)


def insert_title(text: str, title, line: int, path: Path, diags: Diagnostics) -> str:
    """The chapter's text with a `# title` heading at `line` (a blank line of its front
    matter), unless the text has a level-1 heading of its own."""
    if not isinstance(title, str) or not title.strip():
        diags.error(path, line, 1, "the front matter's title is not text")
        return text
    if HEADING.search(text):
        diags.warning(path, line, 1, "the front matter's title is not used: the chapter's '# ' heading is its title",
                      hint="keep one of the two")
        return text
    lines = text.split("\n")
    lines[line - 1] = "# " + " ".join(title.split())
    return "\n".join(lines)


def report_unlisted(root: Path, listed: set[Path], included: set[Path], where: SourceLocation,
                    diags: Diagnostics) -> None:
    """A warning for each Markdown file beside the chapters that is neither a chapter nor included."""
    root = root.resolve()
    folders = {root} | {path.parent for path in listed if is_inside(path, root)}
    for folder in sorted(folders):
        for path in sorted(folder.iterdir()):
            name = path.name
            if not path.is_file() or not is_chapter_file(name) or name.startswith(("_", ".")):
                continue
            real = path.resolve()
            if path.stem.lower() in NOT_CHAPTERS or real in listed or real in included or not is_inside(real, root):
                continue
            rel = path.relative_to(root).as_posix()
            diags.warning_at(where, f"'{rel}' is in the book folder but not in chapters; no edition shows it",
                             hint=f"add \"{rel}\" to chapters, or start its name with '_' if it is not a chapter")
