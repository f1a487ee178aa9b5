"""Example-based and semantic scenarios: plain HTTP conversations whose verdicts fill the check matrix.

Generic scenario code lives here; each vendor's `semantics.py` says which scenarios apply to which operations.
"""
