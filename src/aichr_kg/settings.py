"""One settings object for the library, the CLI and the service.

Values come from arguments or from ``AICHR_KG_*`` environment variables, read when a
``Settings`` is created (never at import), so tests build their own.
"""

from enum import Enum
from pathlib import Path

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from aichr_kg.resources import project_root

DEFAULT_BASE = "https://w3id.org/aichr-kg/"


class StoreKind(str, Enum):
    embedded = "embedded"
    remote = "remote"


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="AICHR_KG_", extra="forbid")

    base: str = Field(DEFAULT_BASE, description="URI base of every entity, ontology term, shape and graph.")
    root: Path = Field(default_factory=project_root, description="Folder holding ontology/, data/, shapes/, queries/.")
    dist: Path = Field(Path("dist"), description="Where `build` writes the dumps.")
    store: StoreKind = StoreKind.embedded
    endpoint: str | None = Field(None, description="Query URL of a remote SPARQL 1.1 server (store=remote).")
    update_endpoint: str | None = Field(None, description="Graph Store Protocol URL of the remote server, for `load`.")
    query_timeout: float = Field(10.0, gt=0, le=600, description="Seconds a query may run before it is stopped.")
    max_query_length: int = Field(100_000, gt=0)
    max_html_rows: int = Field(1000, gt=0)
    max_concurrent_queries: int = Field(8, gt=0)
    extra: list[Path] = Field(default_factory=list, description="Extra RDF files served beside the graph.")

    @field_validator("base")
    @classmethod
    def _base_ends_with_slash(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")) or not value.endswith("/"):
            raise ValueError("base must be an http(s) URI ending in '/'")
        return value

    @property
    def ontology_dir(self) -> Path:
        return self.root / "ontology"

    @property
    def data_dir(self) -> Path:
        return self.root / "data"

    @property
    def shapes_dir(self) -> Path:
        return self.root / "shapes"

    @property
    def queries_dir(self) -> Path:
        return self.root / "queries"
