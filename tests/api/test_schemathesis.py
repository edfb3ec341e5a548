"""schemathesis against the live OpenAPI document of the real server: for every operation, requests generated
from what the document says, a bounded number per operation; no answer is a 5xx, and every status and media
type answered is one the document gives for that operation. (It found the plane-14 tag characters, which the
path check let through to a 500.)

Bounded so the module stays under a minute: ``EXAMPLES`` cases per operation, derandomised with hypothesis'
database off (the same cases every run), no deadline (the first request to an operation can be slow while its
caches fill). The pytest integration (``schemathesis.pytest.from_fixture``) does not run under pytest 9, so the
operations are driven from one test, which reports every failure at the end.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import content_type_conformance, status_code_conformance

EXAMPLES = 12
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance]


def _failures_of(operation) -> list[str]:
    """Run ``EXAMPLES`` generated cases of one operation; the failures, each with the request that caused it."""
    failures: list[str] = []

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck), report_multiple_bugs=False)
    def run(case):
        try:
            case.call_and_validate(checks=CHECKS, timeout=60)
        except (AssertionError, BaseExceptionGroup) as exc:  # a check failed (one, or a group): note it, go on
            failures.append(f"{operation.label}: {' '.join(str(exc).split())[:600]}")

    run()
    return failures


@pytest.fixture(scope="module")
def api_schema(embedded_service):
    return schemathesis.openapi.from_url(f"{embedded_service.url}/openapi.json")


def test_the_service_keeps_to_its_openapi_document(api_schema):
    operations = [result.ok() for result in api_schema.get_all_operations()]
    assert len(operations) > 30
    failures = [failure for operation in operations for failure in _failures_of(operation)]
    assert not failures, "\n".join(dict.fromkeys(failures))
