"""Constants of the planning week."""

DAYS = 7
"""A plan is for one week: prices per day are multiplied by this."""
