"""Prompts: reminders to act for a user, derived from the records by the flag rules."""
