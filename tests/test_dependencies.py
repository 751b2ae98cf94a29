"""The dependencies (the security review's M9): every package the code imports is declared,
each declared floor is above the releases with known advisories, and requirements.lock pins
every package `make setup` installs, with the hashes pip checks."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from importlib.metadata import packages_distributions
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name
from packaging.version import Version

ROOT = Path(__file__).resolve().parent.parent
OURS = {"court", "server", "signaling", "media", "recordings", "bench", "tests"}
PRODUCTION = ("court", "server", "signaling", "media", "recordings")

# The first release without the advisories the review found (M9). A floor may only rise.
FIXED_IN = {
    "aiohttp": "3.14.3",  # GHSA-4fvr-rgm6-gqmc, GHSA-mfx4-hv73-q22v, GHSA-cq5v-8q36-5273
    "python-engineio": "4.13.3",  # CVE-2026-48802, CVE-2026-48809
    "python-socketio": "5.16.2",  # CVE-2026-48804
    "cryptography": "48.0.1",  # GHSA-537c-gmf6-5ccf (the OpenSSL its wheels bundle)
}


def declared(extra: str | None = None) -> dict[str, Requirement]:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    lines = project["optional-dependencies"][extra] if extra else project["dependencies"]
    requirements = (Requirement(line) for line in lines)
    return {canonicalize_name(r.name): r for r in requirements}


def locked(lock: str = "requirements.lock") -> dict[str, tuple[Version, int]]:
    """Each pinned package: its version and how many file hashes the lock gives for it."""
    pins: dict[str, tuple[Version, int]] = {}
    name = ""
    for line in (ROOT / lock).read_text().splitlines():
        pin = re.match(r"^([A-Za-z0-9._-]+)==(\S+)", line)
        if pin:
            name = canonicalize_name(pin[1])
            pins[name] = (Version(pin[2]), 0)
        elif line.strip().startswith("--hash=sha256:") and name:
            version, hashes = pins[name]
            pins[name] = (version, hashes + 1)
    return pins


def imported_top_level(folders: tuple[str, ...]) -> set[str]:
    names: set[str] = set()
    for folder in folders:
        for path in (ROOT / folder).rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text(), str(path))):
                if isinstance(node, ast.Import):
                    names.update(alias.name.split(".")[0] for alias in node.names)
                elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                    names.add(node.module.split(".")[0])
    return names - set(sys.stdlib_module_names) - OURS


def distributions_of(modules: set[str]) -> dict[str, set[str]]:
    owners = packages_distributions()
    return {m: {canonicalize_name(d) for d in owners.get(m, [])} for m in modules}


def test_every_package_the_running_code_imports_is_a_declared_dependency() -> None:
    runtime = set(declared())
    undeclared = {
        module: owners
        for module, owners in distributions_of(imported_top_level(PRODUCTION)).items()
        if not owners & runtime
    }
    assert undeclared == {}, "imported but not declared in [project] dependencies"


def test_every_package_the_tests_and_benchmarks_import_is_declared() -> None:
    everything = set(declared()) | set(declared("dev"))
    undeclared = {
        module: owners
        for module, owners in distributions_of(imported_top_level(("tests", "bench"))).items()
        if not owners & everything
    }
    assert undeclared == {}, "imported but not declared (dependencies or the dev extra)"


def test_the_floors_exclude_every_release_with_a_known_advisory() -> None:
    requirements = declared()
    for name, fixed in FIXED_IN.items():
        assert name in requirements, f"{name} is used but not declared"
        floors = [Version(s.version) for s in requirements[name].specifier if s.operator == ">="]
        assert floors and max(floors) >= Version(fixed), (name, str(requirements[name]), fixed)


def test_the_lock_pins_every_declared_package_at_a_version_it_allows_with_hashes() -> None:
    pins = locked()
    for name, requirement in {**declared(), **declared("dev")}.items():
        if requirement.marker is not None and not requirement.marker.evaluate():
            continue
        assert name in pins, f"{name} is declared but not in requirements.lock (make lock)"
        version, hashes = pins[name]
        assert requirement.specifier.contains(version, prereleases=True), (name, str(version))
        assert hashes > 0, f"{name} has no hash in requirements.lock"
    for name, fixed in FIXED_IN.items():
        assert pins[name][0] >= Version(fixed), (name, pins[name][0])
    assert all(hashes > 0 for _, hashes in pins.values())


def test_the_servers_lock_is_the_runtime_share_of_the_full_lock_at_the_same_versions() -> None:
    """docs/install.md installs requirements-run.lock on a court's host: what was tested."""
    everything, run = locked(), locked("requirements-run.lock")
    assert set(declared()) <= set(run)
    dev_only = set(declared("dev")) - set(declared())
    assert not dev_only & set(run), "a dev tool in the server's lock"
    for name, (version, hashes) in run.items():
        assert everything[name][0] == version, (name, version, everything[name][0])
        assert hashes > 0, f"{name} has no hash in requirements-run.lock"


def test_what_is_installed_is_what_the_lock_pins() -> None:
    """`make setup` installs from the lock: a venv built before a `make lock` is stale."""
    from importlib.metadata import version

    pins = locked()
    for name in {**declared(), **declared("dev")}:
        if name in pins:
            assert Version(version(name)) == pins[name][0], (name, version(name))
