"""Security Compass SD Elements: Jobs API (ALM and analysis jobs)."""
