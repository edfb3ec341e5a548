"""`pip install .` gives a working aichr-kg that carries its own ontology, data, shapes and queries."""

import os
import re
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
    assert (api / "templates" / "entity" / "event.html").is_file()  # the entity pages' layouts, one per kind
    assert (api / "locale" / "messages.pot").is_file()  # the interface's catalogue: the scripts' words come from it
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


def test_wheel_from_a_clean_clone_serves_the_editor(tmp_path):
    """git clone -> pip wheel (the build hook makes the page assets) -> a fresh venv -> serve -> /editor and its assets."""
    import site
    import sysconfig

    import httpx
    from servers import free_port, wait_until_up

    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True, timeout=120)
    assert not (clone / "api" / "aichr_kg_api" / "static" / "dist").exists()  # git-ignored: the hook must build them
    out = tmp_path / "wheel"
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(out), str(clone)],
                           capture_output=True, text=True, timeout=600)
    assert built.returncode == 0, built.stderr[-3000:]
    wheel = next(out.glob("aichr_kg-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=120)
    # the fresh venv sees this venv's dependencies (a .pth file) and gets only the wheel installed
    packages = next(venv.glob("lib/python*/site-packages"))
    (packages / "deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n" + "\n".join(site.getsitepackages()) + "\n")
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], check=True, timeout=300)
    port = free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("AICHR_KG_")}
    env["AICHR_KG_STORE_CACHE"] = str(tmp_path / "stores")
    server = subprocess.Popen([str(venv / "bin" / "aichr-kg"), "serve", "--port", str(port)], cwd=tmp_path, env=env,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        wait_until_up(f"http://127.0.0.1:{port}/sparql?query=ASK%7B%7D", timeout=180)
        editor = httpx.get(f"http://127.0.0.1:{port}/editor", timeout=30)
        assert editor.status_code == 200
        assets = re.findall(r'(?:src|href)="(/static/dist/[^"]+)"', editor.text)
        assert any(a.endswith(".js") for a in assets) and any(a.endswith(".css") for a in assets), assets
        for asset in assets:
            answer = httpx.get(f"http://127.0.0.1:{port}{asset}", timeout=30)
            assert answer.status_code == 200 and len(answer.content) > 1000, asset
        version = subprocess.run([str(venv / "bin" / "aichr-kg"), "--version"], capture_output=True, text=True, timeout=60)
        assert version.stdout.strip() == f"aichr-kg, version {__import__('aichr_kg').__version__}"
    finally:
        server.send_signal(__import__("signal").SIGINT)
        server.communicate(timeout=30)


def test_citation_file_is_valid_cff():
    cffconvert = ROOT / ".venv-cff" / "bin" / "cffconvert"  # its own venv (make test makes it): it pins jsonschema 3
    assert cffconvert.is_file(), "cffconvert is not installed: `make test` installs it into .venv-cff/"
    done = subprocess.run([str(cffconvert), "--validate", "-i", str(ROOT / "CITATION.cff")],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and "valid" in done.stdout, done.stdout + done.stderr
    from aichr_kg import __version__
    assert f"\nversion: {__version__}\n" in (ROOT / "CITATION.cff").read_text()  # one version, bumped together


def test_wheel_declares_licences_and_urls(installed):
    metadata = next(installed.glob("aichr_kg-*.dist-info")) / "METADATA"
    text = metadata.read_text()
    assert "License-Expression: MIT AND CC-BY-4.0" in text
    assert "Project-URL: Homepage, https://w3id.org/aichr-kg/" in text and "Classifier: Intended Audience :: Science/Research" in text
    licences = {p.name for p in (next(installed.glob("aichr_kg-*.dist-info")) / "licenses").iterdir()}
    assert {"LICENSE", "LICENSE-DATA"} <= licences


def test_make_run_installs_only_what_running_needs(tmp_path):
    """`make run` on a new machine: the package without its test extras (pytest, playwright, ... come with make test)."""
    plan = subprocess.run(["make", "-n", "-B", "run", f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=60).stdout
    installs = [line for line in plan.splitlines() if "pip install" in line and "--upgrade pip" not in line]
    assert installs and all("[test]" not in line for line in installs), installs
    test_plan = subprocess.run(["make", "-n", "-B", "test", f"VENV={tmp_path / 'venv'}"], cwd=ROOT, capture_output=True,
                               text=True, timeout=60).stdout
    assert "-e '.[test]'" in test_plan
