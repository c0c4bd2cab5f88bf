"""Trust: every decision explainable in planner words, impossibilities diagnosed, outcomes by group."""
