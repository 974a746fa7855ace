"""The per-user and per-goal flags of INDICATORS.md: what a coordinator should act on."""
