"""Assessment writes each classification event without building the contract's models: the
body must be what the model would publish, for every kind of household and both standards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import orjson

from services.assessment.adapters.standards_repo import load_with_overrides
from services.assessment.domain.classifier import classify
from services.assessment.domain.errors import NotClassifiable
from services.assessment.domain.transitions import RecognisedStatus, transition
from services.assessment.service import Rules, event_body, payload_values, to_payload
from shared.contracts.classifications import HouseholdClassified
from shared.contracts.codes import PovertyStatus, ReviewStage
from tools.synthetic import synthetic_surveys

RULES = Rules(standards=load_with_overrides([]), classify_baseline=True)


def test_the_event_body_is_what_the_contract_model_publishes_for_every_survey() -> None:
    at = datetime(2026, 11, 29, 5, 30, 1, 250, tzinfo=UTC)
    accepted = datetime(2026, 11, 29, 12, 0, tzinfo=timezone(timedelta(hours=7)))
    checked = 0
    for n, survey in enumerate(synthetic_surveys(300)):
        governing, baseline = RULES.for_survey(survey)
        last = RecognisedStatus(status=None if n % 2 else PovertyStatus.POOR)
        for std in (governing, *baseline):
            try:
                result = classify(survey, std)
            except NotClassifiable:
                continue
            change = transition(
                last,
                result.status,
                survey.surveyed_at.date(),
                newly_escaped_months=std.newly_escaped_months,
            )
            kw = {
                "stage": ReviewStage.PROPOSED,
                "governing": std is governing,
                "standard": std,
                "accepted_at": accepted if n % 3 else None,
            }
            body = event_body(
                payload_values(survey, result, change, **kw),  # type: ignore[arg-type]
                correlation_id=f"c-{n}",
                occurred_at=at,
            )
            event = HouseholdClassified.model_validate_json(body)  # valid under the contract
            model = HouseholdClassified.create(
                to_payload(survey, result, change, **kw),  # type: ignore[arg-type]
                producer="assessment",
                correlation_id=f"c-{n}",
                occurred_at=at,
                event_id=event.event_id,
            )
            assert orjson.loads(body) == orjson.loads(model.to_json())
            checked += 1
    assert checked > 300  # both standards for most surveys
