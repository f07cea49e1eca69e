"""The schema's shared parts: every operation may answer with a problem (application/problem+json), the
problem codes' table (/api/v1/problems/), and the 404 problem for paths no endpoint has."""
import threading

from django.utils import translation
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from drf_spectacular.views import SpectacularAPIView
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from .problems import CODES, PROBLEM_TYPE, TITLES, Problem

PROBLEM_SCHEMA = {
    "type": "object",
    "required": ["type", "title", "status", "detail", "instance", "code"],
    "properties": {
        "type": {"type": "string", "description": "A URI reference naming the problem's code."},
        "title": {"type": "string"},
        "status": {"type": "integer"},
        "detail": {"type": "string", "description": "What went wrong, for people (in the asker's language)."},
        "instance": {"type": "string", "description": "The path that was asked."},
        "code": {"type": "string", "enum": sorted(CODES), "description": "The machine-readable code (docs/api.md)."},
        "errors": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                   "description": "Per field, what is wrong (validation problems)."},
    },
}


def _without_nullable(node):
    """OpenAPI 3.0's `nullable: true` (DRF's pagination schema still writes it) as 3.1 says it: "null" among the
    types (JSON Schema 2020-12 ignores `nullable`, so a last page's `next: null` broke the schema)."""
    if isinstance(node, dict):
        if node.pop("nullable", False):
            kind = node.get("type")
            if isinstance(kind, str):
                node["type"] = [kind, "null"]
            elif isinstance(kind, list) and "null" not in kind:
                kind.append("null")
            elif "$ref" in node:
                node["oneOf"] = [{"$ref": node.pop("$ref")}, {"type": "null"}]
        for value in node.values():
            _without_nullable(value)
    elif isinstance(node, list):
        for value in node:
            _without_nullable(value)


def add_problem_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Problem schema, and a `default` problem answer on every operation
    (401, 403, 404, 405, 406, 412, 413, 415, 428, 429 and 400 may come from any endpoint)."""
    result.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
    problem = {"description": "A problem (RFC 9457)",
               "content": {PROBLEM_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
    for operations in result.get("paths", {}).values():
        for operation in operations.values():
            if isinstance(operation, dict) and "responses" in operation:
                operation["responses"]["default"] = problem
    _without_nullable(result)
    return result


class ProblemCodes(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses=inline_serializer("ProblemCode", {"code": serializers.CharField(),
                                                               "title": serializers.CharField()}, many=True),
                   summary="Every problem code and its title", auth=[])
    def get(self, request: Request) -> Response:
        return Response([{"code": code, "title": str(TITLES[code])} for code in sorted(CODES)])


@extend_schema(exclude=True)
class NoSuchEndpoint(APIView):
    permission_classes = [AllowAny]
    throttle_classes: list = []

    def initial(self, request, *args, **kwargs):
        raise Problem("not_found", 404, _("No such endpoint."))


class SchemaView(SpectacularAPIView):
    """/api/v1/schema/. drf-spectacular builds the schema by setting state on the shared view classes, so two
    requests building it at once broke each other (a 500 in about one of seven under 8 parallel readers). One build
    at a time, and once built it is kept per language: the schema changes only with the code."""
    _lock = threading.Lock()
    _built: dict[str | None, dict] = {}

    def _get_schema_response(self, request):
        language = translation.get_language()
        with self._lock:
            if language not in self._built:
                self._built[language] = super()._get_schema_response(request).data
        return Response(self._built[language])
