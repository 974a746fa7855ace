"""Intake: from the referral to a responsible contact and "what matters" (issue 14, part 1)."""
