"""Shared building blocks: model base, time, errors, access policy, audit log."""
