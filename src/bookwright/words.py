"""The words a book prints around numbers, in the book's language."""

from __future__ import annotations

WORDS = {
    "en": {"chapter": "Chapter", "section": "Section", "figure": "Figure", "table": "Table",
           "listing": "Listing", "equation": "Equation", "appendix": "Appendix", "part": "Part",
           "on_page": "on page", "contents": "Contents", "notes": "Notes", "page": "page",
           "title_page": "Title page", "copyright": "Copyright", "cover": "Cover", "start": "Start of content",
           "landmarks": "Landmarks"},
    "fr": {"chapter": "Chapitre", "section": "Section", "figure": "Figure", "table": "Tableau",
           "listing": "Listing", "equation": "Équation", "appendix": "Annexe", "part": "Partie",
           "on_page": "à la page", "contents": "Table des matières", "notes": "Notes", "page": "page",
           "title_page": "Page de titre", "copyright": "Droits", "cover": "Couverture", "start": "Début du texte",
           "landmarks": "Repères"},
    "de": {"chapter": "Kapitel", "section": "Abschnitt", "figure": "Abbildung", "table": "Tabelle",
           "listing": "Listing", "equation": "Gleichung", "appendix": "Anhang", "part": "Teil",
           "on_page": "auf Seite", "contents": "Inhalt", "notes": "Anmerkungen", "page": "Seite",
           "title_page": "Titelseite", "copyright": "Impressum", "cover": "Umschlag", "start": "Textbeginn",
           "landmarks": "Orientierungspunkte"},
    "es": {"chapter": "Capítulo", "section": "Sección", "figure": "Figura", "table": "Tabla",
           "listing": "Listado", "equation": "Ecuación", "appendix": "Apéndice", "part": "Parte",
           "on_page": "en la página", "contents": "Índice", "notes": "Notas", "page": "página",
           "title_page": "Portada", "copyright": "Créditos", "cover": "Cubierta", "start": "Inicio del texto",
           "landmarks": "Puntos de referencia"},
}


def words_for(language: str) -> dict[str, str]:
    return WORDS.get(language.split("-")[0].lower(), WORDS["en"])
