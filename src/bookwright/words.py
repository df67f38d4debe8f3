"""The words a book prints around numbers and on its generated pages, in the book's language,
and how it writes a file's size."""

from __future__ import annotations

WORDS = {
    "en": {"chapter": "Chapter", "section": "Section", "figure": "Figure", "table": "Table",
           "listing": "Listing", "equation": "Equation", "appendix": "Appendix", "part": "Part",
           "on_page": "on page", "contents": "Contents", "notes": "Notes", "page": "page",
           "title_page": "Title page", "copyright": "Copyright", "cover": "Cover", "start": "Start of content",
           "landmarks": "Landmarks", "list_of_figures": "List of Figures", "list_of_tables": "List of Tables",
           "continued": "continued", "print_edition": "print", "ebook_edition": "ebook"},
    "fr": {"chapter": "Chapitre", "section": "Section", "figure": "Figure", "table": "Tableau",
           "listing": "Listing", "equation": "Équation", "appendix": "Annexe", "part": "Partie",
           "on_page": "à la page", "contents": "Table des matières", "notes": "Notes", "page": "page",
           "title_page": "Page de titre", "copyright": "Droits", "cover": "Couverture", "start": "Début du texte",
           "landmarks": "Repères", "list_of_figures": "Table des figures", "list_of_tables": "Liste des tableaux",
           "continued": "suite", "print_edition": "imprimé", "ebook_edition": "numérique"},
    "de": {"chapter": "Kapitel", "section": "Abschnitt", "figure": "Abbildung", "table": "Tabelle",
           "listing": "Listing", "equation": "Gleichung", "appendix": "Anhang", "part": "Teil",
           "on_page": "auf Seite", "contents": "Inhalt", "notes": "Anmerkungen", "page": "Seite",
           "title_page": "Titelseite", "copyright": "Impressum", "cover": "Umschlag", "start": "Textbeginn",
           "landmarks": "Orientierungspunkte", "list_of_figures": "Abbildungsverzeichnis",
           "list_of_tables": "Tabellenverzeichnis", "continued": "Fortsetzung",
           "print_edition": "Druckausgabe", "ebook_edition": "E-Book"},
    "es": {"chapter": "Capítulo", "section": "Sección", "figure": "Figura", "table": "Tabla",
           "listing": "Listado", "equation": "Ecuación", "appendix": "Apéndice", "part": "Parte",
           "on_page": "en la página", "contents": "Índice", "notes": "Notas", "page": "página",
           "title_page": "Portada", "copyright": "Créditos", "cover": "Cubierta", "start": "Inicio del texto",
           "landmarks": "Puntos de referencia", "list_of_figures": "Índice de figuras",
           "list_of_tables": "Índice de tablas", "continued": "continuación",
           "print_edition": "impreso", "ebook_edition": "electrónico"},
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

# The web edition's furniture (navigation, search, downloads) joins the table like the
# apparatus's, so one lookup (and one `[words]` override) serves every edition.
WEB_WORDS = {
    "en": {"previous": "Previous", "next": "Next", "note": "Note", "back_to_text": "Back to the text",
           "skip": "Skip to the text", "start_reading": "Start reading", "download": "Download the book",
           "search": "Search", "search_label": "Search the book", "no_results": "No matches",
           "results": "matches", "one_result": "1 match", "book_navigation": "Chapters", "book_navigation_end": "Chapters, end of page",
           "about_epub": "for ebook readers and apps", "about_pdf": "for reading on screen and printing",
           "print_pdf": "Print PDF", "about_print": "print-ready interior",
           "buy": "Buy the book", "in_the_book": "in the book"},
    "fr": {"previous": "Précédent", "next": "Suivant", "note": "Note", "back_to_text": "Retour au texte",
           "skip": "Aller au texte", "start_reading": "Commencer la lecture", "download": "Télécharger le livre",
           "search": "Rechercher", "search_label": "Rechercher dans le livre", "no_results": "Aucun résultat",
           "results": "résultats", "one_result": "1 résultat", "book_navigation": "Chapitres", "book_navigation_end": "Chapitres, fin de page",
           "about_epub": "pour liseuses et applications", "about_pdf": "pour l’écran et l’impression",
           "print_pdf": "PDF pour l’impression", "about_print": "intérieur prêt à imprimer",
           "buy": "Acheter le livre", "in_the_book": "dans le livre"},
    "de": {"previous": "Zurück", "next": "Weiter", "note": "Anmerkung", "back_to_text": "Zurück zum Text",
           "skip": "Zum Text springen", "start_reading": "Lesen beginnen", "download": "Das Buch herunterladen",
           "search": "Suchen", "search_label": "Im Buch suchen", "no_results": "Keine Treffer",
           "results": "Treffer", "one_result": "1 Treffer", "book_navigation": "Kapitel", "book_navigation_end": "Kapitel, Seitenende",
           "about_epub": "für E-Reader und Apps", "about_pdf": "zum Lesen am Bildschirm und zum Drucken",
           "print_pdf": "Druck-PDF", "about_print": "druckfertiger Buchblock",
           "buy": "Das Buch kaufen", "in_the_book": "im Buch"},
    "es": {"previous": "Anterior", "next": "Siguiente", "note": "Nota", "back_to_text": "Volver al texto",
           "skip": "Ir al texto", "start_reading": "Empezar a leer", "download": "Descargar el libro",
           "search": "Buscar", "search_label": "Buscar en el libro", "no_results": "Sin resultados",
           "results": "resultados", "one_result": "1 resultado", "book_navigation": "Capítulos", "book_navigation_end": "Capítulos, final de la página",
           "about_epub": "para lectores de libros electrónicos", "about_pdf": "para leer en pantalla e imprimir",
           "print_pdf": "PDF para imprenta", "about_print": "interior listo para imprimir",
           "buy": "Comprar el libro", "in_the_book": "en el libro"},
}

for _language, _words in WORDS.items():
    _words.update(WEB_WORDS.get(_language, WEB_WORDS["en"]))

# What `[words]` in book.toml may override: every word the editions print.
WORD_KEYS = tuple(WORDS["en"])


def words_for(language: str, overrides: dict[str, str] | None = None) -> dict[str, str]:
    """The book language's words, with the author's `[words]` choices on top."""
    words = dict(WORDS.get(language.split("-")[0].lower(), WORDS["en"]))
    words.update(overrides or {})
    return words


def human_size(size: int) -> str:
    """ "412 KB", "1.2 MB": how a file's size is written for readers and authors (1 KB = 1024 bytes)."""
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{round(size / 1024)} KB"
    return f"{size / (1024 * 1024):.1f} MB"
