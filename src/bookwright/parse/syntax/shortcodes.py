"""Quarto shortcodes `{{< name args >}}` in the text.

`{{< include >}}` and `{{< meta >}}` are read with the chapter file (load/includes.py),
so none is left here unless it could not be read (which load reported). Here:
`{{< pagebreak >}}` is a page break in the paged editions; `{{< kbd Ctrl-C >}}` a key;
`{{< video url >}}` a link to the video (no edition embeds one), with a warning. Any
other shortcode is left out, with a warning. `{{</* name */>}}` is Quarto's way to write
a shortcode as text, and prints `{{< name >}}`.
"""

from __future__ import annotations

import re
import shlex
import xml.etree.ElementTree as etree

from markdown.inlinepatterns import InlineProcessor
from markdown.treeprocessors import Treeprocessor
from markdown.util import AtomicString

from bookwright.parse.findings import Findings

SHORTCODE = re.compile(r"\{\{<(/\*)?\s*([\w-]+)((?:[^>]|>(?!\}\}))*?)\s*(\*/)?>\}\}")
READ_WITH_THE_FILE = ("include", "meta")


def _arguments(text: str) -> list[str]:
    try:
        return shlex.split(text)
    except ValueError:
        return text.split()


class ShortcodePattern(InlineProcessor):
    def __init__(self, md, findings: Findings):
        super().__init__(SHORTCODE.pattern, md)
        self.compiled_re = SHORTCODE
        self.findings = findings

    def handleMatch(self, m, data):
        escaped, name, rest = m.group(1), m.group(2), m.group(3)
        if escaped:
            return AtomicString("{{< " + f"{name}{rest}".strip() + " >}}"), m.start(), m.end()
        arguments = [a for a in _arguments(rest) if "=" not in a]
        pattern = r"\{\{<\s*" + re.escape(name) + r"\b"
        if name == "pagebreak":
            el = etree.Element("span")
            el.set("class", "pagebreak")
            return el, m.start(), m.end()
        if name == "kbd" and arguments:
            el = etree.Element("kbd")
            el.text = AtomicString(arguments[0])
            return el, m.start(), m.end()
        if name == "video" and arguments:
            self.findings.add("warning", "no edition embeds a video; the text links to it", pattern,
                              "a book shows a still and a link: ![A frame of the video](still.png) and the address")
            el = etree.Element("a")
            el.set("href", arguments[0])
            el.text = AtomicString(arguments[0])
            return el, m.start(), m.end()
        if name not in READ_WITH_THE_FILE:
            self.findings.add("warning", f"the shortcode {{{{< {name} >}}}} is not understood; it is left out", pattern,
                              "bookwright reads {{< include file.md >}}, {{< meta title >}}, {{< pagebreak >}}, "
                              "{{< kbd Ctrl-C >}} and {{< video url >}}")
        return "", m.start(), m.end()


class PageBreakTreeprocessor(Treeprocessor):
    """A paragraph that is only a page break is the page break: a block, not a line."""

    def run(self, root) -> None:
        for parent in root.iter():
            for index, p in enumerate(list(parent)):
                if (p.tag == "p" and len(p) == 1 and p[0].tag == "span" and p[0].get("class") == "pagebreak"
                        and not (p.text or "").strip() and not (p[0].tail or "").strip()):
                    div = etree.Element("div")
                    div.set("class", "pagebreak")
                    div.tail = p.tail
                    parent.remove(p)
                    parent.insert(index, div)
