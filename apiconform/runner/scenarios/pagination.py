"""Paging and filtering semantics of list operations, driven by a small per-vendor description."""

from __future__ import annotations

import itertools
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from apiconform.checks import declare
from apiconform.runner.scenarios.base import ScenarioContext, json_of

PAGINATION_LIMIT = declare(
    "pagination_limit",
    group="semantic",
    source="scenario",
    description="a page never holds more items than `limit`",
)
PAGINATION_DISJOINT = declare(
    "pagination_disjoint",
    group="semantic",
    source="scenario",
    description="consecutive pages share no item",
)
PAGINATION_COMPLETE = declare(
    "pagination_complete",
    group="semantic",
    source="scenario",
    description="walking every page yields each item exactly once",
)
PAGINATION_ORDER = declare(
    "pagination_order",
    group="semantic",
    source="scenario",
    description="items come in the documented order",
)
PAGINATION_BOUNDS = declare(
    "pagination_bounds",
    group="semantic",
    source="scenario",
    description="out-of-range paging and history parameters are rejected",
)
FILTER_APPLIED = declare(
    "filter_applied",
    group="semantic",
    source="scenario",
    description="every item of a filtered list matches the filter",
)


@dataclass(frozen=True)
class Paging:
    operation_id: str
    limit: str  # query parameter holding the page size
    offset: str  # query parameter holding the page position
    page_numbers: bool = True  # offset counts pages (1-based) rather than items
    first: int = 1
    item_id: Callable[[Any], Any] = lambda item: item.get("id") if isinstance(item, dict) else item
    items: Callable[[Any], list[Any] | None] = lambda body: body if isinstance(body, list) else None
    order_key: Callable[[Any], Any] | None = None  # items must be sorted by this key
    descending: bool = True
    out_of_range: tuple[tuple[str, Any], ...] = ()  # (param, value) pairs the server must reject
    filters: tuple[tuple[str, Any, Callable[[Any], Any]], ...] = field(default=())  # (param, value, item -> field)


def check_paging(ctx: ScenarioContext, label: str, paging: Paging) -> None:
    """pagination_limit, _disjoint, _complete, _order, _bounds and filter_applied for one list operation. Each is
    judged on its own: a page over the limit still has its order, overlap and completeness judged, and a check
    that cannot run says why (its cell stays empty)."""
    path = ctx.spec.operation(paging.operation_id).path
    pages, missing = _walk(ctx, label, paging, path)
    walked = (PAGINATION_DISJOINT, PAGINATION_COMPLETE) + ((PAGINATION_ORDER,) if paging.order_key else ())
    if missing:
        for check in (PAGINATION_LIMIT, *walked):
            ctx.not_applicable(label, check, missing)
    else:
        _judge_walk(ctx, label, paging, pages)
    for param, value in paging.out_of_range:
        response = ctx.call("GET", path, params={param: value})
        status = response.status_code if response is not None else None
        ctx.verdict(
            label,
            PAGINATION_BOUNDS,
            status is not None and 400 <= status < 500,
            f"out-of-range {param}={value} was not rejected",
            f"answered {status}",
            "a 4xx answer",
        )
    check_filters(ctx, label, path, paging.items, paging.filters, {paging.limit: 50})


PAGE_SIZE = 3


def _walk(ctx: ScenarioContext, label: str, paging: Paging, path: str) -> tuple[list[list[Any]], str]:
    """The pages served (pagination_limit judged on each), or why there is no item list to walk."""
    pages: list[list[Any]] = []
    for number in range(ctx.profile.pages):
        position = paging.first + (number if paging.page_numbers else number * PAGE_SIZE)
        response = ctx.call("GET", path, params={paging.limit: PAGE_SIZE, paging.offset: position})
        items = paging.items(json_of(response))
        if items is None:
            answered = "no answer" if response is None else f"answered {response.status_code}"
            return pages, f"no item list to page through: {paging.offset}={position} {answered} without one"
        ctx.verdict(
            label,
            PAGINATION_LIMIT,
            len(items) <= PAGE_SIZE,
            f"page holds {len(items)} items with {paging.limit}={PAGE_SIZE}",
            f"{paging.offset}={position}: {len(items)} items",
            f"at most {PAGE_SIZE} items",
        )
        if not items:
            break
        pages.append(items)
        if len(items) < PAGE_SIZE:
            break
    return pages, ""


def _judge_walk(ctx: ScenarioContext, label: str, paging: Paging, pages: list[list[Any]]) -> None:
    ids = [paging.item_id(i) for page in pages for i in page]
    shared_ids: set[str] = set()
    for first, second in itertools.pairwise(pages):
        shared_ids |= {str(paging.item_id(i)) for i in first} & {str(paging.item_id(i)) for i in second}
    if len(pages) > 1:
        ctx.verdict(
            label,
            PAGINATION_DISJOINT,
            not shared_ids,
            "consecutive pages share items",
            f"ids on two consecutive pages: {', '.join(sorted(shared_ids)[:5])}",
            "disjoint pages",
        )
    else:
        ctx.not_applicable(label, PAGINATION_DISJOINT, "fewer than two pages to compare")
    ctx.verdict(
        label,
        PAGINATION_COMPLETE,
        len(ids) == len(set(ids)),
        "walking the pages yields an item twice",
        f"{len(ids) - len(set(ids))} repeated ids",
        "each item once",
    )
    if paging.order_key is None:
        return
    keys = [paging.order_key(i) for page in pages for i in page]
    if len(keys) < 2:
        ctx.not_applicable(label, PAGINATION_ORDER, "fewer than two items to compare")
        return
    comparable = len({type(k) for k in keys}) == 1 and keys[0] is not None
    ctx.verdict(
        label,
        PAGINATION_ORDER,
        comparable and keys == sorted(keys, reverse=paging.descending),
        "items are not in the documented order",
        f"keys in order served: {', '.join(map(str, keys[:8]))}",
        "descending" if paging.descending else "ascending",
    )


def check_filters(
    ctx: ScenarioContext,
    label: str,
    path: str,
    items_of: Callable[[Any], list[Any] | None],
    filters: tuple[tuple[str, Any, Callable[[Any], Any]], ...],
    extra: dict[str, Any] | None = None,
) -> None:
    """filter_applied: each (param, value, item -> field) filter returns only items whose field equals value."""
    for param, value, field_of in filters:
        query_value = str(value).lower() if isinstance(value, bool) else value
        body = json_of(ctx.call("GET", path, params={param: query_value, **(extra or {})}))
        items = items_of(body)
        if items is None:
            ctx.not_applicable(label, FILTER_APPLIED, f"the list filtered by {param}={query_value} has no item list")
            continue
        wrong = [i for i in items if field_of(i) != value]
        shown = ", ".join(str(field_of(i)) for i in wrong[:3])
        ctx.verdict(
            label,
            FILTER_APPLIED,
            not wrong,
            f"filter {param}={query_value} returned non-matching items",
            f"{len(wrong)} of {len(items)} items have another {param}: {shown}",
            f"every item has {param} == {value!r}",
        )
