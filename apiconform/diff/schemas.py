"""Recursive comparison of two JSON Schemas, judged for one direction (request or response).

Request side: a change is breaking when the new schema rejects a value the old one accepted (the client's
request is refused). Response side: breaking when the new schema admits a value the old one did not (the
client receives something it was not written for). Each `$ref` pair is compared once per operation, which is
both the cycle protection and what keeps a 10k-line spec fast.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any, Literal

from apiconform.diff.findings import Emit
from apiconform.diff.nodes import (
    At,
    Node,
    canonical,
    covers,
    enum_values,
    flatten,
    is_closed,
    place,
    show_types,
    subject,
    text,
    types_of,
)
from apiconform.diff.unions import compare_unions
from apiconform.spec import Document

Direction = Literal["request", "response"]
_WIDER_FORMATS = {("int32", "int64"), ("float", "double")}
_SIZE_BOUNDS = (("minItems", "min"), ("maxItems", "max"), ("minProperties", "min"), ("maxProperties", "max"))
_LENGTH_BOUNDS = (("minLength", "min"), ("maxLength", "max"))


class SchemaDiff:
    """Compares schemas of one operation in one direction, emitting findings through `emit`."""

    def __init__(
        self, old_doc: Document, new_doc: Document, direction: Direction, emit: Emit, *, paging: bool = False
    ) -> None:
        self.old_doc, self.new_doc, self.direction, self.emit = old_doc, new_doc, direction, emit
        self.paging = paging  # a paging parameter's value: its bounds and default have rules of their own
        self._done: dict[tuple[str, str], set[bool]] = {}  # pairs compared -> omittable in which visits

    def compare(
        self,
        old_raw: Any,
        new_raw: Any,
        old_ptr: str,
        new_ptr: str,
        root: str,
        path: str = "",
        *,
        omittable: bool = True,
    ) -> None:
        """`omittable`: a client may leave this value out of a request, so its `default` is what it gets."""
        old, new = flatten(self.old_doc, old_raw, old_ptr), flatten(self.new_doc, new_raw, new_ptr)
        at = self.at(root, path, new.ptr or old.ptr)
        if old.ptr and new.ptr:
            key = (old.ptr, new.ptr)
            if key in self._done:
                if omittable not in self._done[key] and self.direction == "request":
                    # One schema used where a value may be left out and where it must be sent: its default
                    # matters in one place and not the other, so judge it here too (in either order).
                    self._done[key].add(omittable)
                    self._default(old, new, at, omittable)
                return
            self._done[key] = {omittable}
        if not self._types(old, new, at):
            return  # disjoint types: the keywords below describe different things
        self._format(old, new, at)
        self._enum(old, new, at)
        self._range(old, new, at)
        for keyword, kind in _LENGTH_BOUNDS:
            self._bound(old, new, at, keyword, kind, self._length_rule)
        for keyword, kind in _SIZE_BOUNDS:
            self._bound(old, new, at, keyword, kind, self._size_rule)
        self._unique(old, new, at)
        self._pattern(old, new, at)
        if self.direction == "request":
            self._default(old, new, at, omittable)
        self._object(old, new, root, path, at)
        if isinstance(old.get("items"), dict) or isinstance(new.get("items"), dict):
            old_items, new_items = old.get("items", {}), new.get("items", {})
            old_items_ptr = old.at("items") if "items" in old.origin else ""
            new_items_ptr = new.at("items") if "items" in new.origin else ""
            # an array element is never left out, so an items default never applies
            self.compare(old_items, new_items, old_items_ptr, new_items_ptr, root, f"{path}[]", omittable=False)
        compare_unions(self, old, new, root, path, omittable)

    def at(self, root: str, path: str, pointer: str) -> At:
        """Where a change to the schema at `pointer` is: in this operation, and in the spec's shared schemas."""
        return At(place(root, path), subject(pointer))

    def report(self, at: At, rule: str, change: str, old_ptr: str, new_ptr: str) -> None:
        """One finding: `change` ('gained enum value "X"') said of the operation's value and, for grouping the
        operations one shared schema reaches, of that schema."""
        shared = f"{at.about} {change}" if at.about else ""
        self.emit(rule, f"{at.where} {change}", old_ptr, new_ptr, shared)

    # scalar keywords -----------------------------------------------------------------------------------------

    def _types(self, old: Node, new: Node, at: At) -> bool:
        old_types, new_types = types_of(self.old_doc, old), types_of(self.new_doc, new)
        if old_types == new_types:
            return True
        change = f"changed type {show_types(old_types)} -> {show_types(new_types)}"
        accepted, offered = (new_types, old_types) if self.direction == "request" else (old_types, new_types)
        # Request: the new schema must accept every old type. Response: the old must admit every new type.
        request = self.direction == "request"
        if not accepted or (offered and covers(accepted, offered)):
            rule = "request-type-widened" if request else "response-type-narrowed"
        else:
            rule = "request-type-changed" if request else "response-type-changed"
        self.report(at, rule, change, old.at("type"), new.at("type"))
        overlap = not old_types or not new_types or covers(old_types, new_types) or covers(new_types, old_types)
        return overlap or bool(old_types & new_types)

    def _format(self, old: Node, new: Node, at: At) -> None:
        before, after = text(old.get("format")), text(new.get("format"))
        if before == after:
            return
        change = f"changed format {before or 'none'} -> {after or 'none'}"
        ptrs = (old.at("format"), new.at("format"))
        request = self.direction == "request"
        if before and after:
            if (before, after) in _WIDER_FORMATS:
                rule = "request-format-widened" if request else "response-format-changed"
            elif (after, before) in _WIDER_FORMATS:
                rule = "request-format-changed" if request else "response-format-narrowed"
            else:
                rule = "request-format-changed" if request else "response-format-changed"
        elif after:
            rule = "request-format-changed" if request else "response-format-added"
        else:
            rule = "request-format-removed" if request else "response-format-removed"
        self.report(at, rule, change, *ptrs)

    def _enum(self, old: Node, new: Node, at: At) -> None:
        before, after = enum_values(old), enum_values(new)
        if before is None and after is None:
            return
        request = self.direction == "request"
        if before is None and after is not None:
            values = ", ".join(canonical(v) for v in after[0])
            rule = "request-enum-added" if request else "response-enum-added"
            self.report(at, rule, f"is now restricted to {after[1]} [{values}]", old.ptr, new.at(after[1]))
            return
        if after is None and before is not None:
            rule = "request-enum-removed" if request else "response-enum-removed"
            self.report(at, rule, f"is no longer restricted to {before[1]}", old.at(before[1]), new.ptr)
            return
        assert before is not None and after is not None
        old_keys = {canonical(v): i for i, v in enumerate(before[0])}
        new_keys = {canonical(v): i for i, v in enumerate(after[0])}
        gone = [k for k in old_keys if k not in new_keys]
        came = [k for k in new_keys if k not in old_keys]
        renamed = len(gone) == len(came) == 1  # one out, one in: most likely a rename; say so
        for key in gone:
            ptr = old.at(before[1]) + (f"/{old_keys[key]}" if before[1] == "enum" else "")
            rule = "request-enum-value-removed" if request else "response-enum-value-removed"
            hint = f" (replaced by {came[0]}?)" if renamed else ""
            self.report(at, rule, f"lost enum value {key}{hint}", ptr, "")
        for key in came:
            ptr = new.at(after[1]) + (f"/{new_keys[key]}" if after[1] == "enum" else "")
            rule = "request-enum-value-added" if request else "response-enum-value-added"
            hint = f" (replaces {gone[0]}?)" if renamed else ""
            self.report(at, rule, f"gained enum value {key}{hint}", "", ptr)

    # Rule ids are spelled out, never composed, so that grepping an id finds where it is raised.
    def _range_rule(self, tighter: bool) -> str:
        if self.paging:
            return "pagination-bounds-tightened" if tighter else "pagination-bounds-loosened"
        if self.direction == "request":
            return "request-range-tightened" if tighter else "request-range-loosened"
        return "response-range-tightened" if tighter else "response-range-loosened"

    def _length_rule(self, tighter: bool) -> str:
        if self.paging:
            return "pagination-bounds-tightened" if tighter else "pagination-bounds-loosened"
        if self.direction == "request":
            return "request-length-tightened" if tighter else "request-length-loosened"
        return "response-length-tightened" if tighter else "response-length-loosened"

    def _size_rule(self, tighter: bool) -> str:
        if self.direction == "request":
            return "request-size-tightened" if tighter else "request-size-loosened"
        return "response-size-tightened" if tighter else "response-size-loosened"

    def _range(self, old: Node, new: Node, at: At) -> None:
        integer = "integer" in types_of(self.new_doc, new)
        for kind in ("min", "max"):
            before, after = _edge(old, kind, integer), _edge(new, kind, integer)
            if before[0] == after[0]:
                continue
            if before[0] is None or after[0] is None:
                tighter = after[0] is not None
            else:
                tighter = after[0] > before[0] if kind == "min" else after[0] < before[0]
            label = "minimum" if kind == "min" else "maximum"
            message = f"changed {label} {before[1]} -> {after[1]}"
            old_ptr = old.at(before[2]) if before[2] else old.ptr
            new_ptr = new.at(after[2]) if after[2] else new.ptr
            self.report(at, self._range_rule(tighter), message, old_ptr, new_ptr)
        before_step, after_step = _number(old.get("multipleOf")), _number(new.get("multipleOf"))
        if before_step != after_step:
            if before_step is None or after_step is None:
                tighter = after_step is not None
            else:
                ratio = before_step / after_step
                tighter = not math.isclose(ratio, round(ratio))
            message = f"changed multipleOf {_show(before_step)} -> {_show(after_step)}"
            self.report(at, self._range_rule(tighter), message, old.at("multipleOf"), new.at("multipleOf"))

    def _bound(self, old: Node, new: Node, at: At, keyword: str, kind: str, rule_for: Callable[[bool], str]) -> None:
        before, after = _number(old.get(keyword)), _number(new.get(keyword))
        if before == after:
            return
        if before is None or after is None:
            tighter = after is not None
        else:
            tighter = after > before if kind == "min" else after < before
        message = f"changed {keyword} {_show(before)} -> {_show(after)}"
        self.report(at, rule_for(tighter), message, old.at(keyword), new.at(keyword))

    def _unique(self, old: Node, new: Node, at: At) -> None:
        before, after = old.get("uniqueItems") is True, new.get("uniqueItems") is True
        if before != after:
            message = f"changed uniqueItems {str(before).lower()} -> {str(after).lower()}"
            self.report(at, self._size_rule(after), message, old.at("uniqueItems"), new.at("uniqueItems"))

    def _pattern(self, old: Node, new: Node, at: At) -> None:
        before, after = text(old.get("pattern")), text(new.get("pattern"))
        if before == after:
            return
        message = f"changed pattern {before or 'none'} -> {after or 'none'}"
        if self.direction == "request":
            rule = "request-pattern-changed" if after else "request-pattern-removed"
        else:
            rule = "response-pattern-changed" if before else "response-pattern-added"
        self.report(at, rule, message, old.at("pattern"), new.at("pattern"))

    def _default(self, old: Node, new: Node, at: At, omittable: bool) -> None:
        before = canonical(old.get("default")) if old.has("default") else None
        after = canonical(new.get("default")) if new.has("default") else None
        if before == after:
            return
        message = f"changed default {before or 'none'} -> {after or 'none'}"
        ptrs = (old.at("default"), new.at("default"))
        if before is not None and after is not None and omittable:
            # The same request (one that leaves the value out) now asks for something else (AIP-180, oasdiff).
            self.report(at, "request-default-value-changed", f"{message} (leaving it out now means {after})", *ptrs)
        elif self.paging:
            self.report(at, "pagination-default-changed", message, *ptrs)
        else:
            self.report(at, "request-default-changed", message, *ptrs)

    # objects -------------------------------------------------------------------------------------------------

    def _visible(self, raw: Any, document: Document) -> bool:
        """Request side ignores readOnly properties, response side writeOnly ones."""
        hidden = "readOnly" if self.direction == "request" else "writeOnly"
        resolved = flatten(document, raw, "")
        return resolved.get(hidden) is not True

    def _object(self, old: Node, new: Node, root: str, path: str, node: At) -> None:
        old_props = {n: v for n, v in old.props.items() if self._visible(v[0], self.old_doc)}
        new_props = {n: v for n, v in new.props.items() if self._visible(v[0], self.new_doc)}
        hidden_old = set(old.props) - set(old_props)
        hidden_new = set(new.props) - set(new_props)
        names = [*old_props, *(n for n in new_props if n not in old_props)]
        names += [n for n in (*old.required, *new.required) if n not in names and n not in hidden_old | hidden_new]
        request = self.direction == "request"
        for name in dict.fromkeys(names):
            sub_path = f"{path}.{name}" if path else name
            prop_ptr = (new_props.get(name) or old_props.get(name) or (None, ""))[1]
            # about the property's own schema, or (named in `required` only) the object's schema + name
            at = self.at(root, sub_path, prop_ptr) if prop_ptr else At(place(root, sub_path), node.member(name))
            was_required, is_required = name in old.required, name in new.required
            if name in old_props and name in new_props:
                self._required_change(old, new, name, at, was_required, is_required)
                (old_raw, old_ptr), (new_raw, new_ptr) = old_props[name], new_props[name]
                omittable = not was_required and not is_required
                self.compare(old_raw, new_raw, old_ptr, new_ptr, root, sub_path, omittable=omittable)
            elif name in new_props:
                if request:
                    rule = "request-property-added-required" if is_required else "request-property-added"
                    text = "added as required" if is_required else "added (optional)"
                else:
                    rule, text = "response-property-added", "added"
                self.report(at, rule, text, "", new_props[name][1])
            elif name in old_props:
                if request:
                    closed = is_closed(new.get("additionalProperties")) == "closed"
                    rule = "request-property-no-longer-accepted" if closed else "request-property-removed"
                    text = "removed from a closed object (clients sending it are rejected)" if closed else "removed"
                else:
                    rule = "response-required-property-removed" if was_required else "response-property-removed"
                    text = "removed (was required)" if was_required else "removed"
                self.report(at, rule, text, old_props[name][1], "")
            else:  # named in `required` only, without a property schema
                self._required_change(old, new, name, at, was_required, is_required)
        self._additional(old, new, root, path, node)

    def _required_change(self, old: Node, new: Node, name: str, at: At, was: bool, now: bool) -> None:
        if was == now:
            return
        ptrs = (old.required.get(name, ""), new.required.get(name, ""))
        if self.direction == "request":
            rule = "request-property-became-required" if now else "request-property-became-optional"
        else:
            rule = "response-property-became-required" if now else "response-property-became-optional"
        self.report(at, rule, f"became {'required' if now else 'optional'}", *ptrs)

    def _additional(self, old: Node, new: Node, root: str, path: str, at: At) -> None:
        before_raw, after_raw = old.get("additionalProperties"), new.get("additionalProperties")
        before, after = is_closed(before_raw), is_closed(after_raw)
        ptrs = (old.at("additionalProperties"), new.at("additionalProperties"))
        if before == "schema" and after == "schema":
            self.compare(before_raw, after_raw, ptrs[0], ptrs[1], root, f"{path}{{*}}", omittable=False)
            return
        if before == after:
            return
        rank = {"closed": 0, "schema": 1, "open": 2}
        opened = rank[after] > rank[before]
        message = f"changed additionalProperties {before} -> {after}"
        if self.direction == "request":
            rule = "request-additional-properties-opened" if opened else "request-additional-properties-closed"
            self.report(at, rule, message, *ptrs)
        elif opened:
            self.report(at, "response-additional-properties-opened", message, *ptrs)


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) and not isinstance(value, bool) else None


def _show(value: float | None) -> str:
    if value is None:
        return "none"
    return str(int(value)) if value.is_integer() else str(value)


def _edge(node: Node, kind: str, integer: bool) -> tuple[float | None, str, str]:
    """(effective inclusive bound, text, keyword holding it) from minimum/exclusiveMinimum (or the maxima)."""
    plain, exclusive = ("minimum", "exclusiveMinimum") if kind == "min" else ("maximum", "exclusiveMaximum")
    sign = 1 if kind == "min" else -1
    step = 1.0 if integer else 1e-9  # an exclusive bound is the next value inside it
    strict, loose = (">", ">=") if kind == "min" else ("<", "<=")
    candidates: list[tuple[float, str, str]] = []
    value = _number(node.get(plain))
    if value is not None:
        if node.get(exclusive) is True:  # OpenAPI 3.0 boolean form
            candidates.append((value + sign * step, f"{strict} {_show(value)}", plain))
        else:
            candidates.append((value, f"{loose} {_show(value)}", plain))
    value = _number(node.get(exclusive))
    if value is not None:
        candidates.append((value + sign * step, f"{strict} {_show(value)}", exclusive))
    if not candidates:
        return None, "none", ""
    best = max(candidates) if kind == "min" else min(candidates)
    return best
