#!/usr/bin/env python3
"""The bookwright benchmark: cold, no-op and incremental builds of synthetic books and of
the sample book, measured against pandoc (EPUB) and WeasyPrint alone (the PDF engine's
floor) in the same run, so that the ratios mean something on a noisy machine.

Every measurement is a `bookwright build` (or the tool compared with) in a process of its
own: wall time, the CPU time of the process and all its workers, and the peak memory of
the whole process tree. The EPUB is timed with its gate (EPUBCheck and Ace) and without;
the floor is timed plain and as the tagged PDF/UA-1 the screen PDF is. Builds run with
`--jobs N` (default: every core), and the cold build of every edition once more with
`--jobs 1`.

`--baseline SRC` times another bookwright (its `src` folder, e.g. a checkout of an earlier
commit) right before this one in every build measurement, so that before/after ratios come
from one run too.

    .venv/bin/python benchmarks/run.py [--sizes sample,small,medium,large[,huge]] [--jobs N]
                                       [--baseline PATH/TO/src] [--out DIR]

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
SAMPLE = HERE.parent / "manuscript"
sys.path.insert(0, str(HERE))
from synthetic import SIZES, generate, middle_chapter  # noqa: E402

PYTHON = sys.executable
SCREEN_PDF_VARIANT = "pdf/ua-1"  # what the screen PDF is written as (writers/pdf/__init__.py)


def measure(command: list[str], env: dict | None = None) -> dict:
    """Wall time, CPU time and peak memory of the whole process tree (the build, its fork
    server and workers, the gate's Java and browser processes), sampled every 20 ms. CPU
    time is each process's own, as last seen; memory is the sum of RSS and the sum of PSS.
    RSS counts a page shared by several processes (libraries, forked workers) once in each;
    PSS divides it among them, so its sum is what the tree really occupies."""
    started = time.perf_counter()
    process = psutil.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env)
    peak = peak_pss = 0
    cpu: dict[int, float] = {}
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
                        times = p.cpu_times()
                        total += info.rss
                        total_pss += getattr(info, "pss", info.rss)
                        cpu[p.pid] = times.user + times.system
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
    return {"seconds": round(seconds, 3), "cpu_seconds": round(sum(cpu.values()), 2), "peak_mb": round(peak / 2**20, 1),
            "peak_pss_mb": round(peak_pss / 2**20, 1)}


class Bookwright:
    """A bookwright to time: this tree's, or the one in `src`."""

    def __init__(self, src: Path | None = None):
        self.env = dict(os.environ)
        if src is not None:
            self.env["PYTHONPATH"] = str(src)

    def build(self, book: Path, out: Path, formats: str | None, jobs: int | None, gate: bool = True) -> list[str]:
        command = [PYTHON, "-m", "bookwright", "build", str(book), "--out", str(out), "--quiet"]
        if formats:
            command += ["--format", formats]
        if jobs:
            command += ["--jobs", str(jobs)]
        if not gate:
            command.append("--no-gate")
        return command

    def time(self, *args, **kwargs) -> dict:
        return measure(self.build(*args, **kwargs), self.env)


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
    # argv[3], when given, is the PDF variant: the screen PDF is written as "pdf/ua-1".
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


def edit_one_paragraph(book: Path) -> None:
    chapter = middle_chapter(book)
    text = chapter.read_text(encoding="utf-8")
    marker = "\n\n"
    index = text.index(marker, len(text) // 2)
    chapter.write_text(text[:index] + " One more sentence, edited for the benchmark." + text[index:], encoding="utf-8")


def timed(result: dict, key: str, tools: dict, run) -> None:
    """`run(tool)` for the baseline (if any) and then this tree, stored as `key` and
    `key` + "@before"."""
    if "before" in tools:
        result[key + "@before"] = run(tools["before"])
    result[key] = run(tools["now"])


def run_sample(work: Path, jobs: int, tools: dict) -> dict:
    """The sample book (every edition its book.toml asks for, print interiors included):
    a cold build, then a one-paragraph edit without the gate and with it."""
    result: dict = {"size": "sample"}
    for name, tool in tools.items():
        book = work / f"sample-{name}"
        shutil.copytree(SAMPLE, book)
        out = work / f"dist-sample-{name}"
        key = "" if name == "now" else "@before"
        result["cold_every_edition_nogate" + key] = tool.time(book, out, None, jobs, gate=False)
        edit_one_paragraph(book)
        result["edit_every_edition_nogate" + key] = tool.time(book, out, None, jobs, gate=False)
        edit_one_paragraph(book)
        result["edit_every_edition" + key] = tool.time(book, out, None, jobs)
    result["pdf_pages"] = _pages(work / "dist-sample-now" / "the-small-table.pdf")
    return result


def run_size(size: str, work: Path, jobs: int, tools: dict) -> dict:
    result: dict = {"size": size, "chapters": SIZES[size][0]}
    if size == "huge":
        tools = {"now": tools["now"]}  # the earlier bookwright is not timed on it: only how this one scales
    books = {name: generate(work / f"book-{size}-{name}", size) for name in tools}
    outs = {name: work / f"dist-{size}-{name}" for name in tools}
    everything = "epub,pdf,web"

    def cold(formats, jobs_now, gate=True):
        def run(tool):
            name = "now" if tool is tools["now"] else "before"
            shutil.rmtree(outs[name], ignore_errors=True)
            return tool.time(books[name], outs[name], formats, jobs_now, gate=gate)
        return run

    if size == "huge":
        # Only how it scales: the large book's cold build right before, time per page compared.
        large = generate(work / "book-large-now", "large")
        result["large_cold_all_nogate"] = tools["now"].time(large, work / "dist-large", everything, jobs, gate=False)
        result["large_pdf_pages"] = _pages(work / "dist-large" / "synthetic-large.pdf")
        result["cold_all_nogate"] = tools["now"].time(books["now"], outs["now"], everything, jobs, gate=False)
        result["pdf_pages"] = _pages(outs["now"] / f"synthetic-{size}.pdf")
        per_page = [result[k]["seconds"] / result[p] for k, p in (("cold_all_nogate", "pdf_pages"),
                                                                   ("large_cold_all_nogate", "large_pdf_pages"))]
        result["ratio_seconds_per_page_vs_large"] = round(per_page[0] / per_page[1], 2)
        return result
    timed(result, "cold_epub", tools, cold("epub", jobs))
    timed(result, "cold_epub_nogate", tools, cold("epub", jobs, gate=False))
    pandoc = pandoc_epub(books["now"], work)
    if pandoc:
        result["pandoc_epub"] = measure(pandoc)  # right after the EPUB without the gate
    timed(result, "cold_pdf", tools, cold("pdf", jobs))
    timed(result, "cold_pdf_jobs1", tools, cold("pdf", 1))
    timed(result, "cold_web", tools, cold("web", jobs))
    timed(result, "cold_print-kdp", tools, cold("print-kdp", jobs))
    timed(result, "cold_all_nogate_jobs1", tools, cold(everything, 1, gate=False))
    timed(result, "cold_all_nogate", tools, cold(everything, jobs, gate=False))
    timed(result, "cold_all", tools, cold(everything, jobs))
    timed(result, "noop_all", tools, lambda tool: tool.time(books[_name(tools, tool)], outs[_name(tools, tool)],
                                                            everything, jobs))
    for name in tools:
        edit_one_paragraph(books[name])
    timed(result, "incremental_all", tools, lambda tool: tool.time(books[_name(tools, tool)], outs[_name(tools, tool)],
                                                                   everything, jobs))
    for name in tools:
        edit_one_paragraph(books[name])
    timed(result, "incremental_all_nogate", tools, lambda tool: tool.time(
        books[_name(tools, tool)], outs[_name(tools, tool)], everything, jobs, gate=False))
    runner = engine_floor_inputs(books["now"], work)
    result["weasyprint_floor"] = measure([PYTHON, str(runner), str(work), str(books["now"])])
    result["weasyprint_floor_tagged"] = measure([PYTHON, str(runner), str(work), str(books["now"]), SCREEN_PDF_VARIANT])
    result["pdf_pages"] = _pages(outs["now"] / f"synthetic-{size}.pdf")
    return result


def _name(tools: dict, tool) -> str:
    return next(name for name, t in tools.items() if t is tool)


def _pages(path: Path) -> int:
    from pypdf import PdfReader

    return len(PdfReader(str(path)).pages)


def ratios(result: dict) -> None:
    """The ratios the README quotes, each of two measurements of the same run."""

    def ratio(name, a, b):
        if a in result and b in result and result[b]["seconds"]:
            result["ratio_" + name] = round(result[a]["seconds"] / result[b]["seconds"], 2)

    ratio("epub_vs_pandoc", "cold_epub", "pandoc_epub")
    ratio("epub_nogate_vs_pandoc", "cold_epub_nogate", "pandoc_epub")
    ratio("pdf_vs_tagged_floor", "cold_pdf", "weasyprint_floor_tagged")
    ratio("pdf_jobs1_vs_tagged_floor", "cold_pdf_jobs1", "weasyprint_floor_tagged")
    ratio("cold_all_jobs_vs_jobs1", "cold_all_nogate", "cold_all_nogate_jobs1")
    for key in [k for k in result if k.endswith("@before")]:
        now = key.removesuffix("@before")
        ratio(f"{now}_now_vs_before", now, key)


def table(results: list[dict]) -> str:
    keys = sorted({k for r in results for k, v in r.items() if isinstance(v, dict)})
    lines = ["| measurement | " + " | ".join(r["size"] for r in results) + " |",
             "|---|" + "---|" * len(results)]
    for key in keys:
        cells = [f"{r[key]['seconds']:.2f} s ({r[key].get('cpu_seconds', 0):.1f} s CPU), "
                 f"{r[key]['peak_mb']:.0f} MB RSS, {r[key].get('peak_pss_mb', 0):.0f} MB PSS"
                 if key in r else "–" for r in results]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    for key in sorted({k for r in results for k in r if k.startswith("ratio") or k == "pdf_pages"}):
        lines.append(f"| {key} | " + " | ".join(str(r.get(key, "–")) for r in results) + " |")
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="sample,small,medium,large")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--baseline", type=Path, default=None, help="the src folder of a bookwright to compare with")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    tools = {"now": Bookwright()}
    if args.baseline is not None:
        tools = {"before": Bookwright(args.baseline.resolve()), "now": tools["now"]}
    results = []
    with tempfile.TemporaryDirectory(prefix="bookwright-bench-") as tmp:
        for size in args.sizes.split(","):
            size = size.strip()
            print(f"benchmarking {size} ...", flush=True)
            work = Path(tmp) / size
            work.mkdir()
            result = run_sample(work, args.jobs, tools) if size == "sample" else run_size(size, work, args.jobs, tools)
            ratios(result)
            results.append(result)
            print(json.dumps(result), flush=True)
    report = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
                    "load_average_at_end": os.getloadavg()},
        "baseline": str(args.baseline) if args.baseline else None,
        "results": results,
    }
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "latest.json").write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print(table(results))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
