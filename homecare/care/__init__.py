"""The screens that cross features: today, the user page, the journal, the user's own
plan («Min plan») and the team board."""
