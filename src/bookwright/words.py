"""The words a book prints around numbers, in the book's language."""

from __future__ import annotations

from bookwright.web_words import WEB_WORDS

WORDS = {
    "en": {"chapter": "Chapter", "section": "Section", "figure": "Figure", "table": "Table",
           "listing": "Listing", "equation": "Equation", "appendix": "Appendix", "part": "Part",
           "on_page": "on page", "contents": "Contents", "notes": "Notes", "page": "page",
           "title_page": "Title page", "copyright": "Copyright", "cover": "Cover", "start": "Start of content",
           "landmarks": "Landmarks", "list_of_figures": "List of Figures", "list_of_tables": "List of Tables"},
    "fr": {"chapter": "Chapitre", "section": "Section", "figure": "Figure", "table": "Tableau",
           "listing": "Listing", "equation": "Équation", "appendix": "Annexe", "part": "Partie",
           "on_page": "à la page", "contents": "Table des matières", "notes": "Notes", "page": "page",
           "title_page": "Page de titre", "copyright": "Droits", "cover": "Couverture", "start": "Début du texte",
           "landmarks": "Repères", "list_of_figures": "Table des figures", "list_of_tables": "Liste des tableaux"},
    "de": {"chapter": "Kapitel", "section": "Abschnitt", "figure": "Abbildung", "table": "Tabelle",
           "listing": "Listing", "equation": "Gleichung", "appendix": "Anhang", "part": "Teil",
           "on_page": "auf Seite", "contents": "Inhalt", "notes": "Anmerkungen", "page": "Seite",
           "title_page": "Titelseite", "copyright": "Impressum", "cover": "Umschlag", "start": "Textbeginn",
           "landmarks": "Orientierungspunkte", "list_of_figures": "Abbildungsverzeichnis",
           "list_of_tables": "Tabellenverzeichnis"},
    "es": {"chapter": "Capítulo", "section": "Sección", "figure": "Figura", "table": "Tabla",
           "listing": "Listado", "equation": "Ecuación", "appendix": "Apéndice", "part": "Parte",
           "on_page": "en la página", "contents": "Índice", "notes": "Notas", "page": "página",
           "title_page": "Portada", "copyright": "Créditos", "cover": "Cubierta", "start": "Inicio del texto",
           "landmarks": "Puntos de referencia", "list_of_figures": "Índice de figuras",
           "list_of_tables": "Índice de tablas"},
}

# Scholarly apparatus (issue 7): the titles and words of the generated back matter.
# "notes_to" heads each chapter's group of endnotes; "{}" is "Chapter 5" or a title.
APPARATUS_WORDS = {
    "en": {"references": "References", "index": "Index", "see": "see", "see_also": "see also",
           "notes_to": "Notes to {}"},
    "fr": {"references": "Bibliographie", "index": "Index", "see": "voir", "see_also": "voir aussi",
           "notes_to": "Notes du {}"},
    "de": {"references": "Literaturverzeichnis", "index": "Register", "see": "siehe", "see_also": "siehe auch",
           "notes_to": "Anmerkungen zu {}"},
    "es": {"references": "Referencias", "index": "Índice alfabético", "see": "véase", "see_also": "véase también",
           "notes_to": "Notas al {}"},
}
for _language, _words in APPARATUS_WORDS.items():
    WORDS[_language].update(_words)

# Callouts without a title of their own are titled by their kind (issue 16).
CALLOUT_WORDS = {
    "en": {"callout_note": "Note", "callout_tip": "Tip", "callout_important": "Important",
           "callout_warning": "Warning", "callout_caution": "Caution"},
    "fr": {"callout_note": "Remarque", "callout_tip": "Astuce", "callout_important": "Important",
           "callout_warning": "Avertissement", "callout_caution": "Attention"},
    "de": {"callout_note": "Hinweis", "callout_tip": "Tipp", "callout_important": "Wichtig",
           "callout_warning": "Warnung", "callout_caution": "Vorsicht"},
    "es": {"callout_note": "Nota", "callout_tip": "Consejo", "callout_important": "Importante",
           "callout_warning": "Advertencia", "callout_caution": "Precaución"},
}
for _language, _words in CALLOUT_WORDS.items():
    WORDS[_language].update(_words)

# The web edition's navigation, search and download words join the table like the
# apparatus's, so one lookup (and one `[words]` override) serves every edition.
for _language, _words in WORDS.items():
    _words.update(WEB_WORDS.get(_language, WEB_WORDS["en"]))

# What `[words]` in book.toml may override: every word the editions print.
WORD_KEYS = tuple(WORDS["en"])


def words_for(language: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The book language's words, with the author's `[words]` choices on top."""
    words = dict(WORDS.get(language.split("-")[0].lower(), WORDS["en"]))
    words.update(overrides or {})
    return words
