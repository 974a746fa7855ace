"""The team's own reading of its numbers: dated comments beside each indicator, and the
section leader's answers (issue 14, part 2)."""
