"""Seed data built on the seeded hierarchy: alerts, plugin update requests, the change log, custom attributes."""

from __future__ import annotations

import random
from collections import Counter

from apiconform.vendors import _tokens
from apiconform.vendors.mend import model
from apiconform.vendors.mend.seed import CHANGE_KINDS, DAY, REJECTED_LICENSES, Seeded

IGNORE_COMMENTS = ("Not exploitable in our deployment", "Test dependency only", "Accepted risk, see SEC-1021")
LIVE_AGES = (0.0, 40.0, 90.0)  # the first projects' latest update requests, seconds before the mock started


def populate(world: Seeded, seed: int, rng: random.Random, now: float) -> None:
    libraries = {library.key_id: library for library in world.libraries}
    for project in world.projects:
        _alerts(world, project, libraries, seed, rng)
    _requests(world, seed, rng, now)
    _changes(world, libraries, rng, now)
    _attributes(world, rng)


def _findings(
    library: model.Library, usage: model.Usage, repeated: bool, project: model.Project
) -> list[tuple[str, str, str, model.Vulnerability | None]]:
    found: list[tuple[str, str, str, model.Vulnerability | None]] = []
    for vuln in library.vulnerabilities:
        level = "major" if vuln.score >= 7 else "minor"
        found.append(("SECURITY_VULNERABILITY", level, f"{vuln.name}: {vuln.description}", vuln))
    if usage.direct and library.newer_major:
        text = f"A new major version {library.newer_major} of {library.name} has been released"
        found.append(("NEW_MAJOR_VERSION", "minor", text, None))
    elif usage.direct and library.newer_minor:
        text = f"A new minor version {library.newer_minor} of {library.name} has been released"
        found.append(("NEW_MINOR_VERSION", "minor", text, None))
    if repeated:
        text = f"Multiple versions of {library.name} are used in {project.name}"
        found.append(("MULTIPLE_LIBRARY_VERSIONS", "minor", text, None))
    rejected = [name for name in library.licenses if name in REJECTED_LICENSES]
    if rejected:
        text = f"{library.filename} was rejected by policy: license {rejected[0]}"
        found.append(("REJECTED_BY_POLICY_RESOURCE", "major", text, None))
    return found


def _alerts(
    world: Seeded, project: model.Project, libraries: dict[int, model.Library], seed: int, rng: random.Random
) -> None:
    packages = Counter(libraries[usage.key_id].package for usage in project.usages)
    for usage in project.usages:
        library = libraries[usage.key_id]
        for kind, level, text, vuln in _findings(library, usage, packages[library.package] > 1, project):
            number = len(world.alerts)
            created = rng.uniform(project.created, project.updated)
            alert = model.Alert(
                uuid=_tokens.uuid_token(seed, f"mend-alert-{number}"),
                type=kind,
                level=level,
                project_token=project.token,
                key_id=library.key_id,
                description=text,
                created=created,
                direct=usage.direct,
                vulnerability=vuln,
            )
            if number % 11 == 5:
                alert.status, alert.comments = "IGNORED", IGNORE_COMMENTS[number % len(IGNORE_COMMENTS)]
            elif number % 13 == 7:
                alert.status = "RESOLVED"
            world.alerts.append(alert)


def _requests(world: Seeded, seed: int, rng: random.Random, now: float) -> None:
    for index, project in enumerate(world.projects):
        count = rng.randint(1, 3)
        for n in range(count):
            submitted = project.updated - (count - 1 - n) * rng.uniform(1, 30) * DAY
            roll = rng.random()
            outcome = "FAILED" if roll < 0.08 else "SKIPPED" if roll < 0.15 else "FINISHED"
            live = index < len(LIVE_AGES) and n == count - 1
            if live:
                submitted, outcome = now - LIVE_AGES[index], "FINISHED"
                project.updated = submitted
            token = _tokens.hex_token(seed, f"mend-request-{len(world.requests)}", 32)
            request = model.UpdateRequest(token, project.token, submitted, outcome, project.plugin, project.uploaded_by)
            request.live = live
            project.requests.append(token)
            world.requests.append(request)


def _changes(world: Seeded, libraries: dict[int, model.Library], rng: random.Random, now: float) -> None:
    products = {product.token: product for product in world.products}
    people = [user for user in world.users if not user.service]
    times = sorted(rng.uniform(now - 200 * DAY, now - DAY) for _ in range(36))
    for at in times:
        project = rng.choice(world.projects)
        product = products[project.product_token]
        library = libraries[rng.choice(project.usages).key_id]
        category, kind, change_type, scope = rng.choice(CHANGE_KINDS)
        before, after = _change_values(category, kind, change_type, library, rng)
        name = library.source_files[0].name if scope == "SOURCE_FILE" else library.filename
        user = rng.choice(people)
        world.changes.append(
            model.Change(
                at=at,
                category=category,
                type=kind,
                change_type=change_type,
                scope=scope,
                scope_name=name,
                scope_id=library.key_id,
                before=before,
                after=after,
                operator=rng.choice(("USER", "SYSTEM")),
                user_email=user.email,
                product_id=product.id,
                product_name=product.name,
                project_id=project.id,
                project_name=project.name,
                comment=rng.choice(("changed lib of source file", "license reviewed", "", "automatic policy match")),
            )
        )


def _change_values(
    category: str, kind: str, change_type: str, library: model.Library, rng: random.Random
) -> tuple[list[str], list[str]]:
    if kind == "LIBRARY_LICENSE":
        return list(library.licenses), [rng.choice(("Apache 2.0", "MIT", "BSD 3"))]
    if kind == "SOURCE_MATCHING":
        return [library.description], [f"{library.name} {library.newer_minor or library.version}"]
    if category == "POLICY":
        return [], ["Review GPL licenses"]
    return ([], [library.filename]) if change_type == "ADDED" else ([library.filename], [])


def _attributes(world: Seeded, rng: random.Random) -> None:
    users: dict[int, list[model.Project]] = {}
    for project in world.projects:
        for usage in project.usages:
            users.setdefault(usage.key_id, []).append(project)
    for key_id in sorted(users)[::6]:
        project = rng.choice(users[key_id])
        values = world.attributes
        values.append(
            model.AttributeValue(
                key_id, "approvedForDistribution", rng.choice(("Yes", "No")), "Organizational", world.org.token
            )
        )
        values.append(
            model.AttributeValue(
                key_id, "ownerTeam", rng.choice(("Core", "Web", "Data")), "Product", project.product_token
            )
        )
        values.append(model.AttributeValue(key_id, "usage", rng.choice(("Runtime", "Test")), "Project", project.token))
