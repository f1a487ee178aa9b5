"""The vendor plug-in: everything apiconform knows about one vendor beyond its spec, declared in one typed object.

A vendor package (`apiconform/vendors/<surface>/`) builds one `Vendor` in its `vendor.py`; the registry
(`apiconform.vendors.registry`) lists them. The engine (runner, proxy, mocks) reaches vendor knowledge only
through this object, so mypy checks every call and a new vendor touches no generic code.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from apiconform.mocks.behaviour import Behaviour

if TYPE_CHECKING:
    from apiconform.contract import VirtualOperation
    from apiconform.runner.scenarios.base import ScenarioContext

Credentials = dict[str, Any]
# Keys every credentials file may hold, whatever the surface (README, Credentials).
COMMON_CREDENTIAL_KEYS = frozenset({"headers", "surface", "base_url"})


def unchanged_example(ctx: ScenarioContext, operation: VirtualOperation, body: Any) -> Any:
    """For vendors whose documented request examples need no substitution (no credentials in bodies)."""
    return body


@dataclass(frozen=True)
class Vendor:
    surface: str  # the spec's name: specs/<surface>.yaml
    display_name: str  # as the vendor calls its product
    mock: type[Behaviour]  # the embedded mock's behaviour (state, auth, handlers, fault capabilities)
    credential_keys: frozenset[str]  # what a credentials file may hold for this surface, besides the common keys
    auth_headers: Callable[[Credentials], dict[str, str]]  # request headers that authenticate with the credentials
    # Documented read-only calls proving the base URL is this API and the credentials are accepted; exit 3 when not
    # (apiconform.runner.preflight). May log in and set ctx.auth_headers.
    preflight: Callable[[ScenarioContext], None]
    discover: Callable[[ScenarioContext], dict[str, Any]]  # real ids from read-only calls
    run_scenarios: Callable[[ScenarioContext], None]  # the vendor's semantic checks (paging, jobs, CRUD, ...)
    prepare_example: Callable[[ScenarioContext, VirtualOperation, Any], Any] = unchanged_example
    # Credentials that travel in request bodies and identify the caller (Mend: userKey, orgToken): pinned in every
    # generated body. Other body credentials (product/project tokens) address data: pinned too, except in the
    # `destructive` operations, so a generated delete never aims at what the credentials point to.
    caller_credentials: tuple[str, ...] = ()
    # Operations (operationId or requestType) that would destroy or invalidate what the run depends on when aimed
    # at the credentials' own entities (delete the product, regenerate the userKey): generated cases get random
    # entity tokens, and the vendor's scenarios prove them on scratch entities they create first.
    destructive: frozenset[str] = frozenset()
    # Operations that take a credential in the body (a token refresh): a 401 there judges that credential, which
    # generated cases vary, not the caller's.
    token_exchanges: frozenset[str] = frozenset()
    # Operations that need a credential few users have (Mend's getAllOrganizations: the globalOrgToken): without
    # it they are left out of the run, with the reason, rather than reported as never answered.
    credential_needs: dict[str, str] = field(default_factory=dict)
    # Why an answer body rejects the run's credentials (Mend: an errorCode about the userKey or a token), or None;
    # for surfaces that answer such rejections with HTTP 200 (a 401/403 needs no classifier).
    credential_rejection: Callable[[Any], str | None] | None = None
    # Why an error body answering a valid request is not explained by the request's data (an unknown library or a
    # taken name are; an "unexpected error" or "invalid parameters" are not), or None; for surfaces that answer
    # errors with HTTP 200, where schemathesis' positive_data_acceptance cannot tell an error from an answer.
    valid_request_rejection: Callable[[Any], str | None] | None = None

    @property
    def fault_capabilities(self) -> frozenset[str]:
        return self.mock.capabilities

    @property
    def allowed_credential_keys(self) -> frozenset[str]:
        return self.credential_keys | COMMON_CREDENTIAL_KEYS
