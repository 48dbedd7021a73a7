"""Classifiers, in a small registry keyed by name; the CLASSIFIER setting picks one."""

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache
from typing import Protocol


@dataclass(frozen=True)
class Prediction:
    model_version: str
    themes: list[str]
    safeguarding: bool
    scores: dict[str, float]
    evidence: list[str] = field(default_factory=list)
    safeguarding_types: list[str] = field(default_factory=list)


class Classifier(Protocol):
    version: str

    def predict(self, text: str) -> Prediction: ...


Factory = Callable[[], Classifier | None]
_FACTORIES: dict[str, Factory] = {}
log = logging.getLogger(__name__)


def register(name: str) -> Callable[[Factory], Factory]:
    """Register a zero-argument factory that builds the named classifier, or returns None when
    it cannot be built here (then messages wait for a person, as with no classifier at all)."""

    def decorator(factory: Factory) -> Factory:
        _FACTORIES[name] = factory
        get.cache_clear()
        return factory

    return decorator


@cache
def get(name: str) -> Classifier | None:
    """The named classifier, built once per process; None when no such classifier is installed."""
    factory = _FACTORIES.get(name)
    return factory() if factory else None


def available() -> list[str]:
    return sorted(_FACTORIES)


@register("minilm")
def _minilm() -> Classifier | None:
    """all-MiniLM-L6-v2 with trained heads and the safeguarding rules; imported only when used,
    because loading torch takes seconds."""
    try:
        from classifiers.model import load_configured

        return load_configured()
    except (FileNotFoundError, ImportError):
        log.exception("the minilm classifier cannot be loaded")
        return None
