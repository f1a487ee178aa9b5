"""Deterministic seed data: one organization, six products, 31 projects, ~250 library versions with licenses and
vulnerabilities, alerts of every documented type, tags, groups, users, service users, policies, update requests.

Everything is generated from the small tables below and `random.Random(seed)`; times are relative to `now`.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from apiconform.vendors import _tokens
from apiconform.vendors.mend import model

DAY = 86400.0
YEAR = 365 * DAY

# name, url, copyleft, linking, royaltyFree, copyrightRiskScore, patentRiskScore
LICENSES = tuple(
    model.LicenseInfo(*row)
    for row in (
        ("Apache 2.0", "http://www.apache.org/licenses/LICENSE-2.0", "NO", "NON_VIRAL", "YES", "THREE", "ONE"),
        ("MIT", "http://www.opensource.org/licenses/MIT", "NO", "NON_VIRAL", "YES", "TWO", "ONE"),
        ("BSD 3", "http://www.opensource.org/licenses/BSD-3-Clause", "NO", "NON_VIRAL", "YES", "TWO", "ONE"),
        ("BSD 2", "http://www.opensource.org/licenses/BSD-2-Clause", "NO", "NON_VIRAL", "YES", "TWO", "ONE"),
        ("ISC", "http://www.opensource.org/licenses/ISC", "NO", "NON_VIRAL", "YES", "ONE", "ONE"),
        ("EPL 1.0", "http://www.eclipse.org/legal/epl-v10.html", "PARTIAL", "WEAK", "YES", "FOUR", "THREE"),
        ("MPL 2.0", "http://www.mozilla.org/MPL/2.0/", "PARTIAL", "WEAK", "YES", "FOUR", "THREE"),
        ("CDDL 1.0", "http://www.opensource.org/licenses/CDDL-1.0", "PARTIAL", "WEAK", "YES", "FOUR", "THREE"),
        ("LGPL 2.1", "http://www.gnu.org/licenses/lgpl-2.1.html", "PARTIAL", "DYNAMIC", "YES", "FIVE", "THREE"),
        ("GPL 2.0", "http://www.gnu.org/licenses/gpl-2.0.html", "FULL", "VIRAL", "YES", "SIX", "FOUR"),
        ("GPL 3.0", "http://www.gnu.org/licenses/gpl-3.0.html", "FULL", "VIRAL", "YES", "SIX", "FIVE"),
        ("AGPL 3.0", "http://www.gnu.org/licenses/agpl-3.0.html", "FULL", "VIRAL", "YES", "SEVEN", "FIVE"),
        ("OpenSSL", "http://www.openssl.org/source/license.html", "NO", "NON_VIRAL", "YES", "THREE", "TWO"),
    )
)
LICENSE_BY_NAME = {lic.name: lic for lic in LICENSES}
REJECTED_LICENSES = frozenset({"GPL 2.0", "GPL 3.0", "AGPL 3.0"})  # REJECTED_BY_POLICY_RESOURCE alerts

# type, groupId, artifactId, name, licenses, number of vulnerabilities, in-house ("" | manual | automatic)
PACKAGES = (
    ("MAVEN_ARTIFACT", "log4j", "log4j", "log4j", "Apache 2.0", 3, ""),
    ("MAVEN_ARTIFACT", "org.apache.logging.log4j", "log4j-core", "Apache Log4j Core", "Apache 2.0", 3, ""),
    ("MAVEN_ARTIFACT", "com.fasterxml.jackson.core", "jackson-databind", "jackson-databind", "Apache 2.0", 3, ""),
    ("MAVEN_ARTIFACT", "org.springframework", "spring-core", "Spring Core", "Apache 2.0", 2, ""),
    ("MAVEN_ARTIFACT", "org.apache.commons", "commons-lang3", "Apache Commons Lang", "Apache 2.0", 0, ""),
    ("MAVEN_ARTIFACT", "commons-collections", "commons-collections", "Commons Collections", "Apache 2.0", 1, ""),
    ("MAVEN_ARTIFACT", "com.google.guava", "guava", "Guava: Google Core Libraries", "Apache 2.0", 1, ""),
    ("MAVEN_ARTIFACT", "org.yaml", "snakeyaml", "SnakeYAML", "Apache 2.0", 2, ""),
    ("MAVEN_ARTIFACT", "io.netty", "netty-handler", "Netty/Handler", "Apache 2.0", 2, ""),
    ("MAVEN_ARTIFACT", "org.hibernate", "hibernate-core", "Hibernate ORM", "LGPL 2.1", 1, ""),
    ("MAVEN_ARTIFACT", "mysql", "mysql-connector-java", "MySQL Connector/J", "GPL 2.0", 1, ""),
    ("MAVEN_ARTIFACT", "org.scala-lang", "scala-library", "Scala Library", "BSD 3", 0, ""),
    ("MAVEN_ARTIFACT", "com.typesafe.akka", "akka-actor_2.11", "akka-actor", "Apache 2.0", 0, ""),
    ("MAVEN_ARTIFACT", "junit", "junit", "JUnit", "EPL 1.0", 1, ""),
    ("MAVEN_ARTIFACT", "org.bouncycastle", "bcprov-jdk15on", "Bouncy Castle Provider", "MIT", 2, ""),
    ("MAVEN_ARTIFACT", "com.itextpdf", "itextpdf", "iText Core", "AGPL 3.0", 1, ""),
    ("MAVEN_ARTIFACT", "javax.annotation", "jsr250-api", "JSR-250 Common Annotations", "CDDL 1.0", 0, ""),
    ("NPM_PACKAGE", "lodash", "lodash", "lodash", "MIT", 2, ""),
    ("NPM_PACKAGE", "express", "express", "express", "MIT", 1, ""),
    ("NPM_PACKAGE", "minimist", "minimist", "minimist", "MIT", 1, ""),
    ("NPM_PACKAGE", "axios", "axios", "axios", "MIT", 2, ""),
    ("NPM_PACKAGE", "moment", "moment", "moment", "MIT", 1, ""),
    ("NPM_PACKAGE", "jquery", "jquery", "jQuery", "MIT", 2, ""),
    ("NPM_PACKAGE", "react", "react", "React", "MIT", 0, ""),
    ("NPM_PACKAGE", "inherits", "inherits", "inherits", "ISC", 0, ""),
    ("PYTHON_PACKAGE", "requests", "requests", "requests", "Apache 2.0", 1, ""),
    ("PYTHON_PACKAGE", "django", "django", "Django", "BSD 3", 3, ""),
    ("PYTHON_PACKAGE", "flask", "flask", "Flask", "BSD 3", 1, ""),
    ("PYTHON_PACKAGE", "pyyaml", "pyyaml", "PyYAML", "MIT", 1, ""),
    ("PYTHON_PACKAGE", "urllib3", "urllib3", "urllib3", "MIT", 2, ""),
    ("PYTHON_PACKAGE", "jinja2", "jinja2", "Jinja2", "BSD 3", 1, ""),
    ("PYTHON_PACKAGE", "mysqlclient", "mysqlclient", "mysqlclient", "GPL 2.0", 0, ""),
    ("PYTHON_PACKAGE", "certifi", "certifi", "certifi", "MPL 2.0", 1, ""),
    ("NUGET_PACKAGE", "Newtonsoft", "Newtonsoft.Json", "Json.NET", "MIT", 1, ""),
    ("NUGET_PACKAGE", "Apache", "log4net", "log4net", "Apache 2.0", 1, ""),
    ("SOURCE_LIBRARY", "openssl", "openssl", "OpenSSL", "OpenSSL", 3, ""),
    ("SOURCE_LIBRARY", "gnu", "readline", "GNU Readline", "GPL 3.0", 0, ""),
    ("MAVEN_ARTIFACT", "com.acme", "acme-commons", "ACME Commons", "", 0, "manual"),
    ("MAVEN_ARTIFACT", "com.acme", "acme-auth-client", "ACME Auth Client", "", 0, "automatic"),
    ("NPM_PACKAGE", "@acme", "ui-kit", "ACME UI Kit", "", 0, "automatic"),
)
EXTENSIONS = {
    "MAVEN_ARTIFACT": ("{a}-{v}.jar", "pom.xml", "java", "Java"),
    "NPM_PACKAGE": ("{a}-{v}.tgz", "package.json", "js", "JavaScript"),
    "PYTHON_PACKAGE": ("{a}-{v}-py3-none-any.whl", "requirements.txt", "py", "Python"),
    "NUGET_PACKAGE": ("{a}.{v}.nupkg", "packages.config", "cs", ".NET"),
    "SOURCE_LIBRARY": ("{a}-{v}.tar.gz", "CMakeLists.txt", "c", "C"),
}
SOURCE_STEMS = ("core", "util", "parser", "codec", "io", "config", "net", "crypto")
VULN_TEXT = (
    "Deserialization of untrusted data in {n} allows remote attackers to execute arbitrary code.",
    "A crafted input to {n} can cause uncontrolled resource consumption (denial of service).",
    "{n} does not validate certificates properly, allowing man-in-the-middle attacks.",
    "Prototype pollution in {n} allows attackers to modify object properties.",
    "Improper neutralization of input in {n} leads to cross-site scripting.",
    "Path traversal in {n} allows reading arbitrary files.",
)
VECTORS = (
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:N/I:N/A:H",
    "CVSS:3.1/AV:N/AC:H/PR:N/UI:N/S:U/C:H/I:H/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:R/S:C/C:L/I:L/A:N",
)
FIX_ORIGINS = ("GITHUB_COMMIT", "JIRA", "BUGZILLA", "NODE_SECURITY_ADVISORY", "SECURITY_TRACKER", "mend_EXPERT")

# product name, product tags, project components
PRODUCTS: tuple[tuple[str, dict[str, list[str]], tuple[str, ...]], ...] = (
    (
        "Payments Platform",
        {"businessUnit": ["Finance"], "tier": ["1"]},
        ("api", "ledger", "gateway", "worker", "fraud", "payouts"),
    ),
    ("Customer Portal", {"businessUnit": ["Sales"]}, ("web", "api", "auth", "search", "cms")),
    (
        "Data Pipeline",
        {"businessUnit": ["Analytics"], "tier": ["2"]},
        ("ingest", "etl", "scheduler", "reporting", "warehouse"),
    ),
    ("Mobile Backend", {}, ("api", "push", "sync", "media", "auth")),
    ("Internal Tools", {"tier": ["3"]}, ("admin", "wiki", "billing", "ci-bot", "hr-portal")),
    ("Edge Services", {"businessUnit": ["Platform"]}, ("cdn", "proxy", "rate-limiter", "dns", "waf")),
)
COMPONENT_TAGS = (("Component", ("Database", "Server", "Client", "Library")), ("status", ("production", "staging")))
PLUGINS = ("fs-agent:18.2.2", "unified-agent:21.11.1", "mend-cli:23.9.1", "bolt-4-github-scanner:22.4.1")
USERS = (
    "Alice Martin",
    "Bob Chen",
    "Carol Diaz",
    "Dan Evans",
    "Erin Foster",
    "Frank Green",
    "Grace Hill",
    "Hugo Ito",
    "Irene Jones",
    "Jack King",
    "Kim Lopez",
    "Liam Moore",
)
GROUPS = (
    ("admins", "Organization administrators", (0,)),
    ("developers", "All developers", (3, 4, 5, 6, 7)),
    ("security", "Security team", (2, 8)),
    ("release-managers", "Release managers", (9, 10)),
    ("auditors", "External auditors", (11,)),
)
CHANGE_KINDS = (
    ("METADATA", "SOURCE_MATCHING", "CHANGED", "SOURCE_FILE"),
    ("METADATA", "LIBRARY_LICENSE", "CHANGED", "LIBRARY"),
    ("POLICY", "POLICY_MATCH", "ADDED", "LIBRARY"),
    ("INVENTORY", "LIBRARY", "ADDED", "LIBRARY"),
    ("INVENTORY", "LIBRARY", "REMOVED", "LIBRARY"),
)
ORG_POLICIES = (  # name, filter type, filter values, action
    ("Reject AGPL licenses", "LICENSE", "AGPL 3.0", "REJECT"),
    ("Review GPL licenses", "LICENSE", "GPL 2.0|GPL 3.0", "REASSIGN"),
    ("Approve permissive licenses", "LICENSE", "MIT|Apache 2.0|BSD 3", "APPROVE"),
    ("Flag high severity", "VULNERABILITY_SEVERITY", "high", "CONDITIONS"),
)
ORG_ID = 2133534


@dataclass
class Seeded:
    org: model.Organization
    products: list[model.Product] = field(default_factory=list)
    projects: list[model.Project] = field(default_factory=list)
    libraries: list[model.Library] = field(default_factory=list)
    alerts: list[model.Alert] = field(default_factory=list)
    users: list[model.User] = field(default_factory=list)
    groups: list[model.Group] = field(default_factory=list)
    policies: list[model.Policy] = field(default_factory=list)
    requests: list[model.UpdateRequest] = field(default_factory=list)
    changes: list[model.Change] = field(default_factory=list)
    attributes: list[model.AttributeValue] = field(default_factory=list)


def user_key(seed: int, user_id: int, generation: int = 0) -> str:
    return _tokens.hex_token(seed, f"mend-user-key-{user_id}-{generation}")


def product_token(seed: int, product_id: int) -> str:
    return _tokens.hex_token(seed, f"mend-product-{product_id}")


def project_token(seed: int, project_id: int) -> str:
    return _tokens.hex_token(seed, f"mend-project-{project_id}")


def build(seed: int, now: float) -> Seeded:
    rng = random.Random(seed)
    org = model.Organization(
        id=ORG_ID,
        name="ACME Corporation",
        token=_tokens.hex_token(seed, "mend-organization"),
        created=now - 4 * YEAR,
        global_token=_tokens.hex_token(seed, "mend-global-organization"),
        siblings=[(name, _tokens.hex_token(seed, f"mend-sibling-{name}")) for name in ("ACME Labs", "ACME Europe")],
        notification={"action": "ENABLED"},
    )
    world = Seeded(org=org)
    world.libraries = _libraries(seed, rng, now)
    _people(world, seed, now)
    _hierarchy(world, seed, rng, now)
    from apiconform.vendors.mend import seed_activity  # the alerts, requests and history built on the hierarchy

    seed_activity.populate(world, seed, rng, now)
    return world


def _versions(rng: random.Random, count: int) -> list[tuple[int, int, int]]:
    major, minor, patch = rng.randint(1, 4), rng.randint(0, 9), rng.randint(0, 5)
    versions = []
    for _ in range(count):
        versions.append((major, minor, patch))
        roll = rng.random()
        if roll < 0.2:
            major, minor, patch = major + 1, 0, 0
        elif roll < 0.6:
            minor, patch = minor + 1, 0
        else:
            patch += rng.randint(1, 3)
    return versions


def _libraries(seed: int, rng: random.Random, now: float) -> list[model.Library]:
    libraries: list[model.Library] = []
    for kind, group, artifact, name, licenses, vuln_count, in_house in PACKAGES:
        pattern, _dep_file, ext, language = EXTENSIONS[kind]
        versions = _versions(rng, rng.randint(4, 8))
        text = [f"{major}.{minor}.{patch}" for major, minor, patch in versions]
        vulns = [_vulnerability(seed, rng, name, text, now) for _ in range(vuln_count)]
        for rank, (major, minor, _patch) in enumerate(versions):
            version = text[rank]
            key_id = 24559100 + len(libraries)
            newer_major = [text[i] for i, v in enumerate(versions) if v[0] > major]
            newer_minor = [text[i] for i, v in enumerate(versions) if v[0] == major and v[1] > minor]
            library = model.Library(
                key_id=key_id,
                key_uuid=_tokens.uuid_token(seed, f"mend-library-{key_id}"),
                package=f"{group}:{artifact}",
                group_id=group,
                artifact_id=artifact,
                name=name,
                version=version,
                type=kind,
                language=language,
                description=f"{name} {version}",
                homepage=f"https://libraries.example/{group}/{artifact}",
                filename=pattern.format(a=artifact, v=version),
                sha1=_tokens.hex_token(seed, f"mend-sha1-{group}:{artifact}:{version}", 40),
                licenses=tuple(licenses.split("|")) if licenses else (),
                vulnerabilities=tuple(v for v, fixed in vulns if rank < fixed),
                in_house=in_house or None,
                in_house_note=("manually set to in-house" if in_house == "manual" else f"{artifact.split('-')[0]}-*"),
                version_rank=rank,
                newer_major=newer_major[-1] if newer_major else None,
                newer_minor=newer_minor[-1] if newer_minor else None,
            )
            for stem in rng.sample(SOURCE_STEMS, rng.randint(1, 3)):
                sha1 = _tokens.hex_token(seed, f"mend-source-{key_id}-{stem}", 40)
                path = f"src/{artifact}/{stem}.{ext}"
                library.source_files.append(model.SourceFile(f"{stem}.{ext}", sha1, path))
            libraries.append(library)
    return libraries


def _vulnerability(
    seed: int, rng: random.Random, name: str, versions: list[str], now: float
) -> tuple[model.Vulnerability, int]:
    """A vulnerability and the rank of the first version that fixes it (older versions are affected)."""
    year = rng.randint(2014, 2024)
    number = rng.randint(1000, 45999)
    vuln_id = f"CVE-{year}-{number}" if rng.random() < 0.85 else f"WS-{year}-{number % 10000:04d}"
    fixed = rng.randint(1, max(1, len(versions) - 1))
    score = round(rng.uniform(2.0, 10.0), 1)
    vuln = model.Vulnerability(
        name=vuln_id,
        score=score,
        cvss3_score=round(min(10.0, max(0.0, score + rng.uniform(-1.0, 1.0))), 1),
        vector=rng.choice(VECTORS),
        description=rng.choice(VULN_TEXT).format(n=name),
        published=f"{year}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
        fix_origin=rng.choice(FIX_ORIGINS),
        fix_version=versions[fixed],
        fix_url=f"https://github.com/advisories/{_tokens.hex_token(seed, vuln_id, 12)}",
    )
    return vuln, fixed


def _people(world: Seeded, seed: int, now: float) -> None:
    for index, full_name in enumerate(USERS):
        user_id = 1841 + index
        email = full_name.lower().replace(" ", ".") + "@acme.example"
        key = user_key(seed, user_id)
        world.users.append(model.User(user_id, full_name, email, key, org_admin=index == 0))
    for index, name in enumerate(("ci-scanner", "sbom-export")):
        user_id = 1900 + index
        world.users.append(
            model.User(user_id, name, f"{name}@service.acme.example", user_key(seed, user_id), True, True)
        )
    for index, (name, description, members) in enumerate(GROUPS):
        world.groups.append(model.Group(2373 + index, name, description, [world.users[m].id for m in members]))
    users, groups = world.users, world.groups
    world.org.roles = {
        "ADMIN": model.Roles([users[0].id], [groups[0].id]),
        "USER": model.Roles([], [groups[1].id]),
        "DEFAULT_APPROVER": model.Roles([users[2].id], []),
        "ALERT_EMAIL_RECEIVER": model.Roles([], [groups[2].id]),
    }
    world.policies = [_policy(i, rule, world.org.token, now) for i, rule in enumerate(ORG_POLICIES, start=1)]


def _policy(policy_id: int, rule: tuple[str, str, str, str], owner: str, now: float) -> model.Policy:
    name, kind, values, action = rule
    return model.Policy(
        policy_id, name, owner, policy_id, True, {"type": kind, "values": values.split("|")}, {"type": action}, now
    )


def _hierarchy(world: Seeded, seed: int, rng: random.Random, now: float) -> None:
    users = [u for u in world.users if not u.service]
    by_package: dict[str, list[model.Library]] = {}
    for library in world.libraries:
        by_package.setdefault(library.package, []).append(library)
    packages = list(by_package)
    for p_index, (product_name, tags, components) in enumerate(PRODUCTS):
        product_id = 69491 + p_index
        created = world.org.created + rng.uniform(30, 400) * DAY
        product = model.Product(product_id, product_token(seed, product_id), product_name, created, now - DAY)
        product.tags = {key: list(values) for key, values in tags.items()}
        admin = users[1] if p_index == 0 else users[9 + p_index % 3]
        product.roles = {
            "ADMIN": model.Roles([admin.id], [world.groups[0].id]),
            "ALERT_EMAIL_RECEIVER": model.Roles([], [world.groups[2].id]),
            "MEMBER": model.Roles([], [world.groups[1].id]),
            "DEFAULT_APPROVER": model.Roles([users[2].id], []),
            "PRODUCT_INTEGRATOR": model.Roles([], [world.groups[3].id]),
        }
        world.products.append(product)
        if p_index < 2:
            service_id = 1910 + p_index
            name = product_name.lower().replace(" ", "-") + "-integration"
            key = user_key(seed, service_id)
            world.users.append(
                model.User(service_id, name, f"{name}@service.acme.example", key, True, False, product.token)
            )
            rule = (f"{product_name}: block jQuery 1.x", "LIBRARY_NAME", "jquery", "REJECT")
            world.policies.append(_policy(10 + p_index, rule, product.token, now))
        slug = product_name.lower().replace(" ", "-")
        for component in components:
            project_id = 338568 + len(world.projects)
            p_created = product.created + rng.uniform(5, 300) * DAY
            project = model.Project(
                id=project_id,
                token=project_token(seed, project_id),
                name=f"{slug}-{component}",
                product_token=product.token,
                description=f"The {component} service of {product_name}",
                created=p_created,
                updated=min(now - 60, p_created + rng.uniform(10, 900) * DAY),
                plugin=rng.choice(PLUGINS),
                uploaded_by=rng.choice(users).email,
                last_process=rng.choice(("UPDATE", "UPDATE", "UPDATE_ALERTS", "SETUP", "DIFF")),
            )
            for key, values in COMPONENT_TAGS:
                if rng.random() < 0.6:
                    project.tags[key] = [rng.choice(values)]
            _inventory(project, rng, [by_package[p] for p in rng.sample(packages, rng.randint(6, 13))])
            world.projects.append(project)


def _inventory(project: model.Project, rng: random.Random, chosen: list[list[model.Library]]) -> None:
    picks = [rng.choice(versions) for versions in chosen]
    if rng.random() < 0.3:  # a second version of one package: MULTIPLE_LIBRARY_VERSIONS
        versions = chosen[0]
        other = [v for v in versions if v is not picks[0]]
        if other:
            picks.append(rng.choice(other))
    direct_count = max(1, (len(picks) + 1) // 2)
    directs = picks[:direct_count]
    for index, library in enumerate(picks):
        direct = index < direct_count
        parent = None if direct else rng.choice(directs).key_id
        dep_file = EXTENSIONS[library.type][1]
        path = f"/builds/{project.name}/{'lib' if direct else 'lib/transitive'}/{library.filename}"
        match = "FILENAME" if library.in_house else "SHA1"
        project.usages.append(
            model.Usage(library.key_id, direct, parent, path, f"/builds/{project.name}/{dep_file}", match)
        )
