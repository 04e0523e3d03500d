"""The deployment files say only what the product reads: docker-compose.yml and docs/deploy.md."""

import re

import yaml

from mentor.settings import PROJECT_ROOT, Settings

COMPOSE = PROJECT_ROOT / "docker-compose.yml"
DEFAULTED = re.compile(r"\$\{[A-Z_]+:-([^}]*)\}")  # ${VAR:-default} -> default


def compose() -> dict:
    return yaml.safe_load(COMPOSE.read_text())


def environments() -> dict[str, dict[str, str]]:
    found = {}
    for name, service in compose()["services"].items():
        env = service.get("environment") or {}
        if isinstance(env, list):
            env = dict(item.split("=", 1) for item in env)
        found[name] = {k: DEFAULTED.sub(r"\1", str(v)) for k, v in env.items()}
    return found


def test_every_mentor_variable_in_compose_is_a_setting():
    fields = set(Settings.model_fields)
    apps = {name: env for name, env in environments().items() if any(k.startswith("MENTOR_") for k in env)}
    assert {"app1", "app2", "ingest"} <= set(apps)
    for name, env in apps.items():
        mentor = {k: v for k, v in env.items() if k.startswith("MENTOR_")}
        unknown = {k for k in mentor if k.removeprefix("MENTOR_").lower() not in fields}
        assert not unknown, f"{name} sets {unknown}, which no setting reads"
        settings = Settings(**{k.removeprefix("MENTOR_").lower(): v for k, v in mentor.items()})
        assert settings.chroma_url == "http://chroma:8000"
        assert settings.history_database_url.startswith("postgresql+psycopg://mentor:")


def test_compose_services_point_at_services_that_exist():
    services = compose()["services"]
    for name, service in services.items():
        depends = service.get("depends_on") or []
        assert set(depends) <= set(services), name
    hosts = {m.split(":")[0] for env in environments().values() for v in env.values()
             for m in re.findall(r"//(?:[^@/]*@)?([\w.-]+:\d+)", v)}
    assert hosts <= set(services), hosts - set(services)
    upstream = compose()["configs"]["nginx"]["content"]
    assert set(re.findall(r"server (\w+):8501", upstream)) == {"app1", "app2"}
    assert "ip_hash" in upstream and "Upgrade" in upstream  # sticky, and websockets pass


def test_the_deploy_guide_names_only_real_settings():
    text = (PROJECT_ROOT / "docs" / "deploy.md").read_text()
    named = set(re.findall(r"\bMENTOR_[A-Z_]+\b", text))
    assert {"MENTOR_CHROMA_URL", "MENTOR_HISTORY_URL", "MENTOR_INDEX_DIR"} <= named
    unknown = {v for v in named if v.removeprefix("MENTOR_").lower() not in Settings.model_fields}
    assert not unknown
