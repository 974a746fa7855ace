"""Control indicators: a few explained numbers per team and section (INDICATORS.md)."""
