"""Reporting's use cases on a real database (SQLite, or PostgreSQL with TEST_POSTGRES_URL)."""

from __future__ import annotations

import json
import random
import threading
from collections.abc import Sequence
from datetime import UTC, date, datetime
from typing import Any

import pytest
import sqlalchemy as sa
from pydantic import ValidationError
from sqlalchemy.engine import Engine
from sqlalchemy.exc import OperationalError

from services.reporting.adapters.repository import Households, ReportingUnitOfWork, _facts
from services.reporting.adapters.tables import (
    cells,
    households,
    indicators,
    plumbing,
    rounds,
    tallies,
)
from services.reporting.app import MIGRATIONS
from services.reporting.domain.areas import Area, AreaLevel, AreaTree
from services.reporting.domain.households import contributions
from services.reporting.domain.signoff import Actor, Role, SignoffState, Step
from services.reporting.domain.values import Counts
from services.reporting.service import (
    HouseholdSupport,
    ListKind,
    Rebuild,
    TableKind,
    TargetInput,
    apply_area_registry,
    apply_classifications,
    apply_support,
    clear_projections,
    frozen_figures,
    household_list,
    mpi_rows,
    report_book,
    set_targets,
    signoff_status,
    signoff_step,
    support_totals,
    target_comparison,
)
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import FundingSource, PovertyStatus, SupportKind
from shared.contracts.support import DisbursementPayload, SupportDisbursed
from shared.db import create_db_engine
from shared.errors import DomainError
from shared.migrations import upgrade
from tests.factories import classified_event
from tests.unit.reporting.builders import event, member

STD = "vn-2022-2025"
NOW = datetime(2026, 12, 20, 9, 0, tzinfo=UTC)
COMMUNE = Actor("can-bo-xa", Role.COMMUNE)
PROVINCE = Actor("can-bo-tinh", Role.PROVINCE)


@pytest.fixture
def engine(reporting_engine: Engine) -> Engine:
    return reporting_engine


def uow(engine: Engine) -> ReportingUnitOfWork:
    return ReportingUnitOfWork(engine)


def apply(engine: Engine, events: Sequence[HouseholdClassified], batch: int = 500) -> None:
    for i in range(0, len(events), batch):
        apply_classifications(uow(engine), events[i : i + batch], NOW)


def summary(engine: Engine, area: str = "15", **kw: Any) -> dict[str, int | None]:
    book = report_book(uow(engine), standard_id=STD, tables=[TableKind.SUMMARY], **kw)
    row = book.table(TableKind.SUMMARY).row(area)
    return {k: (v.households if v is not None else None) for k, v in row.values.items()}


def cells_from_households(engine: Engine) -> dict[tuple[Any, ...], tuple[int, int]]:
    """The cells recomputed from the stored household rows (what the deltas must equal)."""
    out: dict[tuple[Any, ...], tuple[int, int]] = {}
    with engine.connect() as conn:
        for row in conn.execute(sa.select(households)):
            f = _facts(row._mapping)
            for m, cat, c in contributions(f):
                for village in (f.village_code, "*"):  # the village's cells and the commune's
                    k = (f.review_year, f.standard_id, f.stage, m, f.commune_code, village, cat)
                    h, p = out.get(k, (0, 0))
                    out[k] = (h + c.households, p + c.persons)
    return out


def stored_cells(engine: Engine) -> dict[tuple[Any, ...], tuple[int, int]]:
    with engine.connect() as conn:
        return {
            (
                r.review_year,
                r.standard_id,
                r.stage,
                r.measure,
                r.commune_code,
                r.village_code,
                r.category,
            ): (
                int(r.households),
                int(r.persons),
            )
            for r in conn.execute(sa.select(cells))
        }


def test_last_rounds_figures_stay_readable_when_a_new_round_arrives(engine: Engine) -> None:
    apply(engine, [event(n, status="poor" if n < 3 else "not_poor", year=2022) for n in range(10)])
    apply(engine, [event(n, status="poor" if n < 1 else "not_poor", year=2023) for n in range(10)])
    assert summary(engine, review_year=2022)["poor"] == 3
    assert summary(engine, review_year=2023)["poor"] == 1
    assert summary(engine)["poor"] == 1  # default: the latest round


