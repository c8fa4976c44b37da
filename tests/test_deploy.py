"""The systemd units and settings in deploy/: each command they start exists and takes the
options they give, the settings file is what production needs, and systemd accepts the units
(where systemd-analyze is installed). The cluster run starts the same commands for real."""

import configparser
import runpy
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from gunicorn.config import KNOWN_SETTINGS

from config import ENVIRONMENT_SETTINGS, ProductionConfig

ROOT = Path(__file__).resolve().parent.parent
DEPLOY = ROOT / "deploy"
INSTALLED_AT = "/srv/mentor-match"
SETTINGS_FILE = "/etc/mentor-match/mentor-match.env"
UNITS = sorted(p.name for p in DEPLOY.glob("*.service")) + sorted(
    p.name for p in DEPLOY.glob("*.timer")
)
# Read by gunicorn.conf.py and the units, not by the app.
HOST_SETTINGS = {"APP_ENV", "GUNICORN_BIND", "WEB_CONCURRENCY"}


def unit(name: str) -> configparser.ConfigParser:
    parser = configparser.ConfigParser(interpolation=None, strict=True)
    parser.optionxform = str  # systemd's keys are case-sensitive
    parser.read(DEPLOY / name)
    return parser


def exec_start(name: str) -> list[str]:
    return shlex.split(unit(name)["Service"]["ExecStart"])


def env_example() -> dict[str, str]:
    values = {}
    for line in (DEPLOY / "mentor-match.env.example").read_text().splitlines():
        if line.strip() and not line.startswith("#"):
            key, _, value = line.partition("=")
            values[key] = value
    return values


def test_there_are_units_for_the_web_the_worker_and_the_daily_timer():
    assert UNITS == [
        "mentor-match-daily.service",
        "mentor-match-web.service",
        "mentor-match-worker.service",
        "mentor-match-daily.timer",
    ]


@pytest.mark.parametrize("name", [n for n in UNITS if n.endswith(".service")])
def test_every_service_runs_from_the_checkout_with_the_shared_settings(name):
    service = unit(name)["Service"]
    assert service["WorkingDirectory"] == INSTALLED_AT
    assert service["EnvironmentFile"] == SETTINGS_FILE
    assert service["User"] == "mentor-match"
    assert exec_start(name)[0].startswith(f"{INSTALLED_AT}/.venv/bin/")


@pytest.mark.parametrize(
    "name, command",
    [
        ("mentor-match-worker.service", ["outbox", "worker"]),
        ("mentor-match-daily.service", ["jobs", "daily"]),
    ],
)
def test_the_flask_commands_of_the_units_exist(app, name, command):
    argv = exec_start(name)
    assert Path(argv[0]).name == "flask"
    assert argv[1:3] == ["--app", "wsgi"]
    assert argv[3:] == command
    result = app.test_cli_runner().invoke(args=[*argv[3:], "--help"])
    assert result.exit_code == 0, result.output


def test_the_worker_is_stopped_with_sigterm_and_time_to_finish_its_message():
    service = unit("mentor-match-worker.service")["Service"]
    assert service["KillSignal"] == "SIGTERM"
    assert int(service["TimeoutStopSec"]) >= 3 * ProductionConfig.MAIL_TIMEOUT
    assert service["Restart"] == "always"


def test_the_web_unit_runs_gunicorn_with_the_config_file():
    argv = exec_start("mentor-match-web.service")
    assert Path(argv[0]).name == "gunicorn"
    config = argv[argv.index("--config") + 1]
    assert (ROOT / config).is_file()
    assert argv[-1] == "wsgi:app"
    assert unit("mentor-match-web.service")["Service"]["Type"] == "notify"  # gunicorn notifies


def test_the_gunicorn_config_holds_only_gunicorn_settings(monkeypatch):
    monkeypatch.delenv("GUNICORN_BIND", raising=False)
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    values = runpy.run_path(str(DEPLOY / "gunicorn.conf.py"))
    names = {name for name in values if not name.startswith("_") and name != "os"}
    assert names <= {setting.name for setting in KNOWN_SETTINGS}
    assert values["bind"] == "127.0.0.1:8000"
    assert values["workers"] == 4
    assert values["control_socket_disable"] is True


def test_the_timer_starts_the_daily_service_every_day():
    timer = unit("mentor-match-daily.timer")["Timer"]
    assert timer["Unit"] == "mentor-match-daily.service"
    assert timer["OnCalendar"].startswith("*-*-* ")
    assert timer["Persistent"] == "true"


def test_the_settings_example_names_only_real_settings():
    assert set(env_example()) <= set(ENVIRONMENT_SETTINGS) | HOST_SETTINGS


def test_the_settings_example_configures_several_hosts():
    values = env_example()
    assert values["APP_ENV"] == "production"
    assert values["SECRET_KEY"] == ""  # to be filled in: production refuses to start without
    settings = ProductionConfig.from_environment({**values, "SECRET_KEY": "x" * 48})
    assert settings["RATELIMIT_STORAGE_URI"].startswith("redis://")
    assert settings["SQLALCHEMY_DATABASE_URI"].startswith("postgresql+psycopg://")
    assert settings["MAIL_BACKEND"] == "smtp"
    assert settings["PROXY_FIX_X_FOR"] == 1


def test_systemd_accepts_the_units(tmp_path):
    analyze = shutil.which("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed")
    venv_bin = Path(sys.executable).parent  # where this virtualenv has flask and gunicorn
    for name in UNITS:
        text = (DEPLOY / name).read_text()
        text = text.replace(f"{INSTALLED_AT}/.venv/bin", str(venv_bin))
        text = text.replace(INSTALLED_AT, str(ROOT))
        text = text.replace(SETTINGS_FILE, str(DEPLOY / "mentor-match.env.example"))
        (tmp_path / name).write_text(text)
    result = subprocess.run(
        [analyze, "verify", *(str(tmp_path / name) for name in UNITS)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    complaints = [line for line in result.stderr.splitlines() if str(tmp_path) in line]
    assert result.returncode == 0 and complaints == [], result.stderr
