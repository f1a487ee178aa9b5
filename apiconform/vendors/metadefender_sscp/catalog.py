"""Packages found by scans: search, versions, CVEs, and per-package labels (checked against global label keys)."""

from __future__ import annotations

from typing import Any

from apiconform.mocks.behaviour import Handler, MockRequest, MockResponse
from apiconform.vendors.metadefender_sscp.store import Record, State, any_in, base, matches_text, missing, ok, public

EXACT_FILTERS = ("Ecosystem", "Version", "Connection", "Repository", "Reference", "ScanId", "StepSha256")


def _version_key(version: str) -> tuple[int, ...]:
    return tuple(int(p) if p.isdigit() else 0 for p in version.split("."))


class Catalog:
    def __init__(self, state: State) -> None:
        self.state = state
        self.store = state.store

    def handlers(self) -> dict[str, Handler]:
        return {
            "listPackages": self.list_packages,
            "listPackageVersions": self.versions,
            "getPackage": self.get,
            "listPackageCves": self.cves,
            "listPackageLabels": self.labels,
            "addPackageLabel": self.add_label,
            "updatePackageLabel": self.update_label,
            "deletePackageLabel": self.delete_label,
            "searchPackagesByLabel": self.search_by_label,
        }

    def render(self, package: Record) -> Record:
        shown = public(package)
        shown["Labels"] = [dict(label) for label in package["_labels"].values()]
        return shown

    def list_packages(self, request: MockRequest) -> MockResponse:
        q = request.query
        packages = self.store.all("packages")
        if self.state.filtering:
            packages = [p for p in packages if self._matches(p, q)]
        return ok([self.render(p) for p in packages])

    def _matches(self, package: Record, q: dict[str, Any]) -> bool:
        if not matches_text(q.get("Name"), package["Name"]):
            return False
        for param in EXACT_FILTERS:
            if q.get(param) and str(q[param]).lower() != str(package[param]).lower():
                return False
        return (
            any_in(q.get("Vulnerabilities"), package["Vulnerabilities"])
            and any_in(q.get("LicenseRisks"), package["LicenseRisks"])
            and matches_text(q.get("Search"), package["Name"], package["Purl"], package["License"])
        )

    def versions(self, request: MockRequest) -> MockResponse:
        q = request.query
        packages = self.store.all("packages")
        if self.state.filtering:
            name, ecosystem = (q.get("packageName") or "").lower(), (q.get("ecosystem") or "").lower()
            packages = [p for p in packages if name in ("", p["Name"].lower()) and ecosystem in ("", p["Ecosystem"])]
        packages = sorted(packages, key=lambda p: (p["Ecosystem"], p["Name"], _version_key(p["Version"])))
        keys = ("Id", "Name", "Ecosystem", "Version", "Purl")
        return ok([{k: p[k] for k in keys} for p in packages])

    def _package(self, request: MockRequest) -> Record | None:
        return self.store.get("packages", request.path["id"])

    def get(self, request: MockRequest) -> MockResponse:
        package = self._package(request)
        if package is None:
            return missing(request, "Package", base("NotFound", "Package not found."))
        return ok(self.render(package))

    def cves(self, request: MockRequest) -> MockResponse:
        package = self._package(request)
        if package is None:
            return missing(request, "Package", {**base("NotFound", "Package not found."), "Cves": []})
        return ok({**base(), "Cves": [dict(c) for c in package["_cves"]]})

    # -- labels ---------------------------------------------------------------------------------------------------
    def labels(self, request: MockRequest) -> MockResponse:
        package = self._package(request)
        if package is None:
            return missing(request, "Package", {**base("NotFound", "Package not found."), "Labels": []})
        return ok({**base(), "Labels": [dict(label) for label in package["_labels"].values()]})

    def _invalid_value(self, key: str, value: str) -> str | None:
        for global_key in self.store.all("labelKeys"):
            if global_key["Name"] == key and global_key["Options"] and value not in global_key["Options"]:
                return f"Value must be one of: {', '.join(global_key['Options'])}."
        return None

    def add_label(self, request: MockRequest) -> MockResponse:
        body: dict[str, Any] = request.body
        now = self.state.stamp()
        label = {
            "Key": body.get("Key", ""),
            "Value": body.get("Value", ""),
            "ValueType": body.get("ValueType", "String"),
            "Created": body.get("Created", now),
            "Updated": body.get("Updated", now),
        }
        package = self._package(request)
        if package is None:
            return missing(request, "Package", {**base("NotFound", "Package not found."), "Label": label})
        if not label["Key"]:
            return ok({**base("LabelKeyRequired", "A label needs a Key."), "Label": label})
        if label["Key"] in package["_labels"]:
            existing = dict(package["_labels"][label["Key"]])
            return ok({**base("LabelAlreadyExists", "The package already has this label."), "Label": existing})
        problem = self._invalid_value(label["Key"], label["Value"])
        if problem:
            return ok({**base("InvalidLabelValue", problem), "Label": label})
        package["_labels"][label["Key"]] = label
        return ok({**base("Success", "Label added."), "Label": dict(label)})

    def update_label(self, request: MockRequest) -> MockResponse:
        package = self._package(request)
        label = package["_labels"].get(request.path["key"]) if package else None
        if label is None:
            return missing(request, "Label", base("NotFound", "Package or label not found."))
        body: dict[str, Any] = request.body
        problem = self._invalid_value(label["Key"], body.get("value", label["Value"]))
        if problem:
            return ok(base("InvalidLabelValue", problem))
        label["Value"] = body.get("value", label["Value"])
        label["ValueType"] = body.get("valueType", label["ValueType"])
        label["Updated"] = self.state.stamp()
        return ok(base("Success", "Label updated."))

    def delete_label(self, request: MockRequest) -> MockResponse:
        package = self._package(request)
        if package is None or package["_labels"].pop(request.path["key"], None) is None:
            return missing(request, "Label", base("NotFound", "Package or label not found."))
        return ok(base("Success", "Label deleted."))

    def search_by_label(self, request: MockRequest) -> MockResponse:
        key, value = request.query.get("key"), request.query.get("value")
        packages = self.store.all("packages")
        if self.state.filtering:
            packages = [p for p in packages if (key in p["_labels"] if key else bool(p["_labels"]))]
            if key and value is not None:
                packages = [p for p in packages if p["_labels"][key]["Value"] == value]
        return ok([self.render(p) for p in packages])
