"""Words the inspectorates share across contexts."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, model_validator


class Agency(StrEnum):
    """Who evidence, findings and notifications are about (domain.md; 001 Proposal two and four)."""

    LOCAL_AUTHORITY = "local_authority"
    HEALTH = "health"
    POLICE = "police"
    PROBATION = "probation"  # probation providers: NPS and CRCs (004 §84-90)
    YOUTH_OFFENDING_TEAM = "youth_offending_team"  # 004 §91-97
    CUSTODY = "custody"  # young offender institutions, immigration removal centres (002 §11)
    CPS = "cps"  # the Crown Prosecution Service, inspected by HMCPSI when triggered (002 §33)
    LSCB = "lscb"  # the Local Safeguarding Children Board
    PARTNERSHIP = "partnership"  # the local partnership as a whole (001 Proposal four)


class Grade(StrEnum):
    """The points of every graded scale in the seeds; each programme names the ones it uses."""

    OUTSTANDING = "outstanding"
    GOOD = "good"
    ADEQUATE = "adequate"  # 2012 scales (002 §24)
    REQUIRES_IMPROVEMENT = "requires_improvement"  # 2014 scale (004 §29)
    INADEQUATE = "inadequate"


Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=200)]
Reason = Annotated[str, Field(min_length=3, max_length=1000)]
ItemId = Annotated[str, Field(min_length=1, max_length=64)]

# Personal data: cases carry pseudonymous references issued by the area, never names or real
# identifiers (domain.md, Data protection). What looks like one is refused before anything is written.
DATA_PROTECTION = "domain.md Data protection: cases carry pseudonymous references, never names or identifiers"
_REFERENCE = re.compile(r"^[A-Z0-9][A-Z0-9-]{2,31}$")
_NHS_NUMBER = re.compile(r"(?<!\d)(\d{3})[ -]?(\d{3})[ -]?(\d{4})(?!\d)")
_NI_NUMBER = re.compile(r"^[A-CEGHJ-PR-TW-Z]{2}\d{6}[A-D]$")
_PUPIL_NUMBER = re.compile(r"^[A-Z]\d{11}[0-9A-Z]$")
# Fields that would carry a person's identity; the body names the case by its reference instead.
PERSONAL_FIELDS = frozenset(
    {
        "name", "first_name", "forename", "forenames", "given_name", "surname", "last_name",
        "family_name", "full_name", "child_name", "child", "date_of_birth", "dob", "birth_date",
        "nhs_number", "ni_number", "national_insurance_number", "upn", "unique_pupil_number",
        "address", "postcode", "email", "phone", "telephone",
    }
)  # fmt: skip


def _refused(what: str) -> ValueError:
    return ValueError(f"{what} (rule: {DATA_PROTECTION})")


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit (NHS Data Dictionary)."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


def pseudonymous(reference: str) -> str:
    """A case reference as the area issues it (e.g. WKF-0042); refused if it looks like a real identifier
    or a name. A refusal never repeats the value: it may be exactly the personal data refused."""
    if _NHS_NUMBER.search(reference):
        raise _refused("the case reference looks like an NHS number")
    if not _REFERENCE.match(reference):
        raise _refused(
            "the case reference is not a pseudonymous reference: give the area's reference "
            "for the case, 3 to 32 capital letters, digits and hyphens, such as WKF-0042"
        )
    if _NI_NUMBER.match(reference):
        raise _refused("the case reference looks like a National Insurance number")
    if _PUPIL_NUMBER.match(reference):
        raise _refused("the case reference looks like a Unique Pupil Number")
    if not any(c.isdigit() for c in reference):
        raise _refused("the case reference looks like a name: a pseudonymous reference has a number")
    return reference


def without_identifiers(text: str) -> str:
    """Free text about a case may describe it but must not carry a child's NHS number."""
    for match in _NHS_NUMBER.finditer(text):
        if nhs_number_valid("".join(match.groups())):
            raise _refused("the text holds an NHS number: refer to the child by the case reference only")
    return text


class AboutCases(BaseModel):
    """A body about children's cases: strict, and a field that would name a person is refused with the rule
    (rather than as merely unexpected)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    @model_validator(mode="before")
    @classmethod
    def _refuse_personal_fields(cls, data: Any) -> Any:
        if isinstance(data, dict):
            personal = sorted(k for k in data if isinstance(k, str) and k.lower() in PERSONAL_FIELDS)
            if personal:
                raise _refused(
                    f"{', '.join(personal)}: personal details are never recorded; name the case by its "
                    "pseudonymous case_reference"
                )
        return data


CaseReference = Annotated[str, AfterValidator(pseudonymous)]
CaseText = Annotated[Text, AfterValidator(without_identifiers)]
