"""How reporting names an agency and an inspectorate in a sentence: the lifecycle's refusals and the
documents (rendering/) say "the local authority", "health services"; a refusal names an inspectorate
briefly ("the CQC"), a document in full (rendering/words.py). Here, in the domain, so the lifecycle says
them without importing the rendering and the rendering reads the same words."""

from __future__ import annotations

from shared.language.contracts.vocabulary import Agency
from shared.mechanics.envelope import Inspectorate

AGENCIES = {
    Agency.LOCAL_AUTHORITY: "the local authority",
    Agency.HEALTH: "health services",
    Agency.POLICE: "the police",
    Agency.PROBATION: "probation services",
    Agency.YOUTH_OFFENDING_TEAM: "the youth offending team",
    Agency.CUSTODY: "custodial establishments",
    Agency.CPS: "the Crown Prosecution Service",
    Agency.LSCB: "the Local Safeguarding Children Board",
    Agency.PARTNERSHIP: "the local partnership",
}
# An inspectorate as a refusal of the lifecycle names it ("awaits the CQC's quality assurance").
INSPECTORATES = {
    Inspectorate.OFSTED: "Ofsted",
    Inspectorate.CQC: "the CQC",
    Inspectorate.HMIC: "HMIC",
    Inspectorate.HMI_PROBATION: "HMI Probation",
    Inspectorate.HMI_PRISONS: "HMI Prisons",
    Inspectorate.HMCPSI: "HMCPSI",
}
