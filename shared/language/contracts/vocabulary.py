"""Words the inspectorates share across contexts."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
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
# Ten digits, together or in the printed groups of three, three and four with up to three separators between
# groups, not touching another digit. Matched in text as the checks read it (_read), where every separator
# is one of " ./_-".
_NHS_NUMBER = re.compile(r"(?<![0-9])[0-9]{3}(?:[ ./_-]{1,3})?[0-9]{3}(?:[ ./_-]{1,3})?[0-9]{4}(?![0-9])")
# Just before a number, a telephone number's international code: "+44 ", "+44 (0)".
_DIALLING_CODE = re.compile(r"\+[0-9]{1,3}[ ./_-]{0,3}(?:\(0\)[ ./_-]{0,3})?$")
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


# --- Text as the checks read it ----------------------------------------------------------------------------
# Every check reads text as a person sees it, so that nothing invisible or look-alike hides an identifier:
# each character NFKC-normalised (fullwidth, superscript and other compatibility forms become plain ones;
# NO-BREAK, thin, narrow and ideographic spaces become spaces), every Unicode decimal digit (Arabic-Indic,
# Devanagari...) read as its ASCII digit, every space as " " and every dash, dot or slash as "-", "." or
# "/", and what cannot be seen set aside: format characters (zero-width space, non-joiner and joiner, word
# joiner, byte order mark, soft hyphen: Cf), combining marks (Mn, Me), control characters that are not
# spaces (Cc), and the Hangul fillers, which are letters that show nothing. Normalised character by
# character, so each character read is known by the position where it was written.
# Only the checks read this: what is stored is the text exactly as written, so nothing the inspector wrote
# is changed behind their back, a case reference keeps the one spelling the area issued, and a refusal can
# name the characters where the inspector will find them.
_SET_ASIDE = frozenset({"Cf", "Mn", "Me", "Cc"})
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0")
_DOTS = frozenset(".\u00b7\u2022\u2027\u2219\u22c5\u2e31\u30fb")
_SLASHES = frozenset("/\u2044\u2215\u29f8")


@lru_cache(maxsize=4096)
def _read_character(written: str) -> str:
    read = []
    for c in unicodedata.normalize("NFKC", written):
        if c.isspace():
            read.append(" ")
        elif unicodedata.category(c) in _SET_ASIDE or c in _BLANK_LETTERS:
            continue
        elif (digit := unicodedata.decimal(c, None)) is not None:
            read.append(str(digit))
        elif unicodedata.category(c) == "Pd" or c == "\u2212":  # hyphens, dashes, the minus sign
            read.append("-")
        else:
            read.append("." if c in _DOTS else "/" if c in _SLASHES else c)
    return "".join(read)


@dataclass(frozen=True)
class _Read:
    """Text as the checks read it, and for each character read the index of the one written."""

    text: str
    written_at: tuple[int, ...]


def _read(written: str) -> _Read:
    if written.isascii() and written.isprintable():
        return _Read(written, tuple(range(len(written))))
    text, at = [], []
    for i, c in enumerate(written):
        read = _read_character(c)
        text.append(read)
        at.extend([i] * len(read))
    return _Read("".join(text), tuple(at))


def _masked(written: str) -> str:
    """Characters as written with every digit shown as #, and any character other than printable ASCII by
    its code point: the shape of what was refused (invisible characters too), never its digits."""
    return "".join(
        "#"
        if any(d.isdigit() for d in _read_character(c))
        else c
        if c.isascii() and c.isprintable()
        else f"<U+{ord(c):04X}>"
        for c in written
    )


def _located(written: str, read: _Read, spans: list[tuple[int, int]], of: str = "") -> str:
    """Where the spans of the read text were written: "characters 12–23 (### ### ####)", counted from 1
    in the text as written. At most three are shown."""
    shown = []
    for n, (start, end) in enumerate(spans[:3]):
        first, last = read.written_at[start], read.written_at[end - 1]
        shown.append(
            f"{'characters ' if n == 0 else ''}{first + 1}–{last + 1}{of if n == 0 else ''} "
            f"({_masked(written[first : last + 1])})"
        )
    more = f" and {len(spans) - 3} more" if len(spans) > 3 else ""
    return ", ".join(shown[:-1]) + (" and " if len(shown) > 1 else "") + shown[-1] + more


def nhs_number_valid(digits: str) -> bool:
    """The NHS number's modulus 11 check digit (NHS Data Dictionary)."""
    total = sum(int(d) * w for d, w in zip(digits[:9], range(10, 1, -1), strict=True))
    check = 11 - total % 11
    return (0 if check == 11 else check) == int(digits[9]) and check != 10


