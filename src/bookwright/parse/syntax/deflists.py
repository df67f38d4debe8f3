"""Pandoc's second definition-list marker: `~` as well as `:`.

    Term
    ~   Its definition

Python-Markdown's def_list reads `:` only; this preprocessor writes the `~` of a
definition line as `:` before the blocks are read.
"""

from __future__ import annotations

import re

from markdown.preprocessors import Preprocessor

TILDE_DEFINITION = re.compile(r"^([ ]{0,3})~([ ]{1,4}|\t)(?=\S)")


class TildeDefinitionPreprocessor(Preprocessor):
    def run(self, lines: list[str]) -> list[str]:
        out = []
        previous = ""
        for line in lines:
            if previous.strip() or out and not out[-1].strip() and len(out) > 1 and out[-2].strip():
                line = TILDE_DEFINITION.sub(r"\1:\2", line)
            out.append(line)
            previous = line
        return out
