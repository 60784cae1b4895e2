"""Every use of a private (`_`-prefixed) name of Rasa and its web stack outside assistant/patches/ has a reason.

The test reads the syntax tree of every Python file of the repo (not .venv, node_modules, build or the patches
package, where such uses belong) and finds the uses of `_`-names of rasa, rasa_sdk, socketio, engineio and sanic:

- imports (``from rasa.x import _y``) and attribute chains on imported names (``Agent._create_tracker_store``,
  ``rasa.utils._x``);
- in a class that subclasses one of their classes: ``self._y`` / ``cls._y`` / ``super()._y`` and method
  definitions ``def _y`` where the base class has ``_y`` (checked by importing the base class);
- in a file that imports from those packages: any other ``x._y`` whose ``_y`` the file does not define itself
  (an object of their classes, e.g. an ``Agent``), and ``getattr(x, "_y")``.

Each use must be listed in tests/private_names.yml with its reason; the test fails on an unlisted use and on a
stale entry, so the list stays the truth about where the project depends on internals a Rasa upgrade may change.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path
from typing import Dict, Iterator, List, Optional, Set, Tuple

import yaml

ROOT = Path(__file__).resolve().parent.parent
REASONS = Path(__file__).with_name("private_names.yml")
PACKAGES = ("rasa", "rasa_sdk", "socketio", "engineio", "sanic")
SKIPPED = {".venv", "node_modules", "build", ".git", "models", "__pycache__", ".pytest_cache", ".ruff_cache"}
PATCHES = ROOT / "assistant" / "patches"

Use = Tuple[str, str]  # (file relative to the repo, qualified name or expression)


def _is_private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def _ours(qualified: str) -> bool:
    return qualified.split(".", 1)[0] in PACKAGES


def python_files() -> Iterator[Path]:
    for path in sorted(ROOT.rglob("*.py")):
        relative = path.relative_to(ROOT)
        if SKIPPED.intersection(relative.parts) or path.is_relative_to(PATCHES):
            continue
        yield path


def _resolve_object(qualified: str) -> Optional[object]:
    """The object a qualified name refers to (module attribute chain), or None."""
    parts = qualified.split(".")
    for split in range(len(parts), 0, -1):
        try:
            owner: object = importlib.import_module(".".join(parts[:split]))
        except ImportError:
            continue
        try:
            for part in parts[split:]:
                owner = getattr(owner, part)
        except AttributeError:
            return None
        return owner
    return None


class PrivateNames(ast.NodeVisitor):
    """Collects the uses of private names of PACKAGES in one module."""

    def __init__(self, tree: ast.Module) -> None:
        self.imports: Dict[str, str] = {}  # local name -> qualified name it refers to
        self.uses: Set[str] = set()
        self.defined = self._names_defined(tree)
        self.class_bases: List[List[type]] = []  # the Rasa/socketio/... base classes of the classes being visited
        self.imports_ours = False
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                for alias in node.names:
                    local = alias.asname or alias.name.split(".")[0]
                    self.imports[local] = alias.name if alias.asname else alias.name.split(".")[0]
                    self.imports_ours |= _ours(alias.name)
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                for alias in node.names:
                    self.imports[alias.asname or alias.name] = f"{node.module}.{alias.name}"
                self.imports_ours |= _ours(node.module)

    @staticmethod
    def _names_defined(tree: ast.Module) -> Set[str]:
        """Private names the module defines itself (functions, classes, attributes it assigns, parameters)."""
        names: Set[str] = set()
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                names.add(node.name)
            elif isinstance(node, ast.Attribute) and isinstance(node.ctx, ast.Store):
                names.add(node.attr)
            elif isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
                names.add(node.id)
            elif isinstance(node, ast.arg):
                names.add(node.arg)
        return names

    def qualified(self, node: ast.AST) -> Optional[str]:
        """`node` as a qualified name when it starts with an imported name."""
        if isinstance(node, ast.Name):
            return self.imports.get(node.id)
        if isinstance(node, ast.Attribute):
            base = self.qualified(node.value)
            return f"{base}.{node.attr}" if base else None
        return None

    def base_classes(self, node: ast.ClassDef) -> List[type]:
        bases = []
        for base in node.bases:
            qualified = self.qualified(base)
            if qualified and _ours(qualified):
                cls = _resolve_object(qualified)
                if isinstance(cls, type):
                    bases.append(cls)
        return bases

    def _owner_of(self, name: str) -> Optional[str]:
        """The PACKAGES class among the current class's bases that defines `name`, as a qualified name."""
        for bases in reversed(self.class_bases):
            for base in bases:
                for cls in base.__mro__:
                    if name in vars(cls) and _ours(cls.__module__):
                        return f"{cls.__module__}.{cls.__qualname__}.{name}"
        return None

    # -- visitors ------------------------------------------------------------------------------------------------

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:  # noqa: N802 (ast's naming)
        if node.module and node.level == 0 and _ours(node.module):
            for part in node.module.split("."):
                if _is_private(part):
                    self.uses.add(node.module)
            for alias in node.names:
                if _is_private(alias.name):
                    self.uses.add(f"{node.module}.{alias.name}")

    def visit_Import(self, node: ast.Import) -> None:  # noqa: N802
        for alias in node.names:
            if _ours(alias.name) and any(_is_private(part) for part in alias.name.split(".")):
                self.uses.add(alias.name)

    def visit_ClassDef(self, node: ast.ClassDef) -> None:  # noqa: N802
        self.class_bases.append(self.base_classes(node))
        for item in node.body:
            if isinstance(item, (ast.FunctionDef, ast.AsyncFunctionDef)) and _is_private(item.name):
                owner = self._owner_of(item.name)
                if owner:
                    self.uses.add(f"{owner} (override)")
        self.generic_visit(node)
        self.class_bases.pop()

    def visit_Attribute(self, node: ast.Attribute) -> None:  # noqa: N802
        if _is_private(node.attr):
            self._attribute(node)
        self.generic_visit(node)

    def _attribute(self, node: ast.Attribute) -> None:
        qualified = self.qualified(node)
        if qualified is not None:
            if _ours(qualified):
                self.uses.add(qualified)
            return  # an imported name of another package (sys._getframe, ...)
        value = node.value
        is_self = isinstance(value, ast.Name) and value.id in ("self", "cls")
        is_super = isinstance(value, ast.Call) and isinstance(value.func, ast.Name) and value.func.id == "super"
        if is_self or is_super:
            owner = self._owner_of(node.attr)
            if owner:
                self.uses.add(owner)
            return
        if self.imports_ours and node.attr not in self.defined:
            self.uses.add(ast.unparse(node))

    def visit_Call(self, node: ast.Call) -> None:  # noqa: N802
        if (
            self.imports_ours
            and isinstance(node.func, ast.Name)
            and node.func.id in ("getattr", "setattr", "hasattr", "delattr")
            and len(node.args) >= 2
            and isinstance(node.args[1], ast.Constant)
            and isinstance(node.args[1].value, str)
            and _is_private(node.args[1].value)
            and node.args[1].value not in self.defined
        ):
            self.uses.add(f"{node.func.id}({ast.unparse(node.args[0])}, {node.args[1].value!r})")
        self.generic_visit(node)


