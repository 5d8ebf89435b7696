"""The present stage: formatting of records for terminals, files and (later) the web."""
