"""A realistic demo: one section, three teams, about 120 service users, eight weeks of work."""
