"""The `bookwright` command: build, check, clean, new, serve.

Exit 0 built, 1 problems in the book (or an output folder that cannot be written),
2 bad usage, 3 an internal error (a bug in bookwright).
"""

from __future__ import annotations

import argparse
import sys
import time
import traceback
from pathlib import Path

from bookwright import __version__
from bookwright.build import up_to_date
from bookwright.build.layout_pool import WorkersLost
from bookwright.build.output_record import OutputFolderError, clean
from bookwright.cli.scaffold import scaffold
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.editions import COVER_PROFILES, EDITIONS, PRINT_PROFILES, default_editions
from bookwright.paths import theme_dir
from bookwright.words import human_size

# The bundled themes, by their folders: `new --theme` offers them without loading the book stages.
THEMES = tuple(sorted(p.parent.name for p in (theme_dir() / "themes").glob("*/theme.toml")))


def _report(diags: Diagnostics, strict: bool) -> int:
    for diagnostic in diags.sorted():
        print(diagnostic.format(), file=sys.stderr)
    errors, warnings = len(diags.errors), len(diags.warnings)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in EDITIONS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or '(none)'}; "
                                         f"choose from {', '.join(EDITIONS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    """Runs one command. A problem in the book is a diagnostic (exit 1); anything else that
    goes wrong is a bug in bookwright, shown as one line (exit 3; --verbose adds the traceback)."""
    argv = sys.argv[1:] if argv is None else list(argv)
    try:
        return run(argv)
    except KeyboardInterrupt:
        print("bookwright: interrupted; the output folder keeps its previous editions", file=sys.stderr)
        return 130
    except (OutputFolderError, WorkersLost) as exc:
        print(f"bookwright: error: {exc}", file=sys.stderr)
        return 1
    except OSError as exc:
        # A file the build needs could not be read or written (permissions, a full disk).
        where = f" '{exc.filename}'" if exc.filename else ""
        print(f"bookwright: error: cannot read or write{where}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    except Exception as exc:
        if "--verbose" in argv or "-v" in argv:
            traceback.print_exc()
        detail = (str(exc).strip().splitlines() or [""])[0][:200]
        print(f"bookwright: internal error: {type(exc).__name__}{': ' + detail if detail else ''} "
              "(a bug in bookwright, not in your book; --verbose shows where)", file=sys.stderr)
        return 3


def run(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="bookwright", description="Build a Markdown book into EPUB 3 and PDF.")
    parser.add_argument("--version", action="version", version=f"bookwright {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser("build", help="build the book's editions")
    build_cmd.add_argument("book", nargs="?", default=".", type=Path, help="the book folder (holds book.toml)")
    build_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: ./dist)")
    build_cmd.add_argument("--format", type=_formats, default=None,
                           help="comma-separated: " + ",".join(EDITIONS)
                           + " (default: every edition and the [print] profiles in book.toml)")
    build_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    build_cmd.add_argument("--jobs", "-j", type=int, default=None, metavar="N",
                           help="lay the PDFs out chapter by chapter in N processes (default: one per core; "
                                "1: all in one process, with the same result)")
    build_cmd.add_argument("--no-gate", action="store_true",
                           help="skip EPUBCheck and Ace on the EPUB (faster; the EPUB then makes no conformance claim)")
    verbosity = build_cmd.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    verbosity.add_argument("--verbose", "-v", action="store_true", help="print each stage")

    check_cmd = commands.add_parser("check", help="validate the book and write nothing")
    check_cmd.add_argument("book", nargs="?", default=".", type=Path)
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    check_cmd.add_argument("--no-gate", action="store_true", help="skip building the EPUB for EPUBCheck and Ace")
    check_cmd.add_argument("--profile", default=None,
                           choices=("screen",) + PRINT_PROFILES + tuple(f"{p}-cover" for p in COVER_PROFILES),
                           help="also read the built PDF (an interior, or a cover: kdp-cover, ingram-cover) back "
                                "and check it against a printer's rules")
    check_cmd.add_argument("--pdf", type=Path, default=None, help="the PDF to check (default: the built one in --out)")
    check_cmd.add_argument("--out", type=Path, default=None, help="where the build wrote it (default: ./dist)")

    clean_cmd = commands.add_parser("clean", help="remove what bookwright wrote into the output folder")
    clean_cmd.add_argument("book", nargs="?", default=".", type=Path, help="the book folder (holds book.toml)")
    clean_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: ./dist)")

    new_cmd = commands.add_parser("new", help="scaffold a small working book")
    new_cmd.add_argument("dir", type=Path)
    new_cmd.add_argument("--title", default=None, help="the book's title (default: from the folder's name)")
    new_cmd.add_argument("--author", default=None, help='the author\'s name (default: "Your Name")')
    new_cmd.add_argument("--theme", default="classic", choices=THEMES,
                         help="the book's design: " + ", ".join(THEMES) + " (default classic)")

    serve_cmd = commands.add_parser(
        "serve", help="preview the book in the browser, rebuilt on every save: the web edition first, then "
                      "the screen PDF, then the EPUB (a draft at once, the gated file when it passes)")
    serve_cmd.add_argument("book", nargs="?", default=".", type=Path, help="the book folder (holds book.toml)")
    serve_cmd.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000; 0 picks a free one)")
    serve_cmd.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    serve_cmd.add_argument("--out", type=Path, default=None, help="folder for the preview build (default: a temporary one)")
    serve_cmd.add_argument("--allow-host", action="append", default=[], metavar="NAME",
                           help="also answer requests addressed to NAME (repeatable; see the README's Live preview)")
    serve_cmd.add_argument("--format", type=_formats, default=None,
                           help="comma-separated editions to rebuild after each save (default: web,pdf,epub; "
                                "the web edition is always made)")
    serve_cmd.add_argument("--no-gate", action="store_true",
                           help="do not check the EPUB with EPUBCheck and Ace in the background (saves their "
                                "memory; the EPUB then makes no conformance claim)")
    serve_cmd.add_argument("--verbose", "-v", action="store_true", help="show the traceback of an internal error")

    import_cmd = commands.add_parser("import", help="make a Quarto or Bookdown book project a bookwright book")
    import_cmd.add_argument("kind", choices=("quarto", "bookdown"), help="what the project is")
    import_cmd.add_argument("dir", type=Path, help="the project's folder (holds _quarto.yml or _bookdown.yml)")
    import_cmd.add_argument("--force", action="store_true", help="replace an existing book.toml")

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0

    if args.command == "new":
        try:
            scaffold(args.dir, args.title, args.author, args.theme, THEMES)
        except FileExistsError as exc:
            print(f"bookwright: error: {exc}", file=sys.stderr)
            return 2
        print(f"created {args.dir}/ — build it with: bookwright build {args.dir}")
        return 0

    if args.command == "import":
        from bookwright.cli.importing import run_import

        if not args.dir.is_dir():
            print(f"bookwright: error: '{args.dir}' is not a folder", file=sys.stderr)
            return 2
        return run_import(args.kind, args.dir, args.force)

    if not args.book.is_dir():
        print(f"bookwright: error: '{args.book}' is not a folder", file=sys.stderr)
        return 2

    if args.command == "clean":
        out = args.out or Path("dist")
        removed = clean(out)
        for path in removed:
            print(f"removed {path}")
        if not removed:
            print(f"{out}: nothing bookwright wrote is there")
        return 0

    if args.command == "serve":
        from bookwright.cli.serve import DEFAULT_FORMATS, serve

        return serve(args.book, args.host, args.port, args.out, args.allow_host, args.verbose,
                     formats=args.format or DEFAULT_FORMATS, gate=not args.no_gate)

    if args.command == "check":
        from bookwright.build.pipeline import prepare_book

        diags = Diagnostics(root=args.book.resolve())
        checked = args.book
        try:
            book = prepare_book(args.book, diags)
        except BookError:
            book = None
        if args.profile and book is not None and args.profile.endswith("-cover"):
            from bookwright.writers.pdf.print.cover.preflight import check_built_cover

            checked = check_built_cover(book, args.profile, args.pdf, args.out or Path("dist"), diags)
        elif args.profile and book is not None:
            from bookwright.writers.pdf.print.preflight import check_built_file

            checked = check_built_file(book, args.profile, args.pdf, args.out or Path("dist"), diags)
        if book is not None and not args.no_gate:
            from bookwright.writers.epub import check_epub

            print(f"epub  {check_epub(book, diags)}")
        status = _report(diags, args.strict)
        if status == 0:
            print(f"{checked}: no problems found")
        return status

    out = args.out or Path("dist")
    started = time.perf_counter()

    def announce(output):
        if not args.quiet:
            note = f"  {output.note}" if output.note else ""
            print(f"{output.format:5} {output.path}  {human_size(output.size)}{note}  {output.seconds:.1f}s")

    # Issue 9: nothing changed since the last build into `out` → its outputs stand, and the
    # heavy modules (the pipeline, WeasyPrint, ebooklib) are never imported.
    key = up_to_date.inputs_key(args.book, out, args.format, {"gate": not args.no_gate})
    previous = up_to_date.unchanged(out, key)
    if previous is not None:
        if not args.quiet:
            for recorded in previous.outputs:
                note = f"  {recorded.note}" if recorded.note else ""
                print(f"{recorded.format:5} {recorded.path}  {human_size(recorded.size)}{note}  unchanged")
        if args.verbose:
            print(f"nothing changed since the last build ({time.perf_counter() - started:.2f}s)")
        return _report(Diagnostics(root=args.book.resolve(), items=previous.diagnostics), args.strict)
    up_to_date.forget(out)
    from bookwright.build.pipeline import build

    try:
        jobs = None if args.jobs is None else max(1, args.jobs)
        result = build(args.book, out, args.format, on_output=announce, gate=not args.no_gate, jobs=jobs)
    except OSError as exc:
        print(f"bookwright: error: cannot write {exc.filename or out}: {exc.strerror}", file=sys.stderr)
        return 1
    if result.book is not None:
        expected = args.format or default_editions(result.book.config.print.profiles)
        if {o.format for o in result.outputs} == set(expected):
            up_to_date.record(out, key, result.outputs, result.diagnostics.items)
    status = _report(result.diagnostics, args.strict)
    if args.verbose and result.outputs:
        print(f"built {len(result.outputs)} edition(s) in {time.perf_counter() - started:.1f}s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
