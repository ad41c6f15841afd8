"""The year-end tables as pure functions over pre-aggregated cells.

Every table has one row per area (rolled up: see ``areas.roll_up``) and columns of
:class:`~services.reporting.domain.values.Counts` (households and persons). Each column says
which *quantity* it shows: the same quantity in two tables (poor households in the summary
and in the deprivation table) is one figure, so suppression treats it once. Each table lists
the linear *relations* its columns satisfy in every row (e.g. end = start − decreases +
increases), which both the tests and the suppression audit use. Rates are derived from two
columns and are never published when either is suppressed.

Forms follow Circular 07/2021/TT-BLĐTBXH, Appendix VII (as implemented by provinces; the
official column lists are not confirmed): 1 summary, 2–3 change tables, 4–7 deprivations,
8 groups, 9 ethnic groups, 10 causes, 11 children.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace

from services.reporting.domain import labels, life
from services.reporting.domain.areas import AreaRef, RollupRow
from services.reporting.domain.households import CHILD_KINDS, SEP, Measure
from services.reporting.domain.structure import Structure
from services.reporting.domain.values import ZERO, Counts, Rate
from shared.contracts.codes import PovertyCause, PovertyStatus, SupportKind, Transition

AreaCells = Mapping[str, Mapping[str, Counts]]
"""One area's cells: measure → category → counts."""

POOR, NEAR_POOR = PovertyStatus.POOR.value, PovertyStatus.NEAR_POOR.value
LISTED = (POOR, NEAR_POOR)
STATUSES = tuple(s.value for s in PovertyStatus)


def merge_cells(parts: Iterable[AreaCells]) -> AreaCells:
    """The cells of several areas added up (the ``combine`` of a rollup)."""
    parts = list(parts)
    if len(parts) == 1:
        return parts[0]
    out: dict[str, dict[str, Counts]] = {}
    for part in parts:
        for measure, cats in part.items():
            into = out.setdefault(measure, {})
            for cat, c in cats.items():
                into[cat] = into.get(cat, ZERO) + c
    return out


@dataclass(frozen=True, slots=True)
class Column:
    """A column of counts. ``quantity`` names what it counts (one figure per area across
    tables); ``contributors`` is the column whose households are the households behind this
    figure (``None``: this column's own)."""

    key: str
    label_vi: str
    label_en: str
    quantity: str
    contributors: str | None = None


@dataclass(frozen=True, slots=True)
class RateColumn:
    """``numerator`` / ``denominator`` of the same row, in households and in persons."""

    key: str
    label_vi: str
    label_en: str
    numerator: str
    denominator: str


@dataclass(frozen=True, slots=True)
class Row:
    area: AreaRef
    children: tuple[str, ...]
    values: Mapping[str, Counts | None]
    """``None``: suppressed."""

    def rate(self, rc: RateColumn) -> tuple[Rate, Rate] | None:
        """(households rate, persons rate), or ``None`` when either part is suppressed."""
        num, den = self.values.get(rc.numerator), self.values.get(rc.denominator)
        if num is None or den is None:
            return None
        return Rate(num.households, den.households), Rate(num.persons, den.persons)


Relation = tuple[tuple[str, int], ...]
"""Σ coefficient × column = 0, in every row."""


@dataclass(frozen=True, slots=True)
class Table:
    key: str
    title_vi: str
    title_en: str
    persons_vi: str
    persons_en: str
    columns: tuple[Column, ...]
    rates: tuple[RateColumn, ...]
    relations: tuple[Relation, ...]
    rows: tuple[Row, ...]
    suppressed_cells: int = 0
    """How many cells suppression hid (0 when not applied or nothing to hide)."""
    suppression_threshold: int | None = field(default=None)

    def row(self, code: str) -> Row:
        return next(r for r in self.rows if r.area.code == code)

    def column(self, key: str) -> Column:
        return next(c for c in self.columns if c.key == key)


PERSONS = ("Nhân khẩu của các hộ", "Members of the households")

Figures = Callable[[AreaCells], Mapping[str, Counts]]


