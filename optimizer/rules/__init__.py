"""Pure planning rules, without any solver: read by the documents, the model, the explanations,
the KPIs, the independent pricing and the baselines alike."""
