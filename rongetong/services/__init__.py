"""Use cases: load, apply a domain rule, write the timeline and outbox rows, commit once."""
