"""The fonts a PDF layout may use: the book's own faces, and none of the machine's.

WeasyPrint's font configuration starts from the system's fontconfig set-up, so a character
the book's faces lack, or a figure asking for a generic `serif`, was set in whatever the
machine had (DejaVu, usually): the same book came out differently on another computer, and
nobody was told. `BookFonts` starts from an empty configuration instead. The stylesheet's
@font-face rules (writers/theme.py) add the book's faces; the generic families an SVG or a
stylesheet may ask for are aliases of the faces of their roles (`serif` the body face,
`sans-serif` the headings', `monospace` the code's); any other family falls back to the
body face. A character none of the faces has is drawn as WeasyPrint's
empty box and reported where the author wrote it (layout_places.py).

This builds on WeasyPrint 70's `FontConfiguration` internals (its `_config`, `font_map`
and caches), which the pinned version keeps stable, and makes the book's configuration
fontconfig's current one for the process (see BookFonts).
"""

from __future__ import annotations

from weasyprint.text.ffi import ffi, fontconfig, gobject, pangoft2
from weasyprint.text.fonts import FontConfiguration

from xml.sax.saxutils import escape

# Generic family → the generic of theme.font_aliases whose face stands in for it.
GENERICS = {"serif": "serif", "sans-serif": "sans-serif", "monospace": "monospace", "cursive": "serif",
            "fantasy": "serif", "system-ui": "sans-serif", "ui-serif": "serif", "ui-sans-serif": "sans-serif",
            "ui-monospace": "monospace"}

# A face without a bold or an italic file (a monospaced face often has one style only) is
# emboldened or slanted, as the system's fontconfig set-up would: asked for bold, a face of
# medium weight or lighter is drawn bolder; asked for italic, an upright one is slanted.
SYNTHETIC_STYLES = (
    '<match target="font"><test name="weight" compare="less_eq"><const>medium</const></test>'
    '<test target="pattern" name="weight" compare="more_eq"><const>bold</const></test>'
    '<edit name="embolden" mode="assign"><bool>true</bool></edit>'
    '<edit name="weight" mode="assign"><const>bold</const></edit></match>'
    '<match target="font"><test name="slant"><const>roman</const></test>'
    '<test target="pattern" name="slant" compare="not_eq"><const>roman</const></test>'
    '<edit name="matrix" mode="assign"><times><name>matrix</name><matrix><double>1</double><double>0.2</double>'
    '<double>0</double><double>1</double></matrix></times></edit>'
    '<edit name="slant" mode="assign"><const>oblique</const></edit></match>'
)

ffi.cdef("FcConfig * FcConfigCreate (void); FcBool FcConfigSetCurrent (FcConfig *config);")


def _configuration(faces: dict[str, str]) -> bytes:
    rules = [f'<alias binding="strong"><family>{generic}</family><prefer><family>{escape(faces[to])}</family>'
             "</prefer></alias>" for generic, to in GENERICS.items()]
    # Every other family a pattern names (a figure's "Helvetica") ends with the body face.
    rules.append('<match target="pattern"><edit name="family" mode="append_last" binding="strong">'
                 f'<string>{escape(faces["default"])}</string></edit></match>')
    rules.append(SYNTHETIC_STYLES)
    return ('<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "urn:fontconfig:fonts.dtd">\n<fontconfig>'
            + "".join(rules) + "</fontconfig>").encode()


class BookFonts(FontConfiguration):
    """A WeasyPrint font configuration that holds only the fonts the stylesheets add.
    `faces` is theme.font_aliases(style): the face each generic family stands for."""

    def __init__(self, faces: dict[str, str]):
        # What FontConfiguration.__init__ does, from an empty configuration instead of the system's.
        self._config = fontconfig.FcConfigCreate()
        fontconfig.FcConfigParseAndLoadFromMemory(self._config, _configuration(faces), True)
        self.font_map = ffi.gc(pangoft2.pango_ft2_font_map_new(), gobject.g_object_unref)
        pangoft2.pango_fc_font_map_set_config(ffi.cast("PangoFcFontMap *", self.font_map), self._config)
        # Pango resolves family names (a generic `serif`, a figure's "Helvetica") with fontconfig's
        # current configuration, not its font map's: the book's becomes the current one, so its
        # aliases apply. (It holds its own reference; the next layout's replaces it.)
        fontconfig.FcConfigSetCurrent(self._config)
        fontconfig.FcConfigDestroy(self._config)  # the font map keeps its own reference
        self._folder = None
        self.strut_layouts = {}
        self.font_features = {}
