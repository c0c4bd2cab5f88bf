"""The ``coa-plan`` entry point, above the optimizer and the service."""
