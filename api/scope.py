"""The one place that scopes documents to a supervisor's province.

A supervisor reads plans, sequences, explanations and quota checks of their own province only;
everything else (another province, an object outside it) answers as if it were unknown. Every
route that serves a supervisor passes its document through one of these functions, with the
province that :func:`api.deps.scope_province` settled (``None``: national, unfiltered). A place
is "in" a province when its municipality (a location's ``gm_code``) belongs to it in the bundled
2024 municipality list.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TypeVar

from api.views import ScenarioFacts, gm_province
from optimizer.documents.plan import Plan
from optimizer.documents.scenario import Scenario
from optimizer.documents.sequence import Sequence
from optimizer.explain.documents import (
    HouseholdExplanation,
    PlanExplanation,
    Recommendation,
)

T = TypeVar("T")


def filter_plan(plan: Plan, pv_code: str, facts: ScenarioFacts) -> Plan:
    """The plan as a supervisor of ``pv_code`` may see it: only their province's links, KPIs,
    placements, unplaced households and diagnosis lines; national totals stay."""
    gm_pv = gm_province()

    def gm_in(gm: str) -> bool:
        return gm_pv.get(gm) == pv_code

    def loc_in(loc: str) -> bool:
        return gm_in(facts.location_gm.get(loc, ""))

    kpis = plan.kpis.model_copy(
        update={
            "locations": [k for k in plan.kpis.locations if loc_in(k.id)],
            "municipalities": [k for k in plan.kpis.municipalities if gm_in(k.gm_code)],
        }
    )
    return plan.model_copy(
        update={
            "links": [x for x in plan.links if gm_in(x.gm_code)],
            "placements": [
                x for x in plan.placements if loc_in(x.location) or loc_in(x.from_location)
            ],
            "unplaced": [
                x for x in plan.unplaced
                if loc_in(facts.household_location.get(x.household, ""))
            ],
            "diagnosis": [
                v for v in plan.diagnosis if loc_in(v.where) or gm_in(v.where) or v.where == pv_code
            ],
            "kpis": kpis,
        }
    )


def location_province(s: Scenario) -> dict[str, str]:
    """location id -> pv_code of its municipality, for one scenario."""
    gm_pv = gm_province()
    return {loc.id: gm_pv.get(loc.gm_code, "") for loc in s.locations}


def in_province(pv_code: str, s: Scenario) -> Callable[[str], bool]:
    """A test 'is this location id or gm_code in ``pv_code``?' for one scenario."""
    gm_pv = gm_province()
    loc_pv = location_province(s)

    def inside(where: str) -> bool:
        return loc_pv.get(where, gm_pv.get(where)) == pv_code

    return inside


def filter_sequence(seq: Sequence, pv_code: str, scenario: Scenario) -> Sequence:
    """The sequence as a supervisor sees it: moves, trips and occupancy touching their province."""
    inside = in_province(pv_code, scenario)
    return seq.model_copy(update={
        "moves": [m for m in seq.moves if inside(m.from_) or inside(m.to)],
        "trips": [t for t in seq.trips if inside(t.from_) or inside(t.to)],
        "occupancy": [o for o in seq.occupancy if inside(o.location)],
        "diagnosis": [v for v in seq.diagnosis if any(inside(w) for w in v.where)],
    })


def filter_explanation(out: PlanExplanation, pv_code: str, scenario: Scenario, plan: Plan
                       ) -> PlanExplanation:
    """Family totals stay national; the listed items and conflicts are the province's."""
    inside = in_province(pv_code, scenario)
    diag = plan.diagnosis
    conflicts = [c for i, c in enumerate(out.conflicts)
                 if i >= len(diag) or inside(diag[i].where) or diag[i].where == pv_code]
    families = [f.model_copy(update={"top": [x for x in f.top if inside(x.where)]})
                for f in out.families]
    return out.model_copy(update={"families": families, "conflicts": conflicts})


def touches(pv_code: str, scenario: Scenario, places: Iterable[str]) -> bool:
    """Whether any of these places (location ids or gm_codes) is in the province."""
    inside = in_province(pv_code, scenario)
    return any(inside(w) for w in places if w)


def filter_household_explanation(out: HouseholdExplanation, pv_code: str, scenario: Scenario
                                 ) -> HouseholdExplanation:
    """Alternatives and ruled-out places in the province only."""
    inside = in_province(pv_code, scenario)
    return out.model_copy(update={
        "alternatives": [o for o in out.alternatives if inside(o.where)],
        "ruled_out": [r for r in out.ruled_out if inside(r.where)],
    })


def filter_recommendation(out: Recommendation, pv_code: str, scenario: Scenario, k: int
                          ) -> Recommendation:
    """The best ``k`` options in the province."""
    inside = in_province(pv_code, scenario)
    return out.model_copy(update={"options": [o for o in out.options if inside(o.where)][:k]})


def households_touching(pv_code: str, scenario: Scenario, decision: dict[str, str],
                        link_of: dict[str, str]) -> Scenario:
    """The scenario with only the households that start, end or are linked in the province."""
    inside = in_province(pv_code, scenario)
    keep = [h for h in scenario.households
            if inside(h.location) or inside(decision.get(h.id, h.location))
            or inside(link_of.get(h.id, ""))]
    return scenario.model_copy(update={"households": keep})


def in_pv(rows: Iterable[T], pv_code: str | None, pv_of: Callable[[T], str | None]) -> list[T]:
    """Rows of one province (all when ``pv_code`` is None), by a row's pv_code."""
    return [r for r in rows if pv_code is None or pv_of(r) == pv_code]