def _stands_as_a_number(read: str, start: int, end: int) -> bool:
    """Ten digits are written as a number unless they are part of a longer identifier: followed straight
    by a letter or digit (a UUID group, a hash, a serial), or preceded in the same word by a digit (a hash:
    "1f9434765919", "0x...") or by letters a to f alone (hexadecimal: "ab9434765919"), or by a telephone
    number's international code ("+44 113 496 0000"). A label of other letters in front ("NHS9434765919")
    does not make them anything but a number. Ten hexadecimal digits that all happen to be decimal, with
    nothing around them, cannot be told from an NHS number: the refusal names where they are."""
    if end < len(read) and read[end].isalnum():
        return False
    word = start
    while word > 0 and read[word - 1].isalnum():
        word -= 1
    before = read[word:start]
    if any(c.isdigit() for c in before) or (before and all(c in "abcdefABCDEF" for c in before)):
        return False
    return not _DIALLING_CODE.search(read[max(0, start - 16) : start])


def _nhs_numbers(read: str) -> list[tuple[int, int]]:
    found, at = [], 0
    while match := _NHS_NUMBER.search(read, at):
        found.append(match.span())
        at = match.start() + 1
    return found


def pseudonymous(reference: str) -> str:
    """A case reference as the area issues it (e.g. WKF-0042); refused if it looks like a real identifier
    or a name. A refusal never repeats the value: it may be exactly the personal data refused. The checks
    for identifiers read the reference normalised (_read); its form is checked as written, so it is kept in
    the one spelling the area issued."""
    read = _read(reference)
    if numbers := _nhs_numbers(read.text):
        raise _refused(
            f"the case reference looks like an NHS number: {_located(reference, read, numbers[:1])} are "
            "ten digits"
        )
    if _NI_NUMBER.match(read.text):
        raise _refused("the case reference looks like a National Insurance number")
    if _PUPIL_NUMBER.match(read.text):
        raise _refused("the case reference looks like a Unique Pupil Number")
    if not _REFERENCE.match(reference):
        raise _refused(
            "the case reference is not a pseudonymous reference: give the area's reference "
            "for the case, 3 to 32 capital letters, digits and hyphens, such as WKF-0042"
        )
    if not any(c.isdigit() for c in reference):
        raise _refused("the case reference looks like a name: a pseudonymous reference has a number")
    return reference


def without_identifiers(text: str) -> str:
    """Free text about a case may describe it but must not carry a child's NHS number: ten digits standing
    as a number (_stands_as_a_number) with a valid check digit, however they are written (_read). The text
    is returned exactly as written; a refusal names the characters, masked."""
    read = _read(text)
    numbers = [
        (start, end)
        for start, end in _nhs_numbers(read.text)
        if nhs_number_valid(re.sub(r"[^0-9]", "", read.text[start:end]))
        and _stands_as_a_number(read.text, start, end)
    ]
    if numbers:
        raise _refused(
            f"the text holds an NHS number: {_located(text, read, numbers, ' of the text as written')} "
            "read as ten digits with a valid modulus 11 check digit; refer to the child by the case "
            "reference only"
        )
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
