"""The product's URLs plus /bench/bare/: a bare Django view behind the same middleware, in the same daphne.

Every page of the PAGE table is measured as a ratio to it (docs/benchmarks.md)."""
from django.http import HttpResponse
from django.urls import path

from workspace import urls as product


def bare(request):
    return HttpResponse(b"ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *product.urlpatterns]
handler400 = product.handler400
