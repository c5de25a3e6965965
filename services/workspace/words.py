"""The platform's ids in the words the pages show: inspectorates, agencies, roles, recipients, statuses."""

from __future__ import annotations

from collections.abc import Sequence

INSPECTORATES = {
    "ofsted": "Ofsted",
    "cqc": "Care Quality Commission (CQC)",
    "hmic": "HM Inspectorate of Constabulary (HMIC)",
    "hmi_probation": "HM Inspectorate of Probation",
    "hmi_prisons": "HM Inspectorate of Prisons",
    "hmcpsi": "HM Crown Prosecution Service Inspectorate (HMCPSI)",
}
SHORT = {
    "ofsted": "Ofsted",
    "cqc": "CQC",
    "hmic": "HMIC",
    "hmi_probation": "HMI Probation",
    "hmi_prisons": "HMI Prisons",
    "hmcpsi": "HMCPSI",
}
AGENCIES = {
    "local_authority": "the local authority",
    "health": "health services",
    "police": "the police",
    "probation": "probation services",
    "youth_offending_team": "the youth offending team",
    "custody": "custodial establishments",
    "cps": "the Crown Prosecution Service",
    "lscb": "the Local Safeguarding Children Board",
    "partnership": "the local partnership",
}
ROLES = {
    "lead_inspector": "Lead inspector",
    "inspector": "Inspector",
    "quality_assurer": "Quality assurer",
    "lscb_chair": "LSCB chair",
    "auditor": "Auditor",
}
RECIPIENTS = {
    "lscb_chair": "the chair of the LSCB",
    "lscb_business_manager": "the business manager of the LSCB",
    "agency_senior_leader": "the senior leader of",
}
REPORT_STATUS = {
    "live": "Not drafted",
    "drafted": "Drafted",
    "quality_assured": "Quality-assured",
    "agreed": "Agreed",
    "sent_to_lscb": "Sent to the LSCB",
    "sent_to_senior_leader": "Sent to the senior leader",
    "response_received": "Response received",
    "final": "Final",
    "published": "Published",
}


def inspectorate_name(inspectorate: str) -> str:
    return SHORT.get(inspectorate, inspectorate)


def named(inspectorates: Sequence[str]) -> str:
    """ "Ofsted, CQC and HMIC"."""
    names = [inspectorate_name(i) for i in inspectorates]
    if len(names) <= 1:
        return "".join(names)
    return f"{', '.join(names[:-1])} and {names[-1]}"


def agency_name(agency: str | None) -> str:
    return AGENCIES.get(agency or "", agency or "")


def recipient(step_recipient: str, agency: str | None) -> str:
    """Whom a notification goes to, in words: "the chair of the LSCB", "the senior leader of the police"."""
    if step_recipient == "agency_senior_leader":
        return f"the senior leader of {agency_name(agency)}"
    return RECIPIENTS.get(step_recipient, step_recipient)


def who(role: str | None, inspectorate: str | None, area_name: str | None) -> str:
    """The signed-in user's role, in the header: "Lead inspector, Ofsted", "LSCB chair, Wakefield"."""
    words = ROLES.get(role or "", role or "")
    where = inspectorate_name(inspectorate) if inspectorate else area_name
    return f"{words}, {where}" if where else words
