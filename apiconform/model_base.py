"""Base class of every generated model (datamodel-codegen `--base-class`).

Responses are open in the specs (a vendor may add fields), so a model keeps the fields it does not declare:
that is what lets every documented example round-trip. Closed schemas (`additionalProperties: false`)
still generate `extra='forbid'`, which overrides this.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class ContractModel(BaseModel):
    model_config = ConfigDict(extra="allow")
