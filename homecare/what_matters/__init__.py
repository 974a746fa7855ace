"""«Hva er viktig for deg?» — what-matters conversations, in the user's own words."""
