"""The product's settings with the bench's own URLconf (bench/bench_urls.py): the bare Django view the
page table measures against lives here, never in the product's urls."""
from workspace.settings import *  # noqa: F403

ROOT_URLCONF = "bench.bench_urls"
