"""Code lists used on the review forms and shared by several contracts.

Values are stable English identifiers; Vietnamese labels live in ``shared.i18n``.
"""

from __future__ import annotations

from enum import StrEnum


class AreaType(StrEnum):
    """Area type of a commune, which selects the income line (urban: phường; rural: xã)."""

    URBAN = "urban"
    RURAL = "rural"


class ReviewKind(StrEnum):
    """Periodic (1 Sep - 14 Dec) or regular (monthly, on request) review, Decision 24/2021."""

    PERIODIC = "periodic"
    REGULAR = "regular"


class IncomeBasis(StrEnum):
    """What the income figure on a survey is."""

    VND_PER_CAPITA_MONTH = "vnd_per_capita_month"
    SCORE_A = "score_a"


class Sex(StrEnum):
    MALE = "male"
    FEMALE = "female"


class Relation(StrEnum):
    HEAD = "head"
    SPOUSE = "spouse"
    CHILD = "child"
    PARENT = "parent"
    GRANDCHILD = "grandchild"
    SIBLING = "sibling"
    OTHER = "other"


class WorkCapacity(StrEnum):
    FULL = "full"
    PARTIAL = "partial"
    NONE = "none"


class Employment(StrEnum):
    """Labour status of a member in the reference period."""

    EMPLOYED = "employed"
    UNEMPLOYED = "unemployed"
    NOT_IN_LABOUR_FORCE = "not_in_labour_force"


class SchoolLevel(StrEnum):
    """Level of schooling a member currently attends (``none`` if not attending)."""

    NONE = "none"
    PRESCHOOL = "preschool"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    VOCATIONAL = "vocational"
    HIGHER = "higher"


class Qualification(StrEnum):
    """Highest diploma or certificate held."""

    NONE = "none"
    PRIMARY = "primary"
    LOWER_SECONDARY = "lower_secondary"
    UPPER_SECONDARY = "upper_secondary"
    VOCATIONAL_ELEMENTARY = "vocational_elementary"
    VOCATIONAL_INTERMEDIATE = "vocational_intermediate"
    COLLEGE = "college"
    UNIVERSITY = "university"


class Material(StrEnum):
    """Material of a house component (pillars, walls or roof)."""

    REINFORCED_CONCRETE = "reinforced_concrete"
    BRICK_STONE = "brick_stone"
    STEEL = "steel"
    DURABLE_WOOD = "durable_wood"
    TILE = "tile"
    FIBRE_CEMENT_METAL_SHEET = "fibre_cement_metal_sheet"
    BAMBOO = "bamboo"
    LEAVES_THATCH = "leaves_thatch"
    MUD_EARTH = "mud_earth"
    TARPAULIN_OTHER = "tarpaulin_other"


class WaterSource(StrEnum):
    PIPED = "piped"
    DRILLED_WELL = "drilled_well"
    PROTECTED_DUG_WELL = "protected_dug_well"
    PROTECTED_SPRING = "protected_spring"
    RAINWATER = "rainwater"
    BOTTLED = "bottled"
    UNPROTECTED_DUG_WELL = "unprotected_dug_well"
    UNPROTECTED_SPRING = "unprotected_spring"
    SURFACE_WATER = "surface_water"
    OTHER = "other"


class Latrine(StrEnum):
    FLUSH_SEPTIC = "flush_septic"
    FLUSH_SEWER = "flush_sewer"
    DOUBLE_VAULT = "double_vault"
    VENTILATED_PIT = "ventilated_pit"
    BIOGAS = "biogas"
    UNIMPROVED_PIT = "unimproved_pit"
    HANGING_OVER_WATER = "hanging_over_water"
    NONE = "none"


class WasteHandling(StrEnum):
    """How household waste is handled (indicator of the 2027-2030 standard)."""

    COLLECTED = "collected"
    TREATED_ON_SITE = "treated_on_site"
    BURNED_OPEN = "burned_open"
    DUMPED = "dumped"
    OTHER = "other"


class Asset(StrEnum):
    """Information devices and assets asked about on the form."""

    TELEVISION = "television"
    RADIO = "radio"
    COMPUTER = "computer"
    LANDLINE_PHONE = "landline_phone"
    MOBILE_PHONE = "mobile_phone"
    SMARTPHONE = "smartphone"
    TABLET = "tablet"
    MOTORBIKE = "motorbike"
    CAR = "car"
    REFRIGERATOR = "refrigerator"
    WASHING_MACHINE = "washing_machine"
    AIR_CONDITIONER = "air_conditioner"


