"""The schema's shared parts: every operation may answer with a problem (application/problem+json), the
problem codes' table (/api/v1/problems/), and the 404 problem for paths no endpoint has."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
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
