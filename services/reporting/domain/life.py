"""Households' life between two reviews in the change tables' "other" rows.

Intake records moves, splits, merges and dissolutions (stream ``household.changed``); the
year-end change tables count them as other increases and other decreases of poor and
near-poor households per area (poverty-standard §6; Decision 24/2021/QĐ-TTg, forms 2 and 3).
A round's figures are the households classified in it, each in the village where it was
surveyed, with its last recognised status as the start of the period; the rules below only
move a household's place in the change tables, so that every row still reconciles
(end = start − decreases + increases) and the end of the period (the round's lists) never
changes:

- **Moved**: a household of the round that moved during the round's year from village A to
  the village B where it was surveyed is, under its status at the start of the period, in A's
  start and an other decrease of A, and an other increase of B (not in B's start). A move
  recorded after the household's survey in the same round changes nothing in that round.
- **Merged, dissolved**: a household that merged into another or was dissolved during the
  round's year, and was not classified in the round, is in its last village's start and an
  other decrease there, under its last recognised status. If it was classified in the
  round before the event, it counts in the next round instead.
- **Split**: the new household is not "newly listed": once surveyed and classified, its first
  listing is an other increase in its village (it needs a survey before its recognition, so
  it appears in the first round it is classified in). The household it left keeps its place;
  its persons are its members at the round.

The period of round Y is the calendar year Y (the review's decisions close the year).
Pure: values in, contributions out.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from services.reporting.domain.values import Counts
from shared.contracts.registry import LifeEventKind

SEP = "|"

LEFT, ARRIVED, SPLIT_OFF = "left", "arrived", "split"
"""Categories of the ``life`` measure: ``status|left`` (in the start of the area and an other
decrease), ``status|arrived`` (an other increase instead of being in the area's start),
``status|split|transition`` (an other increase instead of the increase the transition gives)."""


@dataclass(frozen=True, slots=True)
class LifeEvent:
    """What reporting keeps of a ``HouseholdChanged`` event."""

    change_id: str
    kind: LifeEventKind
    household_code: str
    effective_on: date
    province_code: str
    from_commune_code: str
    from_village_code: str
    to_commune_code: str
    to_village_code: str
    related_household_code: str | None = None


@dataclass(frozen=True, slots=True)
class Standing:
    """A household's place in one round: where it was surveyed, its status, the status it
    started the period with, its transition and its members."""

    review_year: int
    province_code: str
    commune_code: str
    village_code: str
    status: str
    previous_status: str | None
    transition: str
    member_count: int


Place = tuple[str, str, str]
"""(province, commune, village)."""

LifeContribution = tuple[Place, str, Counts]


def life_contributions(
    review_year: int,
    events: Iterable[LifeEvent],
    in_round: Mapping[str, Standing],
    recognised_before: Mapping[str, Standing],
) -> list[LifeContribution]:
    """What the life events add to the ``life`` measure of round ``review_year``.

    ``in_round``: the round's figures of the households the events name (the household and,
    for a split, the new one); ``recognised_before``: each one's latest recognised figures in
    an earlier round."""
    out: list[LifeContribution] = []
    moves: dict[str, list[LifeEvent]] = {}
    for e in events:
        year = e.effective_on.year
        if e.kind is LifeEventKind.MOVED:
            if year == review_year and e.household_code in in_round:
                moves.setdefault(e.household_code, []).append(e)
        elif e.kind is LifeEventKind.SPLIT:
            new = in_round.get(e.related_household_code or "")
            if new is not None and new.previous_status is None and year <= review_year:
                place = (new.province_code, new.commune_code, new.village_code)
                category = SEP.join((new.status, SPLIT_OFF, new.transition))
                out.append((place, category, Counts(1, new.member_count)))
        else:  # merged, dissolved
            if e.household_code in in_round:
                continue
            before = recognised_before.get(e.household_code)
            if before is None:
                continue
            if year == review_year or (
                year == review_year - 1 and before.review_year == review_year - 1
            ):
                place = (e.province_code, e.from_commune_code, e.from_village_code)
                out.append((place, SEP.join((before.status, LEFT)), Counts(1, before.member_count)))
    for code, ms in sorted(moves.items()):
        now = in_round[code]
        first = min(ms, key=lambda e: (e.effective_on, e.change_id))
        start = (first.province_code, first.from_commune_code, first.from_village_code)
        end = (now.province_code, now.commune_code, now.village_code)
        if start[1:] == end[1:] or now.previous_status is None:
            continue
        one = Counts(1, now.member_count)
        out.append((start, SEP.join((now.previous_status, LEFT)), one))
        out.append((end, SEP.join((now.previous_status, ARRIVED)), one))
    return out