def test_a_survey_sent_back_for_re_survey_does_not_enter_the_recognised_figures(
    engine: Engine,
) -> None:
    recognised = [event(n, status="not_poor", stage="recognised") for n in range(3)]
    resurvey = [event(9, status="poor", stage="proposed")]
    apply(engine, recognised + resurvey)
    assert summary(engine)["households"] == 3
    assert summary(engine)["poor"] == 0
    assert summary(engine, stage="proposed")["poor"] == 1


def test_a_commune_with_only_proposed_figures_has_no_recognised_round(engine: Engine) -> None:
    apply(engine, [event(1, status="poor", stage="proposed")])
    with pytest.raises(DomainError) as err:
        summary(engine)
    assert err.value.status == 404
    assert "recognised" in err.value.message_en


@pytest.mark.parametrize(
    ("kw", "status", "field"),
    [
        ({"standard_id": "bogus"}, 404, "standard"),
        ({"review_year": 1999}, 404, "year"),
        ({"stage": "final"}, 422, "stage"),
        ({"area": "99999"}, 404, "area"),
        ({"area": "04570", "by": "province"}, 422, "by"),
        ({"by": "hamlet"}, 422, "by"),
        ({"tables": ["bogus"]}, 422, "tables"),
        ({"cutoff": "7/3"}, 422, "k"),
    ],
)
def test_unknown_standard_round_stage_or_area_is_refused_with_the_reason(
    engine: Engine, kw: dict[str, Any], status: int, field: str
) -> None:
    apply(engine, [event(1)])
    args: dict[str, Any] = {"standard_id": STD, **kw}
    with pytest.raises(DomainError) as err:
        report_book(uow(engine), **args)
    assert (err.value.status, err.value.field) == (status, field)
    assert err.value.message_vi
    assert err.value.message_en


def test_a_later_survey_replaces_the_household_in_its_cells_whatever_the_arrival_order(
    engine: Engine,
) -> None:
    newer = event(
        1,
        status="near_poor",
        village="04570-02",
        surveyed_at=datetime(2026, 11, 2, tzinfo=UTC),
        survey_id="S-new",
    )
    older = event(
        1,
        status="poor",
        village="04570-01",
        deprived=("latrine", "telecom", "water_source"),
        surveyed_at=datetime(2026, 9, 5, tzinfo=UTC),
        survey_id="S-old",
    )
    apply(engine, [older])
    apply(engine, [newer])
    apply(engine, [older])  # re-published late: changes nothing
    s = summary(engine)
    assert (s["households"], s["poor"], s["near_poor"]) == (1, 0, 1)
    assert stored_cells(engine) == cells_from_households(engine)
    book = report_book(uow(engine), standard_id=STD, area="04570", tables=[TableKind.SUMMARY])
    t = book.table(TableKind.SUMMARY)
    assert [r.area.code for r in t.rows] == ["04570", "04570-02"]


def _round_events(seed: int) -> list[HouseholdClassified]:
    rng = random.Random(seed)
    statuses = ["poor", "near_poor", "average", "not_poor"]
    villages = ["04570-01", "04570-02", "04681-01", "04705-02", "09999-01"]
    out = []
    for n in range(60):
        for year in (2025, 2026):
            for k in range(rng.randint(1, 3)):  # re-surveys within the round
                village = rng.choice(villages)
                for stage in ("proposed", "recognised"):
                    if stage == "recognised" and rng.random() < 0.3:
                        continue
                    out.append(
                        event(
                            n,
                            year=year,
                            stage=stage,
                            status=rng.choice(statuses),
                            commune=village[:5],
                            village=village,
                            previous_status=rng.choice([None, *statuses]),
                            deprived=rng.sample(
                                ["latrine", "telecom", "water_source", "nutrition"],
                                rng.randint(0, 4),
                            ),
                            causes=rng.sample(["lack_land", "lack_capital"], rng.randint(0, 2)),
                            members=[member(1), member(2, age=rng.randint(1, 80))],
                            surveyed_at=datetime(year, 9 + k, 1 + n % 27, tzinfo=UTC),
                            survey_id=f"S-{year}-{n}-{k}",
                        )
                    )
                    if n % 7 == 0:  # the same survey's result published again, changed
                        again = out[-1].payload.model_copy(
                            update={"status": PovertyStatus(rng.choice(statuses))}
                        )
                        out.append(HouseholdClassified.create(again, producer="assessment"))
    return out


