"""What every rule family declares once, beside its builder: its kind, its price, its message.

A family is one of three kinds:
- ``hard``: enforced by the model's structure and never priced (e.g. suitability: an unsuitable
  placement has no variable at all);
- ``elastic``: a hard rule with a slack priced at ``HARD_PENALTY_EUR_PER_PERSON``, so an impossible
  week still gives a plan, marked infeasible, whose diagnosis names the family, place and persons;
- ``soft``: priced in euros for the week (the prices live in ``Policy``).

``create_model`` sums ``cost_<name>`` of every priced family into the objective, ``solve``
diagnoses every elastic family with its own ``diagnose``, ``evaluate`` prices each family
independently under the same name, and ``explain`` lists them in registry order.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, NamedTuple

if TYPE_CHECKING:
    from optimizer.model.instance import Instance

HARD_PENALTY_EUR_PER_PERSON = 1_000_000.0
"""Price of one person breaking a hard rule in the elastic model; any value > 0 makes the plan
'infeasible' with a diagnosis naming the family, the place and the amount."""


class Kind(StrEnum):
    hard = "hard"
    elastic = "elastic"
    soft = "soft"


class Finding(NamedTuple):
    """One place where an elastic rule could not hold."""

    where: str  # location id or gm_code
    persons: int
    message: str


Diagnose = Callable[["Instance", Mapping[int, float]], list[Finding]]


@dataclass(frozen=True)
class Family:
    name: str
    kind: Kind
    title: str  # what the rule asks, in planner words
    price: str  # how breaking it is priced (the Policy field, or the hard penalty)
    slack: str | None = None  # elastic families: the Pyomo slack variable diagnosed
    diagnose: Diagnose | None = None  # elastic families: slack values -> findings

    @property
    def hard(self) -> bool:
        """Hard rules (plain or elastic): breaking one makes the plan infeasible."""
        return self.kind is not Kind.soft

    @property
    def priced(self) -> bool:
        """Families with a ``cost_<name>`` term in the objective."""
        return self.kind is not Kind.hard

    @property
    def component(self) -> str:
        return f"cost_{self.name}"


HARD_PRICE = f"EUR {HARD_PENALTY_EUR_PER_PERSON:,.0f} per person (hard rule, elastic)"
