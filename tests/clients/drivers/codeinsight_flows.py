"""Driver for codeinsight-sdk (Python client for Revenera Code Insight), run by the side venv's python:
`codeinsight_flows.py` with CODEINSIGHT_URL (origin) and CODEINSIGHT_TOKEN in the environment. It lists projects
and reports the way the SDK's README shows, and prints what each call gave as one JSON document: the count, or
the exception the SDK raised (its CodeInsightError only parses error bodies in the shape it expects)."""

import json
import os

from codeinsight_sdk import CodeInsightClient

client = CodeInsightClient(os.environ["CODEINSIGHT_URL"], os.environ["CODEINSIGHT_TOKEN"], timeout=30)
outcome = {}
for name, call in (("projects.all", client.projects.all), ("reports.all", client.reports.all)):
    try:
        outcome[name] = {"ok": len(call())}
    except Exception as error:  # what the SDK raises is the finding
        outcome[name] = {"raised": type(error).__name__, "message": str(error)[:300]}
print(json.dumps(outcome))
