"""A household's life between two reviews: what may be recorded, checked without I/O.

Moved (to another village or commune of the registry), split (a new household code takes some
of the members of the latest survey; both need a survey before the next recognition), merged
(into another active household), dissolved (death of its only member, emigration). Every
problem is returned at once, in Vietnamese and English; nothing is applied if there is one.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from services.intake.domain.areas import AreaLookupError, AreaRegistry
from services.intake.domain.messages import message
from shared.contracts.registry import DissolutionCause, LifeEventKind
from shared.errors import ErrorKind, Problem

ACTIVE = "active"


class LifeEventIn(BaseModel):
    """A life event as an officer records it."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    change_id: str = Field(min_length=1, max_length=64, description="Idempotency key.")
    kind: LifeEventKind
    effective_on: date = Field(description="When it happened.")
    note: str | None = Field(
        default=None, max_length=500, description="The officer's note (kept in intake only)."
    )
    to_commune_code: str | None = Field(default=None, max_length=16, description="Moved: to.")
    to_village_code: str | None = Field(default=None, max_length=32, description="Moved: to.")
    new_household_code: str | None = Field(
        default=None, min_length=1, max_length=64, description="Split: the new household's code."
    )
    member_nos: list[int] = Field(
        default_factory=list, max_length=60, description="Split: members who leave (line nos)."
    )
    into_household_code: str | None = Field(
        default=None, max_length=64, description="Merged: the household it joins."
    )
    cause: DissolutionCause | None = Field(default=None, description="Dissolved: why.")


@dataclass(frozen=True)
class HouseholdSnapshot:
    """What the checks need of a stored household."""

    code: str
    state: str
    commune_code: str
    village_code: str
    first_surveyed_on: date | None
    members: frozenset[int]


def _p(field: str, vi: str, en: str, code: str) -> Problem:
    return Problem(field, vi, en, code)


def problems(
    event: LifeEventIn,
    household: HouseholdSnapshot,
    registry: AreaRegistry,
    today: date,
    *,
    related: HouseholdSnapshot | None,
    new_code_taken: bool,
) -> tuple[ErrorKind, list[Problem]]:
    """Why ``event`` cannot be recorded (conflicts first: 409, else 422), or no problems."""
    if household.state != ACTIVE:
        return ErrorKind.CONFLICT, [
            _p(
                "household_code",
                f"Hộ {household.code} đã {_STATE_VI.get(household.state, household.state)}: "
                "không ghi thêm biến động.",
                f"Household {household.code} is {household.state}: no further change applies.",
                "household_closed",
            )
        ]
    if event.kind is LifeEventKind.SPLIT and new_code_taken:
        return ErrorKind.CONFLICT, [
            _p(
                "new_household_code",
                f"Mã hộ {event.new_household_code} đã có trong sổ hộ.",
                f"Household code {event.new_household_code} is already in the registry.",
                "household_exists",
            )
        ]
    found: list[Problem] = []
    if event.effective_on > today:
        found.append(
            _p(
                "effective_on",
                "Ngày biến động không thể ở tương lai.",
                "The date of the change cannot be in the future.",
                "date_in_future",
            )
        )
    first = household.first_surveyed_on
    if first is not None and event.effective_on < first:
        found.append(
            _p(
                "effective_on",
                f"Ngày biến động trước ngày hộ được khảo sát lần đầu ({first:%d/%m/%Y}).",
                f"The change is dated before the household was first surveyed ({first}).",
                "before_household",
            )
        )
    found.extend(_kind_problems(event, household, registry, related))
    return ErrorKind.INVALID, found


_STATE_VI = {"merged": "nhập vào hộ khác", "dissolved": "giải thể"}


