"""Reporting use cases: apply events to the projections; answer the year-end queries; keep
the area registry, targets and sign-off.

Each event is applied once (its id is recorded in the same transaction). A household's
figures in a round under a standard at a stage are those of its latest survey, whatever
order events arrive in; the pre-aggregated cells change by the difference between the old
and the new figures, so rebuilding from the streams in any order or batching gives the same
tables. Queries read rounds as they were: a new round never overwrites the last.

Query functions take the caller's ``area`` (figures outside it are never read) and
``suppress`` (hide small cells); who may see what is decided by access control.
"""

from __future__ import annotations

import gc
import json
import multiprocessing
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, fields, is_dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from enum import StrEnum
from fractions import Fraction
from functools import partial
from typing import Any, Protocol

from services.reporting.adapters.repository import (
    ROW_COMMUNE,
    ROW_ORDER,
    ROW_PROVINCE,
    WHOLE_COMMUNE,
    CellKey,
    FrozenVersion,
    ReportingUnitOfWork,
    SupportTotal,
    facts_row,
    row_facts,
)
from services.reporting.adapters.slim import (
    EVENT_TYPE,
    ReadClassification,
    read_classification,
    read_model,
)
from services.reporting.domain import mpi as af
from services.reporting.domain import outcomes as oc
from services.reporting.domain import tables as tb
from services.reporting.domain.areas import (
    DEPTH,
    AreaLevel,
    AreaRef,
    AreaTree,
    Leaf,
    RollupRow,
    remap,
    roll_up,
    with_history,
)
from services.reporting.domain.definitions import ReportDefinitions
from services.reporting.domain.households import (
    HouseholdFacts,
    Measure,
    contributions,
)
from services.reporting.domain.life import life_contributions
from services.reporting.domain.signoff import (
    Actor,
    Role,
    Signoff,
    Step,
    StepRecord,
    canonical_content,
    content_hash,
    take_step,
)
from services.reporting.domain.structure import IndicatorRef, Structure
from services.reporting.domain.suppression import DEFAULT_THRESHOLD, suppress_tables
from services.reporting.domain.targets import (
    TARGET_LEVELS,
    Target,
    TargetMeasure,
    TargetResult,
    compare,
    target,
)
from services.reporting.domain.values import Counts, Rate, RoundKey, parse_stage
from services.reporting.plans import spending_rows
from shared.access.model import Actor as AuditActor
from shared.access.model import Area as AccessArea
from shared.area_changes import AreaChange, AreaHistory
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import PovertyStatus, ReviewStage, SupportKind
from shared.contracts.credit import LoanDisbursed, LoanExtended, LoanRepaid, LoanWrittenOff
from shared.contracts.registry import HouseholdChanged
from shared.contracts.support import SupportDisbursed
from shared.contracts.training import TrainingEnrolled
from shared.errors import DomainError, ErrorKind, not_found

PRODUCER = "reporting"


@dataclass(frozen=True, slots=True)
class ReportConfig:
    """What the queries need besides the data: definitions and the suppression threshold."""

    definitions: ReportDefinitions = field(default_factory=ReportDefinitions)
    threshold: int = DEFAULT_THRESHOLD


# applying events -----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ClassificationsApplied:
    """What a batch of classifications changed, as the consumer's metrics need it."""

    count: int
    """How many events were new (redeliveries not counted)."""
    accepted_at: list[datetime]
    """When intake accepted the survey of each new governing proposed result."""


def apply_classifications(
    uow: ReportingUnitOfWork,
    events: Sequence[HouseholdClassified | ReadClassification],
    now: datetime,
    definitions: ReportDefinitions | None = None,
) -> ClassificationsApplied:
    """Project a batch of classifications (returns how many were new, and when their surveys
    were accepted): decoded events, or as the consumer reads them (``adapters.slim``: only
    what reporting keeps)."""
    d = definitions or ReportDefinitions()
    items = [e if isinstance(e, ReadClassification) else read_model(e, d) for e in events]
    with uow:
        uow.households.lock(sorted({r.facts.key for r in items}))
        fresh = uow.unseen(items)
        newest: dict[HouseholdKey, ReadClassification] = {}
        tally: dict[tuple[str, str], int] = {}
        structures: dict[str, list[IndicatorRef]] = {}
        for r in fresh:
            tk = (EVENT_TYPE, r.standard_id)
            tally[tk] = tally.get(tk, 0) + 1
            key = r.facts.key
            cur = newest.get(key)
            if cur is None or r.order_key >= cur.order_key:
                newest[key] = r
            if r.structure and r.standard_id not in structures:
                structures[r.standard_id] = [IndicatorRef(c, dim) for c, dim in r.structure]
        keys = sorted(newest)
        stored = uow.households.get(keys)
        changed: list[HouseholdFacts] = []
        deltas: dict[CellKey, list[int]] = {}
        provinces: dict[str, str] = {}
        for key in keys:
            f = newest[key].facts
            old = stored.get(key)
            if old is not None and old.order_key > f.order_key:
                continue  # a later survey is already applied
            changed.append(f)
            if old is not None:
                _add(deltas, old, -1)
                provinces.setdefault(old.commune_code, old.province_code)
            _add(deltas, f, 1)
            provinces[f.commune_code] = f.province_code
        uow.households.save(changed)
        uow.cells.add(_with_communes(deltas), provinces)
        uow.rounds.add(
            RoundKey(f.review_year, f.standard_id, ReviewStage(f.stage)) for f in changed
        )
        for standard_id, refs in structures.items():
            uow.rounds.add_structure(standard_id, refs)
        uow.tallies.add(tally)
        uow.mark_processed(fresh, now)
        uow.commit()
        return ClassificationsApplied(len(fresh), [r.accepted_at for r in fresh if r.accepted_at])


HouseholdKey = tuple[int, str, str, str]
"""(review year, standard, stage, household code)."""


@dataclass(slots=True)
class PreparedChunk:
    """A chunk of classification events reduced to what :class:`Rebuild` keeps (see
    :func:`prepare`): small plain values, cheap to pass between processes."""

    ids: list[tuple[str, str]]
    """(event id, standard) of each event in the chunk, once each."""
    winners: dict[HouseholdKey, tuple[Any, ...]]
    """Per household key, the row of the chunk's latest classification (``facts_row``)."""
    deltas: dict[CellKey, list[int]]
    """The winners' contributions to their villages' and communes' cells: [households,
    persons]."""
    structures: dict[str, tuple[tuple[str, str], ...]]
    """Each standard's indicators, (code, dimension) in order."""
    invalid: int = 0
    """Entries that are not valid classification events (skipped: the consumer that first
    read them dead-lettered them)."""


