"""The names a font's licence reserves, read from its header: what makes the ebooks rename
a subset (a Modified Version under the OFL may not use a Reserved Font Name)."""

from __future__ import annotations

import shutil

from bookwright.load.licences import reserved_names
from bookwright.load.themes import bundled_families
from bookwright.paths import theme_dir
from support import copy_book

OFL_BODY = (theme_dir() / "fonts" / "eb-garamond" / "OFL.txt").read_text(encoding="utf-8")


def test_the_two_ways_a_licence_header_reserves_names():
    assert reserved_names('Copyright 2007, A. Syropoulos,\nwith Reserved Font Name Asana Math.\n') == ("Asana Math",)
    assert reserved_names('Copyright 2020 X (https://x.org), with Reserved Font Name "TM Math".') == ("TM Math",)
    assert reserved_names('Copyright 2010 Foo, with Reserved Font Names "Foo" and "Foo Sans".') == ("Foo", "Foo Sans")
    assert reserved_names("Copyright 2010 Foo, with Reserved Font Names Alpha, Beta and Gamma.") == (
        "Alpha", "Beta", "Gamma")
    assert reserved_names('"Linux Libertine" is a Reserved Font Name for this Font Software.') == ("Linux Libertine",)


def test_the_licence_s_own_words_about_reserved_names_reserve_nothing():
    assert reserved_names(OFL_BODY) == ()
    assert reserved_names("Copyright 2017 The EB Garamond Project Authors\n\n" + OFL_BODY) == ()


def test_each_bundled_face_knows_what_its_licence_reserves():
    families = bundled_families()
    assert families["Linux Libertine"].reserved_names == ("Linux Libertine",)
    assert families["Linux Libertine Mono"].reserved_names == ("Linux Libertine",)
    assert families["STIX Two Math"].reserved_names == ("TM Math",)
    for name in ("EB Garamond", "Literata", "Inter", "JetBrains Mono", "Inconsolata"):
        assert families[name].reserved_names == (), name
    assert families["STIX Two Math"].kind == "math"


def test_an_author_s_font_with_a_licence_beside_it_brings_its_reserved_names(tmp_path):
    from bookwright.diagnostics import Diagnostics
    from bookwright.load.config import load_config

    book = copy_book("minimal", tmp_path, '[style]\nbody-font = "fonts/EBGaramond-Regular.ttf"')
    (book / "fonts").mkdir()
    shutil.copyfile(theme_dir() / "fonts" / "eb-garamond" / "EBGaramond-Regular.ttf",
                    book / "fonts" / "EBGaramond-Regular.ttf")
    (book / "fonts" / "OFL.txt").write_text('Copyright 2017 Someone, with Reserved Font Name "EB Garamond".\n\n'
                                            + OFL_BODY, encoding="utf-8")
    diags = Diagnostics(root=book)
    config, _ = load_config(book, diags)
    assert not diags.items
    face = config.style.body
    assert face.reserved_names == ("EB Garamond",)
    assert face.licence == (book / "fonts" / "OFL.txt")
