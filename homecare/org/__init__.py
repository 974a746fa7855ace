"""Organisation: sections, teams and staff accounts."""
