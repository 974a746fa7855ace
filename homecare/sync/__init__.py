"""Sending a tablet's queued offline records in one request (``POST /api/v1/sync``)."""
