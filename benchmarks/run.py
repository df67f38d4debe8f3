#!/usr/bin/env python3
"""The bookwright benchmark: cold, no-op and incremental builds at three book sizes,
measured against pandoc (EPUB) and WeasyPrint alone (the PDF engine's floor) in the same
run, so that the ratios mean something on a noisy machine.

The EPUB is timed with its gate (EPUBCheck and Ace) and without (`cold_epub_nogate`, right
before pandoc); the floor is timed plain and as the tagged PDF/UA-1 the screen PDF is
(`weasyprint_floor_tagged`), each with its ratio.

    .venv/bin/python benchmarks/run.py [--sizes small,medium,large] [--jobs N] [--out DIR]

Writes benchmarks/results/latest.json and prints a table. Not part of the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
from synthetic import SIZES, generate, middle_chapter  # noqa: E402

PYTHON = sys.executable


def measure(command: list[str], env: dict | None = None) -> dict:
    """Wall time and peak memory of the whole process tree (parent and every worker), as
    the sum of RSS and as the sum of PSS. RSS counts a page shared by several processes
    (libraries, a browser's forked renderers) once in each; PSS divides it among them, so
    its sum is what the tree really occupies."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    peak = peak_pss = 0
    done = threading.Event()

    def sample():
        nonlocal peak, peak_pss
        while not done.is_set():
            try:
                tree = [process] + process.children(recursive=True)
                total = total_pss = 0
                for p in tree:
                    try:
                        info = p.memory_full_info()
                        total += info.rss
                        total_pss += getattr(info, "pss", info.rss)
                    except psutil.Error:
                        pass
                peak, peak_pss = max(peak, total), max(peak_pss, total_pss)
            except psutil.Error:
                pass
            time.sleep(0.02)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    output, _ = process.communicate()
    done.set()
    sampler.join()
    seconds = time.perf_counter() - started
    if process.returncode != 0:
        raise SystemExit(f"failed: {' '.join(command)}\n{output.decode(errors='replace')[-2000:]}")
    return {"seconds": round(seconds, 3), "peak_mb": round(peak / 2**20, 1), "peak_pss_mb": round(peak_pss / 2**20, 1)}


def bookwright(book: Path, out: Path, formats: str, jobs: int | None, gate: bool = True) -> list[str]:
    command = [PYTHON, "-m", "bookwright", "build", str(book), "--out", str(out), "--format", formats, "--quiet"]
    if jobs:
        command += ["--jobs", str(jobs)]
    if not gate:
        command.append("--no-gate")
    return command


def supports(flag: str) -> bool:
    help_text = subprocess.run([PYTHON, "-m", "bookwright", "build", "--help"], capture_output=True, text=True).stdout
    return flag in help_text


def pandoc_epub(book: Path, out: Path) -> list[str] | None:
    try:
        import pypandoc

        pandoc = pypandoc.get_pandoc_path()
    except Exception:
        return None
    chapters = sorted(str(p) for p in book.glob("*.md"))
    return [pandoc, "--from", "markdown", "--to", "epub3", "--metadata", "title=Benchmark",
            "--resource-path", str(book), "-o", str(out / "pandoc.epub"), *chapters]


def engine_floor_inputs(book: Path, work: Path) -> Path:
    """The PDF writer's single HTML document and stylesheet, saved for WeasyPrint alone."""
    script = work / "floor.py"
    script.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from bookwright.diagnostics import Diagnostics\n"
        "from bookwright.build.pipeline import prepare_book\n"
        "from bookwright.writers.pdf.document import PdfDocument\n"
        "book = prepare_book(Path(sys.argv[1]), Diagnostics())\n"
        "document = PdfDocument(book)\n"
        "Path(sys.argv[2], 'book.html').write_text(document.html_document(), encoding='utf-8')\n"
        "Path(sys.argv[2], 'book.css').write_text(document.stylesheet(), encoding='utf-8')\n"
    )
    subprocess.run([PYTHON, str(script), str(book), str(work)], check=True)
    # argv[3], when given, is the PDF variant: the screen PDF is written as "pdf/ua-1"
    # (tagged, writers/pdf/__init__.py), which costs WeasyPrint more than the plain floor.
    runner = work / "weasyprint_alone.py"
    runner.write_text(
        "import sys\n"
        "from pathlib import Path\n"
        "from weasyprint import CSS, HTML\n"
        "from weasyprint.text.fonts import FontConfiguration\n"
        "from bookwright.paths import theme_dir\n"
        "fonts = FontConfiguration()\n"
        "work, book = Path(sys.argv[1]), Path(sys.argv[2])\n"
        "variant = {'pdf_variant': sys.argv[3]} if len(sys.argv) > 3 else {}\n"
        "css = CSS(string=(work / 'book.css').read_text(), base_url=(theme_dir() / 'print.css').as_uri(), font_config=fonts)\n"
        "HTML(string=(work / 'book.html').read_text(), base_url=book.as_uri() + '/').write_pdf(work / 'floor.pdf', stylesheets=[css], font_config=fonts, **variant)\n"
    )
    return runner


SCREEN_PDF_VARIANT = "pdf/ua-1"  # what writers/pdf/__init__.py passes to write_pdf for the screen PDF


