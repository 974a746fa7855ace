"""The section leader's dashboard: a few indicators with trends, and its settings."""
