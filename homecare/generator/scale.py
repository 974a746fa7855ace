"""How much to generate: explicit numbers, or a named scale."""

from __future__ import annotations

from dataclasses import dataclass, replace


@dataclass(frozen=True)
class Scale:
    """The size of the generated world."""

    sections: int
    teams_per_section: int
    users: int
    staff: int
    months: int
    seed: int = 1

    @property
    def teams(self) -> int:
        """Teams in all."""
        return self.sections * self.teams_per_section

    def but(self, **changes) -> Scale:
        """This scale with some numbers replaced (None leaves a number as it is)."""
        return replace(self, **{k: v for k, v in changes.items() if v is not None})


#: Oslo: ~20,000 users and thousands of staff in 15 districts; ~10 million visits a year.
OSLO = Scale(sections=15, teams_per_section=20, users=20_000, staff=4_000, months=12)
#: One district of Oslo: the default for benchmarks, generated in a few minutes.
SECTION = Scale(sections=1, teams_per_section=20, users=1_350, staff=270, months=12)
#: A few teams, for tests.
TINY = Scale(sections=2, teams_per_section=2, users=40, staff=24, months=2)
SCALES = {"oslo": OSLO, "section": SECTION, "tiny": TINY}

#: Oslo's fifteen city districts (bydeler).
DISTRICTS = ("Alna", "Bjerke", "Frogner", "Gamle Oslo", "Grorud", "Grünerløkka",
             "Nordre Aker", "Nordstrand", "Sagene", "St. Hanshaugen", "Stovner",
             "Søndre Nordstrand", "Ullern", "Vestre Aker", "Østensjø")
