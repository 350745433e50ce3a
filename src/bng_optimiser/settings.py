"""Service settings, read once from the environment (prefix-free names such as REDIS_URL)."""

from __future__ import annotations

from functools import lru_cache

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """Every tunable of the service layers; the domain core takes plain arguments instead."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    # Connections
    database_url: str = "postgresql+psycopg://postgres@127.0.0.1:5432/bng"
    redis_url: str = "redis://127.0.0.1:6379/0"
    backend_url: str | None = Field(default=None, description="API base URL the UI calls")
    backend_timeout_seconds: float = Field(default=10.0, description="UI request timeout, seconds")

    # Cache and queue
    cache_ttl_seconds: int = 12 * 60 * 60
    queue_name: str = "quotes"
    job_timeout_seconds: int = 120
    job_result_ttl_seconds: int = 24 * 60 * 60
    worker_count: int = 2
    job_retries: int = 1
    # A running job's heartbeat interval; the job counts as abandoned (worker lost) once
    # `abandoned_job_grace_seconds` pass without one, and registry cleanup then retries or fails it.
    worker_heartbeat_seconds: int = 10
    abandoned_job_grace_seconds: int = 60
    registry_cleanup_seconds: int = 15

    # Request limits
    max_body_bytes: int = 1_000_000
    max_upload_bytes: int = 20 * 1024 * 1024
    max_demand_rows: int = 500

    # Security
    admin_token: SecretStr | None = None
    cors_origins: list[str] = Field(default_factory=lambda: ["http://localhost:8501"])

    # Ports for `make up`
    api_host: str = "127.0.0.1"
    api_port: int = 8000
    ui_port: int = 8501

    # Stock holds
    hold_days: int = 30


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    return Settings()
