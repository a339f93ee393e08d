"""GeoReport v2 answers in JSON or XML, with the spec's element names."""
from __future__ import annotations

from xml.etree import ElementTree

from flask import Response, jsonify

# The XML element that wraps a list, and the one for each of its items.
LIST_TAGS = {"services": "service", "service_requests": "request", "errors": "error", "attributes": "attribute",
             "values": "value", "endpoints": "endpoint", "formats": "format"}


def _element(tag: str, value) -> ElementTree.Element:
    element = ElementTree.Element(tag)
    if isinstance(value, dict):
        for key, item in value.items():
            element.append(_element(key, item))
    elif isinstance(value, list):
        for item in value:
            element.append(_element(LIST_TAGS.get(tag, "item"), item))
    elif isinstance(value, bool):
        element.text = "true" if value else "false"
    elif value is not None:
        element.text = str(value)
    return element


def render(data, fmt: str, root: str, status: int = 200) -> Response:
    """``data`` as JSON, or as XML under ``root`` (e.g. ``service_requests``)."""
    if fmt == "xml":
        body = b'<?xml version="1.0" encoding="utf-8"?>' + ElementTree.tostring(_element(root, data), encoding="utf-8")
        return Response(body, status=status, mimetype="text/xml")
    response = jsonify(data)
    response.status_code = status
    return response


def errors(fmt: str, status: int, *problems: tuple[int, str]) -> Response:
    """The spec's error list: ``[{code, description}]``."""
    return render([{"code": code, "description": text} for code, text in problems], fmt, "errors", status)
