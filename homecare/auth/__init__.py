"""Signing in and out of the browser interface."""
