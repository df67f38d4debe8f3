"""Deterministic synthetic books for the benchmark: same seed, same manuscript, every run."""

from __future__ import annotations

import random
from pathlib import Path

SIZES = {
    # name: (chapters, words per chapter)
    "small": (6, 1500),
    "medium": (20, 2400),
    "large": (60, 2250),  # ≈ 160,000 words, 589 pages at 6 x 9 in
    "huge": (204, 2250),  # ≈ 550,000 words, about 2,000 pages
}

WORDS = (
    "team lead trust meeting decision work people project feedback week question plan "
    "manager problem answer review change risk promise customer schedule result goal "
    "practice habit conversation record measure signal pattern process owner choice "
    "small clear honest early quiet steady careful simple useful common shared open "
    "asks keeps makes finds gives takes builds shows tells writes reads learns changes "
    "the a of to and in that for with on as is was it by this from at which but not"
).split()

SVG = """<svg xmlns="http://www.w3.org/2000/svg" width="360" height="140" viewBox="0 0 360 140">
<rect x="10" y="20" width="120" height="100" fill="none" stroke="black" stroke-width="2"/>
<rect x="230" y="20" width="120" height="100" fill="none" stroke="black" stroke-width="2"/>
<line x1="130" y1="70" x2="230" y2="70" stroke="black" stroke-width="2"/>
<text x="70" y="75" font-family="serif" font-size="16" text-anchor="middle">Input {n}</text>
<text x="290" y="75" font-family="serif" font-size="16" text-anchor="middle">Output {n}</text>
</svg>
"""


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(8, 22))]
    return " ".join(words).capitalize() + rng.choice([".", ".", ".", "?", ";"]).replace(";", ".")


def paragraph(rng: random.Random, words: int) -> str:
    out, count = [], 0
    while count < words:
        s = sentence(rng)
        out.append(s)
        count += len(s.split())
    return " ".join(out)


def chapter_text(rng: random.Random, number: int, chapters: int, words: int) -> str:
    lines = [f"# Chapter about {rng.choice(WORDS)} and {rng.choice(WORDS)} {number} {{#sec-ch{number}}}", ""]
    per_section = words // 5
    notes = []
    for section in range(1, 6):
        lines += [f"## Section {section} of chapter {number} {{#sec-ch{number}-s{section}}}", ""]
        written = 0
        while written < per_section:
            text = paragraph(rng, rng.randint(60, 140))
            if rng.random() < 0.15:
                other = rng.randint(1, chapters)
                text += f" See @sec-ch{other}-s{rng.randint(1, 5)} and @fig-ch{other}."
            if rng.random() < 0.1:
                note = len(notes) + 1
                text += f"[^n{note}]"
                notes.append(f"[^n{note}]: {paragraph(rng, 25)}")
            lines += [text, ""]
            written += len(text.split())
        if section == 2:
            lines += [f"![Diagram for chapter {number}](images/fig{number}.svg){{#fig-ch{number}}}", ""]
        if section == 3:
            lines += ["| Measure | Before | After |", "|---|---|---|"]
            lines += [f"| {rng.choice(WORDS)} | {rng.randint(1, 99)} | {rng.randint(1, 99)} |" for _ in range(6)]
            lines += ["", f": Numbers for chapter {number} {{#tbl-ch{number}}}", ""]
    return "\n".join(lines + notes) + "\n"


def generate(target: Path, size: str, seed: int = 1) -> Path:
    chapters, words = SIZES[size]
    rng = random.Random(seed)
    (target / "images").mkdir(parents=True, exist_ok=True)
    names = []
    for number in range(1, chapters + 1):
        name = f"{number:03d}-chapter.md" if chapters > 99 else f"{number:02d}-chapter.md"
        names.append(name)
        (target / name).write_text(chapter_text(rng, number, chapters, words), encoding="utf-8")
        (target / "images" / f"fig{number}.svg").write_text(SVG.format(n=number), encoding="utf-8")
    half = len(names) // 2
    chapters_toml = ",\n".join([
        f'  {{ part = "Part One", chapters = {names[:half]!r} }}'.replace("'", '"'),
        f'  {{ part = "Part Two", chapters = {names[half:]!r} }}'.replace("'", '"'),
    ])
    (target / "book.toml").write_text(
        f'[book]\ntitle = "Synthetic {size.title()}"\nauthors = ["Bench Mark"]\nlanguage = "en"\n'
        f'date = "2026-01-01"\nchapters = [\n{chapters_toml}\n]\n',
        encoding="utf-8",
    )
    return target


def middle_chapter(book: Path) -> Path:
    chapters = sorted(book.glob("*.md"))
    return chapters[len(chapters) // 2]
