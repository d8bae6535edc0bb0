"""Fixtures of the end-to-end tests: a real deployment (Redis + PostgreSQL) and the
embedded default, each driven through the API with real worker processes."""

import pytest

from locsvc.adapters.db.migrate import upgrade
from locsvc.app import create_app

from ..conftest import ADMIN_TOKEN
from ..netns import namespace_hosts  # noqa: F401 - hosts of their own, for test_multi_host

AUTH = {"Authorization": f"Bearer {ADMIN_TOKEN}"}


@pytest.fixture(params=["redis+postgres", "embedded"])
def deployment(request, settings_overrides):
    """Settings for a real deployment (Redis + PostgreSQL) and for the embedded default."""
    overrides = dict(settings_overrides, asr_model="base")
    if request.param == "redis+postgres":
        overrides["broker_url"] = request.getfixturevalue("redis_url")
        overrides["database_url"] = request.getfixturevalue("postgres_url")
    return overrides


@pytest.fixture
def api(deployment):
    app = create_app(deployment)
    upgrade(app.extensions["locsvc"].settings.effective_database_url)
    yield app.test_client()
    app.extensions["locsvc"].db.dispose()
