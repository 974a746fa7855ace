"""Team decisions (vedtak), made in the team together with the user."""
