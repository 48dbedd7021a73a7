"""Classifiers, in a small registry keyed by name; the CLASSIFIER setting picks one."""

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

    def predict(self, text: str, channel: str | None = None) -> Prediction: ...


_FACTORIES: dict[str, Callable[[], Classifier]] = {}


def register(name: str) -> Callable[[Callable[[], Classifier]], Callable[[], Classifier]]:
    """Register a zero-argument factory that builds the named classifier."""

    def decorator(factory: Callable[[], Classifier]) -> Callable[[], Classifier]:
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
