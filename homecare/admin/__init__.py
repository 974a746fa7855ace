"""Administration: staff accounts, teams and sections (never care records)."""
