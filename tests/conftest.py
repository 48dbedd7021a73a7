"""Test fixtures: a fresh app per test on a real PostgreSQL database, migrated once per run.

Every table is emptied after each test rather than rolled back, because ingest() commits for
real and browser and worker tests read the data from other connections.
"""

import os
from collections.abc import Iterator

import pytest
from flask import Flask
from flask.testing import FlaskClient
from flask_migrate import upgrade
from redis import Redis
from sqlalchemy import Engine, create_engine, text
from sqlalchemy.engine import make_url

from app import create_app
from app.extensions import db

TEST_DATABASE_URL = os.environ.get(
    "TEST_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/heard_test"
)
TEST_REDIS_URL = os.environ.get("TEST_REDIS_URL", "redis://127.0.0.1:6379/15")


def _recreate_database(url: str) -> None:
    target = make_url(url)
    admin = create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'DROP DATABASE IF EXISTS "{target.database}" WITH (FORCE)'))
        connection.execute(text(f'CREATE DATABASE "{target.database}"'))
    admin.dispose()


def base_config(**overrides: object) -> dict[str, object]:
    config: dict[str, object] = {
        "TESTING": True,
        "SECRET_KEY": "test-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": TEST_DATABASE_URL,
        "REDIS_URL": None,
        "WTF_CSRF_ENABLED": False,
        "RATELIMIT_ENABLED": False,
        "RATELIMIT_STORAGE_URI": "memory://",
        "API_TOKENS": {"test-partner-token-0123456789abcdef": "test-partner"},
    }
    config.update(overrides)
    return config


@pytest.fixture(scope="session")
def migrated_database() -> Iterator[Engine]:
    _recreate_database(TEST_DATABASE_URL)
    app = create_app(base_config())
    with app.app_context():
        upgrade()
        db.engine.dispose()
    engine = create_engine(TEST_DATABASE_URL)
    yield engine
    engine.dispose()


def _empty_tables(engine: Engine) -> None:
    tables = ", ".join(f'"{t.name}"' for t in db.metadata.sorted_tables)
    with engine.begin() as connection:
        connection.execute(text(f"TRUNCATE {tables} RESTART IDENTITY CASCADE"))


@pytest.fixture
def make_app(migrated_database: Engine) -> Iterator:
    """Build an app with config overrides; every app built is cleaned up after the test."""
    built: list[Flask] = []

    def factory(**overrides: object) -> Flask:
        app = create_app(base_config(**overrides))
        built.append(app)
        return app

    yield factory
    for app in built:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
    _empty_tables(migrated_database)


@pytest.fixture
def app(make_app) -> Iterator[Flask]:
    app = make_app()
    with app.app_context():
        yield app


@pytest.fixture
def client(app: Flask) -> FlaskClient:
    return app.test_client()


@pytest.fixture
def redis_url() -> str:
    return TEST_REDIS_URL


@pytest.fixture
def redis() -> Iterator[Redis]:
    """The real Redis, in a database of its own that is emptied around each test."""
    connection = Redis.from_url(TEST_REDIS_URL)
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()
