"""A section's settings: what its dashboard shows, and the thresholds its flags and
indicators use (defaults and ranges, the stored row, reading and changing it)."""
