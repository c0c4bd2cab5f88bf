"""Constants of the planning week."""

DAYS = 7
"""A plan is for one week: prices per day are multiplied by this."""

SEED = 20261122
"""The default solver seed of every command and request (the same input gives the same plan)."""
