"""Reviewing the access log: who read or changed a user's record, and what looks unusual."""
