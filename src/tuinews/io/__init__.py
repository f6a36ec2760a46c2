"""I/O: HTTP, feed parsing, article extraction and the SQLite store. No Textual here."""
