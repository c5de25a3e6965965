"""What every page shares: the session read from its cookie, the client calling the services as the
signed-in user, the GOV.UK template's context (who is signed in, the REHEARSAL banner), error summaries,
and the checked form of a POST."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Annotated, Any

import httpx
from fastapi import Depends, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.templating import Jinja2Templates
from jinja2 import ChoiceLoader, Environment, FileSystemLoader, PackageLoader, PrefixLoader, select_autoescape
from markupsafe import Markup, escape

from shared.mechanics.auth import Signer
from shared.mechanics.clock import ENGLAND

from .client import Client, Refusal, Unavailable
from .session import COOKIE, CSRF_FIELD, Session, SessionCodec, cookie_secure, csrf_valid
from .settings import WorkspaceSettings
from .tasks import Status, Task, links
from .words import INSPECTORATES, REPORT_STATUS, ROLES, agency_name, inspectorate_name, recipient, who

HERE = Path(__file__).parent
# An inspection reference as typed into a form (a UUID, or the id a test or rehearsal gave).
REFERENCE = re.compile(r"^[A-Za-z0-9-]{1,64}$")
SERVICE_NAME = "Joint inspections workspace"


def templates() -> Jinja2Templates:
    environment = Environment(
        loader=ChoiceLoader(
            [
                FileSystemLoader(HERE / "templates"),
                PrefixLoader({"govuk_frontend_jinja": PackageLoader("govuk_frontend_jinja")}),
            ]
        ),
        autoescape=select_autoescape(default=True, default_for_string=True),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    environment.filters |= {
        "inspectorate": inspectorate_name,
        "agency": agency_name,
        "role": lambda r: ROLES.get(r, r),
        "report_status": lambda s: REPORT_STATUS.get(s, s),
        "day": day,
        "moment": moment,
        "sentence": sentence,
    }
    environment.globals |= {
        "INSPECTORATES": INSPECTORATES,
        "recipient": recipient,
        "CSRF_FIELD": CSRF_FIELD,
        "choices": choices,
        "task_items": task_items,
        "task_links": links,
    }
    return Jinja2Templates(env=environment)


def listed(value: Any) -> list[str]:
    """A form field that may be sent once, many times or not at all, as a list."""
    if isinstance(value, list):
        return [str(v) for v in value if v]
    return [str(value)] if value else []


def ticked(values: Mapping[str, Any], name: str) -> list[str]:
    """The values chosen in the form's field `name` (checkboxes), as a list."""
    return listed(values.get(name))


def typed(values: Mapping[str, Any], name: str) -> str:
    """What was typed in the form's field `name`, without surrounding spaces."""
    return str(values.get(name, "")).strip()


def day(d: date | None) -> str:
    """ "Monday 4 January 2027"."""
    return f"{d:%A} {d.day} {d:%B %Y}" if d else ""


def moment(m: datetime | None) -> str:
    """ "Fri 18 Dec 2026 09:00", in England's time."""
    if m is None:
        return ""
    local = m.astimezone(ENGLAND)
    return f"{local:%a} {local.day} {local:%b %Y %H:%M}"


def sentence(text: str) -> str:
    """The text with its first letter a capital, the rest as it is (Jinja's `capitalize` lowers it)."""
    return text[:1].upper() + text[1:]


def choices(
    options: Mapping[str, str], chosen: Any, mark: str = "checked", prompt: str | None = None
) -> list[dict[str, Any]]:
    """A GOV.UK macro's `items` from value -> words, the chosen one(s) marked `checked` (radios,
    checkboxes) or `selected` (a select, whose first item may be a prompt with no value)."""
    picked = {str(c) for c in chosen} if isinstance(chosen, list | tuple | set) else {str(chosen)}
    items = [{"value": "", "text": prompt}] if prompt else []
    return items + [{"value": value, "text": text, mark: value in picked} for value, text in options.items()]


def task_items(tasks: list[Task], hrefs: Mapping[str, str] | None = None) -> list[dict[str, Any]]:
    """A GOV.UK task list's `items`: each task's title, its hint (why it waits, and the rule), and its status
    (done as plain text, in progress or next as a tag, cannot start yet in grey); a task in `hrefs` links
    to where it is done (tasks.links)."""
    statuses: dict[Status, dict[str, Any]] = {
        Status.DONE: {"text": Status.DONE.label},
        Status.IN_PROGRESS: {"tag": {"text": Status.IN_PROGRESS.label, "classes": "govuk-tag--light-blue"}},
        Status.NEXT: {"tag": {"text": Status.NEXT.label, "classes": "govuk-tag--blue"}},
        Status.CANNOT_START: {
            "text": Status.CANNOT_START.label,
            "classes": "govuk-task-list__status--cannot-start-yet",
        },
    }
    return [
        {
            "title": {"text": t.title},
            "hint": {"text": t.hint},
            "status": statuses[t.status],
            **({"href": hrefs[t.key]} if hrefs and t.key in hrefs else {}),
        }
        for t in tasks
    ]


@dataclass(frozen=True)
class Problem:
    """One entry of a GOV.UK error summary: what is wrong, the field it links to, and the rule it broke."""

    text: str
    href: str = "#main-form"
    rule: str | None = None

    def summary_item(self) -> dict[str, str]:
        html = escape(sentence(self.text))
        if self.rule:
            html += Markup('<span class="app-rule">Rule: {}</span>').format(self.rule)
        return {"html": str(html), "href": self.href}


