"""The ground floor, which imports no feature: the extensions, model base, time, errors,
the audit log and the one write path (``writes``)."""
