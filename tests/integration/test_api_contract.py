"""The HTTP contract: every route is in the OpenAPI document, and Schemathesis, driving the
app in-process from that document, finds no 5xx and no response the document does not
declare (status code, content type, body schema), as an admin and as a producer."""

from __future__ import annotations

import os
from dataclasses import dataclass, field

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.generation import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from locsvc.api.openapi import OPENAPI
from locsvc.domain.review import PATH_ACTIONS as REVIEW_ACTIONS
from locsvc.services.auth import create_user

from ..helpers import upload_episode

API = "/api/v1"
CHECKS = [
    schemathesis.checks.not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
# Per operation, per caller, per mode: ~40 operations x 2 callers x 2 modes in about two
# minutes on one core. SCHEMATHESIS_EXAMPLES raises it for a longer, local exploration.
EXAMPLES = int(os.environ.get("SCHEMATHESIS_EXAMPLES", "12"))


def _document_path(rule: str) -> str:
    """/api/v1/episodes/<episode_id>/tracks/<language> -> /episodes/{id}/tracks/{lang}."""
    import re

    path = rule.removeprefix(API)
    names = {"episode_id": "id", "review_id": "id", "glossary_id": "id", "rollout_id": "id",
             "language": "lang", "show": "slug"}  # fmt: skip

    def rename(match: re.Match) -> str:
        name = match.group(1).split(":")[-1]
        return "{" + names.get(name, name) + "}"

    return re.sub(r"<([^>]+)>", rename, path)


def _concrete(path: str) -> list[str]:
    """The review route takes its action as a variable; the document lists each action."""
    if "{action}" not in path:
        return [path]
    return [path.replace("{action}", action) for action in REVIEW_ACTIONS]


def test_every_route_is_in_the_document_with_its_methods(app):
    routes = {
        (path, method.lower())
        for rule in app.url_map.iter_rules()
        if rule.rule.startswith(API + "/")
        for path in _concrete(_document_path(rule.rule))
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    documented = {(path, method) for path, item in OPENAPI["paths"].items() for method in item}
    assert routes - documented == set(), "routes missing from the OpenAPI document"
    assert documented - routes == set(), "the document declares routes the app lacks"


def test_every_operation_declares_its_success_body():
    missing = [
        f"{method.upper()} {path} {status}"
        for path, item in OPENAPI["paths"].items()
        for method, operation in item.items()
        for status, response in operation["responses"].items()
        if status.startswith("2") and not response.get("content")
    ]
    assert missing == []


@dataclass
class Findings:
    requests: int = 0
    failures: dict[str, str] = field(default_factory=dict)

    def counting(self, wsgi_app):
        def counted(environ, start_response):
            self.requests += 1
            return wsgi_app(environ, start_response)

        return counted


@pytest.fixture(params=["sqlite", "postgres"])
def settings_overrides(request, settings_overrides):
    """Both databases: PostgreSQL is the stricter (32-bit integers, no NUL in text)."""
    if request.param == "postgres":
        return {**settings_overrides, "database_url": request.getfixturevalue("postgres_url")}
    return settings_overrides


@pytest.fixture
def callers(app, client, auth, data_dir) -> dict[str, dict]:
    """An admin and a producer; an episode, so some generated ids exist."""
    ctx = app.extensions["locsvc"]
    _, producer = create_user(ctx.db, "pat", "producer", "", "")
    upload_episode(client, auth, data_dir / "goforward.wav", name="goforward.wav")
    return {"admin": auth, "producer": {"Authorization": f"Bearer {producer}"}}


@pytest.mark.slow
def test_schemathesis_finds_no_server_error_and_no_undeclared_response(app, callers):
    schema = schemathesis.openapi.from_wsgi(f"{API}/openapi.json", app)
    findings = Findings()
    app.wsgi_app = findings.counting(app.wsgi_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    for operation in operations:
        for caller, headers in callers.items():
            for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                _explore(operation, caller, headers, mode, findings)
    print(
        f"\nschemathesis: {len(operations)} operations, {findings.requests} requests, "
        f"{len(findings.failures)} failing (operation, caller, mode)"
    )
    assert findings.failures == {}, "\n\n".join(
        f"{label}:\n{error}" for label, error in findings.failures.items()
    )


def _explore(operation, caller: str, headers: dict, mode: GenerationMode, findings: Findings):
    label = f"{operation.label} as {caller} ({mode.value})"

    @settings(
        max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
        phases=[Phase.explicit, Phase.generate],  # a failure is reported, not shrunk
        suppress_health_check=list(HealthCheck),
    )  # fmt: skip
    @given(case=operation.as_strategy(generation_mode=mode))
    def explore(case):
        case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        explore()
    except Unsatisfiable:
        # No invalid input exists for an operation without parameters or body (GET /health);
        # anywhere else it would mean the operation was never exercised.
        takes_input = any(True for _ in operation.iter_parameters()) or bool(
            operation.get_request_payload_content_types()
        )
        if mode is not GenerationMode.NEGATIVE or takes_input:
            findings.failures[label] = "no example could be generated: nothing was checked"
    except (Exception, BaseExceptionGroup) as error:  # one failing example is enough to report
        findings.failures[label] = str(error)[:1500]
