"""The package's layout: data flows read → analyse → present → run, and no module imports in a cycle.

The demo generator (``demo/``) sits beside the flow, just after ``read/``: it writes input
workbooks with read/'s headers and may import only ``read/`` and the core, never the code that
analyses, presents or runs (so the illustrative data cannot depend on what it illustrates).

Every import of every module is read from its source (function-level imports included, the
``if TYPE_CHECKING:`` blocks excluded), so a late import cannot hide a dependency.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from qdanalysis.paths import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "qdanalysis"

#: The stages in the order data flows; a module may import its own stage, earlier ones and the core.
STAGES = ("read", "analyse", "present", "run")
#: Folders beside the flow, each ranked just after the stage it builds on: it may import that stage,
#: earlier ones and the core, and nothing later. The demo builds on read/ (the sheets' headers).
BESIDE = {"demo": "read"}
FOLDERS = (*STAGES, *BESIDE)
CORE = "core"


def module_name(path: Path, package: Path) -> str:
    parts = list(path.relative_to(package.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def stage_of(module: str) -> str:
    """``read``, ``analyse``, ``present``, ``run``, ``demo``, or ``core`` for the modules beside them."""
    parts = module.split(".")
    if parts[1:] == ["__main__"]:  # ``python -m qdanalysis``: the command line's other door, a part of run/
        return "run"
    return parts[1] if len(parts) > 1 and parts[1] in FOLDERS else CORE


def rank(stage: str) -> float:
    """0 for the core, 1-4 for the stages in order; a folder beside the flow ranks half a step after its stage."""
    if stage == CORE:
        return 0
    if stage in BESIDE:
        return rank(BESIDE[stage]) + 0.5
    return 1 + STAGES.index(stage)


def _type_checking_block(node: ast.AST) -> bool:
    return (isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING")


def imports_of(path: Path, module: str, modules: set[str]) -> list[tuple[str, int]]:
    """The package's modules that ``path`` imports, with the line of each import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    skipped = {id(n) for block in ast.walk(tree) if _type_checking_block(block) for n in ast.walk(block)}
    is_package = path.name == "__init__.py"
    found = []
    for node in ast.walk(tree):
        if id(node) in skipped:
            continue
        if isinstance(node, ast.Import):
            found += [(alias.name, node.lineno) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = module.split(".") if is_package else module.split(".")[:-1]
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            for alias in node.names:
                full = f"{base}.{alias.name}"
                found.append((full if full in modules else base, node.lineno))
    return [(name, line) for name, line in found if name in modules and name != module]


def import_graph(package: Path) -> dict[str, list[tuple[str, int]]]:
    files = {module_name(p, package): p for p in package.rglob("*.py") if "__pycache__" not in p.parts}
    modules = set(files)
    return {name: imports_of(path, name, modules) for name, path in files.items()}


def order_violations(graph: dict[str, list[tuple[str, int]]]) -> list[str]:
    """Imports against the flow of data: a stage importing a later one, or the core importing a stage."""
    top = next(iter(graph)).split(".")[0]
    bad = []
    for module, targets in graph.items():
        if module == top:  # the package's front door re-exports lazily and imports nothing
            continue
        for target, line in targets:
            if rank(stage_of(target)) > rank(stage_of(module)):
                bad.append(f"{module}:{line} imports {target} ({stage_of(module)} → {stage_of(target)})")
    return sorted(bad)


def cycles(graph: dict[str, list[tuple[str, int]]]) -> list[list[str]]:
    """Every strongly connected group of two or more modules (Tarjan), each sorted."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w, _ in graph.get(v, []):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            group = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                group.append(w)
                if w == v:
                    break
            if len(group) > 1:
                found.append(sorted(group))

    for v in sorted(graph):
        if v not in index:
            visit(v)
    return found


@pytest.mark.slow
def test_stages_import_only_earlier_stages_and_the_core():
    assert order_violations(import_graph(PACKAGE)) == []


def skipped_stages(graph: dict[str, list[tuple[str, int]]], stage: str, skipped: str) -> list[str]:
    """Imports from ``stage`` into ``skipped``: a stage that must receive what ``skipped`` makes, not make it."""
    return sorted(f"{module}:{line} imports {target}" for module, targets in graph.items() if stage_of(module) == stage
                  for target, line in targets if stage_of(target) == skipped)


@pytest.mark.slow
def test_presentation_never_loads_data():
    """present/ receives a YearAnalysis (or Trends) from run/pipeline.py: it imports nothing of read/."""
    assert skipped_stages(import_graph(PACKAGE), "present", "read") == []


def test_a_presentation_module_that_loads_is_caught(tmp_path):
    package = tmp_path / "qdanalysis"
    for folder in ("read", "present"):
        (package / folder).mkdir(parents=True)
        (package / folder / "__init__.py").touch()
    (package / "__init__.py").touch()
    (package / "read" / "year.py").write_text("def load_year():\n    pass\n", encoding="utf-8")
    (package / "present" / "chart.py").write_text("def draw():\n    from qdanalysis.read.year import load_year\n",
                                                  encoding="utf-8")
    assert skipped_stages(import_graph(package), "present", "read") == [
        "qdanalysis.present.chart:2 imports qdanalysis.read.year"]


@pytest.mark.slow
def test_no_import_cycles():
    assert cycles(import_graph(PACKAGE)) == []


def test_every_module_lives_in_a_stage_or_the_core():
    core = sorted(module_name(p, PACKAGE) for p in PACKAGE.glob("*.py"))
    assert core == ["qdanalysis", "qdanalysis.__main__", "qdanalysis.arrow_memory", "qdanalysis.atomic",
                    "qdanalysis.domain", "qdanalysis.errors", "qdanalysis.fmt", "qdanalysis.money", "qdanalysis.paths",
                    "qdanalysis.yamlfile"]
    assert sorted(p.name for p in PACKAGE.iterdir() if p.is_dir() and p.name != "__pycache__") == sorted(FOLDERS)


@pytest.mark.slow
def test_the_demo_imports_only_read_and_the_core():
    graph = import_graph(PACKAGE)
    demo = {module: targets for module, targets in graph.items() if stage_of(module) == "demo"}
    assert "qdanalysis.demo.generate" in demo  # the folder is there and is ranked as demo, not as the core
    assert {stage_of(target) for targets in demo.values() for target, _ in targets} <= {"demo", "read", CORE}


def _tree(tmp_path: Path, files: dict[str, str]) -> Path:
    package = tmp_path / "pkg"
    for name, source in files.items():
        path = package / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(source), encoding="utf-8")
    for folder in [package, *(p for p in package.rglob("*") if p.is_dir())]:
        (folder / "__init__.py").touch()
    return package


def test_a_late_import_against_the_flow_is_caught(tmp_path):
    package = _tree(tmp_path, {
        "errors.py": "",
        "read/year.py": """
            from pkg.errors import Problem

            def load():
                from pkg.analyse import checks  # hidden in a function: still an import
                return checks
            """,
        "analyse/checks.py": "from ..read import year\n",
        "present/charts.py": "from pkg.run.cli import main\n",
        "run/cli.py": "from pkg.present import charts\nfrom pkg.read.year import load\n",
    })
    graph = import_graph(package)
    assert order_violations(graph) == [
        "pkg.present.charts:1 imports pkg.run.cli (present → run)",
        "pkg.read.year:5 imports pkg.analyse.checks (read → analyse)",
    ]
    assert cycles(graph) == [["pkg.analyse.checks", "pkg.read.year"], ["pkg.present.charts", "pkg.run.cli"]]


@pytest.mark.parametrize("later", ["analyse", "present", "run"])
def test_the_demo_importing_analyse_present_or_run_is_caught(tmp_path, later):
    package = _tree(tmp_path, {
        "errors.py": "",
        "read/schema.py": "",
        f"{later}/thing.py": "",
        "demo/year.py": f"from pkg.read import schema\nfrom pkg.errors import Problem\nfrom pkg.{later} import thing\n",
        "run/cli.py": "from pkg.demo import year\n",
    })
    assert order_violations(import_graph(package)) == [f"pkg.demo.year:3 imports pkg.{later}.thing (demo → {later})"]


def test_read_importing_the_demo_is_caught(tmp_path):
    package = _tree(tmp_path, {"read/year.py": "from pkg.demo import programme\n", "demo/programme.py": ""})
    assert order_violations(import_graph(package)) == ["pkg.read.year:1 imports pkg.demo.programme (read → demo)"]


def test_type_checking_imports_are_not_dependencies(tmp_path):
    package = _tree(tmp_path, {
        "read/year.py": """
            from typing import TYPE_CHECKING
            if TYPE_CHECKING:
                from pkg.analyse.checks import Check
            """,
        "analyse/checks.py": "from pkg.read import year\n",
    })
    graph = import_graph(package)
    assert order_violations(graph) == [] and cycles(graph) == []


@pytest.mark.parametrize("module, heavy", [
    ("qdanalysis.present.excel", "matplotlib"),
    ("qdanalysis.analyse.year", "matplotlib"),
    ("qdanalysis.run.cli", "pandas"),
    ("qdanalysis.run.pipeline", "matplotlib"),  # the export and summary load and analyse through it
    ("qdanalysis.run.pipeline", "docx"),
    ("qdanalysis.money", "pandas"),
    ("qdanalysis.fmt", "numpy"),
])
@pytest.mark.slow
def test_importing_a_module_does_not_load_what_it_does_not_use(module, heavy):
    code = f"import sys, {module}; print({heavy!r} in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT_ROOT, check=True)
    assert out.stdout.strip() == "False"


# --- the tests mirror the package -----------------------------------------------------------------

TESTS = PROJECT_ROOT / "tests"

#: Package modules with logic that may have no mirrored test module, each with why (none today: a module
#: added without its tests fails here until it has them or is named with a reason).
NOT_MIRRORED: dict[str, str] = {}

#: Test modules that test the project rather than one module: the layout of the package and of the tests
#: (this file), the environment files, the committed notebooks. tests/integration/ holds the end-to-end runs.
PROJECT_TESTS = {"test_layout.py", "test_environment.py", "test_notebooks.py"}
INTEGRATION = "integration"


def has_logic(path: Path) -> bool:
    """A module with a function or a class, or over 40 lines (a face that only re-exports, or a few constants, has none)."""
    text = path.read_text(encoding="utf-8")
    tree = ast.parse(text)
    defines = any(isinstance(n, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) for n in ast.walk(tree))
    return defines or len(text.splitlines()) > 40


def mirror_of(path: Path, package: Path) -> Path:
    """``qdanalysis/read/safety/zipread.py`` -> ``read/safety/test_zipread.py`` (relative to tests/); a package's
    ``__init__.py`` -> ``test_init.py`` in its folder; a core module -> ``test_<module>.py`` at the top."""
    rel = path.relative_to(package)
    return rel.parent / ("test_init.py" if rel.name == "__init__.py" else f"test_{rel.name}")


def package_modules(package: Path) -> list[Path]:
    return sorted(p for p in package.rglob("*.py") if "__pycache__" not in p.parts)


def unmirrored(package: Path, tests: Path, allowed: dict[str, str]) -> list[str]:
    """Modules with logic whose mirrored test module is missing (and not allowed)."""
    return [f"{p.relative_to(package.parent)} (expected tests/{mirror_of(p, package)})" for p in package_modules(package)
            if has_logic(p) and not (tests / mirror_of(p, package)).is_file()
            and str(p.relative_to(package.parent)) not in allowed]


def orphans(package: Path, tests: Path) -> list[str]:
    """Test modules outside integration/ that mirror no module of the package (a module renamed or moved
    without its tests), other than the project's own tests at the top."""
    mirrors = {mirror_of(p, package) for p in package_modules(package)}
    found = []
    for path in sorted(tests.rglob("test_*.py")):
        rel = path.relative_to(tests)
        if rel.parts[0] in (INTEGRATION, "fixtures") or (len(rel.parts) == 1 and rel.name in PROJECT_TESTS):
            continue
        if rel not in mirrors:
            found.append(f"tests/{rel}")
    return found


@pytest.mark.slow
def test_every_module_with_logic_has_its_mirrored_test_module():
    assert unmirrored(PACKAGE, TESTS, NOT_MIRRORED) == []


def test_every_test_module_mirrors_a_module_of_the_package():
    assert orphans(PACKAGE, TESTS) == []


def test_the_allowed_exceptions_are_modules_with_logic_and_still_without_tests():
    for name in NOT_MIRRORED:
        path = PROJECT_ROOT / name
        assert path.is_file() and has_logic(path), name
        assert not (TESTS / mirror_of(path, PACKAGE)).is_file(), f"{name} has tests now: drop it from NOT_MIRRORED"


def test_a_module_without_its_mirror_and_a_test_without_its_module_are_caught(tmp_path):
    package = _tree(tmp_path, {
        "errors.py": "class Problem:\n    pass\n",
        "paths.py": "ROOT = '.'\n",  # constants only: no logic to test
        "read/year.py": "def load():\n    pass\n",
        "read/safety/zipread.py": "def parts():\n    pass\n",
        "present/sections/__init__.py": "def order():\n    pass\n",
    })
    tests = tmp_path / "tests"
    for name in ("test_errors.py", "read/test_year.py", "present/sections/test_init.py", "read/test_gone.py",
                 "integration/test_end_to_end.py", "test_layout.py"):
        (tests / name).parent.mkdir(parents=True, exist_ok=True)
        (tests / name).touch()
    assert unmirrored(package, tests, {}) == ["pkg/read/safety/zipread.py (expected tests/read/safety/test_zipread.py)"]
    assert unmirrored(package, tests, {"pkg/read/safety/zipread.py": "why"}) == []
    assert orphans(package, tests) == ["tests/read/test_gone.py"]