def problems_of(refused: Refusal, href: str = "#main-form") -> list[Problem]:
    """A service's refusal as the error summary shows it: its words, and its rule and paragraph."""
    if refused.conflict:
        text = (
            "Someone else changed this since you opened the page. This is how it stands now: check it, "
            f"then try again. ({refused.detail})"
        )
        return [Problem(text, href, refused.rule)]
    return [Problem(refused.detail, href, refused.rule)]


@dataclass(frozen=True)
class Again:
    """A page shown again after its form was posted: what was wrong, the answer's status, and what was
    typed, which the form keeps."""

    problems: list[Problem] = field(default_factory=list)
    status: int = 200
    values: dict[str, Any] = field(default_factory=dict)

    @classmethod
    def refused(cls, refused: Refusal, values: dict[str, Any], href: str = "#main-form") -> Again:
        return cls(problems_of(refused, href), refused.status, values)


FIRST = Again()  # a page as first shown: nothing wrong, nothing typed


class CsrfFailure(Exception):
    """A POST whose csrf_token is not its session's."""


@dataclass
class Page:
    """One request's page: the session, the client as its user, and the answer's cookie."""

    request: Request
    settings: WorkspaceSettings
    session: Session
    client: Client
    codec: SessionCodec
    renewed: bool = False  # the cookie must be (re)written
    notes: list[str] = field(default_factory=list)

    @property
    def signer(self) -> Signer | None:
        signer: Signer | None = self.request.app.state.signer
        return signer

    def start(self, session: Session) -> None:
        """A new session (signed in, or signed out): written to the cookie with the answer."""
        self.session, self.renewed = session, True
        self.client = Client(self.client.http, self.client.urls, session.token)

    def _cookie(self, response: Response) -> Response:
        if self.renewed:
            secure = cookie_secure(
                self.request.url.scheme,
                self.request.url.hostname,
                self.request.client.host if self.request.client else None,
            )
            response.set_cookie(
                COOKIE,
                self.codec.dumps(self.session),
                max_age=self.codec.max_age,
                path="/",
                secure=secure,
                httponly=True,
                samesite="lax",
            )
        return response

    async def form(self) -> dict[str, Any]:
        """The POST's fields, once its CSRF token is found to be its session's."""
        form = await self.request.form()
        fields: dict[str, Any] = {}
        for key in form:
            values = [v for v in form.getlist(key) if isinstance(v, str)]
            fields[key] = values if len(values) > 1 else (values[0] if values else "")
        if not csrf_valid(self.session, fields.pop(CSRF_FIELD, None)):
            raise CsrfFailure()
        return fields

    async def rehearsal(self) -> str | None:
        """On a rehearsal platform, what its clock reads (for the banner); None on a production one."""
        try:
            if self.session.signed_in:
                clock = await self.client.clock()
                return moment(clock.now) if clock.rehearsal else None
            return "" if await self.client.rehearsal() else None
        except (Refusal, Unavailable):
            return None

    async def render(self, template: str, again: Again = FIRST, **context: Any) -> Response:
        s, problems = self.session, again.problems
        response = self.request.app.state.templates.TemplateResponse(
            self.request,
            template,
            {
                "service_name": SERVICE_NAME,
                "session": s,
                "signed_in_as": who(s.role, s.inspectorate, s.area_name) if s.signed_in else None,
                "rehearsal": await self.rehearsal(),
                "csrf_token": s.csrf,
                "problems": [p.summary_item() for p in problems],
                # Each field's own message, beside it, as the summary links to it.
                "errors": {p.href[1:]: sentence(p.text) for p in problems if p.href != "#main-form"},
                "values": again.values,
                "path": self.request.url.path,
                "notes": self.notes,
                **context,
            },
            status_code=again.status,
        )
        return self._cookie(response)

    def redirect(self, url: str) -> Response:
        return self._cookie(RedirectResponse(url, status_code=303))

    def respond(self, response: Response) -> Response:
        return self._cookie(response)


async def page(request: Request) -> Page:
    """The page under way: its settings, its session (from the cookie, or a new anonymous one) and a client
    of the services acting as its user. A coroutine, so FastAPI runs it on the event loop, not in a worker
    thread: it reads a cookie and makes objects, nothing that blocks."""
    settings: WorkspaceSettings = request.app.state.settings
    codec: SessionCodec = request.app.state.codec
    http: httpx.AsyncClient = request.app.state.http
    session = codec.loads(request.cookies.get(COOKIE))
    fresh = session is None
    session = session or Session.anonymous()
    urls: Mapping[str, str] = settings.service_urls()
    return Page(request, settings, session, Client(http, urls, session.token), codec, renewed=fresh)


PageDep = Annotated[Page, Depends(page)]


async def signed_in(current: PageDep) -> Page:
    """A page for the signed-in only: anyone else is sent to sign in first."""
    if not current.session.signed_in:
        raise SignInFirst()
    return current


class SignInFirst(Exception):
    """The page needs a signed-in user."""


SignedIn = Annotated[Page, Depends(signed_in)]