def prepare_read(items: Iterable[ReadClassification]) -> PreparedChunk:
    """Reduce classifications read by ``adapters.slim``: each event once, the latest of each
    household kept, its contributions summed."""
    seen: set[str] = set()
    ids: list[tuple[str, str]] = []
    latest: dict[HouseholdKey, HouseholdFacts] = {}
    structures: dict[str, tuple[tuple[str, str], ...]] = {}
    for r in items:
        if r.event_id in seen:
            continue
        seen.add(r.event_id)
        ids.append((r.event_id, r.standard_id))
        if r.structure and r.standard_id not in structures:
            structures[r.standard_id] = r.structure
        f = r.facts
        k = f.key
        cur = latest.get(k)
        if cur is None or f.order_key > cur.order_key:
            latest[k] = f
    deltas: dict[CellKey, list[int]] = {}
    for f in latest.values():
        _add(deltas, f, 1)
    deltas.update(_commune_sums(deltas))
    # one object per distinct code: far less for another process to unpickle
    same: dict[Any, Any] = {}
    shared = same.setdefault
    deltas = {tuple(shared(x, x) for x in k): acc for k, acc in deltas.items()}  # type: ignore[misc]
    return PreparedChunk(ids, {k: facts_row(f) for k, f in latest.items()}, deltas, structures)


def prepare(bodies: Sequence[bytes], definitions: ReportDefinitions) -> PreparedChunk:
    """Stream entries' bodies reduced for :class:`Rebuild` (run in worker processes); an
    entry that is not a valid classification event is skipped and counted."""
    read: list[ReadClassification] = []
    invalid = 0
    for body in bodies:
        try:
            read.append(read_classification(body, definitions))
        except ValueError:  # pydantic's ValidationError is one
            invalid += 1
    chunk = prepare_read(read)
    chunk.invalid = invalid
    return chunk


class Rebuild:
    """Rebuild the classification projections from the streams in bulk, into empty
    projections (after :func:`clear_projections`, with reporting's consumers stopped;
    support's streams are replayed through their own use cases).

    Events are added in any order and batching: each event id once; per household, round,
    standard and stage the latest survey wins, as in :func:`apply_classifications`. Chunks
    of events are reduced on their own (:func:`prepare`, in worker processes if asked:
    decoding, the latest of each household and its contributions to the cells); merging a
    chunk takes away the contributions of whichever classification of a household loses to
    another chunk's. Gives the same tables as applying the events one batch at a time
    (tested), without reading back or updating a row per event.

    :meth:`run` decodes, merges and writes in one transaction: household rows and processed
    ids are written as chunks are merged, while the workers decode the next ones; the cells,
    rounds and tallies at the end. :meth:`add`, :meth:`add_bodies` and :meth:`write` do the
    same in two steps."""

    def __init__(self, definitions: ReportDefinitions | None = None) -> None:
        self.definitions = definitions or ReportDefinitions()
        self.rows: dict[HouseholdKey, tuple[Any, ...]] = {}
        self.deltas: dict[CellKey, list[int]] = {}
        self.seen: set[str] = set()
        self.tally: dict[tuple[str, str], int] = {}
        self.structures: dict[str, list[IndicatorRef]] = {}
        self._unwritten_rows: dict[HouseholdKey, tuple[Any, ...]] = {}
        self._rewritten_rows: dict[HouseholdKey, tuple[Any, ...]] = {}
        self._unwritten_ids: list[str] = []
        self.invalid = 0
        """Entries skipped as not valid classification events."""

    def add(self, events: Iterable[HouseholdClassified]) -> int:
        """Take decoded events in (returns how many were new)."""
        d = self.definitions
        return self.add_chunk(prepare_read(read_model(e, d) for e in events))

    def add_chunk(self, chunk: PreparedChunk) -> int:
        """Merge a reduced chunk (returns how many of its events were new)."""
        seen, tally, fresh = self.seen, self.tally, self._unwritten_ids
        self.invalid += chunk.invalid
        n = len(fresh)
        for event_id, standard_id in chunk.ids:
            if event_id not in seen:
                seen.add(event_id)
                fresh.append(event_id)
                tk = (EVENT_TYPE, standard_id)
                tally[tk] = tally.get(tk, 0) + 1
        for standard_id, pairs in chunk.structures.items():
            if standard_id not in self.structures:
                self.structures[standard_id] = [IndicatorRef(c, d) for c, d in pairs]
        rows, unwritten, rewritten = self.rows, self._unwritten_rows, self._rewritten_rows
        lost: dict[CellKey, list[int]] = {}
        for k, row in chunk.winners.items():
            cur = rows.get(k)
            if cur is None:
                rows[k] = unwritten[k] = row
                continue
            loser = row
            if row[ROW_ORDER] > cur[ROW_ORDER]:
                rows[k] = row
                if k in unwritten:
                    unwritten[k] = row
                else:
                    rewritten[k] = row
                loser = cur
            _add(lost, row_facts(loser), -1)
        lost.update(_commune_sums(lost))
        _sum_into(self.deltas, chunk.deltas)
        _sum_into(self.deltas, lost)
        return len(fresh) - n

    def add_bodies(self, chunks: Iterable[Sequence[bytes]], workers: int = 0) -> int:
        """Take stream entries' bodies, reduced (:func:`prepare`) in ``workers`` processes
        (0: in this one) while this process merges what they return."""
        with _no_cyclic_gc():
            return sum(self.add_chunk(c) for c in self._prepared(chunks, workers))

    def run(
        self,
        uow: ReportingUnitOfWork,
        chunks: Iterable[Sequence[bytes]],
        now: datetime,
        workers: int = 0,
    ) -> int:
        """Decode, merge and write stream entries' bodies in one transaction (returns the
        number of household rows)."""
        return self.run_prepared(uow, self._prepared(chunks, workers), now)

    def run_prepared(
        self,
        uow: ReportingUnitOfWork,
        prepared: Iterable[PreparedChunk],
        now: datetime,
        *,
        clear: bool = False,
    ) -> int:
        """Merge and write chunks reduced elsewhere (:func:`prepare`) in one transaction,
        household rows and processed ids as each chunk is merged (returns the number of
        household rows). ``clear``: empty the projections first, in the same transaction (a
        rebuild that fails leaves them as they were)."""
        with uow, uow.bulk_writes():
            if clear:
                uow.clear_projections()
            _require_empty(uow)
            with _no_cyclic_gc():
                for chunk in prepared:
                    self.add_chunk(chunk)
                    self._write_merged(uow, now)
            self._write_rest(uow, now)
            uow.commit()
        return len(self.rows)

    def write(self, uow: ReportingUnitOfWork, now: datetime) -> int:
        """Write what was added (returns the number of household rows)."""
        with uow:
            _require_empty(uow)
            self._write_rest(uow, now)
            uow.commit()
        return len(self.rows)

    def _prepared(self, chunks: Iterable[Sequence[bytes]], workers: int) -> Iterator[PreparedChunk]:
        if workers <= 0:
            yield from (prepare(c, self.definitions) for c in chunks)
            return
        context = multiprocessing.get_context(
            "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
        )
        with ProcessPoolExecutor(workers, mp_context=context, initializer=gc.disable) as pool:
            yield from pool.map(partial(prepare, definitions=self.definitions), chunks)

    def _write_merged(self, uow: ReportingUnitOfWork, now: datetime) -> None:
        """Household rows of keys not written yet, and event ids not marked yet."""
        uow.households.insert_rows(list(self._unwritten_rows.values()))
        self._unwritten_rows.clear()
        uow.mark_ids_processed(self._unwritten_ids, now)
        self._unwritten_ids.clear()

    def _write_rest(self, uow: ReportingUnitOfWork, now: datetime) -> None:
        self._write_merged(uow, now)
        uow.households.save([row_facts(r) for r in self._rewritten_rows.values()])
        self._rewritten_rows.clear()
        provinces = {r[ROW_COMMUNE]: r[ROW_PROVINCE] for r in self.rows.values()}
        uow.cells.insert_fresh(self.deltas, provinces)
        uow.rounds.add(RoundKey(y, s, ReviewStage(g)) for y, s, g in {k[:3] for k in self.rows})
        for standard_id, refs in self.structures.items():
            uow.rounds.add_structure(standard_id, refs)
        uow.tallies.add(self.tally)


