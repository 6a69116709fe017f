"""Survey stage: read answer tables, code open answers into themes, write them back."""
