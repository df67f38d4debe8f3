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
TEST_SYSTEM_PACKAGES = {"pdffonts": "poppler-utils", "pdftoppm": "poppler-utils", "qpdf": "qpdf"}


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


def ensure_system_tools() -> None:
    missing = sorted({pkg for tool, pkg in TEST_SYSTEM_PACKAGES.items() if shutil.which(tool) is None})
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


def main(argv: list[str]) -> int:
    ensure_venv()
    if argv[:1] == ["test"]:
        ensure_system_tools()
        return subprocess.run([str(PYTHON), "-m", "pytest", *argv[1:]], cwd=ROOT).returncode
    return subprocess.run([str(PYTHON), "-m", "bookwright", "build", str(ROOT / "manuscript"),
                           "--out", str(ROOT / "dist"), *argv], cwd=ROOT).returncode


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
