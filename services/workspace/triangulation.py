"""Journey 3, the triangulation board: per agency and judgement area (and criterion, where the programme has
numbered ones), how many items show a strength, a weakness or an area for improvement, whether each is
corroborated (two inspectorates, or two activities) or rests on a single source, where strength and weakness
meet (a line to pursue), and what has no evidence yet. Each count drills into its items."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from fastapi import APIRouter
from fastapi.responses import Response

from .evidence import offer_for
from .evidence_models import AreaEvidence, Triangulation
from .web import SignedIn

router = APIRouter()

BEARINGS = ("strength", "weakness", "area_for_improvement")


@dataclass(frozen=True)
class Cell:
    """One bearing of one row: how many items, corroborated or from a single source, and where they are."""

    count: int
    corroborated: bool
    href: str

    @property
    def words(self) -> str:
        if not self.count:
            return "None"
        return f"{self.count}, {'corroborated' if self.corroborated else 'single source'}"


@dataclass(frozen=True)
class Row:
    title: str
    cells: list[Cell]
    contested: bool
    href: str


@dataclass(frozen=True)
class AgencyBoard:
    agency: str
    items: int
    corroborated: int
    areas: list[Row]
    criteria: list[Row]
    gaps: list[str]  # area titles with no evidence yet
    criteria_gaps: list[str]


def drill(inspection_id: str, **filters: str) -> str:
    """The evidence page showing only the items of a board's cell."""
    return f"/inspections/{inspection_id}/evidence?{urlencode({k: v for k, v in filters.items() if v})}"


def row_of(inspection_id: str, agency: str, area: AreaEvidence, title: str) -> Row:
    # A criterion's items may be about any partner of the board's: drill by the criterion alone.
    key = (
        {"criterion": area.criterion}
        if area.criterion
        else {"agency": agency, "judgement_area": area.judgement_area}
    )
    found = {f.bearing: f for f in area.findings}
    cells = []
    for bearing in BEARINGS:
        finding = found.get(bearing)
        cells.append(
            Cell(
                count=len(finding.evidence_item_ids) if finding else 0,
                corroborated=bool(finding and finding.corroborated),
                href=drill(inspection_id, bearing=bearing, **key),
            )
        )
    return Row(title, cells, area.contested, drill(inspection_id, **key))


def board_of(inspection_id: str, view: Triangulation, titles: dict[str, str]) -> list[AgencyBoard]:
    """The board's rows, per agency: its areas in the programme's order, then its criteria."""
    order = list(titles)
    boards = []
    for agency in view.agencies:
        areas = sorted(
            agency.areas,
            key=lambda a: order.index(a.judgement_area) if a.judgement_area in order else len(order),
        )
        boards.append(
            AgencyBoard(
                agency=agency.agency,
                items=agency.items,
                corroborated=agency.corroborated_findings,
                areas=[
                    row_of(inspection_id, agency.agency, a, titles.get(a.judgement_area, a.judgement_area))
                    for a in areas
                ],
                criteria=[
                    row_of(inspection_id, agency.agency, c, f"{c.criterion} ({c.source})")
                    for c in agency.criteria
                ],
                gaps=[titles.get(a, a) for a in agency.coverage.areas_without_evidence],
                criteria_gaps=agency.coverage.criteria_without_evidence,
            )
        )
    return boards


@router.get("/inspections/{inspection_id}/triangulation")
async def triangulation(page: SignedIn, inspection_id: str) -> Response:
    view = await page.client.triangulation(inspection_id)
    known, _, offer = await offer_for(page, inspection_id)
    return await page.render(
        "triangulation.html",
        known=known,
        offer=offer,
        view=view,
        boards=board_of(inspection_id, view, offer.area_titles),
    )
