"""Where the ontology, data, shapes and queries live.

An installed wheel carries them under ``aichr_kg/_resources``; a checkout (or an editable
install) has them at the repository root. Either way callers get one folder.
"""

from importlib.resources import files
from pathlib import Path


def project_root() -> Path:
    packaged = Path(str(files("aichr_kg"))) / "_resources"
    if (packaged / "ontology").is_dir():
        return packaged
    return Path(__file__).resolve().parents[2]
