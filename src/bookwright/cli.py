"""The `bookwright` command: build, check, new. Exit 0 built, 1 problems in the book, 2 bad usage."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from bookwright import __version__
from bookwright.diagnostics import BookError, Diagnostics
from bookwright.pipeline import FORMATS, build, resolve
from bookwright.scaffold import scaffold


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.0f} {unit}" if unit == "B" else f"{n:.1f} {unit}"
        n /= 1024
    return str(n)


def _report(diags: Diagnostics, strict: bool) -> int:
    for diagnostic in diags.sorted():
        print(diagnostic.format(), file=sys.stderr)
    errors, warnings = len(diags.errors), len(diags.warnings)
    if errors or warnings:
        print(f"{errors} error(s), {warnings} warning(s)", file=sys.stderr)
    return 1 if errors or (strict and warnings) else 0


def _formats(value: str) -> tuple[str, ...]:
    names = tuple(dict.fromkeys(v.strip() for v in value.split(",") if v.strip()))
    unknown = [n for n in names if n not in FORMATS]
    if unknown or not names:
        raise argparse.ArgumentTypeError(f"unknown format {', '.join(unknown) or '(none)'}; choose from {', '.join(FORMATS)}")
    return names


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bookwright", description="Build a Markdown book into EPUB 3 and PDF.")
    parser.add_argument("--version", action="version", version=f"bookwright {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    build_cmd = commands.add_parser("build", help="build the book's editions")
    build_cmd.add_argument("book", nargs="?", default=".", type=Path, help="the book folder (holds book.toml)")
    build_cmd.add_argument("--out", type=Path, default=None, help="output folder (default: ./dist)")
    build_cmd.add_argument("--format", type=_formats, default=FORMATS, help="comma-separated: " + ",".join(FORMATS))
    build_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")
    verbosity = build_cmd.add_mutually_exclusive_group()
    verbosity.add_argument("--quiet", "-q", action="store_true", help="print problems only")
    verbosity.add_argument("--verbose", "-v", action="store_true", help="print each stage")

    check_cmd = commands.add_parser("check", help="validate the book and write nothing")
    check_cmd.add_argument("book", nargs="?", default=".", type=Path)
    check_cmd.add_argument("--strict", action="store_true", help="fail on warnings too")

    new_cmd = commands.add_parser("new", help="scaffold a small working book")
    new_cmd.add_argument("dir", type=Path)

    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 2 if exc.code not in (0, None) else 0

    if args.command == "new":
        try:
            scaffold(args.dir)
        except FileExistsError as exc:
            print(f"bookwright: error: {exc}", file=sys.stderr)
            return 2
        print(f"created {args.dir}/ — build it with: bookwright build {args.dir}")
        return 0

    if not args.book.is_dir():
        print(f"bookwright: error: '{args.book}' is not a folder", file=sys.stderr)
        return 2

    if args.command == "check":
        diags = Diagnostics(root=args.book.resolve())
        try:
            resolve(args.book, diags)
        except BookError:
            pass
        status = _report(diags, args.strict)
        if status == 0:
            print(f"{args.book}: no problems found")
        return status

    out = args.out or Path("dist")
    started = time.perf_counter()

    def announce(output):
        if not args.quiet:
            print(f"{output.format:5} {output.path}  {_size(output.size)}  {output.seconds:.1f}s")

    try:
        result = build(args.book, out, args.format, on_output=announce)
    except OSError as exc:
        print(f"bookwright: error: cannot write {exc.filename or out}: {exc.strerror}", file=sys.stderr)
        return 1
    status = _report(result.diagnostics, args.strict)
    if args.verbose and result.outputs:
        print(f"built {len(result.outputs)} edition(s) in {time.perf_counter() - started:.1f}s")
    return status


if __name__ == "__main__":
    raise SystemExit(main())
