"""The scholarly apparatus, resolved with the whole book: citations and the References
chapter, the index, endnotes and equations. `passes.py` is where it hooks into
`resolve_book`; the syntax lives in `syntax/`, the print layout of the index in
`writers/pdf/apparatus.py`."""