def private_uses() -> Set[Use]:
    uses: Set[Use] = set()
    for path in python_files():
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        visitor = PrivateNames(tree)
        visitor.visit(tree)
        relative = path.relative_to(ROOT).as_posix()
        uses.update((relative, name) for name in visitor.uses)
    return uses


def listed_uses() -> Dict[Use, str]:
    entries = yaml.safe_load(REASONS.read_text(encoding="utf-8")) or []
    listed: Dict[Use, str] = {}
    for number, entry in enumerate(entries, 1):
        assert isinstance(entry, dict) and {"file", "name", "reason"} <= set(entry), (
            f"{REASONS.name}: entry {number} needs file, name and reason: {entry!r}"
        )
        assert str(entry["reason"]).strip(), f"{REASONS.name}: entry {number} ({entry['name']}) has no reason"
        key = (entry["file"], entry["name"])
        assert key not in listed, f"{REASONS.name}: {key} is listed twice"
        listed[key] = entry["reason"]
    return listed


def test_every_private_name_of_rasa_and_its_web_stack_has_a_reason():
    found, listed = private_uses(), listed_uses()
    unlisted = sorted(found - set(listed))
    stale = sorted(set(listed) - found)
    message = []
    if unlisted:
        message.append(
            f"uses of private names not listed in tests/{REASONS.name} (add them with a reason, or use a public "
            "extension point / a module in assistant/patches/):\n"
            + "\n".join(f"  - file: {file}\n    name: {name}" for file, name in unlisted)
        )
    if stale:
        message.append(
            f"entries of tests/{REASONS.name} that no longer occur (remove them):\n"
            + "\n".join(f"  - {file}: {name}" for file, name in stale)
        )
    assert not message, "\n".join(message)


def test_the_finder_sees_each_kind_of_use(tmp_path):
    """The test above can fail: each kind of use is found in a sample module, our own private names are not."""
    source = """
from rasa.utils.log_utils import _anonymizer
from rasa.core.agent import Agent
from rasa.core.brokers.pika import PikaEventBroker
import sys

class Broker(PikaEventBroker):
    async def _bind_queue(self, queue_name, channel, exchange):
        return await super()._set_up_exchange(channel)

    def _helper(self):
        return self._own, sys._getframe()

    def __init__(self):
        self._own = 1

Agent._create_tracker_store(None, None)
agent = Agent()
agent.processor._hidden
getattr(agent, "_secret")
"""
    tree = ast.parse(source)
    visitor = PrivateNames(tree)
    visitor.visit(tree)
    assert visitor.uses == {
        "rasa.utils.log_utils._anonymizer",
        "rasa.core.brokers.pika.PikaEventBroker._bind_queue (override)",
        "rasa.core.brokers.pika.PikaEventBroker._set_up_exchange",
        "rasa.core.agent.Agent._create_tracker_store",
        "agent.processor._hidden",
        "getattr(agent, '_secret')",
    }