class PovertyCause(StrEnum):
    """Causes of poverty recorded on review forms (a household may have several)."""

    LACK_LAND = "lack_land"
    LACK_CAPITAL = "lack_capital"
    LACK_LABOUR = "lack_labour"
    LACK_TOOLS = "lack_tools"
    LACK_KNOW_HOW = "lack_know_how"
    LACK_SKILLS = "lack_skills"
    ILLNESS_ACCIDENT = "illness_accident"
    OTHER = "other"


class SupportKind(StrEnum):
    """Kinds of support a household needs or receives."""

    PRODUCTION = "production"
    CREDIT = "credit"
    HOUSING = "housing"
    VOCATIONAL_TRAINING = "vocational_training"
    JOB_PLACEMENT = "job_placement"
    HEALTH_INSURANCE = "health_insurance"
    EDUCATION = "education"
    OTHER = "other"


class RecordType(StrEnum):
    """What a support record is part of."""

    SUPPORT = "support"
    LOAN = "loan"
    REVOLVING = "revolving"
    PASS_ON = "pass_on"  # noqa: S105  (an animal passed on)
    HOUSING = "housing"
    INSURANCE = "insurance"
    TRAINING = "training"


class EmploymentOutcome(StrEnum):
    """Where a trained worker found work."""

    LOCAL_JOB = "local_job"
    OWN_BUSINESS = "own_business"
    CONTRACT_ABROAD = "contract_abroad"


class FundingSource(StrEnum):
    CENTRAL_BUDGET = "central_budget"
    LOCAL_BUDGET = "local_budget"
    POLICY_CREDIT = "policy_credit"
    SOCIAL_MOBILISATION = "social_mobilisation"
    HOUSEHOLD_CONTRIBUTION = "household_contribution"


class PovertyStatus(StrEnum):
    """Outcome of classification under a standard."""

    POOR = "poor"
    NEAR_POOR = "near_poor"
    AVERAGE = "average"
    NOT_POOR = "not_poor"


class ReviewStage(StrEnum):
    """Proposed by the engine, or recognised by the commune's decision."""

    PROPOSED = "proposed"
    RECOGNISED = "recognised"


class Transition(StrEnum):
    """Change against the household's last recognised status (year-end change tables)."""

    UNCHANGED = "unchanged"
    NEWLY_POOR = "newly_poor"
    NEWLY_NEAR_POOR = "newly_near_poor"
    POOR_TO_NEAR_POOR = "poor_to_near_poor"
    NEAR_POOR_TO_POOR = "near_poor_to_poor"
    ESCAPED_POVERTY = "escaped_poverty"
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty"
    FELL_BACK_POOR = "fell_back_poor"
    FELL_BACK_NEAR_POOR = "fell_back_near_poor"
    NOT_LISTED = "not_listed"


class LoanStatus(StrEnum):
    ACTIVE = "active"
    CLOSED = "closed"
    WRITTEN_OFF = "written_off"


class OverdueBucket(StrEnum):
    """Ageing of a loan by the days its oldest unpaid instalment is past due."""

    CURRENT = "current"
    DAYS_1_30 = "1-30"
    DAYS_31_90 = "31-90"
    OVER_90 = "over-90"


class AssetKind(StrEnum):
    """What revolving support gives: animals passed on, or cash/goods partly returned."""

    LIVESTOCK = "livestock"
    CASH = "cash"


class ObligationStatus(StrEnum):
    OPEN = "open"
    FULFILLED = "fulfilled"
    WAIVED = "waived"


class HerdEventKind(StrEnum):
    BIRTH = "birth"
    DEATH = "death"
    SALE = "sale"
    PURCHASE = "purchase"


class HousingKind(StrEnum):
    BUILD = "build"
    REPAIR = "repair"


class OrganisationKind(StrEnum):
    AGENCY = "agency"
    ENTERPRISE = "enterprise"
    MASS_ORGANISATION = "mass_organisation"
    INDIVIDUAL_DONOR = "individual_donor"


class PairingOutcome(StrEnum):
    ESCAPED_POVERTY = "escaped_poverty"
    ESCAPED_NEAR_POVERTY = "escaped_near_poverty"
    IMPROVED = "improved"
    UNCHANGED = "unchanged"
    MOVED_AWAY = "moved_away"
    WITHDRAWN = "withdrawn"
