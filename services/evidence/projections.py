"""Evidence's read model of the inspections scheduling has announced: who takes part, about which
agencies, and whether the evidence window has opened (the area notified) or the inspection was cancelled
(shared/views/inspections.py, the one fold of an inspection). The evidence itself is read straight from this
service's own log."""

from __future__ import annotations

from shared.mechanics.consumer import Projection
from shared.views import inspections as known

inspections = Projection("inspections", ["scheduling"])
known.track(inspections, notice=True)
