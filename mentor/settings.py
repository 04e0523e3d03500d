"""One settings object: environment variables (MENTOR_*), then an optional .env."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_EMBEDDING_MODEL = "all-MiniLM-L6-v2"  # resolved to the packaged copy


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="MENTOR_", env_file=".env", extra="ignore")

    index_dir: Path = Field(PROJECT_ROOT / "index", description="Embedded Chroma, ingest state, conversations.")
    corpus_dir: Path = Field(PROJECT_ROOT / "corpus", description="Documents ingested by default.")
    framework_file: Path | None = Field(None, description="Career framework YAML; default: the one in corpus_dir.")
    ladder: str | None = Field(None, description="The chosen ladder (see `mentor ladder list`); unset: the general framework.")
    chroma_url: str | None = Field(None, description="Chroma server URL; unset means embedded PersistentClient.")
    collection: str = Field("mentor", description="Chroma collection name.")
    embedding_model: str = Field(DEFAULT_EMBEDDING_MODEL, description="sentence-transformers name or path.")
    embedder: str = Field("auto", description="auto | onnx | sentence-transformers | fake")
    engine: str = Field("grounded", description="grounded | openai | ollama | llamacpp")
    llm_model: str | None = None
    llm_base_url: str | None = None
    llm_gguf: Path | None = Field(None, description="GGUF file for the llamacpp engine.")
    llm_timeout: float = 60.0
    history_url: str | None = Field(None, description="SQLAlchemy URL; default SQLite under index_dir.")
    debug: bool = Field(False, description="Let logs carry conversation text (questions, answers).")
    max_file_mb: float = Field(20.0, gt=0, description="Files larger than this are refused by ingest.")
    top_k: int = Field(6, ge=1, le=50)

    @cached_property
    def framework_path(self) -> Path:
        return self.framework_file or self.corpus_dir / "career-framework.yaml"

    @property
    def history_database_url(self) -> str:
        return self.history_url or f"sqlite:///{self.index_dir / 'conversations.sqlite3'}"

    @property
    def chroma_dir(self) -> Path:
        return self.index_dir / "chroma"

    @property
    def state_path(self) -> Path:
        return self.index_dir / "ingest-state.sqlite3"
