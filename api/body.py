"""Request documents parsed and validated off the event loop.

FastAPI validates a ``Body()`` parameter on the event loop: a large scenario held every other
request (the health check too) for seconds. Routes that take documents read the raw bytes (the
size is already bounded by :class:`api.middleware.BodyLimits`) and validate them in a thread with
:func:`read_body`; :func:`body_schema` puts the model into the OpenAPI document as the request body,
so the contract published is the same as with ``Body()``."""

from __future__ import annotations

import asyncio
from concurrent.futures import Executor
from typing import Any, TypeVar

from fastapi import Request
from fastapi.exceptions import RequestValidationError
from pydantic import BaseModel, ValidationError

from optimizer.documents.bounds import strict_message

M = TypeVar("M", bound=BaseModel)
DOCUMENT_MODELS: dict[str, type[BaseModel]] = {}
"""Models used as request bodies through :func:`body_schema` (added to the OpenAPI components)."""


def body_schema(model: type[BaseModel], required: bool = True) -> dict[str, Any]:
    """``openapi_extra`` of a route whose body is ``model``."""
    DOCUMENT_MODELS[model.__name__] = model
    return {"requestBody": {"required": required, "content": {"application/json": {
        "schema": {"$ref": f"#/components/schemas/{model.__name__}"}}}}}


def add_document_schemas(openapi: dict[str, Any]) -> dict[str, Any]:
    """Add the models of :data:`DOCUMENT_MODELS` (and what they use) to the components."""
    comps = openapi.setdefault("components", {}).setdefault("schemas", {})
    for name, model in DOCUMENT_MODELS.items():
        schema = model.model_json_schema(ref_template="#/components/schemas/{model}",
                                         mode="validation")
        for dname, d in schema.pop("$defs", {}).items():
            comps.setdefault(dname, d)
        comps[name] = schema
    return openapi


def _parse(model: type[M], raw: bytes) -> M:
    if not raw.strip():
        raise RequestValidationError([{"loc": ("body",), "msg": "a JSON body is required",
                                       "type": "missing", "input": None}])
    try:
        return model.model_validate_json(raw)
    except ValidationError as e:
        errors = []
        for err in e.errors(include_url=False):  # the input words the message, never echoed
            out: dict[str, Any] = {"loc": ("body", *err["loc"]), "msg": strict_message(err),
                                   "type": err["type"]}
            if err["type"] == "json_invalid":
                why = str(err.get("ctx", {}).get("error", "parse error"))
                out["msg"] = f"not valid JSON: {why}"
                if "hex escape" in why:  # what json.loads would let through to the model
                    out["msg"] += " (a \\u escape must be a whole character, not a lone surrogate)"
            errors.append(out)
        raise RequestValidationError(errors) from None


async def read_body(request: Request, model: type[M], pool: Executor | None = None,
                    optional: bool = False) -> M | None:
    """The request body as ``model``, validated in ``pool`` (or the default thread pool)."""
    raw = await request.body()
    if optional and not raw.strip():
        return None
    return await asyncio.get_running_loop().run_in_executor(pool, _parse, model, raw)
