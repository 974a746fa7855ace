"""Visits: planned by coordinators, carried out and logged by staff."""
