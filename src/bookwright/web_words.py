"""The words of the web edition's furniture (navigation, search, downloads), per language.

Apart from the other editions' words because only the web edition prints them; words.py
merges them into its table, so `words_for` and book.toml's `[words]` cover them too.
"""

from __future__ import annotations

WEB_WORDS = {
    "en": {"previous": "Previous", "next": "Next", "note": "Note", "back_to_text": "Back to the text",
           "skip": "Skip to the text", "start_reading": "Start reading", "download": "Download the book",
           "search": "Search", "search_label": "Search the book", "no_results": "No matches",
           "results": "matches", "one_result": "1 match", "book_navigation": "Chapters", "book_navigation_end": "Chapters, end of page",
           "about_epub": "for ebook readers and apps", "about_pdf": "for reading on screen and printing",
           "print_pdf": "Print PDF", "about_print": "print-ready interior"},
    "fr": {"previous": "Précédent", "next": "Suivant", "note": "Note", "back_to_text": "Retour au texte",
           "skip": "Aller au texte", "start_reading": "Commencer la lecture", "download": "Télécharger le livre",
           "search": "Rechercher", "search_label": "Rechercher dans le livre", "no_results": "Aucun résultat",
           "results": "résultats", "one_result": "1 résultat", "book_navigation": "Chapitres", "book_navigation_end": "Chapitres, fin de page",
           "about_epub": "pour liseuses et applications", "about_pdf": "pour l’écran et l’impression",
           "print_pdf": "PDF pour l’impression", "about_print": "intérieur prêt à imprimer"},
    "de": {"previous": "Zurück", "next": "Weiter", "note": "Anmerkung", "back_to_text": "Zurück zum Text",
           "skip": "Zum Text springen", "start_reading": "Lesen beginnen", "download": "Das Buch herunterladen",
           "search": "Suchen", "search_label": "Im Buch suchen", "no_results": "Keine Treffer",
           "results": "Treffer", "one_result": "1 Treffer", "book_navigation": "Kapitel", "book_navigation_end": "Kapitel, Seitenende",
           "about_epub": "für E-Reader und Apps", "about_pdf": "zum Lesen am Bildschirm und zum Drucken",
           "print_pdf": "Druck-PDF", "about_print": "druckfertiger Buchblock"},
    "es": {"previous": "Anterior", "next": "Siguiente", "note": "Nota", "back_to_text": "Volver al texto",
           "skip": "Ir al texto", "start_reading": "Empezar a leer", "download": "Descargar el libro",
           "search": "Buscar", "search_label": "Buscar en el libro", "no_results": "Sin resultados",
           "results": "resultados", "one_result": "1 resultado", "book_navigation": "Capítulos", "book_navigation_end": "Capítulos, final de la página",
           "about_epub": "para lectores de libros electrónicos", "about_pdf": "para leer en pantalla e imprimir",
           "print_pdf": "PDF para imprenta", "about_print": "interior listo para imprimir"},
}
