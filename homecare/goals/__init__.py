"""The user's goals and the follow-up evaluations (check-ins) of each."""