def _require_empty(uow: ReportingUnitOfWork) -> None:
    if uow.households.any():
        msg = "a bulk rebuild writes into empty projections: clear them first"
        raise RuntimeError(msg)


def _sum_into(target: dict[CellKey, list[int]], deltas: Mapping[CellKey, Sequence[int]]) -> None:
    for k, (h, p) in deltas.items():
        acc = target.get(k)
        if acc is None:
            target[k] = [h, p]
        else:
            acc[0] += h
            acc[1] += p


@contextmanager
def _no_cyclic_gc() -> Iterator[None]:
    """Decoding and merging allocate millions of containers that form no cycles; the cyclic
    collector, triggered by allocations, would scan them again and again (it doubled the
    cost). Reference counting still frees them; the collector runs again afterwards."""
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


def _add(deltas: dict[CellKey, list[int]], f: HouseholdFacts, sign: int) -> None:
    """Add (sign 1) or take away (-1) the household's contributions to its village's cells
    (accumulated as [households, persons]; :func:`_with_communes` adds the communes')."""
    y, s, g, c, v = f.review_year, f.standard_id, f.stage, f.commune_code, f.village_code
    for measure, category, counts in contributions(f):
        k = (y, s, g, measure, c, v, category)
        acc = deltas.get(k)
        if acc is None:
            deltas[k] = [sign * counts.households, sign * counts.persons]
        else:
            acc[0] += sign * counts.households
            acc[1] += sign * counts.persons


def _with_communes(deltas: Mapping[CellKey, list[int]]) -> dict[CellKey, Counts]:
    """The village deltas and, summed from them, the deltas of their communes' own cells."""
    out = {k: Counts(h, p) for k, (h, p) in deltas.items()}
    out.update({k: Counts(h, p) for k, (h, p) in _commune_sums(deltas).items()})
    return out


def _commune_sums(deltas: Mapping[CellKey, Sequence[int]]) -> dict[CellKey, list[int]]:
    """The deltas of the communes' own cells, summed from their villages'."""
    communes: dict[CellKey, list[int]] = {}
    for (y, s, g, m, c, _v, cat), (h, p) in deltas.items():
        k = (y, s, g, m, c, WHOLE_COMMUNE, cat)
        acc = communes.get(k)
        if acc is None:
            communes[k] = [h, p]
        else:
            acc[0] += h
            acc[1] += p
    return communes


def apply_support(
    uow: ReportingUnitOfWork,
    events: Sequence[SupportDisbursed | TrainingEnrolled],
    now: datetime,
) -> int:
    """Record disbursements and enrolments (each once); disbursements are added to the plan
    projection's spending and households reached in the same transaction."""
    with uow:
        fresh = uow.unseen(events)
        uow.plans.add_spending(spending_rows([e for e in fresh if isinstance(e, SupportDisbursed)]))
        uow.ledger.save_disbursements(
            [
                {
                    "disbursement_id": p.disbursement_id,
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "kind": p.kind.value,
                    "funding_source": p.funding_source.value,
                    "programme_code": p.programme_code,
                    "amount_vnd": p.amount_vnd,
                    "disbursed_on": p.disbursed_on,
                    "helping_organisation": p.helping_organisation,
                }
                for p in (e.payload for e in fresh if isinstance(e, SupportDisbursed))
            ]
        )
        uow.ledger.save_enrolments(
            [
                {
                    "enrolment_id": p.enrolment_id,
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "job_linkage": p.job_linkage,
                    "member_no": p.member_no,
                    "starts_on": p.starts_on,
                }
                for p in (e.payload for e in fresh if isinstance(e, TrainingEnrolled))
            ]
        )
        tally: dict[tuple[str, str], int] = {}
        for e in fresh:
            tally[(e.event_type, "")] = tally.get((e.event_type, ""), 0) + 1
        uow.tallies.add(tally)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


LoanEvent = LoanDisbursed | LoanRepaid | LoanExtended | LoanWrittenOff


