"""The Mend mock's state: the organization -> products -> projects -> libraries/alerts hierarchy, people and
policies, with the scope queries the answers use and the mutations the writes make.

Collections are insertion-ordered dicts, so every listing is stable. Handlers run one at a time on the event
loop, so a counter is enough to give concurrent creates distinct ids and tokens.
"""

from __future__ import annotations

import itertools
import time
from dataclasses import dataclass

from apiconform.vendors.mend import model, seed

ORGANIZATION, PRODUCT, PROJECT = "organization", "product", "project"
IN_PROGRESS_SECONDS = 30.0  # a live update request is IN_PROGRESS this long, then UPDATED ...
UPDATED_SECONDS = 60.0  # ... until its alerts are calculated (then FINISHED / FAILED / SKIPPED)


def stamp(epoch: float) -> str:
    """yyyy-MM-dd HH:mm:ss (UTC), the date-time form of the responses."""
    return time.strftime("%Y-%m-%d %H:%M:%S", time.gmtime(epoch))


def day(epoch: float) -> str:
    return time.strftime("%Y-%m-%d", time.gmtime(epoch))


@dataclass(frozen=True)
class Scope:
    """What a request's token names: the organization, one product, or one project."""

    level: str
    product: model.Product | None = None
    project: model.Project | None = None


