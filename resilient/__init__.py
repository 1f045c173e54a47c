"""Domain logic of the Resilient Community dashboard: database, demo data, reads and writes."""