def make_table(
    key: str,
    titles: tuple[str, str],
    columns: Sequence[Column],
    rows: Sequence[RollupRow[AreaCells]],
    figures: Figures,
    *,
    relations: Sequence[Relation] = (),
    rates: Sequence[RateColumn] = (),
    persons: tuple[str, str] = PERSONS,
) -> Table:
    """A table of ``columns`` over ``rows``: a row at the report's grain gets ``figures`` of
    its cells; a subtotal row gets the sum of the rows summed into it (every column counts
    households or persons of areas that do not overlap, so it adds up)."""
    keys = [c.key for c in columns]
    done: dict[str, dict[str, Counts]] = {}
    for r in reversed(rows):  # children before their parents
        if r.children:
            done[r.area.code] = {k: sum((done[ch][k] for ch in r.children), ZERO) for k in keys}
        else:
            values = figures(r.value)
            done[r.area.code] = {k: values.get(k, ZERO) for k in keys}
    built = [Row(r.area, r.children, done[r.area.code]) for r in rows]
    return Table(
        key,
        titles[0],
        titles[1],
        persons[0],
        persons[1],
        tuple(columns),
        tuple(rates),
        tuple(relations),
        tuple(built),
    )


def _cat(cells: AreaCells, measure: Measure) -> Mapping[str, Counts]:
    return cells.get(measure.value, {})


def _split(category: str) -> list[str]:
    return category.split(SEP)


# 1. summary ----------------------------------------------------------------------------------


