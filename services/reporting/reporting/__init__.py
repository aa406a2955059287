"""motcua reporting: projections of dossier events and survey answers, and the report API."""
