"""The LSCB service's board register handlers, run through its pipeline (services/lscb/handlers.handle)
against the in-memory event store: what a command appends to the area's stream and its outbox, and that a
refused command (a rule of the register, a caller who does not keep registers, a stale version, an area
that does not exist) writes nothing. The register reads no read model: the handling's database and keys
here fail the test if touched."""

from __future__ import annotations

from datetime import date
from typing import cast

import pytest
from pymongo.asynchronous.database import AsyncDatabase

from services.lscb import handlers
from services.lscb.commands import AppointOfficer, JoinPartner, RecordAbsence, VacateOffice
from services.lscb.domain.board_register import stream_id
from shared.language.areas import Area, find
from shared.language.contracts import CATALOGUE
from shared.language.contracts.lscb import (
    BoardOfficerAbsent,
    BoardOfficerAppointed,
    BoardPartnerJoined,
    Office,
)
from shared.language.contracts.vocabulary import Agency
from shared.language.subjects import SubjectKeys
from shared.mechanics.commands import Handling
from shared.mechanics.envelope import Actor, Inspectorate
from shared.mechanics.errors import ConcurrencyConflict, Forbidden, NotFound, RuleViolation
from shared.mechanics.eventstore import CommandContext
from shared.mechanics.memory_store import MemoryEventStore
from shared.mechanics.mongo import Document

TOPIC = "jip.lscb.events"
WAKEFIELD = cast(Area, find("Wakefield"))
STREAM = stream_id(WAKEFIELD.code)
WHERE = {"area_code": WAKEFIELD.code, "local_area": WAKEFIELD.name}


class Untouched:
    """A read model or key store the board register must not use."""

    def __getattr__(self, name: str) -> object:
        raise AssertionError(f"the board register read {name!r} beyond its own stream")

    def __getitem__(self, name: str) -> object:
        raise AssertionError(f"the board register read the {name!r} collection")


def context(inspectorate: Inspectorate, correlation_id: str = "corr-1") -> CommandContext:
    return CommandContext(Actor(inspectorate=inspectorate, role="lead_inspector", user="u-1"), correlation_id)


def handling(store: MemoryEventStore, inspectorate: Inspectorate = Inspectorate.OFSTED) -> Handling:
    return Handling(
        store,
        cast(AsyncDatabase[Document], Untouched()),
        cast(SubjectKeys, Untouched()),
        context(inspectorate),
    )


@pytest.fixture
def store() -> MemoryEventStore:
    return MemoryEventStore(CATALOGUE, TOPIC)


async def test_appointing_the_chair_appends_to_the_area_s_register_and_its_outbox(
    store: MemoryEventStore,
) -> None:
    view = await handlers.handle(
        AppointOfficer("Wakefield", Office.CHAIR, "Dr Ann Chair", "01924 000001"), handling(store)
    )

    stream = await store.read(STREAM)
    assert stream.events == [
        BoardOfficerAppointed(**WHERE, office=Office.CHAIR, name="Dr Ann Chair", contact="01924 000001")
    ]
    assert stream.envelopes[0].correlation_id == "corr-1"
    assert [(o["topic"], o["value"]) for o in store.outbox] == [(TOPIC, stream.envelopes[0].to_json())]
    assert (view.area_code, view.version) == (WAKEFIELD.code, 1)
    assert view.first_to_notify is not None
    assert view.first_to_notify.name == "Dr Ann Chair"


async def test_each_command_appends_at_the_version_the_caller_read(store: MemoryEventStore) -> None:
    ofsted = handling(store)
    await handlers.handle(AppointOfficer(WAKEFIELD.code, Office.CHAIR, "Dr Ann Chair"), ofsted)
    await handlers.handle(
        JoinPartner(WAKEFIELD.code, Agency.POLICE, "West Yorkshire Police", expected_version=1), ofsted
    )
    view = await handlers.handle(
        RecordAbsence(
            WAKEFIELD.code,
            Office.CHAIR,
            date(2031, 3, 1),
            date(2031, 3, 5),
            "annual leave",
            expected_version=2,
        ),
        ofsted,
    )

    assert (await store.read(STREAM)).events[1:] == [
        BoardPartnerJoined(**WHERE, agency=Agency.POLICE, organisation="West Yorkshire Police"),
        BoardOfficerAbsent(
            **WHERE,
            office=Office.CHAIR,
            absent_from=date(2031, 3, 1),
            absent_until=date(2031, 3, 5),
            reason="annual leave",
        ),
    ]
    assert view.version == 3
    assert Agency.POLICE not in view.missing_partners


async def test_a_partner_s_senior_leader_is_named_by_the_lead_inspectorate_alone(
    store: MemoryEventStore,
) -> None:
    named = JoinPartner(
        WAKEFIELD.code, Agency.LOCAL_AUTHORITY, "Wakefield Council", senior_leader="Jane Smith"
    )
    with pytest.raises(Forbidden, match=r"kept by the lead inspectorate, ofsted.*not by hmic"):
        await handlers.handle(named, handling(store, Inspectorate.HMIC))
    assert (store.events, store.outbox) == ([], [])

    view = await handlers.handle(named, handling(store))

    stream = await store.read(STREAM)
    assert stream.events == [
        BoardPartnerJoined(
            **WHERE,
            agency=Agency.LOCAL_AUTHORITY,
            organisation="Wakefield Council",
            senior_leader="Jane Smith",
        )
    ]
    assert stream.envelopes[0].schema_version == 2
    assert view.board is not None
    assert [(p.organisation, p.senior_leader) for p in view.board.partners] == [
        ("Wakefield Council", "Jane Smith")
    ]


async def test_asked_again_an_appointment_appends_nothing(store: MemoryEventStore) -> None:
    appoint = AppointOfficer(WAKEFIELD.code, Office.CHAIR, "Dr Ann Chair")
    await handlers.handle(appoint, handling(store))

    view = await handlers.handle(appoint, handling(store))

    assert (len(store.events), len(store.outbox), view.version) == (1, 1, 1)


async def test_a_refused_command_writes_nothing(store: MemoryEventStore) -> None:
    await handlers.handle(AppointOfficer(WAKEFIELD.code, Office.CHAIR, "Dr Ann Chair"), handling(store))
    written = (list(store.events), list(store.outbox))

    with pytest.raises(
        RuleViolation, match="business_manager of the Wakefield LSCB is already vacant"
    ) as refused:
        await handlers.handle(
            VacateOffice(WAKEFIELD.code, Office.BUSINESS_MANAGER, "resigned"), handling(store)
        )
    assert refused.value.rule == "001 Proposal two"
    with pytest.raises(Forbidden, match=r"kept by the lead inspectorate, ofsted.*not by cqc"):
        await handlers.handle(
            AppointOfficer(WAKEFIELD.code, Office.BUSINESS_MANAGER, "Sam Manager"),
            handling(store, Inspectorate.CQC),
        )
    with pytest.raises(ConcurrencyConflict):
        await handlers.handle(
            AppointOfficer(WAKEFIELD.code, Office.BUSINESS_MANAGER, "Sam Manager", expected_version=0),
            handling(store),
        )
    with pytest.raises(NotFound, match="no local authority area 'Atlantis'"):
        await handlers.handle(AppointOfficer("Atlantis", Office.CHAIR, "Dr Ann Chair"), handling(store))

    assert (store.events, store.outbox) == written
