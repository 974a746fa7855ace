"""Pages shared by every role: the start page and the language choice."""
