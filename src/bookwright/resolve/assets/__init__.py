"""Every image the book uses, checked and made safe once, before any edition is written:
`prepare.py` decides, `images.py` handles raster files, `svg.py` makes SVG inert."""
