"""Half-yearly housing quotas (taakstelling) for status holders."""
