"""The access policy and the helpers that load records through it.

Above the records (it judges service users, visits, teams and staff) and below the
pages and the API, which all ask here: ``access`` (who may do what), ``lookup`` (load a
named record or refuse) and ``idempotency`` (offline-safe creation, judged the same way).
"""
