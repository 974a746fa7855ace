"""Scheduled work: follow-up prompts, reminders and weekly snapshots, each exactly once."""
