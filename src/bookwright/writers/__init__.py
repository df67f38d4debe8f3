"""One writer per edition. Each reads the resolved book and knows only its own format."""