class MendState:
    def __init__(self, seed_value: int, now: float) -> None:
        world = seed.build(seed_value, now)
        self.seed = seed_value
        self.org = world.org
        self.products = {p.token: p for p in world.products}
        self.projects = {p.token: p for p in world.projects}
        self.libraries = {lib.key_id: lib for lib in world.libraries}
        self.by_uuid = {lib.key_uuid: lib.key_id for lib in world.libraries}
        self.alerts = {a.uuid: a for a in world.alerts}
        self.users = {u.id: u for u in world.users}
        self.keys = {u.key: u.id for u in world.users}
        self.groups = {g.id: g for g in world.groups}
        self.policies = {p.id: p for p in world.policies}
        self.requests = {r.token: r for r in world.requests}
        self.changes = world.changes
        self.attributes = world.attributes
        self._ids = itertools.count(10_000_000)

    def next_id(self) -> int:
        return next(self._ids)

    # -- lookups -----------------------------------------------------------------------------------------------

    def token_kind(self, token: str) -> str | None:
        if token == self.org.token:
            return ORGANIZATION
        if token in self.products:
            return PRODUCT
        return PROJECT if token in self.projects else None

    def user_by_key(self, key: str) -> model.User | None:
        user = self.users.get(self.keys.get(key, -1))
        return user if user is not None and user.active else None

    def user_by_email(self, email: str) -> model.User | None:
        return next((u for u in self.users.values() if u.active and u.email.lower() == email.lower()), None)

    def group_by_name(self, name: str) -> model.Group | None:
        return next((g for g in self.groups.values() if g.name == name), None)

    def product_of(self, project: model.Project) -> model.Product:
        return self.products[project.product_token]

    def library(self, key: object) -> model.Library | None:
        """A library by keyUuid (or by keyId, which one document types the field as)."""
        if isinstance(key, int) and not isinstance(key, bool):
            return self.libraries.get(key)
        key_id = self.by_uuid.get(str(key))
        return None if key_id is None else self.libraries[key_id]

    def humans(self) -> list[model.User]:
        return [u for u in self.users.values() if u.active and not u.service]

    # -- scope queries -----------------------------------------------------------------------------------------

    def products_in(self, scope: Scope) -> list[model.Product]:
        if scope.level == ORGANIZATION:
            return list(self.products.values())
        if scope.project is not None:
            return [self.product_of(scope.project)]
        return [scope.product] if scope.product is not None else []

    def projects_in(self, scope: Scope) -> list[model.Project]:
        if scope.project is not None:
            return [scope.project]
        if scope.product is not None:
            token = scope.product.token
            return [p for p in self.projects.values() if p.product_token == token]
        return list(self.projects.values())

    def usages_in(self, scope: Scope) -> list[tuple[model.Project, model.Usage, model.Library]]:
        return [(p, u, self.libraries[u.key_id]) for p in self.projects_in(scope) for u in p.usages]

    def libraries_in(self, scope: Scope) -> list[model.Library]:
        seen: dict[int, model.Library] = {}
        for _project, _usage, library in self.usages_in(scope):
            seen.setdefault(library.key_id, library)
        return list(seen.values())

    def alerts_in(self, scope: Scope, status: str = "ACTIVE") -> list[model.Alert]:
        tokens = {p.token for p in self.projects_in(scope)}
        return [a for a in self.alerts.values() if a.project_token in tokens and a.status == status]

    def scope_name(self, scope: Scope) -> str:
        if scope.project is not None:
            return scope.project.name
        return scope.product.name if scope.product is not None else self.org.name

    def scope_token(self, scope: Scope) -> str:
        if scope.project is not None:
            return scope.project.token
        return scope.product.token if scope.product is not None else self.org.token

    # -- permissions -------------------------------------------------------------------------------------------

    def role_users(self, roles: model.Roles) -> list[int]:
        """Users holding a role directly or through a group, in a stable order."""
        ids = list(roles.users)
        for group_id in roles.groups:
            group = self.groups.get(group_id)
            ids += group.members if group is not None else []
        return [i for i in dict.fromkeys(ids) if i in self.users and self.users[i].active]

    def is_org_admin(self, user: model.User) -> bool:
        admins = self.org.roles.get("ADMIN", model.Roles())
        return user.org_admin or user.id in self.role_users(admins)

    def administers(self, user: model.User, product: model.Product) -> bool:
        if self.is_org_admin(user) or (user.service and user.product_token == product.token):
            return True
        return user.id in self.role_users(product.roles.get("ADMIN", model.Roles()))

    def request_state(self, request: model.UpdateRequest, now: float) -> str:
        if not request.live:
            return request.outcome
        age = now - request.submitted
        return "IN_PROGRESS" if age < IN_PROGRESS_SECONDS else "UPDATED" if age < UPDATED_SECONDS else request.outcome

    # -- mutations ---------------------------------------------------------------------------------------------

    def add_product(self, name: str, now: float) -> model.Product:
        product_id = self.next_id()
        product = model.Product(product_id, seed.product_token(self.seed, product_id), name, now, now)
        self.products[product.token] = product
        return product

    def remove_product(self, product: model.Product) -> None:
        for project in self.projects_in(Scope(PRODUCT, product=product)):
            self.remove_project(project)
        self.products.pop(product.token, None)
        self.policies = {k: p for k, p in self.policies.items() if p.owner != product.token}
        self.attributes = [a for a in self.attributes if a.context_token != product.token]

    def add_project(self, product: model.Product, name: str, description: str, now: float, by: str) -> model.Project:
        project_id = self.next_id()
        token = seed.project_token(self.seed, project_id)
        project = model.Project(project_id, token, name, product.token, description, now, now, "", by)
        self.projects[token] = project
        product.updated = now
        return project

    def remove_project(self, project: model.Project) -> None:
        self.projects.pop(project.token, None)
        self.alerts = {k: a for k, a in self.alerts.items() if a.project_token != project.token}
        self.requests = {k: r for k, r in self.requests.items() if r.project_token != project.token}
        self.attributes = [a for a in self.attributes if a.context_token != project.token]

    def add_user(self, name: str, email: str, *, service: bool = False, product_token: str | None = None) -> model.User:
        user_id = self.next_id()
        email = email or f"service-{user_id}@service.acme.example"
        user = model.User(user_id, name, email, seed.user_key(self.seed, user_id), service, False, product_token)
        self.users[user_id] = user
        self.keys[user.key] = user_id
        return user

    def regenerate_key(self, user: model.User) -> str:
        self.keys.pop(user.key, None)
        user.generation += 1
        user.key = seed.user_key(self.seed, user.id, user.generation)
        self.keys[user.key] = user.id
        return user.key

    def remove_user(self, user: model.User) -> None:
        user.active = False
        self.keys.pop(user.key, None)
        for group in self.groups.values():
            group.members = [m for m in group.members if m != user.id]
        for roles in [*self.org.roles.values(), *(r for p in self.products.values() for r in p.roles.values())]:
            roles.users = [u for u in roles.users if u != user.id]

    def add_group(self, name: str, description: str = "") -> model.Group:
        group = model.Group(self.next_id(), name, description)
        self.groups[group.id] = group
        return group

    def log(self, now: float, user: model.User, project: model.Project | None, **fields: object) -> None:
        """Append a change-log entry for a write (what getChangesReport and the change-log report show)."""
        product = self.product_of(project) if project is not None and project.product_token in self.products else None
        before = fields.get("before", [])
        after = fields.get("after", [])
        self.changes.append(
            model.Change(
                at=now,
                category=str(fields.get("category", "METADATA")),
                type=str(fields.get("type", "TAG")),
                change_type=str(fields.get("change_type", "CHANGED")),
                scope=str(fields.get("scope", "PROJECT")),
                scope_name=str(fields.get("scope_name", project.name if project else self.org.name)),
                scope_id=int(str(fields.get("scope_id", project.id if project else self.org.id))),
                before=[str(v) for v in before] if isinstance(before, list) else [],
                after=[str(v) for v in after] if isinstance(after, list) else [],
                operator="USER",
                user_email=user.email,
                product_id=product.id if product else 0,
                product_name=product.name if product else "",
                project_id=project.id if project else 0,
                project_name=project.name if project else "",
                comment=str(fields.get("comment", "")),
            )
        )
