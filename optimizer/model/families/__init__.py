"""One module per constraint family; the family name is the same in the code, the Pyomo component,
the explanation shown to a planner and the test file."""
