"""Service users (people receiving care), their team history and responsible contacts."""
