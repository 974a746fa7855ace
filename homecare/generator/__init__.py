"""A deterministic generator of realistic data at section and Oslo scale, for benchmarks."""
