"""Data protection: cases carry pseudonymous references, never names or identifiers (domain.md), and the
evidence details an inspector records are consistent (shared/language/contracts/vocabulary.py,
evidence.py)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from shared.language.contracts.evidence import ABOUT_A_CASE, Activity, Bearing, EvidenceDetails, Meeting
from shared.language.contracts.vocabulary import (
    DATA_PROTECTION,
    AboutCases,
    Agency,
    nhs_number_valid,
    pseudonymous,
    without_identifiers,
)

VALID_NHS = "9434765919"  # check digit 9 is right (modulus 11)
INVALID_NHS = "9434765918"  # the same number with the wrong check digit


def refused(reference: str) -> str:
    with pytest.raises(ValueError, match=re.escape(f"(rule: {DATA_PROTECTION})")) as caught:
        pseudonymous(reference)
    return str(caught.value)


def body(**changes: Any) -> dict[str, Any]:
    fields: dict[str, Any] = {
        "agency": Agency.HEALTH,
        "activity": Activity.CASE_SAMPLING,
        "judgement_area": "help_and_protection",
        "criteria": ["68q"],
        "bearing": Bearing.WEAKNESS,
        "case_reference": "WKF-0042",
        "summary": "The referral was not followed up for three weeks.",
    }
    return fields | changes


def invalid(**changes: Any) -> str:
    with pytest.raises(ValidationError) as caught:
        EvidenceDetails.model_validate(body(**changes))
    return str(caught.value)


# --- case references -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "reference",
    [
        VALID_NHS,
        INVALID_NHS,  # any ten digits: the check digit does not make a reference safe
        "943 476 5919",
        "943-476-5919",
        "REF-9434765919",
        "CASE-943-476-5919",
        "9434765919-B",
        "NHS9434765919",  # written against letters, with no separator
        "WKF9434765919",
        "9434765919A",
    ],
)
def test_data_protection_an_nhs_number_is_refused_as_a_case_reference(reference: str) -> None:
    assert "looks like an NHS number" in refused(reference)


@pytest.mark.parametrize("reference", ["AB123456C", "JC000000D", "ZX999999A"])
def test_data_protection_a_national_insurance_number_is_refused(reference: str) -> None:
    assert "looks like a National Insurance number" in refused(reference)


@pytest.mark.parametrize("reference", ["A12345678901B", "H80100000001Z", "K999999999990"])
def test_data_protection_a_unique_pupil_number_is_refused(reference: str) -> None:
    assert "looks like a Unique Pupil Number" in refused(reference)


@pytest.mark.parametrize("reference", ["SMITH", "JOHN-SMITH", "ABC"])
def test_data_protection_a_reference_with_no_digit_looks_like_a_name(reference: str) -> None:
    assert "looks like a name" in refused(reference)


@pytest.mark.parametrize(
    "reference",
    [
        "wkf-0042",  # lower case
        "Wkf-0042",
        "john smith 1",
        "-WKF0042",  # starts with a hyphen
        "W1",  # too short
        "W" * 32 + "1",  # too long
        "WKF_0042",
        "WKF 0042",
        "",
    ],
)
def test_data_protection_a_reference_not_in_the_area_s_form_is_refused(reference: str) -> None:
    assert "is not a pseudonymous reference" in refused(reference)


@pytest.mark.parametrize(
    "reference", ["WKF-0042", "CASE-0001", "LA123-7", "A1B", "1ABC", "W" * 31 + "1", "AB12345678C"]
)
def test_data_protection_an_area_s_pseudonymous_reference_is_accepted(reference: str) -> None:
    assert pseudonymous(reference) == reference


@given(st.text(alphabet="0123456789", min_size=10, max_size=10))
def test_data_protection_any_ten_digits_are_refused_as_a_case_reference(digits: str) -> None:
    with pytest.raises(ValueError, match="looks like an NHS number"):
        pseudonymous(digits)


# --- free text -----------------------------------------------------------------------------------------


def test_nhs_number_valid_checks_the_modulus_11_check_digit() -> None:
    assert nhs_number_valid(VALID_NHS)
    assert not nhs_number_valid(INVALID_NHS)
    assert nhs_number_valid("1000000060")  # 11 - 0 is 11: the check digit is 0
    assert not nhs_number_valid("1000000011")  # a remainder giving 10 is never a valid NHS number
    assert not nhs_number_valid("1000000010")


@pytest.mark.parametrize(
    "text",
    [
        f"Seen in clinic, NHS number {VALID_NHS}.",
        "Record 943 476 5919 was shared with the school.",
        "Record 943-476-5919 was shared.",
        "NHS no.:943 476 5919",
        "NHS9434765919",
        VALID_NHS,
    ],
)
def test_data_protection_text_holding_a_valid_nhs_number_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="the text holds an NHS number") as caught:
        without_identifiers(text)
    assert DATA_PROTECTION in str(caught.value)


@pytest.mark.parametrize(
    "text",
    [
        f"The referral number {INVALID_NHS} fails the check.",
        "Call 01234 567890 for the duty team.",  # a phone number, not an NHS number
        "Twelve digits 943476591900 are no NHS number.",
        "The child was seen three times in 2015.",
    ],
)
def test_data_protection_text_without_a_valid_nhs_number_is_allowed(text: str) -> None:
    assert without_identifiers(text) == text


# --- bodies about cases --------------------------------------------------------------------------------


@pytest.mark.parametrize("field", ["child_name", "date_of_birth", "nhs_number", "Surname", "POSTCODE"])
def test_data_protection_a_personal_field_is_refused_with_the_rule(field: str) -> None:
    message = invalid(**{field: "anything"})
    assert f"{field}: personal details are never recorded" in message
    assert DATA_PROTECTION in message


def test_data_protection_every_personal_field_is_named_in_order() -> None:
    message = invalid(nhs_number="x", child_name="x", date_of_birth="x")
    assert "child_name, date_of_birth, nhs_number: personal details are never recorded" in message


def test_data_protection_applies_to_any_body_about_cases() -> None:
    class Referral(AboutCases):
        case_reference: str

    with pytest.raises(ValidationError, match="personal details are never recorded"):
        Referral.model_validate({"case_reference": "WKF-0042", "name": "A child"})
    assert Referral.model_validate({"case_reference": "WKF-0042"}).case_reference == "WKF-0042"


def test_an_unexpected_field_that_is_not_personal_is_refused_as_extra() -> None:
    message = invalid(colour="blue")
    assert "Extra inputs are not permitted" in message
    assert DATA_PROTECTION not in message


def test_data_protection_the_case_reference_of_evidence_is_pseudonymous() -> None:
    assert "looks like an NHS number" in invalid(case_reference=VALID_NHS)
    assert "looks like a name" in invalid(case_reference="SMITH")


def test_data_protection_the_summary_of_evidence_holds_no_nhs_number() -> None:
    assert "the text holds an NHS number" in invalid(summary=f"Child {VALID_NHS} was not seen.")
    summary = f"Child {INVALID_NHS} was not seen."
    assert EvidenceDetails.model_validate(body(summary=summary)).summary == summary


# --- consistent evidence details -----------------------------------------------------------------------


def test_details_a_meeting_observation_names_the_meeting() -> None:
    message = invalid(activity=Activity.MEETING_OBSERVATION, case_reference=None)
    assert "meeting: name the meeting observed" in message
    details = EvidenceDetails.model_validate(
        body(activity=Activity.MEETING_OBSERVATION, meeting=Meeting.MARAC, case_reference=None)
    )
    assert details.meeting is Meeting.MARAC


@pytest.mark.parametrize("activity", [a for a in Activity if a is not Activity.MEETING_OBSERVATION])
def test_details_a_meeting_is_refused_for_any_other_activity(activity: Activity) -> None:
    assert "meeting: name the meeting observed" in invalid(activity=activity, meeting=Meeting.MAPPA)


@pytest.mark.parametrize("activity", sorted(ABOUT_A_CASE))
def test_details_an_activity_about_a_case_needs_its_reference(activity: Activity) -> None:
    assert f"case_reference: {activity} evidence is about one case" in invalid(
        activity=activity, case_reference=None
    )


def test_details_performance_data_is_about_no_single_case() -> None:
    message = invalid(activity=Activity.PERFORMANCE_DATA, case_reference="WKF-0042")
    assert "case_reference: performance data is about no single case" in message
    details = EvidenceDetails.model_validate(body(activity=Activity.PERFORMANCE_DATA, case_reference=None))
    assert details.case_reference is None


@pytest.mark.parametrize(
    "activity",
    [
        Activity.PRACTICE_OBSERVATION,
        Activity.DISCUSSION_WITH_PRACTITIONER,
        Activity.DISCUSSION_WITH_MANAGER,
    ],
)
def test_details_other_activities_may_name_a_case_or_not(activity: Activity) -> None:
    assert EvidenceDetails.model_validate(body(activity=activity, case_reference=None)).case_reference is None
    assert EvidenceDetails.model_validate(body(activity=activity)).case_reference == "WKF-0042"


def test_details_each_criterion_once() -> None:
    assert "criteria: each criterion once" in invalid(criteria=["68q", "68a", "68q"])


@pytest.mark.parametrize("criterion", ["68", "q68", "68Q", "1234a", "68qq"])
def test_details_a_criterion_is_a_paragraph_and_a_letter(criterion: str) -> None:
    assert "criteria.0" in invalid(criteria=[criterion])


def test_details_at_most_twenty_criteria() -> None:
    twenty = [f"{n}a" for n in range(20)]
    assert EvidenceDetails.model_validate(body(criteria=twenty)).criteria == twenty
    assert "criteria" in invalid(criteria=[*twenty, "99a"])


def test_details_the_summary_is_at_most_4000_characters() -> None:
    assert len(EvidenceDetails.model_validate(body(summary="x" * 4000)).summary) == 4000
    assert "at most 4000 characters" in invalid(summary="x" * 4001)
    assert "summary" in invalid(summary="")


def test_details_are_frozen() -> None:
    details = EvidenceDetails.model_validate(body())
    with pytest.raises(ValidationError, match="frozen"):
        details.summary = "changed"  # type: ignore[misc]