def _kind_problems(
    event: LifeEventIn,
    household: HouseholdSnapshot,
    registry: AreaRegistry,
    related: HouseholdSnapshot | None,
) -> list[Problem]:
    found: list[Problem] = []
    kind = event.kind
    if kind is LifeEventKind.MOVED:
        if not event.to_commune_code or not event.to_village_code:
            return [
                _p(
                    "to_village_code",
                    "Chuyển đi: cần mã xã và mã thôn nơi đến.",
                    "Moved: the commune and village moved to are required.",
                    "required",
                )
            ]
        found.extend(_destination_problems(event, registry))
        if (event.to_commune_code, event.to_village_code) == (
            household.commune_code,
            household.village_code,
        ):
            found.append(
                _p(
                    "to_village_code",
                    "Nơi đến trùng nơi ở hiện tại của hộ.",
                    "The household already lives there.",
                    "same_area",
                )
            )
    elif kind is LifeEventKind.SPLIT:
        if not event.new_household_code:
            found.append(
                _p(
                    "new_household_code",
                    "Tách hộ: cần mã hộ mới.",
                    "Split: the new household's code is required.",
                    "required",
                )
            )
        leaving = set(event.member_nos)
        if not leaving:
            found.append(
                _p(
                    "member_nos",
                    "Tách hộ: cần ít nhất một thành viên chuyển sang hộ mới.",
                    "Split: at least one member must leave for the new household.",
                    "required",
                )
            )
        strangers = sorted(leaving - household.members)
        if strangers:
            found.append(
                _p(
                    "member_nos",
                    f"Thành viên số {', '.join(map(str, strangers))} không có trong phiếu mới "
                    "nhất của hộ.",
                    f"Member(s) {', '.join(map(str, strangers))} are not in the household's "
                    "latest survey.",
                    "member_unknown",
                )
            )
        elif leaving and leaving >= household.members:
            found.append(
                _p(
                    "member_nos",
                    "Tách hộ phải để lại ít nhất một thành viên ở hộ cũ.",
                    "A split must leave at least one member in the household.",
                    "split_all",
                )
            )
    elif kind is LifeEventKind.MERGED:
        target = event.into_household_code
        if not target:
            found.append(
                _p(
                    "into_household_code",
                    "Nhập hộ: cần mã hộ nhận.",
                    "Merged: the household joined is required.",
                    "required",
                )
            )
        elif target == household.code:
            found.append(
                _p(
                    "into_household_code",
                    "Không thể nhập một hộ vào chính nó.",
                    "A household cannot merge into itself.",
                    "merge_self",
                )
            )
        elif related is None:
            found.append(
                _p(
                    "into_household_code",
                    f"Không tìm thấy hộ {target}.",
                    f"Household {target} not found.",
                    "not_found",
                )
            )
        elif related.state != ACTIVE:
            found.append(
                _p(
                    "into_household_code",
                    f"Hộ {target} đã {_STATE_VI.get(related.state, related.state)}.",
                    f"Household {target} is {related.state}.",
                    "household_closed",
                )
            )
    elif kind is LifeEventKind.DISSOLVED and event.cause is None:
        found.append(
            _p(
                "cause",
                "Giải thể hộ: cần lý do (chết, di cư, khác).",
                "Dissolved: the cause is required (death, emigration, other).",
                "required",
            )
        )
    return found


def _destination_problems(event: LifeEventIn, registry: AreaRegistry) -> list[Problem]:
    """A move goes to a village in force on the day it happened: one merged away or abolished
    by then is refused with the date (422), one retired later is accepted."""
    on = event.effective_on
    for name, code in (
        ("to_commune_code", event.to_commune_code or ""),
        ("to_village_code", event.to_village_code or ""),
    ):
        since = registry.retired_on(code, on)
        if since is not None:
            msg = message("area_retired", value=code, since=f"{since:%d/%m/%Y}")
            return [_p(name, msg.vi, msg.en, msg.key)]
    try:
        registry.as_of(on).resolve(event.to_commune_code or "", event.to_village_code or "")
    except AreaLookupError as exc:
        msg = exc.message
        return [_p("to_" + exc.field, msg.vi, msg.en, msg.key)]
    return []
