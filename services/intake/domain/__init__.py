"""Intake's pure parsing: areas, bulk rows and KoBo submissions into ``SurveyPayload``s."""

from services.intake.domain.areas import AreaInfo, AreaLookupError, AreaRegistry, CommuneType
from services.intake.domain.bulk import Accepted, FieldError, LayoutError, Rejected, parse_tables
from services.intake.domain.kobo import KoboFieldError, KoboResult, map_submission
from services.intake.domain.messages import Message, message

__all__ = [
    "Accepted",
    "AreaInfo",
    "AreaLookupError",
    "AreaRegistry",
    "CommuneType",
    "FieldError",
    "KoboFieldError",
    "KoboResult",
    "LayoutError",
    "Message",
    "Rejected",
    "map_submission",
    "message",
    "parse_tables",
]