def apply_loans(uow: ReportingUnitOfWork, events: Sequence[LoanEvent], now: datetime) -> int:
    """Keep each loan as its latest credit event left it (every credit event carries the
    loan's state after it: status, principal outstanding, open instalments)."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, LoanEvent)]
        uow.ledger.save_loans(
            [
                {
                    "loan_id": p.loan_id,
                    "household_code": p.household_code,
                    "commune_code": p.commune_code,
                    "programme_code": p.programme_code,
                    "status": p.status.value,
                    "outstanding_vnd": p.outstanding_vnd,
                    "open_instalments": json.dumps(
                        [[i.due_on.isoformat(), i.principal_vnd] for i in p.open_instalments]
                    ),
                    "order_key": f"{e.occurred_at.astimezone(UTC).isoformat()}|{e.event_id}",
                }
                for e, p in ((e, e.payload) for e in fresh)
            ]
        )
        tally: dict[tuple[str, str], int] = {}
        for e in fresh:
            tally[(e.event_type, "")] = tally.get((e.event_type, ""), 0) + 1
        uow.tallies.add(tally)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


def life_event_rows(events: Iterable[HouseholdChanged]) -> list[dict[str, Any]]:
    """The ``household_change`` rows of life events."""
    return [
        {
            "change_id": p.change_id,
            "kind": p.kind.value,
            "household_code": p.household_code,
            "effective_on": p.effective_on,
            "province_code": p.province_code,
            "from_commune_code": p.from_commune_code,
            "from_village_code": p.from_village_code,
            "to_commune_code": p.to_commune_code,
            "to_village_code": p.to_village_code,
            "related_household_code": p.related_household_code,
            "members": p.members,
            "cause": p.cause.value if p.cause else None,
        }
        for p in (e.payload for e in events)
    ]


def apply_life_events(
    uow: ReportingUnitOfWork, events: Sequence[HouseholdChanged], now: datetime
) -> int:
    """Record households' moves, splits, merges and dissolutions (each once); the change
    tables read them with the round's figures (``domain.life``), so their order against the
    classifications does not matter."""
    with uow:
        fresh = [e for e in uow.unseen(events) if isinstance(e, HouseholdChanged)]
        uow.life.save(life_event_rows(fresh))
        tally: dict[tuple[str, str], int] = {}
        for e in fresh:
            tally[(e.event_type, "")] = tally.get((e.event_type, ""), 0) + 1
        uow.tallies.add(tally)
        uow.mark_processed(fresh, now)
        uow.commit()
        return len(fresh)


def clear_projections(uow: ReportingUnitOfWork) -> None:
    """Empty what the streams rebuild (before replaying them from the start); areas, targets
    and sign-offs are kept."""
    with uow:
        uow.clear_projections()
        uow.commit()


def apply_area_registry(
    uow: ReportingUnitOfWork,
    tree: AreaTree,
    changes: Sequence[AreaChange] = (),
    *,
    on: date | None = None,
) -> int:
    """Make reporting's copy of the area registry equal to ``tree`` and its ``changes``
    (``shared.area_changes``), names and retirements as they stand ``on`` (default: today);
    returns the number of areas. A change naming a code the list lacks: 422, nothing kept."""
    history = AreaHistory(tuple(changes), _village_parents(tree))
    problems = history.problems(tree.areas)
    if problems:
        raise DomainError.of(problems, ErrorKind.INVALID)
    current = with_history(tree, history, on or datetime.now(UTC).date())
    with uow:
        uow.areas.replace(current)
        uow.areas.replace_changes(history.changes)
        uow.commit()
    return len(current)


def _village_parents(tree: AreaTree) -> dict[str, str]:
    return {
        a.code: a.parent_code
        for a in tree.areas.values()
        if a.level is AreaLevel.VILLAGE and a.parent_code
    }


# resolving what a query asks for --------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Scope:
    """A resolved query: the round's figures, the area and the rows' level."""

    key: RoundKey
    tree: AreaTree
    area: AreaRef | None
    by: AreaLevel
    structure: Structure


def _standard_error(standard_id: str, known: Iterable[str]) -> DomainError:
    choices = ", ".join(sorted(set(known))) or "—"
    return DomainError(
        "standard",
        f"Không có số liệu theo chuẩn «{standard_id}»; các chuẩn có số liệu: {choices}.",
        f"No figures under standard '{standard_id}'; standards with figures: {choices}.",
        ErrorKind.NOT_FOUND,
        code="unknown_standard",
    )


def resolve_round(
    uow: ReportingUnitOfWork,
    standard_id: str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
) -> RoundKey:
    """The round asked for; ``review_year`` None: the latest with figures at ``stage``.
    404 for an unknown standard or round, 422 for an unknown stage."""
    st = parse_stage(stage)
    known = uow.rounds.all()
    if not any(k.standard_id == standard_id for k in known):
        raise _standard_error(standard_id, (k.standard_id for k in known))
    years = sorted(k.review_year for k in known if k.standard_id == standard_id and k.stage is st)
    if review_year is None:
        if not years:
            raise DomainError(
                "stage",
                f"Chưa có số liệu giai đoạn «{st.value}» theo chuẩn {standard_id}.",
                f"No {st.value} figures under {standard_id} yet.",
                ErrorKind.NOT_FOUND,
                code="unknown_round",
            )
        return RoundKey(years[-1], standard_id, st)
    if review_year not in years:
        listed = ", ".join(str(y) for y in years) or "—"
        raise DomainError(
            "year",
            f"Không có số liệu kỳ rà soát {review_year} ({st.value}, {standard_id}); "
            f"các kỳ có số liệu: {listed}.",
            f"No figures for review round {review_year} ({st.value}, {standard_id}); "
            f"rounds with figures: {listed}.",
            ErrorKind.NOT_FOUND,
            code="unknown_round",
        )
    return RoundKey(review_year, standard_id, st)


_DEFAULT_BY = {
    None: AreaLevel.COMMUNE,
    AreaLevel.PROVINCE: AreaLevel.COMMUNE,
    AreaLevel.FORMER_DISTRICT: AreaLevel.COMMUNE,
    AreaLevel.COMMUNE: AreaLevel.VILLAGE,
    AreaLevel.VILLAGE: AreaLevel.VILLAGE,
}


def _resolve_area(
    uow: ReportingUnitOfWork, tree: AreaTree, key: RoundKey, area: str | None
) -> AreaRef | None:
    if area is None:
        return None
    a = tree.get(area)
    if a is not None:
        return AreaRef(a.code, a.level, a.name_vi, a.name_en, tree.parent_in_rollup(a))
    if area in uow.cells.communes(key):
        return AreaRef(area, AreaLevel.COMMUNE, None, None, None)
    if area in uow.cells.villages(key):
        return AreaRef(area, AreaLevel.VILLAGE, None, None, None)
    raise not_found("area", "địa bàn", "area", area)


def resolve_scope(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
    area: str | None = None,
    by: str | AreaLevel | None = None,
) -> Scope:
    key = resolve_round(uow, standard_id, review_year, stage)
    tree = uow.areas.tree()
    ref = _resolve_area(uow, tree, key, area)
    try:
        level = AreaLevel(by) if by is not None else _DEFAULT_BY[ref.level if ref else None]
    except ValueError:
        choices = ", ".join(x.value for x in AreaLevel)
        raise DomainError(
            "by",
            f"Cấp «{by}» không hợp lệ; chọn một trong: {choices}.",
            f"Unknown level '{by}'; choose one of: {choices}.",
            code="unknown_level",
        ) from None
    if ref is not None and DEPTH[level] < DEPTH[ref.level]:
        raise DomainError(
            "by",
            f"Không thể chia {ref.code} theo cấp {level.value} (cao hơn địa bàn).",
            f"Cannot break {ref.code} down by {level.value}: it is above the area.",
            code="level_above_area",
        )
    structure = uow.rounds.structures().get(standard_id) or Structure((), 1, {})
    return Scope(key, tree, ref, level, structure)


@dataclass(frozen=True, slots=True)
class AreaCover:
    """What an area code covers, for access checks: its level (None: not in the registry)
    and the communes it spans (a village: its commune)."""

    code: str
    level: AreaLevel | None
    communes: frozenset[str]


def area_cover(uow: ReportingUnitOfWork, code: str) -> AreaCover:
    """The communes area ``code`` spans (a code the registry lacks is taken as a commune's:
    the query refuses it later if no figures have it)."""
    with uow:
        tree = uow.areas.tree()
    a = tree.get(code)
    if a is None:
        return AreaCover(code, None, frozenset({code}))
    if a.level is AreaLevel.COMMUNE:
        return AreaCover(code, a.level, frozenset({code}))
    if a.level is AreaLevel.VILLAGE:
        return AreaCover(code, a.level, frozenset({a.parent_code} if a.parent_code else ()))
    communes = frozenset(
        x.code
        for x in tree.areas.values()
        if x.level is AreaLevel.COMMUNE
        and (a.level is AreaLevel.PROVINCE or x.former_district_code == a.code)
    )
    return AreaCover(code, a.level, communes)


def known_rounds(uow: ReportingUnitOfWork) -> list[RoundKey]:
    """Every round with figures (standard, year, stage), newest first."""
    with uow:
        keys = uow.rounds.all()
    return sorted(keys, key=lambda k: (k.standard_id, -k.review_year, k.stage.value))


def area_list(uow: ReportingUnitOfWork) -> list[AreaRef]:
    """The registry's areas as report rows name them (province, former districts,
    communes, villages)."""
    with uow:
        tree = uow.areas.tree()
    order = {AreaLevel.PROVINCE: 0, AreaLevel.FORMER_DISTRICT: 1, AreaLevel.COMMUNE: 2}
    return sorted(
        (
            AreaRef(a.code, a.level, a.name_vi, a.name_en, tree.parent_in_rollup(a))
            for a in tree.areas.values()
        ),
        key=lambda a: (order.get(a.level, 3), a.code),
    )


# the book --------------------------------------------------------------------------------------


class TableKind(StrEnum):
    SUMMARY = "summary"
    CHANGES_POOR = "changes_poor"
    CHANGES_NEAR_POOR = "changes_near_poor"
    DEPRIVATION_POOR = "deprivation_poor"
    DEPRIVATION_NEAR_POOR = "deprivation_near_poor"
    GROUPS = "groups"
    ETHNICITY = "ethnicity"
    HEAD_SEX = "head_sex"
    CAUSES = "causes"
    NEEDS = "needs"
    CHILDREN = "children"
    NEWLY_ESCAPED = "newly_escaped"
    LOW_INCOME_WORKERS = "low_income_workers"
    MPI = "mpi"


_MEASURES: dict[TableKind, tuple[Measure, ...]] = {
    TableKind.SUMMARY: (Measure.STATUS,),
    TableKind.CHANGES_POOR: (Measure.CHANGE, Measure.LIFE),
    TableKind.CHANGES_NEAR_POOR: (Measure.CHANGE, Measure.LIFE),
    TableKind.DEPRIVATION_POOR: (Measure.STATUS, Measure.DEPRIVED),
    TableKind.DEPRIVATION_NEAR_POOR: (Measure.STATUS, Measure.DEPRIVED),
    TableKind.GROUPS: (Measure.GROUP,),
    TableKind.ETHNICITY: (Measure.ETHNICITY,),
    TableKind.HEAD_SEX: (Measure.HEAD_SEX,),
    TableKind.CAUSES: (Measure.STATUS, Measure.CAUSE),
    TableKind.NEEDS: (Measure.STATUS, Measure.NEED),
    TableKind.CHILDREN: (Measure.CHILDREN,),
    TableKind.NEWLY_ESCAPED: (Measure.NEWLY_ESCAPED,),
    TableKind.LOW_INCOME_WORKERS: (Measure.LOW_INCOME,),
    TableKind.MPI: (Measure.MPI,),
}


def _build(
    kind: TableKind,
    rows: Sequence[RollupRow[tb.AreaCells]],
    scope: Scope,
    config: ReportConfig,
    cutoff: Fraction,
) -> tb.Table:
    if kind is TableKind.SUMMARY:
        return tb.summary_table(rows)
    if kind is TableKind.CHANGES_POOR:
        return tb.change_table(rows, tb.POOR)
    if kind is TableKind.CHANGES_NEAR_POOR:
        return tb.change_table(rows, tb.NEAR_POOR)
    if kind is TableKind.DEPRIVATION_POOR:
        return tb.deprivation_table(rows, scope.structure, tb.POOR)
    if kind is TableKind.DEPRIVATION_NEAR_POOR:
        return tb.deprivation_table(rows, scope.structure, tb.NEAR_POOR)
    if kind is TableKind.GROUPS:
        return tb.groups_table(rows)
    if kind is TableKind.ETHNICITY:
        return tb.ethnicity_table(rows, config.definitions.ethnic_minority.majority_groups)
    if kind is TableKind.HEAD_SEX:
        return tb.head_sex_table(rows)
    if kind is TableKind.CAUSES:
        return tb.causes_table(rows)
    if kind is TableKind.NEEDS:
        return tb.needs_table(rows)
    if kind is TableKind.CHILDREN:
        return tb.children_table(rows)
    if kind is TableKind.NEWLY_ESCAPED:
        return tb.newly_escaped_table(rows)
    if kind is TableKind.LOW_INCOME_WORKERS:
        return tb.low_income_table(rows)
    return af.mpi_table(rows, scope.structure, cutoff)


def table_catalogue(config: ReportConfig | None = None) -> list[tuple[str, str, str]]:
    """(key, Vietnamese title, English title) of every table of the book."""
    cfg = config or ReportConfig()
    empty = Scope(
        RoundKey(0, "", ReviewStage.RECOGNISED),
        AreaTree.of([]),
        None,
        AreaLevel.COMMUNE,
        Structure((), 1, {}),
    )
    tables = (_build(kind, [], empty, cfg, cfg.definitions.mpi.cutoff) for kind in TableKind)
    return [(t.key, t.title_vi, t.title_en) for t in tables]


@dataclass(frozen=True, slots=True)
class Book:
    """Tables of one round for one area, rows at one level."""

    key: RoundKey
    area: AreaRef | None
    by: AreaLevel
    structure: Structure
    cutoff: Fraction
    tables: tuple[tb.Table, ...]

    def table(self, kind: TableKind | str) -> tb.Table:
        return next(t for t in self.tables if t.key == TableKind(kind).value)


def _communes_in(scope: Scope, uow: ReportingUnitOfWork) -> list[str] | None:
    """The communes whose cells a query must read (None: all of the round)."""
    a = scope.area
    if a is None or a.level is AreaLevel.PROVINCE:
        return None
    if a.level is AreaLevel.COMMUNE:
        return [a.code]
    if a.level is AreaLevel.VILLAGE:
        village = scope.tree.get(a.code)
        if village is not None and village.parent_code:
            return [village.parent_code]
        return None
    return [
        x.code
        for x in scope.tree.areas.values()
        if x.level is AreaLevel.COMMUNE and x.former_district_code == a.code
    ]


def report_book(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
    area: str | None = None,
    by: str | AreaLevel | None = None,
    tables: Sequence[TableKind | str] | None = None,
    suppress: bool = False,
    cutoff: str | Fraction | None = None,
    config: ReportConfig | None = None,
    areas: AreaBasis | str = "round",
    today: date | None = None,
) -> Book:
    """The year-end tables of a round for ``area`` (None: everything), rows by ``by``.

    ``areas``: ``round`` (default) shows the round in the areas in force at the end of its
    year (or ``today`` if sooner): a past round keeps the communes and villages of its time,
    the current round is in today's areas; ``today`` shows any round in today's areas (a
    merged commune's figures summed into the commune it joined).

    ``suppress``: hide small cells (threshold from ``config``). Suppression is computed over
    the whole book of this area and level, so a figure hidden in one table is hidden in every
    table, whichever ``tables`` are returned."""
    cfg = config or ReportConfig()
    try:
        kinds = [TableKind(t) for t in tables] if tables else list(TableKind)
    except ValueError:
        choices = ", ".join(x.value for x in TableKind)
        raise DomainError(
            "tables",
            f"Bảng không hợp lệ; chọn trong: {choices}.",
            f"Unknown table; choose from: {choices}.",
            code="unknown_table",
        ) from None
    k = af.parse_cutoff(cutoff, cfg.definitions.mpi.cutoff)
    basis = _basis(areas)
    now = today or datetime.now(UTC).date()
    with uow:
        scope = resolve_scope(
            uow, standard_id=standard_id, review_year=review_year, stage=stage, area=area, by=by
        )
        build = list(TableKind) if suppress else kinds
        measures = sorted({m.value for kind in build for m in _MEASURES[kind]})
        history = uow.areas.history(scope.tree)
        on = now if basis is AreaBasis.TODAY else min(now, date(scope.key.review_year, 12, 31))
        changed = any(c.effective_on <= on for c in history.changes)
        by_village = scope.by is AreaLevel.VILLAGE or changed
        communes = None if changed else _communes_in(scope, uow)
        leaves = uow.cells.sums(scope.key, measures, by_village=by_village, communes=communes)
        if Measure.LIFE.value in measures:
            leaves = _with_life(uow, scope, leaves, communes, by_village=by_village)
    if changed:
        leaves = remap(
            leaves, history, on, tb.merge_cells, by_village=scope.by is AreaLevel.VILLAGE
        )
    scope_code = scope.area.code if scope.area else None
    rows = roll_up(
        scope.tree, leaves, tb.merge_cells, by=scope.by, scope=scope_code, leaves_only=True
    )
    if not rows and scope.area is not None:  # a known area without figures this round
        rows = [RollupRow(scope.area, tb.merge_cells([]), ())]
    built = [_build(kind, rows, scope, cfg, k) for kind in build]
    if suppress:
        built = suppress_tables(built, cfg.threshold)
    wanted = {kind.value for kind in kinds}
    return Book(
        scope.key,
        scope.area,
        scope.by,
        scope.structure,
        k,
        tuple(t for t in built if t.key in wanted),
    )


class AreaBasis(StrEnum):
    """Which areas a round's figures are shown in."""

    ROUND = "round"
    TODAY = "today"


def _basis(value: AreaBasis | str) -> AreaBasis:
    try:
        return AreaBasis(value)
    except ValueError:
        raise DomainError(
            "areas",
            "Tham số areas phải là «round» (địa bàn của kỳ) hoặc «today» (địa bàn hiện nay).",
            "areas must be 'round' (the round's areas) or 'today' (today's areas).",
            code="unknown_area_basis",
        ) from None


def _with_life(
    uow: ReportingUnitOfWork,
    scope: Scope,
    leaves: Mapping[Leaf, tb.AreaCells],
    communes: Sequence[str] | None,
    *,
    by_village: bool,
) -> dict[Leaf, tb.AreaCells]:
    """``leaves`` with the round's life events in their ``life`` measure (``domain.life``)."""
    y = scope.key.review_year
    events = uow.life.of_round(y)
    if not events:
        return dict(leaves)
    codes = [e.household_code for e in events]
    codes += [e.related_household_code for e in events if e.related_household_code]
    found = life_contributions(
        y, events, uow.life.standings(scope.key, codes), uow.life.recognised_before(y, codes)
    )
    wanted = set(communes) if communes is not None else None
    out: dict[Leaf, dict[str, dict[str, Counts]]] = {
        leaf: {m: dict(cats) for m, cats in cells.items()} for leaf, cells in leaves.items()
    }
    for (province, commune, village), category, counts in found:
        if wanted is not None and commune not in wanted:
            continue
        leaf = Leaf(province, commune, village if by_village else None)
        into = out.setdefault(leaf, {}).setdefault(Measure.LIFE.value, {})
        into[category] = into.get(category, Counts()) + counts
    return dict(out)


@dataclass(frozen=True, slots=True)
class MpiRow:
    area: AreaRef
    households: af.Mpi | None
    persons: af.Mpi | None


def mpi_rows(book: Book) -> list[MpiRow]:
    """H, A, M0 and contributions of each row of the book's MPI table (in households and
    persons; None where suppressed)."""
    t = book.table(TableKind.MPI)
    return [
        MpiRow(
            r.area,
            af.mpi_of(r, book.structure),
            af.mpi_of(r, book.structure, persons=True),
        )
        for r in t.rows
    ]


# household lists -------------------------------------------------------------------------------


class ListKind(StrEnum):
    POOR = "poor"
    NEAR_POOR = "near_poor"
    NEWLY_ESCAPED = "newly_escaped"


@dataclass(frozen=True, slots=True)
class HouseholdSupport:
    """What a household received, by kind of support (VND), and who sponsors it."""

    by_kind: Mapping[str, int] = field(default_factory=dict)
    sponsor: str | None = None


class SupportSource(Protocol):
    """Where household lists take support received from (the seam for support's events)."""

    def received(self, household_codes: Sequence[str]) -> Mapping[str, HouseholdSupport]: ...


@dataclass(frozen=True, slots=True)
class LedgerSupport:
    """Support received as recorded from ``support.disbursed``; the sponsor is the helping
    organisation named on the household's latest support."""

    uow: ReportingUnitOfWork

    def received(self, household_codes: Sequence[str]) -> Mapping[str, HouseholdSupport]:
        got = self.uow.ledger.received(household_codes)
        sponsors = self.uow.ledger.sponsors(household_codes)
        return {
            code: HouseholdSupport(got.get(code, {}), sponsors.get(code))
            for code in set(got) | set(sponsors)
        }


@dataclass(frozen=True, slots=True)
class ListedHousehold:
    facts: HouseholdFacts
    support: HouseholdSupport


@dataclass(frozen=True, slots=True)
class HouseholdList:
    key: RoundKey
    kind: ListKind
    area: AreaRef | None
    total: int
    rows: tuple[ListedHousehold, ...]


def household_list(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    kind: ListKind | str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
    area: str | None = None,
    limit: int = 500,
    offset: int = 0,
    support: SupportSource | None = None,
) -> HouseholdList:
    """Detailed list (forms 14-15): poor, near-poor or newly escaped households of a round in
    ``area``, with causes, needs, deprivations and support received (household codes only)."""
    try:
        what = ListKind(kind)
    except ValueError:
        choices = ", ".join(x.value for x in ListKind)
        raise DomainError(
            "kind",
            f"Danh sách «{kind}» không hợp lệ; chọn: {choices}.",
            f"Unknown list '{kind}'; choose: {choices}.",
            code="unknown_list",
        ) from None
    if not (1 <= limit <= 10_000 and offset >= 0):
        raise DomainError(
            "limit",
            "limit phải từ 1 đến 10000, offset không âm.",
            "limit must be 1 to 10000 and offset not negative.",
        )
    with uow:
        scope = resolve_scope(
            uow, standard_id=standard_id, review_year=review_year, stage=stage, area=area
        )
        communes = _communes_in(scope, uow)
        statuses = (
            [what.value]
            if what is not ListKind.NEWLY_ESCAPED
            else [PovertyStatus.AVERAGE.value, PovertyStatus.NOT_POOR.value]
        )
        total, facts = uow.households.listed(
            scope.key,
            communes=communes,
            villages=[scope.area.code]
            if scope.area and scope.area.level is AreaLevel.VILLAGE
            else None,
            statuses=statuses,
            newly_escaped=what is ListKind.NEWLY_ESCAPED,
            limit=limit,
            offset=offset,
        )
        source = support or LedgerSupport(uow)
        received = source.received([f.household_code for f in facts])
    return HouseholdList(
        scope.key,
        what,
        scope.area,
        total,
        tuple(
            ListedHousehold(f, received.get(f.household_code, HouseholdSupport())) for f in facts
        ),
    )


# targets ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TargetInput:
    review_year: int
    area_code: str
    measure: str
    planned_reduction: str | Decimal | float


def set_targets(
    uow: ReportingUnitOfWork,
    items: Sequence[TargetInput],
    actor: Actor,
    now: datetime,
    *,
    audit: AuditActor | None = None,
) -> list[Target]:
    """Store planned reductions (replacing earlier ones for the same area, year and measure).
    Entered by the province; areas must be communes, former districts or provinces of the
    registry. ``audit``: who, as the audit trail records it (one entry per target, staged in
    the same transaction)."""
    if actor.role is not Role.PROVINCE:
        raise DomainError(
            "actor",
            "Chỉ cấp tỉnh được nhập chỉ tiêu kế hoạch.",
            "Only the province level may enter targets.",
            ErrorKind.FORBIDDEN,
        )
    checked = [target(i.review_year, i.area_code, i.measure, i.planned_reduction) for i in items]
    with uow:
        tree = uow.areas.tree()
        for t in checked:
            a = tree.get(t.area_code)
            if a is None:
                raise not_found("area_code", "địa bàn", "area", t.area_code)
            if a.level not in TARGET_LEVELS:
                raise DomainError(
                    "area_code",
                    f"Chỉ tiêu đặt cho xã, huyện cũ hoặc tỉnh, không cho {a.code}.",
                    f"Targets are set for communes, former districts or provinces, not {a.code}.",
                )
        uow.targets.put(checked, actor.user_id, now)
        if audit is not None:
            for t in checked:
                a = tree.get(t.area_code)
                uow.audit(
                    audit,
                    "report.target_set",
                    "report_target",
                    f"{t.review_year}/{t.area_code}/{t.measure.value}",
                    service=PRODUCER,
                    area=AccessArea(
                        commune=t.area_code if a and a.level is AreaLevel.COMMUNE else None
                    ),
                    after={
                        "review_year": t.review_year,
                        "area_code": t.area_code,
                        "measure": t.measure.value,
                        "planned_reduction": str(t.planned_reduction),
                    },
                )
        uow.commit()
    return checked


@dataclass(frozen=True, slots=True)
class TargetRow:
    area: AreaRef
    result: TargetResult
    set_by: str
    set_at: datetime
    previous_year: int | None


def _area_rates(
    uow: ReportingUnitOfWork, tree: AreaTree, key: RoundKey, majority: Sequence[str]
) -> dict[str, dict[TargetMeasure, Rate]]:
    """The three target rates of every area (province, former districts, communes)."""
    leaves = uow.cells.sums(key, [Measure.STATUS.value, Measure.ETHNICITY.value], by_village=False)
    rows = roll_up(tree, leaves, tb.merge_cells, by=AreaLevel.COMMUNE, leaves_only=True)
    summary = tb.summary_table(rows)
    ethnicity = tb.ethnicity_table(rows, majority)
    out: dict[str, dict[TargetMeasure, Rate]] = {}
    for s, e in zip(summary.rows, ethnicity.rows, strict=True):
        v, w = s.values, e.values

        def h(values: Mapping[str, Counts | None], k: str) -> int:
            c = values.get(k)
            return c.households if c is not None else 0

        n = h(v, "households")
        out[s.area.code] = {
            TargetMeasure.POOR_RATE: Rate(h(v, tb.POOR), n),
            TargetMeasure.NEAR_POOR_RATE: Rate(h(v, tb.NEAR_POOR), n),
            TargetMeasure.MINORITY_POOR_RATE: Rate(
                h(w, f"{tb.POOR}.minority"), h(w, "households.minority")
            ),
        }
    return out


def target_comparison(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    review_year: int,
    area: str | None = None,
    config: ReportConfig | None = None,
) -> list[TargetRow]:
    """Each target of ``review_year`` (within ``area``) against the recognised figures: the
    rate at the end of the previous round with figures and at the end of this one."""
    cfg = config or ReportConfig()
    with uow:
        key = resolve_round(uow, standard_id, review_year, ReviewStage.RECOGNISED)
        tree = uow.areas.tree()
        scope = _resolve_area(uow, tree, key, area)
        earlier = [
            k.review_year
            for k in uow.rounds.all()
            if k.standard_id == standard_id
            and k.stage is ReviewStage.RECOGNISED
            and k.review_year < review_year
        ]
        previous = max(earlier) if earlier else None
        majority = cfg.definitions.ethnic_minority.majority_groups
        end = _area_rates(uow, tree, key, majority)
        start = (
            _area_rates(
                uow, tree, RoundKey(previous, standard_id, ReviewStage.RECOGNISED), majority
            )
            if previous is not None
            else {}
        )
        stored = uow.targets.of_year(review_year)
    out = []
    for s in stored:
        a = tree.get(s.target.area_code)
        if a is None or (scope is not None and not _within(tree, a.code, scope.code)):
            continue
        m = s.target.measure
        result = compare(
            s.target,
            start.get(a.code, {}).get(m),
            end.get(a.code, {}).get(m),
            cfg.definitions.targets.met_tolerance_points,
        )
        ref = AreaRef(a.code, a.level, a.name_vi, a.name_en, tree.parent_in_rollup(a))
        out.append(TargetRow(ref, result, s.set_by, s.set_at, previous))
    return out


def _within(tree: AreaTree, code: str, ancestor: str) -> bool:
    seen: set[str] = set()
    cur: str | None = code
    while cur is not None and cur not in seen:
        if cur == ancestor:
            return True
        seen.add(cur)
        a = tree.get(cur)
        cur = tree.parent_in_rollup(a) if a else None
    return False


# sign-off --------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class SignoffView:
    signoff: Signoff
    live_hash: str | None
    """Hash of the commune's recognised figures now (None: no figures)."""
    approved: FrozenVersion | None
    steps: tuple[StepRecord, ...]

    @property
    def live_differs(self) -> bool:
        """True when later events changed the figures since the last approval."""
        return self.approved is not None and self.approved.content_hash != self.live_hash


def _live(uow: ReportingUnitOfWork, key: RoundKey, commune: str) -> tuple[str, str] | None:
    """(hash, content) of a commune's recognised figures now; None when it has none."""
    rows = uow.cells.content(key, commune)
    if not rows:
        return None
    return content_hash(rows), canonical_content(rows)


def _signoff_key(
    uow: ReportingUnitOfWork, standard_id: str, review_year: int, commune_code: str
) -> RoundKey:
    known = uow.rounds.all()
    if not any(k.standard_id == standard_id for k in known):
        raise _standard_error(standard_id, (k.standard_id for k in known))
    key = RoundKey(review_year, standard_id, ReviewStage.RECOGNISED)
    tree = uow.areas.tree()
    a = tree.get(commune_code)
    if (a is None or a.level is not AreaLevel.COMMUNE) and commune_code not in uow.cells.communes(
        key
    ):
        raise not_found("commune", "xã", "commune", commune_code)
    return key


def signoff_step(
    uow: ReportingUnitOfWork,
    step: Step | str,
    *,
    standard_id: str,
    review_year: int,
    commune_code: str,
    actor: Actor,
    now: datetime,
    reason: str | None = None,
    audit: AuditActor | None = None,
) -> SignoffView:
    """Take a sign-off step (submit, approve, return, reopen) on a commune's recognised
    figures for a round. Submitting stores the figures as they are now; approving freezes
    the submitted figures as the next version. 409 if another step was taken meanwhile.
    ``audit``: who, as the audit trail records it (the entry is staged in the same
    transaction as the step; the reason stays in the sign-off trail)."""
    st = Step(step)
    with uow:
        key = _signoff_key(uow, standard_id, review_year, commune_code)
        current, content = uow.signoffs.get(review_year, standard_id, commune_code)
        live = _live(uow, key, commune_code) if st is Step.SUBMIT else None
        after, record = take_step(
            current,
            st,
            actor,
            now=now,
            content_hash=live[0] if live else None,
            reason=reason,
        )
        if not uow.signoffs.save(current, after, live[1] if live else None):
            raise DomainError(
                "state",
                "Số liệu vừa được người khác xử lý; hãy tải lại.",
                "Someone else took a step on these figures just now; reload.",
                ErrorKind.CONFLICT,
                code="signoff_race",
            )
        if st is Step.APPROVE:
            if content is None or after.submitted_hash is None:
                msg = "a submitted sign-off without content"
                raise RuntimeError(msg)
            uow.signoffs.add_version(after, after.submitted_hash, content, actor, now)
        uow.signoffs.add_step(after, record)
        if audit is not None:
            uow.audit(
                audit,
                f"report.{st.value}",
                "report_signoff",
                f"{review_year}/{standard_id}/{commune_code}",
                service=PRODUCER,
                area=AccessArea(commune=commune_code),
                before={"state": current.state.value, "version": current.approved_version},
                after={
                    "state": after.state.value,
                    "version": after.approved_version,
                    "content_hash": record.content_hash,
                    "reason_given": bool(reason),
                },
            )
        uow.commit()
    return signoff_status(
        uow, standard_id=standard_id, review_year=review_year, commune_code=commune_code
    )


def signoff_status(
    uow: ReportingUnitOfWork, *, standard_id: str, review_year: int, commune_code: str
) -> SignoffView:
    """Where a commune's figures for a round stand, the last approved version and the trail."""
    with uow:
        key = _signoff_key(uow, standard_id, review_year, commune_code)
        current, _content = uow.signoffs.get(review_year, standard_id, commune_code)
        live = _live(uow, key, commune_code)
        approved = (
            uow.signoffs.version(review_year, standard_id, commune_code, current.approved_version)
            if current.approved_version
            else None
        )
        steps = uow.signoffs.steps(review_year, standard_id, commune_code)
    return SignoffView(current, live[0] if live else None, approved, tuple(steps))


def frozen_figures(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    review_year: int,
    commune_code: str,
    version: int | None = None,
) -> FrozenVersion:
    """An approved version (default: the last) exactly as it was approved."""
    with uow:
        _signoff_key(uow, standard_id, review_year, commune_code)
        current, _ = uow.signoffs.get(review_year, standard_id, commune_code)
        n = version if version is not None else current.approved_version
        found = uow.signoffs.version(review_year, standard_id, commune_code, n) if n else None
    if found is None:
        raise not_found("version", "phiên bản đã phê duyệt", "approved version", str(n))
    return found


# support outcomes ------------------------------------------------------------------------------


def support_outcomes(
    uow: ReportingUnitOfWork,
    *,
    standard_id: str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
    area: str | None = None,
    as_of: date,
    support_from: date | None = None,
    support_to: date | None = None,
    suppress: bool = False,
    config: ReportConfig | None = None,
) -> oc.Outcomes:
    """Support outcomes of round Y's lists in ``area``: coverage of each kind among its poor
    and near-poor households, training coverage of their workers against the goal, and the
    exit rate at round Y+1 of households that received each kind against those that did not
    (an association). Support counted: disbursed from ``support_from`` to ``support_to``
    (default: the year after the round, the year the round's lists are supported in). The
    loan book: active loans in the area at ``as_of``."""
    cfg = config or ReportConfig()
    with uow:
        scope = resolve_scope(
            uow, standard_id=standard_id, review_year=review_year, stage=stage, area=area
        )
        y = scope.key.review_year
        start = support_from or date(y + 1, 1, 1)
        end = support_to or date(y + 1, 12, 31)
        if start > end:
            raise DomainError(
                "support_from",
                "Ngày bắt đầu phải trước ngày kết thúc.",
                "The start date must not be after the end date.",
                code="invalid_period",
            )
        communes = _communes_in(scope, uow)
        rows = uow.ledger.outcome_households(scope.key, communes)
        received = uow.ledger.kinds_received(scope.key, communes, start, end)
        trainees = uow.ledger.trainees(scope.key, communes, end)
        loan_rows = uow.ledger.loan_rows(communes)
    village = scope.area.code if scope.area and scope.area.level is AreaLevel.VILLAGE else None
    if village is not None:  # a village's households only
        rows = [r for r in rows if r["village_code"] == village]
    listed = [
        oc.ListedHousehold(
            r["household_code"],
            r["commune_code"],
            r["status"],
            r["newly_escaped_until"] is not None,
            int(r["workers"]),
            r["next_status"],
        )
        for r in rows
    ]
    kinds = [k.value for k in SupportKind]
    goal = Fraction(cfg.definitions.training.goal_percent) / 100
    out = oc.Outcomes(
        y,
        start,
        end,
        tuple(oc.coverage(listed, received, kinds)),
        oc.loan_book(
            (
                oc.Loan(
                    r["loan_id"],
                    r["commune_code"],
                    r["status"],
                    int(r["outstanding_vnd"]),
                    tuple(
                        (date.fromisoformat(d), int(p))
                        for d, p in json.loads(r["open_instalments"])
                    ),
                )
                for r in loan_rows
            ),
            as_of,
        ),
        oc.training_coverage(listed, trainees, goal),
        oc.exit_rates(listed, received, kinds),
    )
    return oc.suppress_outcomes(out, cfg.threshold) if suppress else out


# support, tallies and the compatibility counts -------------------------------------------------


def support_totals(uow: ReportingUnitOfWork) -> list[SupportTotal]:
    """Number and value of disbursements by commune and kind of support."""
    with uow:
        return uow.ledger.totals()


def event_tallies(uow: ReportingUnitOfWork) -> dict[str, dict[str, int]]:
    """How many events of each type the projections include (each event once)."""
    with uow:
        return uow.tallies.all()


@dataclass(frozen=True, slots=True)
class StatusCount:
    commune_code: str
    status: str
    households: int
    persons: int


def household_counts(
    uow: ReportingUnitOfWork,
    standard_id: str,
    review_year: int | None = None,
    stage: str | ReviewStage | None = None,
) -> list[StatusCount]:
    """Households and persons by commune and status in a round (default: the latest) at a
    stage (default: recognised)."""
    with uow:
        key = resolve_round(uow, standard_id, review_year, stage)
        leaves = uow.cells.sums(key, [Measure.STATUS.value], by_village=False)
    out = [
        StatusCount(leaf.commune_code, status, c.households, c.persons)
        for leaf, cells in leaves.items()
        for status, c in cells.get(Measure.STATUS.value, {}).items()
    ]
    return sorted(out, key=lambda s: (s.commune_code, s.status))


def as_dict(value: Any) -> Any:
    """Plain JSON-ready data of a query result (dates as ISO text, fractions as floats)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: as_dict(getattr(value, f.name)) for f in fields(value)}
    if isinstance(value, Mapping):
        return {str(k): as_dict(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [as_dict(v) for v in value]
    if isinstance(value, Fraction):
        return float(value)
    if isinstance(value, Decimal):
        return float(value)
    if isinstance(value, date | datetime):
        return value.isoformat()
    return value
