"""Revenera Code Insight: Jobs API."""
