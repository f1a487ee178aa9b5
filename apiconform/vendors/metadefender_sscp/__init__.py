"""OPSWAT MetaDefender Software Supply Chain: REST API (/api/v1)."""
