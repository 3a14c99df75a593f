"""Raw exports to tidy tables: readers, schemas, validation, redaction, the processed store."""
