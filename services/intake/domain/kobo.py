"""Map a KoBoToolbox REST-service submission (JSON) of the XLSForm into a ``SurveyRecord``.

KoBo sends flat keys with group paths ("household/commune_code"), a repeat as a list of dicts
whose keys carry the repeat path, select_multiple answers separated by spaces, and metadata:
``meta/instanceID`` (this version), ``meta/deprecatedID`` (the version an edit replaces),
``meta/rootUuid`` (the first version, newer KoBo), ``_submission_time`` (UTC). The survey id
is the instance id, so processing an instance twice is idempotent and an edit is a new survey
that names the one it supersedes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final

from services.intake.domain.areas import AreaRegistry
from services.intake.domain.assembly import Problem, RecordReader, assemble
from services.intake.domain.layout import HOUSEHOLDS, MEMBERS
from services.intake.domain.messages import Message, message
from services.intake.domain.record import SurveyRecord
from services.intake.domain.text import text_problem
from shared.contracts.codes import IncomeBasis

MAX_ID_CHARS: Final = 128
"""Longest instance id stored (``form_submission.instance_id``)."""
REPEAT: Final = "members"
HOUSEHOLD_GROUP: Final = "household"
_INCOME_KEY: Final = {
    IncomeBasis.VND_PER_CAPITA_MONTH.value: "income_vnd",
    IncomeBasis.SCORE_A.value: "score_a",
}


class KoboSubmissionError(ValueError):
    """The submission cannot be identified (no instance id); nothing can be stored."""

    def __init__(self, msg: Message) -> None:
        super().__init__(str(msg))
        self.message = msg


@dataclass(frozen=True, slots=True)
class KoboFieldError:
    """A wrong answer: its path in the submission, the question label and why (vi + en)."""

    path: str
    field: str
    message: Message

    def __str__(self) -> str:
        return f"[{self.field}] ({self.path}): {self.message}"


@dataclass(frozen=True, slots=True)
class KoboResult:
    """One submission version: its ids, and either the payload or the errors."""

    instance_id: str
    deprecated_id: str | None
    root_id: str | None
    submitted_at: datetime | None
    payload: SurveyRecord | None
    errors: tuple[KoboFieldError, ...] = ()

    @property
    def accepted(self) -> bool:
        return self.payload is not None

    @property
    def is_edit(self) -> bool:
        return self.deprecated_id is not None


def _leaf(key: str) -> str:
    return key.rsplit("/", 1)[-1]


def _text(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def instance_ids(submission: Mapping[str, Any]) -> tuple[str, str | None, str | None]:
    """(instance id, deprecated id, root id) of a submission."""
    instance = _text(submission.get("meta/instanceID"))
    if instance is None and _text(submission.get("_uuid")):
        instance = f"uuid:{submission['_uuid']}"
    if instance is None:
        raise KoboSubmissionError(message("kobo_no_instance_id"))
    ids = (
        instance,
        _text(submission.get("meta/deprecatedID")),
        _text(submission.get("meta/rootUuid")),
    )
    for key, value in zip(
        ("meta/instanceID", "meta/deprecatedID", "meta/rootUuid"), ids, strict=True
    ):
        if value is not None and (
            len(value) > MAX_ID_CHARS or text_problem(value, code=True) is not None
        ):
            raise KoboSubmissionError(message("kobo_bad_instance_id", name=key, limit=MAX_ID_CHARS))
    return ids


def _submitted_at(submission: Mapping[str, Any]) -> datetime | None:
    raw = _text(submission.get("_submission_time"))
    if raw is None:
        return None
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        return None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)  # KoBo stores UTC


def map_submission(submission: Mapping[str, Any], registry: AreaRegistry) -> KoboResult:
    """The payload of one submission, or its field errors; ``KoboSubmissionError`` if no id."""
    instance, deprecated, root = instance_ids(submission)
    household_raw: dict[str, object] = {}
    member_raws: list[dict[str, object]] = []
    paths: dict[str, str] = {}
    for key, value in submission.items():
        leaf = _leaf(key)
        if leaf == REPEAT and isinstance(value, list):
            for item in value:
                if isinstance(item, Mapping):
                    member_raws.append({_leaf(k): v for k, v in item.items()})
            paths[REPEAT] = key
        elif leaf in HOUSEHOLDS.by_key or leaf in {"income_basis", "income_value"}:
            household_raw[leaf] = value
            paths[leaf] = key
    basis = _text(household_raw.pop("income_basis", None))
    income = household_raw.pop("income_value", None)
    if basis in _INCOME_KEY:
        household_raw[_INCOME_KEY[basis]] = income
        paths[_INCOME_KEY[basis]] = paths.get("income_value", "income_value")
    if "surveyed_at" not in household_raw and _text(submission.get("start")):
        household_raw["surveyed_at"] = submission["start"]
    household_raw.pop("survey_id", None)

    household_reader = RecordReader(HOUSEHOLDS, list_separator=" ")
    member_reader = RecordReader(MEMBERS, list_separator=" ")
    household, problems = household_reader.read(
        (k, household_raw.get(k)) for k in HOUSEHOLDS.by_key
    )
    members = []
    code = household.get("household_code")
    for index, raw in enumerate(member_raws):
        raw["household_code"] = code
        values, member_problems = member_reader.read(
            ((k, raw.get(k)) for k in MEMBERS.by_key), index
        )
        members.append(values)
        problems.extend(p for p in member_problems if p.key != "household_code")
    result = assemble(household, members, registry, problems, survey_id=instance)
    submitted = _submitted_at(submission)
    if isinstance(result, SurveyRecord):
        return KoboResult(instance, deprecated, root, submitted, result)
    errors = tuple(_field_error(p, paths) for p in result)
    return KoboResult(instance, deprecated, root, submitted, None, errors)


def _field_error(problem: Problem, paths: Mapping[str, str]) -> KoboFieldError:
    if problem.member is None:
        column = HOUSEHOLDS.by_key[problem.key]
        path = paths.get(problem.key, f"{HOUSEHOLD_GROUP}/{problem.key}")
    else:
        column = MEMBERS.by_key[problem.key]
        repeat = paths.get(REPEAT, f"{HOUSEHOLD_GROUP}/{REPEAT}")
        path = f"{repeat}[{problem.member + 1}]/{problem.key}"
    return KoboFieldError(path, f"{column.vi} / {column.key}", problem.message)
