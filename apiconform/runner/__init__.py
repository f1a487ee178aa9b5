"""The contract engine behind `apiconform run`: property-based, example-based and semantic checks."""
