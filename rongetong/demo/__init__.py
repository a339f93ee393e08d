"""Demo data: the district's towns and grids, staff accounts and a realistic case history."""
