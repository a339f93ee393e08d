"""Pure business rules of 融e通: no Flask, no SQL."""
