#!/usr/bin/env python3
"""The two commands of the README, with all their set-up.

    python3 build.py          build the sample book in manuscript/ into dist/
    python3 build.py test     run the whole test suite

On first use (and whenever pyproject.toml changes) it creates .venv and installs the
pinned dependencies; `test` also installs the system tools the tests read outputs with.
Extra arguments after `test` go to pytest; after the build they go to `bookwright build`.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".bookwright-installed"
# Debian packages the tests use to read outputs back as a reader's tools would.
TEST_SYSTEM_PACKAGES = {"pdffonts": "poppler-utils", "pdftoppm": "poppler-utils", "qpdf": "qpdf",
                        # the web edition: a real browser for the end-to-end test, Java for the Nu HTML Checker
                        "chromium": "chromium", "java": "default-jre-headless"}
TOOLS = ROOT / ".tools"
# npm packages the tests run, pinned; each goes into .tools/<name>/ (ignored by git).
TEST_NPM_PACKAGES = {"vnu": "vnu-jar@26.9.27"}
# The EPUB's accessibility gate (issue 6), run by every build and so installed by both
# commands: EPUBCheck needs Java; Ace by DAISY needs Node and Debian's Chromium (puppeteer
# is never allowed to download a browser of its own).
GATE_SYSTEM_PACKAGES = {"java": "default-jre-headless", "chromium": "chromium", "node": "nodejs", "npm": "npm"}
GATE_NPM_PACKAGES = {"ace": "@daisy/ace-cli@1.4.6"}
TEST_SYSTEM_PACKAGES.update(GATE_SYSTEM_PACKAGES)
TEST_NPM_PACKAGES.update(GATE_NPM_PACKAGES)


def ensure_venv() -> None:
    if sys.version_info < (3, 11):
        sys.exit("bookwright needs Python 3.11 or newer")
    if not PYTHON.exists():
        print("creating .venv ...", flush=True)
        venv.EnvBuilder(with_pip=True, clear=True).create(VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not STAMP.exists() or STAMP.read_text().strip() != wanted:
        print("installing pinned dependencies into .venv ...", flush=True)
        subprocess.run([str(PYTHON), "-m", "pip", "install", "--quiet", "--disable-pip-version-check",
                        "-e", f"{ROOT}[test]"], check=True)
        STAMP.write_text(wanted)


def ensure_system_tools(packages: dict[str, str] = TEST_SYSTEM_PACKAGES) -> None:
    missing = sorted({pkg for tool, pkg in packages.items() if shutil.which(tool) is None})
    if not missing:
        return
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        print(f"note: {', '.join(missing)} not installed; tests that need them are skipped", flush=True)
        return
    print(f"installing {', '.join(missing)} ...", flush=True)
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run([apt, "-qq", "update"], check=False, env=env, stdout=subprocess.DEVNULL)
    subprocess.run([apt, "-y", "-qq", "install", *missing], check=False, env=env, stdout=subprocess.DEVNULL)


def ensure_npm_tools(packages: dict[str, str] = TEST_NPM_PACKAGES) -> None:
    npm = shutil.which("npm")
    for name, spec in packages.items():
        folder = TOOLS / name
        stamp = folder / ".installed"
        if stamp.exists() and stamp.read_text().strip() == spec:
            continue
        if npm is None:
            print(f"note: npm not found; {spec} not installed, tests that need it are skipped", flush=True)
            continue
        print(f"installing {spec} into {folder.relative_to(ROOT)}/ ...", flush=True)
        folder.mkdir(parents=True, exist_ok=True)
        # --ignore-scripts: the package's own install step would fetch a Java runtime; Debian's is used.
        done = subprocess.run([npm, "install", "--prefix", str(folder), "--no-save", "--no-audit", "--no-fund",
                               "--ignore-scripts", "--loglevel=error", spec], check=False,
                              env={**os.environ, "PUPPETEER_SKIP_DOWNLOAD": "1"})
        if done.returncode == 0:
            stamp.write_text(spec)


def main(argv: list[str]) -> int:
    ensure_venv()
    if argv[:1] == ["test"]:
        ensure_system_tools()
        ensure_npm_tools()
        return subprocess.run([str(PYTHON), "-m", "pytest", *argv[1:]], cwd=ROOT).returncode
    ensure_system_tools(GATE_SYSTEM_PACKAGES)
    ensure_npm_tools(GATE_NPM_PACKAGES)
    return subprocess.run([str(PYTHON), "-m", "bookwright", "build", str(ROOT / "manuscript"),
                           "--out", str(ROOT / "dist"), *argv], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
