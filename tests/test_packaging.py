"""`pip install .` gives a working aichr-kg that carries its own ontology, data, shapes and queries."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """The wheel, unpacked where a fresh environment would put it (dependencies come from this venv)."""
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(ROOT)],
                   check=True, capture_output=True, timeout=300)
    wheel = next(out.glob("aichr_kg-*.whl"))
    target = out / "site"
    zipfile.ZipFile(wheel).extractall(target)
    return target


def test_wheel_carries_the_resources(installed):
    resources = installed / "aichr_kg" / "_resources"
    assert (resources / "ontology" / "aichr-kg.ttl").is_file()
    assert (resources / "shapes" / "aichr-kg-shapes.ttl").is_file()
    assert len(list((resources / "queries").glob("*.rq"))) >= 12
    assert len(list((resources / "data").rglob("*.ttl"))) >= 30
    assert (installed / "aichr_kg_api" / "main.py").is_file()


def test_wheel_carries_the_page_templates_and_built_assets(installed):
    """The query page's templates and its bundle (git-ignored, built by `make assets` before the tests run)."""
    api = installed / "aichr_kg_api"
    assert (api / "templates" / "page" / "index.html").is_file()
    assert (ROOT / "api" / "aichr_kg_api" / "static" / "dist" / "page.js").is_file(), "assets not built: run `make test`"
    assert (api / "static" / "dist" / "page.js").is_file() and (api / "static" / "dist" / "editor.js").is_file()


def test_installed_package_validates_and_queries_from_anywhere(installed, tmp_path):
    env = {**os.environ, "PYTHONPATH": str(installed)}
    env.pop("AICHR_KG_ROOT", None)
    run = lambda *a: subprocess.run([sys.executable, "-m", "aichr_kg", *a], cwd=tmp_path, env=env,  # noqa: E731
                                    capture_output=True, text=True, timeout=120)
    where = subprocess.run([sys.executable, "-c", "from aichr_kg.resources import project_root; print(project_root())"],
                           cwd=tmp_path, env=env, capture_output=True, text=True).stdout.strip()
    assert where.startswith(str(installed))
    assert run("validate").returncode == 0
    out = run("query", "aichr-posts-by-year", "-p", "year=2024", "-f", "csv")
    assert "Yong Chanthalangsy" in out.stdout