def _snapshot(engine: Engine) -> dict[str, list[tuple[Any, ...]]]:
    with engine.connect() as conn:
        return {
            t.name: sorted(tuple(r) for r in conn.execute(sa.select(t)))
            for t in (households, cells, rounds, indicators, tallies)
        }


@pytest.mark.parametrize("seed", [1, 2])
def test_rebuilding_from_the_events_in_another_order_and_batching_gives_identical_tables(
    engine: Engine, seed: int
) -> None:
    events = _round_events(seed)
    apply(engine, events, batch=50)
    first = _snapshot(engine)
    assert first["report_cell"], "the scenario must produce figures"
    assert stored_cells(engine) == cells_from_households(engine)
    clear_projections(uow(engine))
    assert _snapshot(engine)["household_round"] == []
    shuffled = list(events)
    random.Random(seed + 100).shuffle(shuffled)
    duplicated = shuffled + shuffled[: len(shuffled) // 3]  # redeliveries too
    apply(engine, duplicated, batch=37)
    assert _snapshot(engine) == first


@pytest.mark.parametrize("seed", [3])
def test_a_bulk_rebuild_from_the_streams_gives_the_tables_of_the_event_by_event_path(
    engine: Engine, seed: int
) -> None:
    events = _round_events(seed)
    apply(engine, events, batch=50)
    first = _snapshot(engine)
    book = report_book(uow(engine), standard_id=STD, by="village", area="04570")
    with engine.connect() as conn:
        processed = conn.execute(sa.select(sa.func.count()).select_from(plumbing.processed))
        n_processed = processed.scalar_one()
    clear_projections(uow(engine))
    shuffled = list(events)
    random.Random(seed).shuffle(shuffled)
    rebuild = Rebuild()
    for i in range(0, len(shuffled), 64):
        rebuild.add(shuffled[i : i + 64])
    rebuild.add(shuffled[:10])  # redelivered
    rebuild.write(uow(engine), NOW)
    assert _snapshot(engine) == first
    assert report_book(uow(engine), standard_id=STD, by="village", area="04570") == book
    with engine.connect() as conn:
        again = conn.execute(sa.select(sa.func.count()).select_from(plumbing.processed))
        assert again.scalar_one() == n_processed
    apply(engine, shuffled[:20])  # the consumer, started again, skips what was rebuilt
    assert _snapshot(engine) == first
    with pytest.raises(RuntimeError, match="empty"):
        Rebuild().write(uow(engine), NOW)


@pytest.mark.parametrize("workers", [0, 2])
@pytest.mark.parametrize("streamed", [False, True])
def test_a_rebuild_from_entry_bodies_decoded_slim_gives_the_same_tables(
    engine: Engine, workers: int, streamed: bool
) -> None:
    """The bodies as the stream holds them, decoded without the contract's models (and in
    worker processes), in small shuffled chunks with some entries read twice: the same
    projections as the event-by-event path, whether written at the end or as chunks are
    merged (then rows already written are replaced by later surveys of later chunks)."""
    events = _round_events(5)
    apply(engine, events, batch=50)
    first = _snapshot(engine)
    clear_projections(uow(engine))
    bodies = [e.to_json() for e in events]
    random.Random(5).shuffle(bodies)
    rebuild = Rebuild()
    chunks = [bodies[i : i + 40] for i in range(0, len(bodies), 40)] + [bodies[:7]]
    if streamed:
        assert rebuild.run(uow(engine), chunks, NOW, workers=workers) == len(
            {(e.payload.review_year, e.payload.stage, e.payload.household_code) for e in events}
        )
    else:
        assert rebuild.add_bodies(chunks, workers=workers) == len(events)
        rebuild.write(uow(engine), NOW)
    assert _snapshot(engine) == first


def test_slim_decoding_reads_what_the_contract_reads() -> None:
    from services.reporting.adapters.slim import read_classification, read_model, read_trusted
    from services.reporting.domain.definitions import ReportDefinitions

    d = ReportDefinitions()
    for e in _round_events(9)[:50]:
        assert read_trusted(e.to_json(), d) == read_model(e, d)
    broken = _round_events(9)[0].model_dump(mode="json")
    del broken["payload"]["indicators"]
    with pytest.raises(ValueError, match="indicators"):
        read_trusted(json.dumps(broken).encode(), d)
    with pytest.raises(ValidationError):
        read_classification(json.dumps(broken).encode(), d)


def test_slim_decoding_reads_the_acceptance_time_of_governing_results_only() -> None:
    from services.reporting.adapters.slim import read_model, read_trusted
    from services.reporting.domain.definitions import ReportDefinitions

    d = ReportDefinitions()
    accepted = datetime(2026, 11, 2, 8, 30, 15, 250_000, tzinfo=UTC)
    governing = classified_event(1, accepted_at=accepted)
    baseline = classified_event(
        1, standard_id="vn-2027-2030", governing=False, accepted_at=accepted
    )
    assert read_trusted(governing.to_json(), d).accepted_at == accepted
    assert read_trusted(governing.to_json(), d) == read_model(governing, d)
    assert read_trusted(baseline.to_json(), d).accepted_at is None
    assert read_trusted(classified_event(2).to_json(), d).accepted_at is None


@pytest.mark.parametrize(
    ("field", "value"),
    [("status", "bogus"), ("stage", "draft"), ("transition", 3), ("causes", ["nope"])],
)
def test_slim_decoding_defers_to_the_contract_when_a_code_is_unknown(
    field: str, value: object
) -> None:
    from services.reporting.adapters.slim import read_classification
    from services.reporting.domain.definitions import ReportDefinitions

    broken = _round_events(9)[0].model_dump(mode="json")
    broken["payload"][field] = value
    with pytest.raises(ValidationError):
        read_classification(json.dumps(broken).encode(), ReportDefinitions())


def test_concurrent_writers_keep_cells_equal_to_the_households_they_sum(engine: Engine) -> None:
    """Two replicas applying overlapping surveys of the same households at once."""
    events = _round_events(7)
    halves = [events[0::2], events[1::2]]
    errors: list[BaseException] = []

    def run(batch: list[HouseholdClassified]) -> None:
        for i in range(0, len(batch), 20):
            for _attempt in range(50):  # a consumer retries a batch that failed
                try:
                    apply_classifications(uow(engine), batch[i : i + 20], NOW)
                    break
                except OperationalError:
                    continue
            else:
                errors.append(RuntimeError("batch never applied"))

    threads = [threading.Thread(target=run, args=(h,)) for h in halves]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert stored_cells(engine) == cells_from_households(engine)
    single = create_db_engine("sqlite://")
    upgrade(single, MIGRATIONS)
    apply(single, events)
    assert _snapshot(engine)["report_cell"] == _snapshot(single)["report_cell"]


def test_province_book_has_named_rows_and_every_table(engine: Engine) -> None:
    apply(engine, [event(n, status="poor", commune="04681", village="04681-02") for n in range(6)])
    book = report_book(uow(engine), standard_id=STD)
    assert {t.key for t in book.tables} == {k.value for k in TableKind}
    t = book.table(TableKind.SUMMARY)
    names = [(r.area.code, r.area.name_vi) for r in t.rows]
    assert names == [("15", "Lào Cai"), ("138", "Huyện Trấn Yên"), ("04681", "Trấn Yên")]
    village = report_book(uow(engine), standard_id=STD, area="04681", tables=[TableKind.SUMMARY])
    assert village.table(TableKind.SUMMARY).row("04681-02").area.name_vi == "Thôn Hòa Cuông"
    (prov, *_rest) = mpi_rows(book)
    assert prov.households is not None
    assert prov.households.q == 0


def test_an_area_without_figures_this_round_has_one_row_of_zeros(engine: Engine) -> None:
    apply(engine, [event(1, commune="04570")])
    t = report_book(uow(engine), standard_id=STD, area="04681", tables=["summary"]).table("summary")
    assert [r.area.code for r in t.rows] == ["04681"]
    assert t.row("04681").values["households"] == Counts(0, 0)


def test_small_cells_are_hidden_in_every_table_when_suppressed(engine: Engine) -> None:
    apply(engine, [event(n, status="poor", commune="04681", village="04681-01") for n in range(3)])
    apply(
        engine,
        [event(10 + n, status="poor", commune="04705", village="04705-01") for n in range(9)],
    )
    apply(
        engine,
        [event(30 + n, status="not_poor", commune="04705", village="04705-02") for n in range(9)],
    )
    open_ = report_book(uow(engine), standard_id=STD)
    hidden = report_book(uow(engine), standard_id=STD, suppress=True, tables=["summary", "groups"])
    assert open_.table("summary").row("04681").values["poor"] is not None
    assert hidden.table("summary").row("04681").values["poor"] is None
    assert hidden.table("groups").row("04681").values["poor.total"] is None
    assert hidden.table("summary").row("15").values["poor"] is not None
    assert [t.key for t in hidden.tables] == ["summary", "groups"]


def test_targets_need_the_province_and_a_known_commune_district_or_province(
    engine: Engine,
) -> None:
    ok = TargetInput(2026, "04570", "poor_rate", "1.5")
    with pytest.raises(DomainError) as err:
        set_targets(uow(engine), [ok], COMMUNE, NOW)
    assert err.value.status == 403
    with pytest.raises(DomainError) as err:
        set_targets(uow(engine), [TargetInput(2026, "00000", "poor_rate", "1")], PROVINCE, NOW)
    assert err.value.status == 404
    with pytest.raises(DomainError) as err:
        set_targets(uow(engine), [TargetInput(2026, "04570-01", "poor_rate", "1")], PROVINCE, NOW)
    assert err.value.status == 422
    set_targets(uow(engine), [ok, TargetInput(2026, "138", "near_poor_rate", "0.5")], PROVINCE, NOW)
    apply(engine, [event(1, status="poor", year=2026)])
    rows = target_comparison(uow(engine), standard_id=STD, review_year=2026)
    assert {(r.area.code, r.result.outcome.value) for r in rows} == {
        ("04570", "no_baseline"),  # no earlier round to start from
        ("138", "no_baseline"),
    }
    only = target_comparison(uow(engine), standard_id=STD, review_year=2026, area="140")
    assert [r.area.code for r in only] == ["04570"]


def test_approved_figures_stay_frozen_while_later_events_change_the_live_ones(
    engine: Engine,
) -> None:
    apply(engine, [event(n, status="poor" if n < 5 else "not_poor") for n in range(20)])
    args = {"standard_id": STD, "review_year": 2026, "commune_code": "04570"}
    view = signoff_step(uow(engine), Step.SUBMIT, actor=COMMUNE, now=NOW, **args)
    assert view.signoff.state is SignoffState.SUBMITTED
    with pytest.raises(DomainError) as err:
        signoff_step(uow(engine), Step.APPROVE, actor=COMMUNE, now=NOW, **args)
    assert err.value.status == 403
    view = signoff_step(uow(engine), Step.APPROVE, actor=PROVINCE, now=NOW, **args)
    frozen = frozen_figures(uow(engine), **args)
    assert (view.signoff.approved_version, frozen.version) == (1, 1)
    assert frozen.approved_by == "can-bo-tinh"
    assert frozen.submitted_by == "can-bo-xa"
    assert not view.live_differs
    apply(engine, [event(99, status="poor")])  # a late recognition
    view = signoff_status(uow(engine), **args)
    assert view.live_differs
    assert frozen_figures(uow(engine), **args) == frozen
    with pytest.raises(DomainError) as err:
        signoff_step(uow(engine), Step.REOPEN, actor=PROVINCE, now=NOW, **args)
    assert err.value.status == 422
    signoff_step(uow(engine), "reopen", actor=PROVINCE, now=NOW, reason="hộ 99 bổ sung", **args)
    signoff_step(uow(engine), Step.SUBMIT, actor=COMMUNE, now=NOW, **args)
    view = signoff_step(uow(engine), Step.APPROVE, actor=PROVINCE, now=NOW, **args)
    assert view.signoff.approved_version == 2
    assert not view.live_differs
    assert frozen_figures(uow(engine), version=1, **args) == frozen
    trail = [(s.step.value, s.actor.user_id, s.reason) for s in view.steps]
    assert trail == [
        ("submit", "can-bo-xa", None),
        ("approve", "can-bo-tinh", None),
        ("reopen", "can-bo-tinh", "hộ 99 bổ sung"),
        ("submit", "can-bo-xa", None),
        ("approve", "can-bo-tinh", None),
    ]
    with pytest.raises(DomainError) as err:
        signoff_status(uow(engine), standard_id=STD, review_year=2026, commune_code="00000")
    assert err.value.status == 404


def test_household_lists_carry_causes_needs_deprivations_and_support_received(
    engine: Engine,
) -> None:
    apply(
        engine,
        [
            event(
                1, status="poor", causes=["lack_capital"], needs=["credit"], deprived=("latrine",)
            ),
            event(2, status="near_poor", village="04570-02"),
            event(
                3,
                status="not_poor",
                previous_status="poor",
                transition="escaped_poverty",
                newly_escaped_until=date(2029, 12, 10),
            ),
        ],
    )
    disbursed = SupportDisbursed.create(
        DisbursementPayload(
            disbursement_id="D-1",
            household_code="HH-0000001",
            commune_code="04570",
            kind="credit",
            programme_code="NTP-P3.1",
            funding_source="policy_credit",
            amount_vnd=50_000_000,
            disbursed_on=date(2026, 11, 1),
        ),
        producer="support",
    )
    apply_support(uow(engine), [disbursed], NOW)
    poor = household_list(uow(engine), standard_id=STD, kind=ListKind.POOR)
    (row,) = poor.rows
    assert (row.facts.causes, row.facts.needs, row.facts.deprived) == (
        ("lack_capital",),
        ("credit",),
        ("latrine",),
    )
    assert row.support.by_kind == {"credit": 50_000_000}
    escaped = household_list(uow(engine), standard_id=STD, kind="newly_escaped")
    assert [r.facts.household_code for r in escaped.rows] == ["HH-0000003"]
    near = household_list(uow(engine), standard_id=STD, kind="near_poor", area="04570-01")
    assert near.total == 0

    class Sponsors:
        def received(self, codes: Sequence[str]) -> dict[str, HouseholdSupport]:
            return {c: HouseholdSupport({}, "Hội Phụ nữ xã") for c in codes}

    sponsored = household_list(uow(engine), standard_id=STD, kind="poor", support=Sponsors())
    assert sponsored.rows[0].support.sponsor == "Hội Phụ nữ xã"


def test_support_totals_do_not_overflow_when_amounts_pass_64_bits(engine: Engine) -> None:
    big = 6_000_000_000_000_000_000  # each fits in 64 bits, the sum does not
    # beyond today's contract bound (10^12 per record): as a producer without it would send
    events = [
        SupportDisbursed.create(
            DisbursementPayload.model_construct(
                disbursement_id=f"D-{i}",
                household_code="HH-1",
                commune_code="04570",
                kind=SupportKind.HOUSING,
                programme_code="NTP-P5",
                funding_source=FundingSource.CENTRAL_BUDGET,
                amount_vnd=big + i,
                disbursed_on=date(2026, 11, 1),
            ),
            producer="support",
        )
        for i in range(2)
    ]
    apply_support(uow(engine), events, NOW)
    (total,) = support_totals(uow(engine))
    assert total.amount_vnd == 2 * big + 1


def test_area_registry_replaces_names_and_drops_areas_no_longer_listed(engine: Engine) -> None:
    apply(engine, [event(1, commune="04570")])
    renamed = AreaTree.of(
        [
            Area("15", AreaLevel.PROVINCE, "Lào Cai", "Lao Cai"),
            Area("04570", AreaLevel.COMMUNE, "Xã Thượng Bằng La", parent_code="15"),
        ]
    )
    assert apply_area_registry(uow(engine), renamed) == 2
    book = report_book(uow(engine), standard_id=STD, tables=["summary"])
    rows = [(r.area.code, r.area.name_vi, r.area.name_en) for r in book.table("summary").rows]
    assert rows == [("15", "Lào Cai", "Lao Cai"), ("04570", "Xã Thượng Bằng La", None)]
    with engine.connect() as conn:
        assert Households(conn).get([]) == {}