def summary_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Form 1: households, persons, poor, near-poor, average-living and other households; the
    multidimensional poverty rate is the share of poor plus near-poor households."""
    cols = [
        Column("households", "Tổng số hộ", "Households", "status:*"),
        *[Column(s, *labels.status(s), f"status:{s}") for s in STATUSES],
        Column("listed", "Hộ nghèo và cận nghèo", "Poor and near-poor households", "status:listed"),
    ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        by = _cat(cells, Measure.STATUS)
        out = {s: by.get(s, ZERO) for s in STATUSES}
        out["households"] = sum(by.values(), ZERO)
        out["listed"] = out[POOR] + out[NEAR_POOR]
        return out

    return make_table(
        "summary",
        (
            "Tổng hợp kết quả rà soát hộ nghèo, hộ cận nghèo",
            "Results of the review: poor and near-poor households",
        ),
        cols,
        rows,
        figures,
        relations=[
            (("households", 1), *((s, -1) for s in STATUSES)),
            (("listed", 1), (POOR, -1), (NEAR_POOR, -1)),
        ],
        rates=[
            RateColumn("poor_rate", "Tỷ lệ hộ nghèo", "Poor rate", POOR, "households"),
            RateColumn(
                "near_poor_rate", "Tỷ lệ hộ cận nghèo", "Near-poor rate", NEAR_POOR, "households"
            ),
            RateColumn(
                "multidimensional_poverty_rate",
                "Tỷ lệ nghèo đa chiều",
                "Multidimensional poverty rate",
                "listed",
                "households",
            ),
        ],
    )


# 2-3. change tables ---------------------------------------------------------------------------

DECREASES = {
    POOR: ("to_near_poor", "escaped", "other"),
    NEAR_POOR: ("to_poor", "escaped", "other"),
}
INCREASES = {
    POOR: ("fell_back", "newly", "from_near_poor", "other"),
    NEAR_POOR: ("fell_back", "newly", "from_poor", "other"),
}
_FELL_BACK = {
    POOR: Transition.FELL_BACK_POOR.value,
    NEAR_POOR: Transition.FELL_BACK_NEAR_POOR.value,
}
_NEWLY = {POOR: Transition.NEWLY_POOR.value, NEAR_POOR: Transition.NEWLY_NEAR_POOR.value}
_ABOVE = frozenset({PovertyStatus.AVERAGE.value, PovertyStatus.NOT_POOR.value})


@dataclass(frozen=True, slots=True)
class Change:
    """Where one household falls in the change table of ``subject``."""

    start: bool
    end: bool
    decrease: str | None
    increase: str | None


def change_of(subject: str, previous: str | None, status: str, transition: str) -> Change:
    """The place of a household in the change table of poor (or near-poor) households.

    Start of period: its last recognised status before the round's decision was ``subject``;
    end of period: its status now is ``subject``. Every household in the start but not the
    end is exactly one decrease (to the other list; escaped, i.e. above the near-poor line;
    other), every household in the end but not the start exactly one increase (from the
    other list; fell back, i.e. had left the lists before; newly listed; other), so the table
    reconciles: end = start − decreases + increases (Decision 24/2021/QĐ-TTg; forms 2 and 3)."""
    other = NEAR_POOR if subject == POOR else POOR
    start, end = previous == subject, status == subject
    decrease = increase = None
    if start and not end:
        if status == other:
            decrease = f"to_{other}"
        elif status in _ABOVE:
            decrease = "escaped"
        else:
            decrease = "other"
    elif end and not start:
        if previous == other:
            increase = f"from_{other}"
        elif transition == _FELL_BACK[subject]:
            increase = "fell_back"
        elif transition == _NEWLY[subject]:
            increase = "newly"
        else:
            increase = "other"
    return Change(start, end, decrease, increase)


def life_places(subject: str, category: str) -> list[tuple[str, int]]:
    """Where a life event (a ``life`` category, see ``domain.life``) moves a household in the
    change table of ``subject``: (column, +1 or -1). Each list keeps the row's relation
    (end = start − decreases + increases) and never touches the end of the period."""
    parts = _split(category)
    status, effect = parts[0], parts[1]
    if effect == life.SPLIT_OFF:
        ch = change_of(subject, None, status, parts[2])
        if ch.increase is None or ch.increase == "other":
            return []
        return [(f"inc_{ch.increase}", -1), ("inc_other", 1)]
    if status != subject:
        return []
    if effect == life.LEFT:
        return [("start", 1), ("dec_other", 1)]
    if effect == life.ARRIVED:
        return [("start", -1), ("inc_other", 1)]
    return []


_CHANGE_LABELS = {
    "start": ("Đầu kỳ", "Start of period"),
    "end": ("Cuối kỳ", "End of period"),
    "dec_to_near_poor": ("Giảm: chuyển sang hộ cận nghèo", "Decrease: became near-poor"),
    "dec_to_poor": ("Giảm: chuyển sang hộ nghèo", "Decrease: became poor"),
    "dec_escaped": ("Giảm: vượt chuẩn cận nghèo", "Decrease: rose above the near-poor line"),
    "dec_other": ("Giảm: khác", "Decrease: other"),
    "inc_fell_back": ("Tăng: tái nghèo", "Increase: fell back"),
    "inc_newly": ("Tăng: phát sinh mới", "Increase: newly listed"),
    "inc_from_near_poor": ("Tăng: từ hộ cận nghèo", "Increase: from near-poor"),
    "inc_from_poor": ("Tăng: từ hộ nghèo", "Increase: from poor"),
    "inc_other": ("Tăng: khác", "Increase: other"),
}


def change_table(rows: Sequence[RollupRow[AreaCells]], subject: str) -> Table:
    """Form 2 (poor) or 3 (near-poor): start, decreases, increases, end of the period.
    Persons are the members of each household at this round."""
    decs = [f"dec_{d}" for d in DECREASES[subject]]
    incs = [f"inc_{i}" for i in INCREASES[subject]]
    keys = ["start", *decs, *incs, "end"]
    quantity = {k: f"change:{subject}:{k}" for k in keys}
    quantity["start"] = f"start:{subject}"
    quantity["end"] = f"status:{subject}"
    cols = [Column(k, *_CHANGE_LABELS[k], quantity[k]) for k in keys]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for category, c in _cat(cells, Measure.CHANGE).items():
            previous, status, transition = _split(category)
            ch = change_of(subject, previous or None, status, transition)
            for key, hit in (
                ("start", ch.start),
                ("end", ch.end),
                (f"dec_{ch.decrease}", ch.decrease is not None),
                (f"inc_{ch.increase}", ch.increase is not None),
            ):
                if hit:
                    out[key] = out.get(key, ZERO) + c
        for category, c in _cat(cells, Measure.LIFE).items():
            for key, sign in life_places(subject, category):
                out[key] = out.get(key, ZERO) + (c if sign > 0 else -c)
        return out

    vi, en = labels.status(subject)
    return make_table(
        f"changes_{subject}",
        (f"Tổng hợp diễn biến {vi.lower()}", f"Change in {en.lower()}"),
        cols,
        rows,
        figures,
        relations=[(("end", 1), ("start", -1), *((d, 1) for d in decs), *((i, -1) for i in incs))],
    )


# 4-7. deprivations ----------------------------------------------------------------------------


def deprivation_table(
    rows: Sequence[RollupRow[AreaCells]], structure: Structure, subject: str
) -> Table:
    """Forms 4-7: households of ``subject`` status deprived on each indicator of the standard,
    the total number of deprivations, and each indicator's share of the households."""
    codes = list(structure.codes)
    for r in rows:  # an indicator the stored structure lacks is still shown
        for category in _cat(r.value, Measure.DEPRIVED):
            status, code = _split(category)
            if status == subject and code not in codes:
                codes.append(code)
    vi, en = labels.status(subject)
    cols = [
        Column("households", vi, en, f"status:{subject}"),
        Column(
            "deprivations",
            "Tổng số lượt thiếu hụt",
            "Deprivations (household-indicator pairs)",
            f"deprivations:{subject}",
        ),
        *[Column(c, c, c, f"deprived:{subject}:{c}") for c in codes],
    ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {"households": _cat(cells, Measure.STATUS).get(subject, ZERO)}
        total = ZERO
        for category, c in _cat(cells, Measure.DEPRIVED).items():
            status, code = _split(category)
            if status == subject:
                out[code] = c
                total = total + c
        out["deprivations"] = total
        return out

    return make_table(
        f"deprivation_{subject}",
        (
            f"Thiếu hụt các dịch vụ xã hội cơ bản của {vi.lower()}",
            f"Deprivations of {en.lower()} in basic social services",
        ),
        cols,
        rows,
        figures,
        relations=[(("deprivations", 1), *((c, -1) for c in codes))],
        rates=[RateColumn(f"{c}_rate", f"Tỷ lệ {c}", f"{c} rate", c, "households") for c in codes],
    )


# 8. groups ------------------------------------------------------------------------------------


def groups_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Form 8: poor and near-poor households that are ethnic-minority, lack labour capacity or
    have a female head (flags overlap), and those with none of these ("other")."""
    cols: list[Column] = []
    for s in LISTED:
        vi, en = labels.status(s)
        cols += [
            Column(f"{s}.total", vi, en, f"status:{s}"),
            Column(f"{s}.minority", "Dân tộc thiểu số", "Ethnic minority", f"minority:{s}"),
            Column(
                f"{s}.no_labour",
                "Không có khả năng lao động",
                "Without labour capacity",
                f"no_labour:{s}",
            ),
            Column(f"{s}.female_head", "Chủ hộ là nữ", "Female head", f"sex:{s}:female"),
            Column(f"{s}.other", "Khác", "None of these", f"group_none:{s}"),
        ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for category, c in _cat(cells, Measure.GROUP).items():
            s, flags = _split(category)
            if s not in LISTED:
                continue
            out[f"{s}.total"] = out.get(f"{s}.total", ZERO) + c
            for flag, name in zip(flags, ("minority", "no_labour", "female_head"), strict=True):
                if flag == "1":
                    out[f"{s}.{name}"] = out.get(f"{s}.{name}", ZERO) + c
            if flags == "000":
                out[f"{s}.other"] = out.get(f"{s}.other", ZERO) + c
        return out

    return make_table(
        "groups",
        (
            "Hộ nghèo, hộ cận nghèo theo nhóm đối tượng",
            "Poor and near-poor households by group",
        ),
        cols,
        rows,
        figures,
    )


# 9. ethnic groups and sex of the head ---------------------------------------------------------

BLOCKS = ("households", POOR, NEAR_POOR)
_BLOCK_LABEL = {"households": ("Tổng số hộ", "All households")}


def _block_label(block: str) -> tuple[str, str]:
    return _BLOCK_LABEL.get(block) or labels.status(block)


def _block_quantity(block: str) -> str:
    return "status:*" if block == "households" else f"status:{block}"


def ethnicity_table(rows: Sequence[RollupRow[AreaCells]], majority: Sequence[str]) -> Table:
    """Form 9: all, poor and near-poor households by the head's ethnic group: the majority
    group(s) (Kinh), all minorities together, and each minority group seen in the area."""
    groups = sorted(
        {
            _split(cat)[1]
            for r in rows
            for cat in _cat(r.value, Measure.ETHNICITY)
            if _split(cat)[1] not in majority
        }
    )
    name = "Kinh" if list(majority) == ["kinh"] else "+".join(majority)
    cols: list[Column] = []
    relations: list[Relation] = []
    rates: list[RateColumn] = []
    for b in BLOCKS:
        vi, en = _block_label(b)
        cols += [
            Column(f"{b}.total", vi, en, _block_quantity(b)),
            Column(f"{b}.majority", name, name, f"majority:{b}"),
            Column(
                f"{b}.minority",
                "Dân tộc thiểu số",
                "Ethnic minorities",
                "minority:*" if b == "households" else f"minority:{b}",
            ),
            *[Column(f"{b}.{g}", g, g, f"ethnicity:{b}:{g}") for g in groups],
        ]
        relations += [
            ((f"{b}.total", 1), (f"{b}.majority", -1), (f"{b}.minority", -1)),
            ((f"{b}.minority", 1), *((f"{b}.{g}", -1) for g in groups)),
        ]
    for s in LISTED:
        vi, en = labels.status(s)
        for part in ("minority", "majority"):
            rates.append(
                RateColumn(
                    f"{s}_rate.{part}",
                    f"Tỷ lệ {vi.lower()} ({'DTTS' if part == 'minority' else name})",
                    f"{en} rate ({'ethnic minorities' if part == 'minority' else name})",
                    f"{s}.{part}",
                    f"households.{part}",
                )
            )

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for category, c in _cat(cells, Measure.ETHNICITY).items():
            s, g = _split(category)
            for b in ("households", s) if s in LISTED else ("households",):
                out[f"{b}.total"] = out.get(f"{b}.total", ZERO) + c
                part = "majority" if g in majority else "minority"
                out[f"{b}.{part}"] = out.get(f"{b}.{part}", ZERO) + c
                if part == "minority":
                    out[f"{b}.{g}"] = out.get(f"{b}.{g}", ZERO) + c
        return out

    return make_table(
        "ethnicity",
        ("Hộ nghèo, hộ cận nghèo theo dân tộc", "Poor and near-poor households by ethnic group"),
        cols,
        rows,
        figures,
        relations=relations,
        rates=rates,
    )


def head_sex_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """All, poor and near-poor households by the sex of the head (forms 12-13)."""
    cols: list[Column] = []
    relations: list[Relation] = []
    for b in BLOCKS:
        vi, en = _block_label(b)
        cols.append(Column(f"{b}.total", vi, en, _block_quantity(b)))
        cols += [
            Column(f"{b}.{sex or 'unknown'}", *labels.SEX[sex], f"sex:{b}:{sex or 'unknown'}")
            for sex in ("male", "female", "")
        ]
        relations.append(
            ((f"{b}.total", 1), *((f"{b}.{x}", -1) for x in ("male", "female", "unknown")))
        )

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for category, c in _cat(cells, Measure.HEAD_SEX).items():
            s, sex = _split(category)
            for b in ("households", s) if s in LISTED else ("households",):
                out[f"{b}.total"] = out.get(f"{b}.total", ZERO) + c
                key = f"{b}.{sex or 'unknown'}"
                out[key] = out.get(key, ZERO) + c
        return out

    return make_table(
        "head_sex",
        ("Hộ theo giới tính chủ hộ", "Households by sex of the head"),
        cols,
        rows,
        figures,
        relations=relations,
    )


# 10. causes and needs -------------------------------------------------------------------------


def _listed_by(
    key: str,
    titles: tuple[str, str],
    measure: Measure,
    codes: Sequence[str],
    names: Mapping[str, tuple[str, str]],
    rows: Sequence[RollupRow[AreaCells]],
) -> Table:
    cols: list[Column] = []
    for s in LISTED:
        vi, en = labels.status(s)
        cols.append(Column(f"{s}.households", vi, en, f"status:{s}"))
        cols += [Column(f"{s}.{c}", *names[c], f"{measure.value}:{s}:{c}") for c in codes]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out = {f"{s}.households": _cat(cells, Measure.STATUS).get(s, ZERO) for s in LISTED}
        for category, c in _cat(cells, measure).items():
            s, code = _split(category)
            if s in LISTED:
                out[f"{s}.{code}"] = c
        return out

    return make_table(key, titles, cols, rows, figures)


def causes_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Form 10: poor and near-poor households by cause of poverty (a household may have
    several causes, so the causes do not add up to the households)."""
    return _listed_by(
        "causes",
        ("Hộ nghèo, hộ cận nghèo theo nguyên nhân nghèo", "Poor and near-poor households by cause"),
        Measure.CAUSE,
        [c.value for c in PovertyCause],
        labels.CAUSE,
        rows,
    )


def needs_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Poor and near-poor households by support need (several per household)."""
    return _listed_by(
        "needs",
        ("Hộ nghèo, hộ cận nghèo theo nhu cầu hỗ trợ", "Poor and near-poor households by need"),
        Measure.NEED,
        [c.value for c in SupportKind],
        labels.NEED,
        rows,
    )


# 11. children ---------------------------------------------------------------------------------


def children_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Form 11: children in poor and near-poor households, and those without health
    insurance, malnourished or out of school. Households: those with at least one such child;
    persons: the children."""
    cols: list[Column] = []
    for s in LISTED:
        vi, _en = labels.status(s)
        cols += [
            Column(
                f"{s}.{k}",
                f"{labels.CHILDREN[k][0]} ({vi.lower()})",
                f"{labels.CHILDREN[k][1]} ({labels.status(s)[1].lower()})",
                f"children:{s}:{k}",
            )
            for k in CHILD_KINDS
        ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for category, c in _cat(cells, Measure.CHILDREN).items():
            s, kind = _split(category)
            if s in LISTED:
                out[f"{s}.{kind}"] = c
        return out

    return make_table(
        "children",
        (
            "Thiếu hụt của trẻ em thuộc hộ nghèo, hộ cận nghèo",
            "Deprivations of children in poor and near-poor households",
        ),
        cols,
        rows,
        figures,
        persons=("Trẻ em", "Children"),
    )


# newly escaped, low-income workers -------------------------------------------------------------


def newly_escaped_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Households that left the poor or near-poor list at most 36 months before the round's
    decision (hộ mới thoát nghèo; Decision 24/2021 and the standard's ``newly_escaped_months``)."""
    cols = [Column("newly_escaped", "Hộ mới thoát nghèo", "Newly escaped households", "newly")]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        return {"newly_escaped": sum(_cat(cells, Measure.NEWLY_ESCAPED).values(), ZERO)}

    return make_table(
        "newly_escaped",
        ("Hộ mới thoát nghèo (trong 36 tháng)", "Newly escaped households (within 36 months)"),
        cols,
        rows,
        figures,
    )


def low_income_table(rows: Sequence[RollupRow[AreaCells]]) -> Table:
    """Households neither poor nor near-poor within the low-income band of Decree 30/2025;
    persons: their workers (members able to work), the target group of vocational training."""
    cols = [
        Column(
            "low_income",
            "Hộ có người lao động thu nhập thấp",
            "Households of low-income workers",
            "low_income",
        )
    ]

    def figures(cells: AreaCells) -> dict[str, Counts]:
        return {"low_income": _cat(cells, Measure.LOW_INCOME).get("", ZERO)}

    return make_table(
        "low_income_workers",
        ("Người lao động có thu nhập thấp", "Low-income workers"),
        cols,
        rows,
        figures,
        persons=("Người lao động", "Workers"),
    )


def with_rows(table: Table, rows: Sequence[Row]) -> Table:
    return replace(table, rows=tuple(rows))
