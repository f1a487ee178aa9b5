"""requestType -> answer builder: the dispatch table of the Mend mock.

Families that exist at several levels (getOrganizationAlerts / getProductAlerts / getProjectAlerts) share one
builder, which reads the scope the request's token names. Report requestTypes are matched by suffix.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from apiconform.vendors.mend import answers, observed, people, reports, texts, writes
from apiconform.vendors.mend.call import Call, FileAnswer

Build = Callable[[Call], Any]
LEVELS = ("Organization", "Product", "Project")


def _levels(suffix: str, build: Build) -> dict[str, Build]:
    return {f"get{level}{suffix}": build for level in LEVELS}


def _both(org: str, product: str, build: Build) -> dict[str, Build]:
    return {org: build, product: build}


ROUTES: dict[str, Build] = {
    **_levels("Alerts", answers.alerts),
    "getAlertsByProjectTag": answers.alerts_by_tag,
    **_levels("IgnoredAlerts", answers.ignored_alerts),
    **_levels("AlertsByType", answers.alerts_by_type),
    "ignoreAlerts": writes.ignore_alerts,
    "getChangesReport": answers.changes,
    **_levels("Licenses", answers.licenses),
    **_levels("LicenseHistogram", answers.license_histogram),
    "getOrganizationDetails": answers.organization_details,
    "getAllOrganizations": answers.all_organizations,
    "getAllProducts": answers.all_products,
    "getAllProjects": answers.all_projects,
    **_levels("InHouseLibraries", answers.in_house_libraries),
    **_levels("ProjectVitals", answers.project_vitals),
    "getProjectVitals": answers.project_vitals,
    "getOrganizationProductVitals": answers.product_vitals,
    **_both("getOrganizationProductTags", "getProductTags", answers.product_tags),
    "saveProductTag": writes.save_product_tag,
    "removeProductTag": writes.remove_product_tag,
    **_levels("ProjectTags", answers.project_tags),
    "getProjectTags": answers.project_tags,
    "saveProjectTag": writes.save_project_tag,
    "removeProjectTag": writes.remove_project_tag,
    "getLicenses": answers.license_catalogue,
    "getLicensesTextZip": texts.licenses_zip,
    "getCopyrightsTextFile": texts.copyrights,
    "getNoticesTextFile": texts.notices,
    **_both("getProductAttributionReport", "getProjectAttributionReport", texts.attribution),
    **_levels("RiskReport", reports.risk_report),
    "getProjectInventory": answers.project_inventory,
    **_levels("CustomAttributeValues", answers.custom_attribute_values),
    **_levels("LibraryLocations", answers.library_locations),
    **_both("getOrganizationPolicies", "getProductPolicies", people.policies),
    **_both("addOrganizationPolicy", "addProductPolicy", people.add_policy),
    **_both("updateOrganizationPolicy", "updateProductPolicy", people.update_policy),
    **_both("removeOrganizationPolicies", "removeProductPolicies", people.remove_policies),
    **_both("reorderOrganizationPolicyPriorities", "reorderProductPolicyPriorities", people.reorder_policies),
    "createGroup": people.create_group,
    "createUser": people.create_user,
    "inviteUsers": people.invite_users,
    "getAllGroups": people.all_groups,
    "getAllUsers": people.all_users,
    "addUsersToGroups": people.add_users_to_groups,
    "removeUserFromGroup": people.remove_user_from_group,
    "removeUserFromOrganization": people.remove_user_from_organization,
    "getOrganizationAssignments": people.organization_assignments,
    "getProductAssignments": people.product_assignments,
    "setOrganizationAssignments": people.set_organization_assignments,
    "setProductAssignments": people.set_product_assignments,
    "createProject": writes.create_project,
    "deleteProject": writes.delete_project,
    "createProduct": writes.create_product,
    "deleteProduct": writes.delete_product,
    "getProjectHierarchy": answers.hierarchy,
    "getProjectState": answers.project_state,
    "getLibrarySourceFiles": answers.source_files,
    "getProjectLibraryDependencies": answers.dependencies,
    "inviteUserToWebAdvisor": writes.invite_to_web_advisor,
    "createServiceUser": people.create_service_user,
    "regenerateUserKey": people.regenerate_user_key,
    **_both("getOrganizationServiceUsers", "getProductServiceUsers", people.service_users),
    "changeOriginLibrary": writes.change_origin_library,
    "setProjectSetupNotificationConfig": writes.set_notification_config,
    "getRequestState": answers.request_state,
    "getProjectLastModification": answers.last_modification,
}

# report suffix -> (table, filename pattern); {name} is the scope's name, {other} the second product/project
REPORTS: dict[str, tuple[reports.Builder, str]] = {
    "InventoryReport": (reports.inventory, "{name}.xlsx"),
    "VulnerabilityReport": (observed.vulnerabilities, "{name}.xlsx"),  # reports.vulnerabilities, with `status`
    "ContainerVulnerabilityReport": (reports.container_vulnerabilities, "{name}.xlsx"),
    "ClusterVulnerabilityReport": (reports.cluster_vulnerabilities, "{name}.xlsx"),
    "SourceFileInventoryReport": (reports.source_files, "{name}.xlsx"),
    "AlertsReport": (reports.alerts, "{name}.xlsx"),
    "AttributesReport": (reports.attributes, "{name}.xlsx"),
    "LibraryLocationReport": (reports.locations, "{name}.xlsx"),
    "DueDiligenceReport": (reports.due_diligence, "{name}.xlsx"),
    "EffectiveLicensesReport": (reports.effective_licenses, "{name}.xlsx"),
    "BugsReport": (reports.bugs, "{name}.xlsx"),
    "IgnoredAlertsReport": (reports.ignored_alerts, "{name}.xlsx"),
    "ResolvedAlertsReport": (reports.resolved_alerts, "{name}.xlsx"),
    "RequestHistoryReport": (reports.request_history, "{name}.xlsx"),
    "MembersReport": (reports.members, "{name}.xlsx"),
    "PluginRequestHistoryReport": (reports.plugin_request_history, "{name}.xlsx"),
    "ProductComparisonReport": (reports.comparison, "{name}-{other}-product-comparison.xlsx"),
    "ProjectComparisonReport": (reports.comparison, "{name}-{other}-project-comparison.xlsx"),
    "InHouseReport": (reports.in_house, "{name}-in-house-report.xlsx"),
    "LicenseCompatibilityReport": (reports.license_compatibility, "{name}-license-compatibility-report.xlsx"),
    "ChangeLogHistoryReport": (reports.change_log, "response.xlsx"),
}


def _report(suffix: str) -> Build:
    table, pattern = REPORTS[suffix]

    def build(call: Call) -> Any:
        other = call.extra.get("productToken2") or call.extra.get("projectToken2")
        filename = pattern.format(name=call.state.scope_name(call.scope), other=getattr(other, "name", ""))
        result = reports.answer(call, table, filename)
        if isinstance(result, FileAnswer) and suffix == "LicenseCompatibilityReport":
            return dataclasses.replace(result, extended_filename=True)  # documented as filename*=UTF-8''...
        return result

    return build


def route(request_type: str) -> Build | None:
    if request_type in ROUTES:
        return ROUTES[request_type]
    name = request_type.removeprefix("get")
    for suffix in REPORTS:
        if name == suffix or any(name == level + suffix for level in LEVELS):
            return _report(suffix)
    return None
