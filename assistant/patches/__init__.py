"""Every change the assistant makes to Rasa's behaviour, in one place, checked before it is made.

Rasa 3.6 has no public extension point for these (its plugin manager loads only ``rasa_plus``), so they are
patches: one module per patch, each naming the Rasa issue it works around and the Rasa version it was written
for. :func:`install` is called by the one entry point every way of starting Rasa uses
(``python -m assistant.serve``, see ``assistant/serve.py``) and by in-process users (``assistant.serve.prepare``).

Before anything is changed, :func:`verify` checks the installed versions and that every target exists with the
signature the patch was written against. On any mismatch it raises :class:`PatchError` (a ``SystemExit`` with
exit code 78 and a message naming the patch and the reason): the server refuses to start. There is no fallback:
a patch that cannot be applied means conversations could be lost silently, which these patches exist to prevent.

The patches (see each module's docstring):

- ``strict_tracker_store``: no ``FailSafeTrackerStore`` around a store that fails loudly (rasa#3243);
- ``storage_apology``: ``Agent.handle_message`` answers ``utter_storage_unavailable`` when storage fails;
- ``action_server``: ``RemoteAction.run`` times out and answers ``utter_actions_unavailable``;
- ``action_response_validator``: ``RemoteAction._validate_action_result`` with a validator built once;
- ``log_redaction``: no message text in structlog events and warnings at INFO and above;
- ``session_rollover``: a long conversation gets a new session at the start of a turn (``assistant.rollover``);
- ``event_type_lookup``: ``Event.resolve_by_type`` remembers the classes it found (every stored event is read by it);
- ``required_responses`` (serving only): a model whose domain lacks the apologies is not served.

Private names the assistant uses outside this package (overrides in subclasses) are listed, with their reasons,
in ``tests/private_names.yml``; the ones a Rasa upgrade could silently bypass are verified here too
(:data:`PRIVATE_OVERRIDES`).
"""

from __future__ import annotations

import importlib
import inspect
import logging
from dataclasses import dataclass
from types import ModuleType
from typing import Iterable, List, Optional, Set, Tuple

logger = logging.getLogger(__name__)

RASA_VERSION = "3.6.21"
EXIT_CODE = 78  # EX_CONFIG, like the tracker store's start-up failure


class PatchError(SystemExit):
    """A patch cannot be applied to the installed Rasa: the server must not start."""

    def __init__(self, patch: str, reason: str, source: str, hint: Optional[str] = None) -> None:
        self.patch = patch
        self.reason = reason
        hint = hint or f"It was written for Rasa {RASA_VERSION}; see {source} before changing versions."
        self.message = f"Rasa cannot start: {patch} cannot be applied: {reason}. {hint}"
        super().__init__(EXIT_CODE)

    def __str__(self) -> str:
        return self.message


@dataclass(frozen=True)
class Target:
    """A function or method a patch replaces (or an override relies on), with its expected parameters."""

    module: str
    qualname: str
    parameters: Tuple[str, ...]

    def resolve(self) -> object:
        owner: object = importlib.import_module(self.module)
        for part in self.qualname.split("."):
            owner = getattr(owner, part)
        return owner

    def problem(self) -> Optional[str]:
        """Why the target does not fit the patch, or None when it does."""
        name = f"{self.module}.{self.qualname}"
        try:
            target = self.resolve()
        except (ImportError, AttributeError):
            return f"{name} does not exist"
        if not callable(target):
            return f"{name} is not callable"
        try:
            parameters = tuple(inspect.signature(target).parameters)
        except (TypeError, ValueError):
            return f"the signature of {name} cannot be read"
        if parameters != self.parameters:
            return f"{name} takes ({', '.join(parameters)}), the patch expects ({', '.join(self.parameters)})"
        return None


# Overrides outside this package of private methods that Rasa must still call (see tests/private_names.yml).
PRIVATE_OVERRIDES = {
    "event_broker": (
        Target("rasa.core.brokers.pika", "PikaEventBroker._bind_queue", ("queue_name", "channel", "exchange")),
    ),
    "classifiers": (
        Target(
            "rasa.nlu.classifiers.logistic_regression_classifier",
            "LogisticRegressionClassifier._create_X",
            ("self", "messages"),
        ),
    ),
}

_installed: Set[str] = set()


def _patch_modules(serving: bool) -> List[ModuleType]:
    from assistant.patches import (
        action_response_validator,
        action_server,
        event_type_lookup,
        log_redaction,
        required_responses,
        session_rollover,
        storage_apology,
        strict_tracker_store,
    )

    modules = [
        strict_tracker_store,
        storage_apology,
        action_server,
        action_response_validator,
        log_redaction,
        session_rollover,
        event_type_lookup,
    ]
    if serving:
        modules.append(required_responses)
    return modules


def _name(module: ModuleType) -> str:
    return module.__name__.rsplit(".", 1)[-1]


def _label(module: ModuleType) -> str:
    return f"the patch {module.__name__}"


def _source(module: ModuleType) -> str:
    return f"assistant/patches/{_name(module)}.py"


def verify(modules: Iterable[ModuleType]) -> None:
    """Raise PatchError unless the installed versions and every target fit the patches."""
    import rasa

    modules = list(modules)
    if rasa.__version__ != RASA_VERSION:
        raise PatchError(
            _label(modules[0]), f"Rasa {rasa.__version__} is installed, not {RASA_VERSION}", _source(modules[0])
        )
    for module in modules:
        for requirement, expected in getattr(module, "REQUIRES", {}).items():
            found = _distribution_version(requirement)
            if found != expected:
                raise PatchError(_label(module), f"{requirement} {found} is installed, not {expected}", _source(module))
        for target in module.TARGETS:
            problem = target.problem()
            if problem:
                raise PatchError(_label(module), problem, _source(module))
    for owner, targets in PRIVATE_OVERRIDES.items():
        for target in targets:
            problem = target.problem()
            if problem:
                raise PatchError(f"the override in assistant/{owner}.py", problem, f"assistant/{owner}.py")


def _distribution_version(name: str) -> Optional[str]:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


def install(serving: bool = False) -> None:
    """Verify, then apply every patch once (idempotent).

    Args:
        serving: also refuse to serve a model without the apologies (``required_responses``); the Rasa server and
            shell need it, an evaluation that loads other models (baselines) does not.
    """
    modules = [module for module in _patch_modules(serving) if _name(module) not in _installed]
    if not modules:
        return
    verify(modules)
    for module in modules:
        module.install()
        _installed.add(_name(module))
        logger.debug(f"Installed the patch assistant.patches.{_name(module)}.")


def installed() -> frozenset:
    """The names of the patches installed in this process."""
    return frozenset(_installed)