def edit_one_paragraph(book: Path) -> None:
    chapter = middle_chapter(book)
    text = chapter.read_text(encoding="utf-8")
    marker = "\n\n"
    index = text.index(marker, len(text) // 2)
    chapter.write_text(text[:index] + " One more sentence, edited for the benchmark." + text[index:], encoding="utf-8")


def run_size(size: str, work: Path, jobs: int | None) -> dict:
    book = generate(work / f"book-{size}", size)
    out = work / f"dist-{size}"
    result: dict = {"size": size, "chapters": SIZES[size][0]}
    formats = ["epub", "pdf", "web"]
    pandoc = pandoc_epub(book, work)
    for fmt in formats:
        shutil.rmtree(out, ignore_errors=True)
        result[f"cold_{fmt}"] = measure(bookwright(book, out, fmt, None))
        if fmt == "epub":
            # The EPUB without the gate (EPUBCheck and Ace), timed right before pandoc on the
            # same chapters, so that their ratio is not one of two different machine loads.
            shutil.rmtree(out, ignore_errors=True)
            result["cold_epub_nogate"] = measure(bookwright(book, out, "epub", None, gate=False))
            if pandoc:
                result["pandoc_epub"] = measure(pandoc)
    if jobs and supports("--jobs"):
        shutil.rmtree(out, ignore_errors=True)
        result[f"cold_pdf_jobs{jobs}"] = measure(bookwright(book, out, "pdf", jobs))
        # --jobs lays out the print interiors in parallel (the tagged screen PDF stays one pass).
        for n in (None, jobs):
            shutil.rmtree(out, ignore_errors=True)
            result[f"cold_print-kdp_jobs{n or 1}"] = measure(bookwright(book, out, "print-kdp", n))
    shutil.rmtree(out, ignore_errors=True)
    everything = ",".join(formats)
    result["cold_all"] = measure(bookwright(book, out, everything, jobs if supports("--jobs") else None))
    result["noop_all"] = measure(bookwright(book, out, everything, jobs if supports("--jobs") else None))
    edit_one_paragraph(book)
    result["incremental_all"] = measure(bookwright(book, out, everything, jobs if supports("--jobs") else None))
    # The same edit once more, without the gate: what a rebuild costs besides EPUBCheck and Ace.
    edit_one_paragraph(book)
    result["incremental_all_nogate"] = measure(bookwright(book, out, everything, jobs if supports("--jobs") else None,
                                                          gate=False))
    if pandoc and "pandoc_epub" not in result:
        result["pandoc_epub"] = measure(pandoc)
    runner = engine_floor_inputs(book, work)
    result["weasyprint_floor"] = measure([PYTHON, str(runner), str(work), str(book)])
    result["weasyprint_floor_tagged"] = measure([PYTHON, str(runner), str(work), str(book), SCREEN_PDF_VARIANT])
    if "pandoc_epub" in result:
        result["ratio_epub_vs_pandoc"] = round(result["cold_epub"]["seconds"] / result["pandoc_epub"]["seconds"], 2)
        if "cold_epub_nogate" in result:
            result["ratio_epub_nogate_vs_pandoc"] = round(
                result["cold_epub_nogate"]["seconds"] / result["pandoc_epub"]["seconds"], 2)
    result["ratio_pdf_vs_floor"] = round(result["cold_pdf"]["seconds"] / result["weasyprint_floor"]["seconds"], 2)
    result["ratio_pdf_vs_tagged_floor"] = round(
        result["cold_pdf"]["seconds"] / result["weasyprint_floor_tagged"]["seconds"], 2)
    if f"cold_pdf_jobs{jobs}" in result:
        result[f"ratio_pdf_jobs{jobs}_vs_floor"] = round(
            result[f"cold_pdf_jobs{jobs}"]["seconds"] / result["weasyprint_floor"]["seconds"], 2)
    for n in {1, jobs}:
        if f"cold_print-kdp_jobs{n}" in result:
            result[f"ratio_print-kdp_jobs{n}_vs_floor"] = round(
                result[f"cold_print-kdp_jobs{n}"]["seconds"] / result["weasyprint_floor"]["seconds"], 2)
    from pypdf import PdfReader

    result["pdf_pages"] = len(PdfReader(str(out / f"synthetic-{size}.pdf")).pages)
    return result


def table(results: list[dict]) -> str:
    keys = sorted({k for r in results for k, v in r.items() if isinstance(v, dict)})
    lines = ["| measurement | " + " | ".join(r["size"] for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for key in keys:
        cells = [f"{r[key]['seconds']:.2f} s, {r[key]['peak_mb']:.0f} MB RSS, {r[key].get('peak_pss_mb', 0):.0f} MB PSS"
                 if key in r else "–" for r in results]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    for key in sorted({k for r in results for k in r if k.startswith("ratio") or k == "pdf_pages"}):
        lines.append(f"| {key} | " + " | ".join(str(r.get(key, "–")) for r in results) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    results = []
    with tempfile.TemporaryDirectory(prefix="bookwright-bench-") as tmp:
        for size in args.sizes.split(","):
            print(f"benchmarking {size} ...", flush=True)
            results.append(run_size(size.strip(), Path(tmp), args.jobs))
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
