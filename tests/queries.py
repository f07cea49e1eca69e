"""Query budgets: a page or a write path sends the same number of statements whatever the data's size, and no
more than its budget. The exact number is the implementation's business (a refactoring that saves a statement
passes); growth with the data, or past the budget, fails."""
from django.db import connection
from django.test.utils import CaptureQueriesContext


def statements(fn):
    """Run fn(); (its result, the SQL it sent)."""
    with CaptureQueriesContext(connection) as queries:
        result = fn()
    return result, [query["sql"] for query in queries.captured_queries]


def assert_constant(small, large, budget, what="statements"):
    """`small` and `large` (counts at a small and a large size) are equal and within `budget`."""
    assert small == large, f"{what}: {small} at the small size, {large} at the large one"
    assert large <= budget, f"{what}: {large}, over the budget of {budget}"
