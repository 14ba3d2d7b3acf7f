"""bin/prod-stack-journey runs what docker-compose.yml runs: it reads the web, worker and beat services' commands
and environment from the file and changes only the containers' addresses (CI runs the journey itself)."""

import importlib.machinery
import importlib.util
import re
from pathlib import Path

from django.conf import settings


def _script():
    path = str(Path(settings.BASE_DIR) / "bin" / "prod-stack-journey")
    loader = importlib.machinery.SourceFileLoader("prod_stack_journey", path)
    module = importlib.util.module_from_spec(importlib.util.spec_from_loader(loader.name, loader))
    loader.exec_module(module)
    return module


def test_the_journey_runs_docker_composes_commands_against_this_machine(tmp_path, monkeypatch):
    monkeypatch.setenv("JOURNEY_REDIS_DBS", "8,8,9")
    monkeypatch.setenv("JOURNEY_DATABASE", "xueji_journey")
    script = _script()
    services = script.compose_services()
    web = script.local_command(services["web"], tmp_path, 8123)
    assert web[:2] == ["sh", "-c"]
    assert "python manage.py migrate --noinput &&" in web[2] and "gunicorn registry.wsgi:application" in web[2]
    assert "--bind 127.0.0.1:8123" in web[2] and "0.0.0.0" not in web[2]
    # the worker yields the CPU to the web server's processes (nice), as it does in the container
    assert script.local_command(services["worker"], tmp_path, 8123)[:7] == [
        "nice", "-n", "10", "celery", "-A", "registry", "worker"
    ]  # fmt: skip
    beat = script.local_command(services["beat"], tmp_path, 8123)
    assert beat[:4] == ["celery", "-A", "registry", "beat"] and str(tmp_path / "celerybeat-schedule") in beat
    for name in ("web", "worker", "beat"):
        env = script.local_environment(services[name], tmp_path, 8123)
        assert env["XUEJI_PROFILE"] == "production"
        assert env["DATABASE_URL"] == "postgres://postgres@127.0.0.1:5432/xueji_journey"
        assert env["CELERY_BROKER_URL"] == "redis://127.0.0.1:6379/8"
        assert env["CACHE_URL"] == "redis://127.0.0.1:6379/9"
        assert env["MEDIA_ROOT"] == str(tmp_path / "media") and len(env["SECRET_KEY"]) >= 50


def test_the_image_and_make_setup_copy_the_same_front_end_files():
    """The Dockerfile and the Makefile copy the same npm files into static/vendor (a file only one of them copies
    is missing in production, or breaks collectstatic's manifest there: a .js without its .map)."""
    root = Path(__file__).resolve().parent.parent
    copied = [set(re.findall(r"node_modules/(\S+\.(?:js|css|map))", (root / name).read_text())) for name in
              ("Makefile", "Dockerfile")]  # fmt: skip
    assert copied[0] == copied[1]
    assert "bootstrap/dist/js/bootstrap.bundle.min.js.map" in copied[0]
