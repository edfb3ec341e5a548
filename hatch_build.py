"""Hatch build hook: a wheel always carries the page's built assets (api/aichr_kg_api/static/dist/).

They are made from frontend/ with npm (``npm ci`` from the lock file, then ``node build.mjs``), the same
steps as ``make assets``. A wheel built from a clean clone runs them; without npm the build stops
with a message saying what to install, rather than producing a wheel whose /editor is broken.
"""

import shutil
import subprocess
from pathlib import Path

from hatchling.builders.hooks.plugin.interface import BuildHookInterface

ASSETS = ("page.js", "page.css", "editor.js", "editor.css")


class PageAssetsHook(BuildHookInterface):
    PLUGIN_NAME = "custom"

    def initialize(self, version: str, build_data: dict) -> None:
        if self.target_name != "wheel" or version == "editable":  # an editable install serves the checkout's files
            return
        root = Path(self.root)
        dist = root / "api" / "aichr_kg_api" / "static" / "dist"
        if all((dist / name).is_file() for name in ASSETS):
            return
        frontend = root / "frontend"
        npm, node = shutil.which("npm"), shutil.which("node")
        if not (frontend / "package-lock.json").is_file():
            raise RuntimeError(f"the page assets are not built ({dist}) and {frontend}/package-lock.json is missing: "
                               "build the wheel from a checkout of the repository")
        if npm is None or node is None:
            raise RuntimeError("the page assets (api/aichr_kg_api/static/dist/) are not built and Node.js/npm are not "
                               "installed: install them (Debian: apt-get install nodejs npm) or run `make assets` first")
        self.app.display_info("building the page assets (npm ci, node build.mjs)")
        for command in ([npm, "ci", "--no-audit", "--no-fund", "--loglevel=error"], [node, "build.mjs"]):
            done = subprocess.run(command, cwd=frontend, capture_output=True, text=True)
            if done.returncode:
                raise RuntimeError(f"building the page assets failed at `{' '.join(command[1:])}`: "
                                   f"{(done.stderr or done.stdout)[-2000:]}")
        missing = [name for name in ASSETS if not (dist / name).is_file()]
        if missing:
            raise RuntimeError(f"building the page assets did not make {', '.join(missing)} in {dist}")
