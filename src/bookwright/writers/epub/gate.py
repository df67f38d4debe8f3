"""The EPUB's gate, a checker: EPUBCheck and Ace by DAISY read the packaged file, and the
EPUB edition (`epub/__init__.py`) publishes only what they pass.

EPUBCheck (Java, from the `epubcheck` package; `epubcheck_run.py`) must report nothing at
all: any fatal error, error or warning fails the build. Ace by DAISY (npm `@daisy/ace-cli`,
run with Debian's Chromium through puppeteer; `ace.py`) must report no serious or critical
violation; a moderate or minor one is a warning, and takes the conformance claim off the
file. Each finding is reported at the chapter it came from, and at its Markdown line when
the finding names something the source has (an image, a heading, a label, a run of text).

The gate costs what changed. EPUBCheck reads the whole file every time (its checks cross
documents), once per build; Ace's verdict on a content document is kept in the output
folder's cache and reused while the document, and every file it loads, has the same bytes;
and the verdict on a whole EPUB is kept, so that the same bytes are not checked twice. Both
tools run at once (Ace in its own process while EPUBCheck runs). A build starts them and
stops them; `bookwright serve` keeps them running (`Checkers(warm=True)`).

Where Java, Node or Chromium is missing the check it needs is skipped and the EPUB is
published without the conformance claim: a claim is only made when every automated check
has run and passed on those exact bytes.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from lxml import html as lxml_html

from bookwright.diagnostics import Diagnostics
from bookwright.model import ResolvedBook, SourceLocation
from bookwright.paths import checkout_tools_dir
from bookwright.parse.sourcemap import SourceMap
from bookwright.writers.epub import epubcheck_run
from bookwright.writers.epub.ace import AceFailed, AceProcess, AceRun, file_identity

FAILING_IMPACTS = ("critical", "serious")
BROWSERS = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
ACE_CACHE = "ace"  # the per-document verdicts, inside the output folder's cache
VERDICT = "gate-verdict.json"  # the last whole-EPUB verdict, beside them
VERDICT_FORMAT = "bookwright-gate-1"


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
    """Ace is run through Node from an installed ace-cli (the checkout's .tools, BOOKWRIGHT_ACE,
    or one on PATH), whose own modules ace.js loads."""
    ace = None
    if shutil.which("node"):
        own = os.environ.get("BOOKWRIGHT_ACE")
        checkout = str(checkout_tools_dir() / "ace" / "node_modules" / ".bin" / "ace-cli")
        found = next((c for c in ([own] if own else []) + [checkout] if c and Path(c).is_file()), None)
        found = found or shutil.which("ace-cli") or shutil.which("ace")
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
    checked: list[str] = field(default_factory=list)  # the content documents Ace opened in the browser
    reused: list[str] = field(default_factory=list)  # the documents whose earlier verdict held
    remembered: bool = False  # the verdict on these exact bytes, from an earlier check

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

    def cost(self) -> str:
        """What the check cost, for the build line."""
        if self.remembered:
            return "the verdict on these same bytes reused"
        if "Ace" not in self.ran:
            return ""
        total = len(self.checked) + len(self.reused)
        return f"Ace opened {len(self.checked)} of {total} documents ({len(self.reused)} unchanged)"


def run_gate(epub: Path, tools: GateTools, cache: Path | None = None, checkers: Checkers | None = None) -> GateResult:
    """Both checks on `epub`. `cache`: the output folder's cache folder, where verdicts are
    kept between builds (None: nothing is kept). `checkers`: running tools to ask
    (`bookwright serve`); without them the tools are started for this EPUB and stopped."""
    key = _verdict_key(epub, tools) if cache is not None else None
    known = _read_verdict(cache / VERDICT, key) if key else None
    if known is not None:
        return known
    own = checkers is None
    checkers = Checkers(tools, scratch=cache) if own else checkers
    try:
        result = checkers.check(epub, cache)
    except BaseException:  # Ctrl-C, or a bug: the tools this build started end with it
        if own:
            checkers.close(promptly=True)
        raise
    if own:
        checkers.close()
    if key and not result.problems and result.ran == ["EPUBCheck", "Ace"]:
        _write_verdict(cache / VERDICT, key, result)
    return result


class Checkers:
    """EPUBCheck and Ace, ready to check EPUBs. A build's are started for one EPUB and stopped
    after it; with `warm` (the live preview) the JVM, Node and the browser stay running between
    checks, and `close` ends them. `scratch`: where the tools may write (the browser's profile,
    Ace's unpacked EPUB); a folder of the system's when None."""

    def __init__(self, tools: GateTools, warm: bool = False, scratch: Path | None = None):
        self.tools = tools
        self.warm = warm
        if scratch is not None:
            scratch.mkdir(parents=True, exist_ok=True)
        self.scratch = Path(tempfile.mkdtemp(prefix="bookwright-gate-", dir=scratch))
        self.epubcheck = epubcheck_run.EpubCheckService(tools.java) if warm and tools.java else None
        self.ace: AceProcess | None = None
        self.closed = False

    def check(self, epub: Path, cache: Path | None) -> GateResult:
        result = GateResult()
        work = Path(tempfile.mkdtemp(prefix="check-", dir=self.scratch))
        try:
            asked = self._ask_ace(epub, cache, work, result)
            try:
                if self.tools.java:
                    self._epubcheck(epub, result)
            except BaseException:  # Ctrl-C, or a bug: Ace's answer is not waited for, and no
                if asked:  # later check may read it: Ace is stopped
                    ace, self.ace = self.ace, None
                    if ace is not None:
                        ace.close(promptly=True)
                raise
            if asked:
                self._finish_ace(result)
        finally:
            shutil.rmtree(work, ignore_errors=True)
        return result

    def close(self, promptly: bool = False) -> None:
        """Stops the tools; `promptly` even in the middle of a check (which then fails)."""
        self.closed = True
        if self.epubcheck is not None:
            self.epubcheck.close(promptly)
        ace, self.ace = self.ace, None
        if ace is not None:
            ace.close(promptly)
        shutil.rmtree(self.scratch, ignore_errors=True)

    def _ask_ace(self, epub: Path, cache: Path | None, work: Path, result: GateResult) -> bool:
        if not self.tools.ace or not self.tools.browser:
            return False
        if self.closed:
            result.problems.append("Ace by DAISY was stopped")
            return False
        try:
            if self.ace is None or not self.ace.running:
                if self.ace is not None:
                    self.ace.close()
                self.ace = AceProcess(self.tools.ace[0], self.tools.browser, self.scratch, background=self.warm)
            self.ace.ask(epub, cache / ACE_CACHE if cache is not None else None, work, last=not self.warm)
            return True
        except AceFailed as exc:
            result.problems.append(f"Ace by DAISY {exc}")
            return False

    def _epubcheck(self, epub: Path, result: GateResult) -> None:
        try:
            if self.epubcheck is not None:
                messages = self.epubcheck.check(epub)
            else:
                messages = epubcheck_run.check_once(epub, self.tools.java)
        except epubcheck_run.EpubCheckFailed as exc:
            result.problems.append(f"EPUBCheck could not run: {exc}")
            return
        result.ran.append("EPUBCheck")
        for message in messages:
            result.findings.append(GateFinding("EPUBCheck", "error", message.document,
                                               f"{message.id}: {message.text}", line=message.line))

    def _finish_ace(self, result: GateResult) -> None:
        ace = self.ace
        try:
            if ace is None:
                raise AceFailed("was stopped")
            run = ace.answer()
        except AceFailed as exc:
            result.problems.append(f"Ace by DAISY {exc}")
            return
        finally:
            if not self.warm and ace is not None:
                ace.close()
                self.ace = None
        result.ran.append("Ace")
        result.checked, result.reused = run.checked, run.reused
        result.findings.extend(ace_findings(run))


def ace_findings(run: AceRun) -> list[GateFinding]:
    """Ace's failed assertions: serious and critical ones are errors, the rest warnings."""
    found = []
    for subject in run.report.get("assertions", []):
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
            found.append(GateFinding("Ace", severity, document, message, outcome.get("html", "")))
    return found


# --- the verdict on a whole EPUB ------------------------------------------------------------
# Both tools read nothing but the file, so their verdict is a function of its bytes and of
# the tools themselves (and of this gate, which reads their reports): a key of all of those
# names a verdict that holds.

GATE_FILES = ("gate.py", "ace.py", "ace.js", "epubcheck_run.py", "EpubCheckService.java")


def _verdict_key(epub: Path, tools: GateTools) -> str | None:
    try:
        here = Path(__file__).parent
        parts = {
            "format": VERDICT_FORMAT,
            "epub": hashlib.sha256(epub.read_bytes()).hexdigest(),
            "gate": [hashlib.sha256((here / name).read_bytes()).hexdigest() for name in GATE_FILES],
            "java": file_identity(tools.java),
            "epubcheck": file_identity(epubcheck_run.jar()) if tools.java else "",
            "ace": file_identity(tools.ace[0]) if tools.ace else "",
            "browser": file_identity(tools.browser),
        }
    except OSError:
        return None
    return hashlib.sha256(json.dumps(parts, sort_keys=True).encode()).hexdigest()


def _read_verdict(path: Path, key: str) -> GateResult | None:
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
        payload = entry["payload"]
        if hashlib.sha256(payload.encode()).hexdigest() != entry["checksum"]:
            return None
        data = json.loads(payload)
        if data["key"] != key:
            return None
        findings = [GateFinding(**f) for f in data["findings"]]
        result = GateResult(findings, [str(t) for t in data["ran"]], remembered=True)
        return result if result.ran == ["EPUBCheck", "Ace"] else None
    except Exception:  # missing, damaged or of another shape: check again
        return None


def _write_verdict(path: Path, key: str, result: GateResult) -> None:
    payload = json.dumps({"key": key, "ran": result.ran, "findings": [asdict(f) for f in result.findings]})
    entry = json.dumps({"checksum": hashlib.sha256(payload.encode()).hexdigest(), "payload": payload})
    name = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".part", dir=path.parent)
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(entry)
        os.replace(name, path)
    except OSError:
        if name:
            Path(name).unlink(missing_ok=True)  # a verdict that cannot be kept only costs time


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
    """Where the element Ace flagged comes from in the chapter's Markdown, when it says: by
    the image it shows, the address it links to, its id, or a run of its words."""
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
    href = element.get("href") or ""
    if re.match(r"(?:https?:|mailto:)", href):  # a link to elsewhere keeps its address from the source
        found = sources.find_all(href)
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
    if "link-name" in finding.message:
        return "give the link words a reader hears: [where it leads](https://example.com/)"
    if "color-contrast" in finding.message:
        return "leave text colours to the reader's app: remove the colour from the chapter's HTML"
    return ""
