"""Driver for ws-sdk (WhiteSource PS Python SDK), run by the side venv's python: `ws_sdk_flows.py FLOW` with the
mock's origin and credentials in the environment. It calls the SDK's public methods exactly as a user script would
(the SDK is not modified or patched) and prints one JSON document with what they returned, for the test to judge.

WSApp is the SDK's API client. `ws_sdk.WS` adds the Unified Agent client, whose constructor downloads the agent
from GitHub: that part has nothing to do with the Mend API and cannot run offline, so the flows use WSApp.
"""

import json
import os
import sys
from pathlib import Path

from ws_sdk.app import WSApp
from ws_sdk.ws_constants import ScopeTypes


def connect() -> WSApp:
    return WSApp(url=os.environ["MEND_URL"], user_key=os.environ["MEND_USERKEY"], token=os.environ["MEND_ORGTOKEN"])


def flow_list(ws: WSApp) -> dict:
    return {
        "products": [{"name": p["name"], "token": p["token"]} for p in ws.get_products()],
        "projects": [{"name": p["name"], "token": p["token"], "product": p["product_name"]} for p in ws.get_projects()],
    }


def flow_read(ws: WSApp) -> dict:
    org = ws.get_organization_details()
    project = ws.get_project(os.environ["MEND_PROJECTTOKEN"])
    return {"organization": org["name"], "project": project["name"], "product": project["product_name"]}


def flow_reports(ws: WSApp) -> dict:
    token = (os.environ["MEND_PROJECTTOKEN"], ScopeTypes.PROJECT)
    written = {}
    for name, data in (
        ("inventory.xlsx", ws.get_inventory(token=token, report=True)),
        ("due_diligence.xlsx", ws.get_due_diligence(token=token, report=True)),
    ):
        path = Path(name)
        path.write_bytes(data if isinstance(data, bytes) else str(data).encode())
        written[name] = path.stat().st_size
    return {"written": written}


def flow_attribution(ws: WSApp) -> dict:
    token = (os.environ["MEND_PROJECTTOKEN"], ScopeTypes.PROJECT)
    data = ws.get_attribution(token=token, report=True, export_format="HTML")
    Path("attribution.html").write_bytes(data if isinstance(data, bytes) else str(data).encode())
    return {"written": {"attribution.html": Path("attribution.html").stat().st_size}}


def flow_alerts(ws: WSApp) -> dict:
    token = (os.environ["MEND_PROJECTTOKEN"], ScopeTypes.PROJECT)
    alerts = ws.get_alerts(token=token, alert_type="SECURITY_VULNERABILITY")
    return {
        "alerts_type": type(alerts).__name__,
        "alerts": [a["vulnerability"]["name"] for a in alerts] if isinstance(alerts, list) else None,
    }


def flow_ignored(ws: WSApp) -> dict:
    ignored = ws.get_ignored_alerts(token=(os.environ["MEND_IGNORED_PROJECTTOKEN"], ScopeTypes.PROJECT))
    return {"ignored": [a["library"]["filename"] for a in ignored]}


def flow_ignore(ws: WSApp) -> dict:
    alert_uuid = os.environ["MEND_ALERT_UUID"]
    return {"answer": ws.set_alerts_status(alert_uuids=alert_uuid, status="Ignored", comments="accepted by test")}


def flow_create_delete(ws: WSApp) -> dict:
    created = ws.create_product("apiconform-client-product")
    product_token = created["productToken"]
    # create_project takes the product token(s) as a list, the way get_tokens_from_name returns them
    project = ws.create_project("apiconform-client-project", product_token=[product_token])
    names_after_create = sorted(p["name"] for p in ws.get_projects(product_token=product_token))
    deleted = ws.delete_scope(project["projectToken"])
    names_after_delete = sorted(p["name"] for p in ws.get_projects(product_token=product_token))
    return {
        "product": created,
        "project": project,
        "after_create": names_after_create,
        "deleted": deleted,
        "after_delete": names_after_delete,
    }


if __name__ == "__main__":
    result = globals()[f"flow_{sys.argv[1].replace('-', '_')}"](connect())
    print(json.dumps(result, default=str))
