"""Pages for team members: today's work and each service user's page."""
