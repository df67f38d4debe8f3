"""Callouts that the author marked `collapse` fold on the web edition.

A Quarto callout with `collapse="true"` starts folded, `collapse="false"` starts open
and can be folded; both become `<details>` with the callout's title as the `<summary>`.
The other editions have no folding: they show the callout as it is (parse/syntax/divs.py).
"""

from __future__ import annotations

from lxml import html


def fold_callouts(body: html.HtmlElement) -> None:
    for aside in body.xpath(".//aside[@data-collapse]"):
        folded = aside.attrib.pop("data-collapse") == "true"
        details = html.Element("details")
        if not folded:
            details.set("open", "open")
        summary = html.Element("summary")
        details.append(summary)
        title = aside.find("p[@class='callout-title']")
        for child in list(aside):
            aside.remove(child)
            if child is title:
                summary.append(child)
            else:
                details.append(child)
        details.text, aside.text = aside.text, None
        aside.append(details)
