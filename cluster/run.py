"""`make test-cluster`: the portal on two app hosts at once, proved on this machine.

    CLUSTER_DATABASE_URL=postgresql://user:password@127.0.0.1/mentor_match_cluster \\
        python -m cluster.run [--seconds 60] [--clients 16]

Everything in that database is dropped first. The run starts, on 127.0.0.1 only: redis-server,
the SMTP sink (`cluster.sink`), two gunicorn instances (hosts A and B, two workers each, the
production configuration), and one `flask outbox worker` per host. Then, through both hosts in
turn:

1. `flask jobs daily` on both hosts at the same moment: one run does the work, the other finds
   it under way; every expiry, reminder and e-mail happens once.
2. Sign-in attempts over the per-account limit are refused on both hosts (one Redis counter).
3. Twenty mentees' requests to one mentor with one spot left, accepted by their e-mail links
   at the same moment, half on each host: exactly one mentorship.
4. A load mix (directory, request, accept by link, check-in, committee dashboard) for a bounded
   time, during which the SMTP sink is down for 20 s, then the workers are killed (SIGKILL,
   three times, each while it is sending) and stopped (SIGTERM, once), each started again 3 s
   later as systemd would: no 5xx, no request without an answer.
5. Every e-mail in the outbox is delivered: counted at the sink by Message-ID, with the raw
   copies printed; a copy is allowed only of a message that the sink had accepted when its
   worker was killed (the kill fell between the server's answer and the worker's commit). What
   a killed worker held is delivered by the others within its heartbeat timeout: the time from
   each kill to the sink receiving those messages is printed.

It prints the figures and exits non-zero if any check failed. Every process it started is
stopped when it ends, also on failure or Ctrl-C.
"""

import argparse
import base64
import concurrent.futures
import json
import os
import random
import re
import secrets
import shutil
import signal
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import Counter
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from bench.harness import reset_database
from cluster import scenario
from cluster.procs import Processes, free_port, wait_for_health, wait_for_port
from cluster.web import Tally, Visitor, form_at, path_of

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
HOSTS = ("A", "B")
WORKER_INTERVAL = "1"
SINK_DELAY = "0.02"  # seconds per message at the SMTP server
SINK_DOWN_AT, SINK_DOWN_FOR = 8.0, 20.0  # seconds into the load
# The workers' faults, after the sink is back: three SIGKILLs (a crash: no time to finish or
# hand anything back) while the worker is sending, then one SIGTERM (systemd's stop), each
# worker started again WORKER_RESTART_AFTER later, as systemd's Restart= does. The kills are
# spread over the rest of the load; a killed worker's claims go to the others once its
# heartbeat is OUTBOX_WORKER_TIMEOUT old (the setting's default, 30 s).
WORKER_FAULTS = (
    ("A", signal.SIGKILL),
    ("B", signal.SIGKILL),
    ("A", signal.SIGKILL),
    ("B", signal.SIGTERM),
)
FIRST_FAULT_AFTER_SINK_UP = 3.0
WORKER_RESTART_AFTER = 3.0
LONGEST_WAIT_FOR_SENDING = 8.0
# A message the sink accepts this soon after its worker's kill was sent by that worker.
ACCEPTED_AT_THE_KILL = 5.0
KILL_SPREAD = 0.15  # seconds: a batch of CLAIM_BATCH messages takes about twice that here
LONGEST_DRAIN = 240.0
MIX = {"directory": 30, "request": 20, "accept": 15, "check-in": 20, "dashboard": 15}
LIMIT_PER_ACCOUNT = 10  # LOGIN_LIMIT_PER_ACCOUNT: "10 per 15 minutes"


@dataclass
class Check:
    name: str
    ok: bool
    detail: str


@dataclass
class Kill:
    """One worker stopped during the load: how, when, and what it held at that moment."""

    host: str
    signal: int
    at: float  # seconds into the load
    wall_time: float  # time.time() just before the signal, comparable with the sink's times
    signalled: float  # time.time() just after it
    was_sending: bool
    exit_code: int | None
    took: float
    claimed: list[str] = field(default_factory=list)  # Message-IDs it held claimed
    log_tail: str = ""

    def in_doubt(self, records: list[dict]) -> dict[str, float]:
        """The claimed messages that the sink accepted from the killed worker itself (at the
        moment of the kill, long before the others could take them), with when it did: the
        worker had sent the whole message and died before its COMMIT, so another worker sends
        it again, with the same Message-ID."""
        first: dict[str, float] = {}
        for record in records:
            first.setdefault(record["message_id"], record["received_at"])
        return {
            mid: first[mid]
            for mid in self.claimed
            if mid in first and first[mid] < self.wall_time + ACCEPTED_AT_THE_KILL
        }

    def when_accepted(self, records: list[dict]) -> Counter:
        """When the sink accepted each message in doubt: after the signal had been sent (the
        worker was waiting for the answer, or dying, while the server finished), before it
        (the answer was on its way or had arrived, the COMMIT not sent yet), or in between."""
        return Counter(
            "accepted after the signal"
            if accepted > self.signalled
            else "accepted before the signal"
            if accepted < self.wall_time
            else "accepted at the signal"
            for accepted in self.in_doubt(records).values()
        )

    @property
    def name(self) -> str:
        return f"{signal.Signals(self.signal).name} {self.host} at {self.at:.0f} s"


@dataclass
class Run:
    seconds: float
    clients: int
    work: Path
    procs: Processes
    database_url: str
    ports: dict[str, int] = field(default_factory=dict)
    checks: list[Check] = field(default_factory=list)
    figures: list[tuple[str, str]] = field(default_factory=list)
    timings: list[tuple[str, float]] = field(default_factory=list)
    secret: str = ""
    kills: list["Kill"] = field(default_factory=list)
    sink_log: Path = Path()
    sizes: scenario.Sizes = field(default_factory=scenario.Sizes)
    app: object = None
    data: scenario.Scenario | None = None

    @property
    def worker_timeout(self) -> float:
        return float(self.app.config["OUTBOX_WORKER_TIMEOUT"])

    def check(self, name: str, ok: bool, detail: str) -> None:
        self.checks.append(Check(name, bool(ok), detail))
        print(f"   {'ok  ' if ok else 'FAIL'} {name}: {detail}", flush=True)

    def figure(self, name: str, value: str) -> None:
        self.figures.append((name, value))

    @contextmanager
    def phase(self, name: str):
        print(f"-- {name}", flush=True)
        started = time.monotonic()
        try:
            yield
        finally:
            self.timings.append((name, time.monotonic() - started))

    # The processes.

    def settings(self) -> dict[str, str]:
        return {
            "APP_ENV": "production",
            "SECRET_KEY": self.secret,
            "BASE_URL": f"http://127.0.0.1:{self.ports['web-A']}",
            "DATABASE_URL": self.database_url,
            "MAIL_BACKEND": "smtp",
            "MAIL_SERVER": "127.0.0.1",
            "MAIL_PORT": str(self.ports["sink"]),
            "MAIL_TIMEOUT": "5",
            "RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.ports['redis']}",
            "RATELIMIT_ENABLED": "true",
            # This run has no TLS proxy in front: the cookies travel over plain HTTP.
            "SESSION_COOKIE_SECURE": "false",
            # The visitors send X-Forwarded-For as the load balancer would.
            "PROXY_FIX_X_FOR": "1",
            "LOG_LEVEL": "INFO",
            "FLASK_APP": "wsgi.py",
        }

    def env(self) -> dict[str, str]:
        inherited = {
            k: v
            for k, v in os.environ.items()
            if not k.startswith(("FLASK_", "MAIL_", "RATELIMIT_", "GUNICORN"))
        }
        return {**inherited, **self.settings(), "PYTHONUNBUFFERED": "1"}

    def start_sink(self) -> None:
        process = self.procs.start(
            "sink",
            [
                sys.executable,
                "-m",
                "cluster.sink",
                "--port",
                str(self.ports["sink"]),
                "--log",
                str(self.sink_log),
                "--delay",
                SINK_DELAY,
            ],
            self.env(),
            ROOT,
        )
        wait_for_port(self.ports["sink"], 15, process)

    def start_worker(self, host: str) -> None:
        self.procs.start(
            f"worker-{host}",
            [str(BIN / "flask"), "outbox", "worker", "--interval", WORKER_INTERVAL],
            self.env(),
            ROOT,
        )

    def start_web(self, host: str) -> None:
        port = self.ports[f"web-{host}"]
        process = self.procs.start(
            f"web-{host}",
            [
                str(BIN / "gunicorn"),
                "--config",
                str(ROOT / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
                "wsgi:app",
            ],
            self.env(),
            ROOT,
        )
        wait_for_port(port, 30, process)
        wait_for_health(f"http://127.0.0.1:{port}/healthz", 30)

    def start_all(self) -> None:
        redis = shutil.which("redis-server")
        if redis is None:
            raise SystemExit("redis-server is not installed (Debian: apt-get install redis-server)")
        process = self.procs.start(
            "redis",
            [
                redis,
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--daemonize",
                "no",
            ],
            self.env(),
            ROOT,
        )
        wait_for_port(self.ports["redis"], 15, process)
        self.start_sink()
        for host in HOSTS:
            self.start_web(host)
        for host in HOSTS:
            self.start_worker(host)

    @property
    def web_ports(self) -> list[int]:
        return [self.ports[f"web-{host}"] for host in HOSTS]

    def in_app(self, function, *args):
        with self.app.app_context():
            return function(*args)

    # The SMTP sink's log.

    def sink_records(self) -> list[dict]:
        if not self.sink_log.exists():
            return []
        records = []
        for line in self.sink_log.read_text().splitlines():
            if line.strip():
                records.append(json.loads(line))
        return records


def respond_links(record: dict) -> list[str]:
    return re.findall(r"https?://\S+?/respond/[A-Za-z0-9_.\-]+", record["text"])


def request_of(link: str) -> int | None:
    """The request id a decision link carries (its signed payload is readable, not secret)."""
    payload = link.rsplit("/", 1)[-1].split(".")[0]
    try:
        return json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))["r"]
    except (ValueError, KeyError, TypeError):
        return None


class LinkBox:
    """The decision links that reach the sink, for the visitors who accept by link."""

    def __init__(self, run: Run, skip_recipient: str):
        self.run = run
        self.skip = skip_recipient
        self.lock = threading.Lock()
        self.offset = 0
        self.waiting: list[str] = []
        self.seen: set[str] = set()

    def start_now(self) -> None:
        """Only links that arrive from now on: requests made by the load itself."""
        with self.lock:
            self.offset = self.run.sink_log.stat().st_size if self.run.sink_log.exists() else 0
            self.waiting.clear()

    def take(self) -> str | None:
        with self.lock:
            self._read_new()
            return self.waiting.pop(0) if self.waiting else None

    def _read_new(self) -> None:
        if not self.run.sink_log.exists():
            return
        with open(self.run.sink_log, encoding="utf-8") as log:
            log.seek(self.offset)
            chunk = log.read()
        complete = chunk[: chunk.rfind("\n") + 1]
        self.offset += len(complete.encode("utf-8"))
        for line in complete.splitlines():
            record = json.loads(line)
            if self.skip in record["to"]:
                continue
            for link in respond_links(record):
                if link not in self.seen:
                    self.seen.add(link)
                    self.waiting.append(link)


# 1. The daily job on both hosts at once.


def daily_on_both_hosts(run: Run) -> None:
    data = run.data
    before = run.in_app(scenario.last_outbox_id)
    flask = str(BIN / "flask")
    processes = [
        run.procs.start(f"daily-{host}", [flask, "jobs", "daily"], run.env(), ROOT)
        for host in HOSTS
    ]
    for process in processes:
        process.wait(120)
    outputs = {host: run.procs.log(f"daily-{host}") for host in HOSTS}
    for host in HOSTS:
        run.procs.stop(f"daily-{host}")
    worked = [h for h, out in outputs.items() if "Mentorship requests expired:" in out]
    skipped = [h for h, out in outputs.items() if "already running on another host" in out]
    codes = [p.returncode for p in processes]
    run.check(
        "daily job: one run worked, the other stood aside",
        len(worked) == 1 and len(skipped) == 1 and codes == [0, 0],
        f"worked on {worked or 'none'}, stood aside on {skipped or 'none'}, exit codes {codes}",
    )
    expired = run.in_app(scenario.requests_in, data.expiring_ids, "expired")
    reminded = run.in_app(scenario.reminded_requests, data.waiting_ids)
    quiet = run.in_app(scenario.reminded_mentorships, data.quiet_ids)
    expected = {
        "request_expired": len(data.expiring_ids),
        "request_reminder": len(data.waiting_ids),
        "mentorship_reminder": 2 * len(data.quiet_ids),
    }
    made = run.in_app(scenario.outbox_templates_after, before)
    run.check(
        "daily job: each change and e-mail once",
        (expired, reminded, quiet)
        == (len(data.expiring_ids), len(data.waiting_ids), len(data.quiet_ids))
        and made == expected,
        f"{expired} requests expired, {reminded} mentors reminded, {quiet} pairs reminded; "
        f"e-mails {dict(sorted(made.items()))} (expected {dict(sorted(expected.items()))})",
    )
    run.figure(
        "daily job e-mails made / expected", f"{sum(made.values())} / {sum(expected.values())}"
    )


# 2. The sign-in limit, counted in Redis for both hosts.


def sign_in_limit(run: Run, tally: Tally) -> None:
    visitor = Visitor(run.web_ports, "127.0.9.1", tally)
    account = run.data.limited_account
    answers = []
    for attempt in range(LIMIT_PER_ACCOUNT + 2):
        host = attempt % 2
        form = form_at(visitor.get("sign-in limit", "/auth/login", host=host), "/auth/login")
        data = form.filled(email=account, password="not-the-password")
        answers.append(
            (HOSTS[host], visitor.post("sign-in limit", "/auth/login", data, host=host).status)
        )
    form = form_at(visitor.get("sign-in limit", "/auth/login", host=0), "/auth/login")
    right = visitor.post(
        "sign-in limit",
        "/auth/login",
        form.filled(email=account, password="mentor-match-demo"),
        host=0,
    )
    allowed = [status for _, status in answers[:LIMIT_PER_ACCOUNT]]
    over = answers[LIMIT_PER_ACCOUNT:]
    run.check(
        "sign-in limit shared by the hosts",
        all(status == 200 for status in allowed)
        and [status for _, status in over] == [429, 429]
        and {host for host, _ in over} == set(HOSTS)
        and right.status == 429,
        f"{LIMIT_PER_ACCOUNT} wrong passwords answered {sorted(set(allowed))} (5 per host), "
        f"then {', '.join(f'{s} on {h}' for h, s in over)}; the right password then: "
        f"{right.status}",
    )


# 3. Twenty accepts of one mentor's last spot.


def accept_race(run: Run, tally: Tally) -> None:
    data = run.data
    deadline = time.monotonic() + 90
    links: list[str] = []
    while time.monotonic() < deadline:
        links = sorted(
            {
                link
                for record in run.sink_records()
                if data.race_mentor in record["to"]
                for link in respond_links(record)
                if request_of(link) in data.race_request_ids
            }
        )
        if len(links) >= len(data.race_request_ids):
            break
        time.sleep(0.5)
    if len(links) < len(data.race_request_ids):
        run.check("accept race: the links arrived", False, f"{len(links)} links at the sink")
        return
    visitors, forms = [], []
    for index, link in enumerate(links):
        visitor = Visitor(run.web_ports, f"127.0.3.{index + 1}", tally)
        page = visitor.get("accept race", path_of(link), host=index % 2)
        forms.append(form_at(page, path_of(link)).filled(choice="accept", button="send"))
        visitors.append(visitor)
    start = threading.Barrier(len(visitors), timeout=30)
    statuses: list[int | str] = [0] * len(visitors)

    def accept(index: int) -> None:
        start.wait()
        try:
            path = path_of(links[index])
            statuses[index] = (
                visitors[index].post("accept race", path, forms[index], host=index % 2).status
            )
        except OSError as error:
            statuses[index] = type(error).__name__

    threads = [threading.Thread(target=accept, args=(i,)) for i in range(len(visitors))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    answers = Counter(statuses)
    accepted = run.in_app(scenario.requests_in, data.race_request_ids, "accepted")
    active = run.in_app(scenario.active_mentorships_of, data.race_mentor_id)
    per_host = Counter(HOSTS[i % 2] for i in range(len(visitors)))
    run.check(
        "accept race: one mentorship from the last spot",
        accepted == 1
        and active == run.sizes.race_capacity
        and answers[303] == 1
        and not any(isinstance(s, str) or s >= 500 for s in statuses),
        f"{len(visitors)} accepts at once ({dict(per_host)} per host): answers "
        f"{dict(sorted(answers.items(), key=str))}; {accepted} accepted, the mentor has "
        f"{active} of {run.sizes.race_capacity} spots filled",
    )


# 4. The load mix, with the sink down for a while and a worker stopped mid-run.


class Client:
    """One of the load's visitors: a mentee (the next of its pool when one can ask no more), a
    mentor of an active pair, a committee member, and anyone opening a decision link."""

    def __init__(self, run: Run, index: int, tally: Tally, links: LinkBox):
        self.run, self.index, self.tally, self.links = run, index, tally, links
        self.random = random.Random(index)
        self.address = f"127.0.1.{index + 1}"
        self.pool = list(run.data.mentee_pools[index])
        self.mentor_ids: list[int] = []
        self.outcomes: Counter = Counter()
        self.problems: list[str] = []
        self.mentee = self._signed_in(self.pool.pop(0))
        self.mentorship_id, mentor = run.data.pairs[index]
        self.mentor = self._signed_in(mentor)
        self.committee = self._signed_in(run.data.committee[index])

    def _signed_in(self, email: str) -> Visitor:
        visitor = Visitor(self.run.web_ports, self.address, self.tally, first_host=self.index)
        page = visitor.sign_in(email)
        if page.status != 302:
            raise RuntimeError(f"{email} could not sign in: {page.status}")
        return visitor

    def loop(self, until: float, most: int = 100_000) -> None:
        kinds, weights = list(MIX), list(MIX.values())
        for _ in range(most):
            if time.monotonic() >= until:
                return
            kind = self.random.choices(kinds, weights)[0]
            try:
                getattr(self, kind.replace("-", "_"))()
            except (OSError, LookupError, RuntimeError) as error:
                self.problems.append(f"{kind}: {type(error).__name__}: {error}")

    def directory(self) -> None:
        query = self.random.choice(["", "?q=library", "?page=2", "?q=public&page=1", "?q=archives"])
        page = self.mentee.get("directory", "/mentors" + query)
        ids = [int(i) for i in re.findall(r'href="/mentors/(\d+)"', page.text)]
        if ids:
            self.mentor_ids = ids

    def request(self) -> None:
        if not self.mentor_ids:
            return self.directory()
        mentor = self.random.choice(self.mentor_ids)
        path = f"/mentors/{mentor}/request"
        page = self.mentee.get("request", path)
        if _mentee_is_done(page.text):
            return self._next_mentee()
        try:
            form = form_at(page, path)
        except LookupError:
            self.outcomes["request refused"] += 1
            return None
        data = form.filled(
            message=scenario.MESSAGE,
            objectives=form.choices.get("objectives", [])[:1],
            contact_method=form.choices.get("contact_method", [])[:1],
        )
        answer = self.mentee.post("request", path, data)
        if answer.status == 302:
            self.outcomes["request sent"] += 1
        else:
            self.outcomes[f"request answered {answer.status}"] += 1
            if _mentee_is_done(answer.text):
                self._next_mentee()
        return None

    def _next_mentee(self) -> None:
        if self.pool:
            self.mentee = self._signed_in(self.pool.pop(0))
            self.outcomes["mentee changed"] += 1

    def accept(self) -> None:
        link = self.links.take()
        if link is None:
            return self.directory()
        path = path_of(link)
        visitor = Visitor(self.run.web_ports, self.address, self.tally, first_host=self.index)
        page = visitor.get("accept", path)
        try:
            form = form_at(page, path)
        except LookupError:
            self.outcomes[f"link opened, no decision ({page.status})"] += 1
            return None
        if "accept" not in form.choices.get("choice", []):  # a full mentor may only decline
            self.outcomes[f"link opened, no decision ({page.status})"] += 1
            return None
        answer = visitor.post("accept", path, form.filled(choice="accept", button="send"))
        self.outcomes[
            "accepted" if answer.status == 303 else f"accept answered {answer.status}"
        ] += 1
        return None

    def check_in(self) -> None:
        path = f"/mentorships/{self.mentorship_id}"
        form = form_at(self.mentor.get("check-in", path), f"{path}/check-ins")
        methods = [value for value in form.choices.get("check_in-method", []) if value]
        data = form.filled(
            check_in__met_on=date.today().isoformat(),
            check_in__method=methods[:1],
            check_in__minutes="45",
            check_in__objectives=form.choices.get("check_in-objectives", [])[:1],
            check_in__how_it_is_going="4",
            check_in__shared_note="We went through my resume and planned the next interview.",
        )
        answer = self.mentor.post("check-in", f"{path}/check-ins", data)
        self.outcomes[
            "check-in added" if answer.status == 302 else f"check-in {answer.status}"
        ] += 1

    def dashboard(self) -> None:
        page = self.committee.get("dashboard", "/committee/")
        self.outcomes["dashboard shown" if page.status == 200 else f"dashboard {page.status}"] += 1


def _mentee_is_done(text: str) -> bool:
    return "requests waiting for an answer" in text or "You already have a mentor" in text


def sending_to(pid: int, port: int) -> bool:
    """Whether process `pid` has an open TCP connection to 127.0.0.1:`port` (it is sending)."""
    try:
        inodes = {
            os.readlink(f"/proc/{pid}/fd/{fd}")[8:-1]
            for fd in os.listdir(f"/proc/{pid}/fd")
            if os.readlink(f"/proc/{pid}/fd/{fd}").startswith("socket:[")
        }
    except OSError:
        return False
    with open("/proc/net/tcp") as table:
        for line in table.readlines()[1:]:
            fields = line.split()
            remote_port = int(fields[2].split(":")[1], 16)
            if remote_port == port and fields[3] == "01" and fields[9] in inodes:
                return True
    return False


def faults(run: Run, started: float, notes: dict) -> None:
    """The sink down for SINK_DOWN_FOR seconds; then the workers' faults (WORKER_FAULTS)."""
    time.sleep(max(0.0, started + SINK_DOWN_AT - time.monotonic()))
    notes["sink stop exit"] = run.procs.stop("sink")
    notes["sink down at"] = time.monotonic() - started
    time.sleep(max(0.0, started + SINK_DOWN_AT + SINK_DOWN_FOR - time.monotonic()))
    run.start_sink()
    notes["sink up at"] = time.monotonic() - started
    first = SINK_DOWN_AT + SINK_DOWN_FOR + FIRST_FAULT_AFTER_SINK_UP
    spacing = max(WORKER_RESTART_AFTER, (run.seconds - first - 5) / len(WORKER_FAULTS))
    for index, (host, number) in enumerate(WORKER_FAULTS):
        time.sleep(max(0.0, started + first + index * spacing - time.monotonic()))
        run.kills.append(stop_worker(run, host, number, started))
        time.sleep(WORKER_RESTART_AFTER)
        run.start_worker(host)


def stop_worker(run: Run, host: str, number: int, started: float) -> Kill:
    """Stop host's worker with `number` once it is connected to the sink (it is sending), and
    note what it held claimed at that moment."""
    worker = run.procs.running[f"worker-{host}"]
    deadline = time.monotonic() + LONGEST_WAIT_FOR_SENDING
    chance = random.Random(len(run.kills))
    was_sending = False
    while time.monotonic() < deadline and not was_sending:
        if sending_to(worker.pid, run.ports["sink"]):
            # A random instant of its sending: looking for the connection takes about as long
            # each time, which alone would put every kill at the same point of a message.
            time.sleep(chance.uniform(0, KILL_SPREAD))
            was_sending = sending_to(worker.pid, run.ports["sink"])
        else:
            time.sleep(0.002)
    at, stopping = time.monotonic() - started, time.monotonic()
    wall_time = time.time()
    run.procs.send(f"worker-{host}", number)
    signalled = time.time()
    exit_code = run.procs.stop(f"worker-{host}", None, timeout=30)
    took = time.monotonic() - stopping
    time.sleep(0.3)  # PostgreSQL sees the connection gone and rolls back what was open
    claimed = run.in_app(scenario.claims_of, f"{socket.gethostname()}:{worker.pid}")
    return Kill(
        host,
        number,
        at,
        wall_time,
        signalled,
        was_sending,
        exit_code,
        took,
        claimed,
        run.procs.log(f"worker-{host}")[-2000:],
    )


def load(run: Run, tally: Tally) -> dict:
    links = LinkBox(run, run.data.race_mentor)
    with concurrent.futures.ThreadPoolExecutor(4) as pool:  # one sign-in per gunicorn worker
        clients = list(pool.map(lambda i: Client(run, i, tally, links), range(run.clients)))
    tally.exchanges.clear()  # the sign-ins before the clock starts are not the load
    links.start_now()
    started = time.monotonic()
    until = started + run.seconds
    notes: dict = {}
    fault_thread = threading.Thread(target=faults, args=(run, started, notes), daemon=True)
    threads = [threading.Thread(target=c.loop, args=(until,), daemon=True) for c in clients]
    fault_thread.start()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(run.seconds + 120)
    fault_thread.join(90)
    elapsed = time.monotonic() - started
    exchanges = tally.of()
    times = sorted(e.seconds for e in exchanges)
    server_errors = [e for e in exchanges if e.status >= 500]
    no_answer = [e for e in exchanges if e.status == 0]
    by_kind = Counter(e.kind for e in exchanges)
    by_host = Counter(HOSTS[e.host] for e in exchanges)
    outcomes = sum((c.outcomes for c in clients), Counter())
    problems = [p for c in clients for p in c.problems]
    p95 = times[int(0.95 * (len(times) - 1))] if times else 0.0
    rate = len(exchanges) / elapsed
    run.figure(
        "load: HTTP requests",
        f"{len(exchanges)} in {elapsed:.0f} s ({rate:.1f}/s), {dict(by_host)} per host",
    )
    run.figure("load: by kind", ", ".join(f"{k} {n}" for k, n in sorted(by_kind.items())))
    if times:
        run.figure(
            "load: latency",
            f"median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms, "
            f"max {times[-1] * 1000:.0f} ms",
        )
    run.figure("load: errors", f"{len(server_errors)} 5xx, {len(no_answer)} without an answer")
    run.figure("load: outcomes", ", ".join(f"{k} {n}" for k, n in sorted(outcomes.items())))
    run.check(
        "load: no 5xx, every request answered",
        exchanges and not server_errors and not no_answer,
        f"{len(exchanges)} requests from {len(clients)} clients, "
        f"{len(server_errors)} 5xx, {len(no_answer)} without an answer"
        + (f" (first: {(server_errors or no_answer)[0]})" if server_errors or no_answer else ""),
    )
    exercised = (
        all(
            outcomes[name] > 0
            for name in ("request sent", "accepted", "check-in added", "dashboard shown")
        )
        and by_kind["directory"] > 0
    )
    run.check(
        "load: every part of the mix did its work",
        exercised and len(problems) <= len(exchanges) // 100,
        f"outcomes {dict(outcomes)}; {len(problems)} unexpected pages"
        + (f" (first: {problems[0]})" if problems else ""),
    )
    return notes


def check_faults(run: Run, notes: dict) -> None:
    run.check(
        "SMTP sink down for 20 s",
        "sink up at" in notes and notes.get("sink stop exit") == 0,
        f"down from {notes.get('sink down at', 0):.0f} s to {notes.get('sink up at', 0):.0f} s "
        "of the load",
    )
    hard = [kill for kill in run.kills if kill.signal == signal.SIGKILL]
    run.check(
        f"{len(hard)} workers killed (SIGKILL) while sending",
        len(hard) >= 2
        and all(kill.was_sending and kill.exit_code == -signal.SIGKILL for kill in hard),
        "; ".join(
            f"{kill.name}: connected to the sink {kill.was_sending}, "
            f"{len(kill.claimed)} messages left claimed"
            for kill in hard
        )
        + f"; each started again {WORKER_RESTART_AFTER:.0f} s later",
    )
    for kill in run.kills:
        if kill.signal != signal.SIGTERM:
            continue
        released = re.findall(r"(\d+) released", kill.log_tail)
        run.check(
            "worker stopped (SIGTERM) while sending, cleanly",
            kill.was_sending
            and kill.exit_code == 0
            and "Outbox worker stopped." in kill.log_tail
            and not kill.claimed,
            f"{kill.name}, connected to the sink: {kill.was_sending}; exit {kill.exit_code} after "
            f"{kill.took:.1f} s, {released[-1] if released else 0} claimed messages handed back, "
            f"{len(kill.claimed)} left claimed",
        )


# 5. Every e-mail delivered once.


def drain(run: Run) -> float:
    """Wait until nothing is pending or claimed any more (a killed worker's claims included:
    they go to the others once its heartbeat is old enough); the seconds it took."""
    started = time.monotonic()
    deadline = started + LONGEST_DRAIN
    while time.monotonic() < deadline:
        waiting = run.in_app(scenario.outbox_by_status)
        if not waiting.get("pending") and not waiting.get("sending"):
            break
        time.sleep(1)
    return time.monotonic() - started


def redelivery(kill: Kill, records: list[dict]) -> tuple[list[float], int]:
    """For each message a killed worker held: seconds from the kill to the sink's receiving it
    (from another worker); and how many never arrived after the kill."""
    first_after: dict[str, float] = {}
    for record in records:
        mid = record["message_id"]
        if mid in kill.claimed and record["received_at"] > kill.wall_time + ACCEPTED_AT_THE_KILL:
            first_after.setdefault(mid, record["received_at"] - kill.wall_time)
    return sorted(first_after.values()), len(set(kill.claimed) - set(first_after))


def drain_and_count(run: Run) -> None:
    drained = drain(run)
    statuses = run.in_app(scenario.outbox_by_status)
    expected = run.in_app(scenario.expected_message_ids)
    records = run.sink_records()
    received = Counter(record["message_id"] for record in records)
    twice = {mid: n for mid, n in received.items() if n > 1}
    missing = [mid for mid in expected if mid not in received]
    strangers = [mid for mid in received if mid not in expected]
    in_doubt = {mid for kill in run.kills for mid in kill.in_doubt(records)}
    unexplained = {mid: n for mid, n in twice.items() if mid not in in_doubt or n > 2}
    retried = run.in_app(scenario.retried_messages)
    copies = sum(n - 1 for n in twice.values())
    run.figure(
        "e-mails: expected / received / distinct Message-IDs",
        f"{len(expected)} / {sum(received.values())} / {len(received)}",
    )
    run.figure(
        "e-mails: duplicates at the sink",
        f"{len(twice)} Message-IDs received twice ({copies} extra copies); "
        f"{len(in_doubt)} messages were accepted by the sink but not yet recorded when their "
        "worker was killed"
        + (f"; a receiver keeping one per Message-ID delivers {len(received)}" if twice else ""),
    )
    landed = sum((kill.when_accepted(records) for kill in run.kills), Counter())
    run.figure(
        "e-mails: kills in doubt",
        f"{sum(1 for k in run.kills if k.in_doubt(records))} of "
        f"{sum(1 for k in run.kills if k.signal == signal.SIGKILL)} SIGKILLs fell while the "
        "sink had a message its worker had not recorded: "
        + (", ".join(f"{n} {when}" for when, n in sorted(landed.items())) or "none")
        + " (the worker had sent the whole message and had not sent its COMMIT: after the "
        "signal, the server finished accepting it while the worker died; before it, the answer "
        "was on its way)",
    )
    run.figure(
        "e-mails: outbox",
        ", ".join(f"{k} {n}" for k, n in sorted(statuses.items()))
        + f" (drained {drained:.0f} s after the load)",
    )
    redelivered = []
    for kill in run.kills:
        if kill.signal != signal.SIGKILL:
            continue
        times, never = redelivery(kill, records)
        redelivered.append((kill, times, never))
        run.figure(
            f"kill {kill.name}",
            f"{len(kill.claimed)} claimed messages left, "
            + (
                f"delivered by another worker {times[0]:.1f} s to {times[-1]:.1f} s after the kill"
                if times
                else "none to deliver"
            )
            + (f", {never} not after the kill" if never else "")
            + (
                f"; {len(kill.in_doubt(records))} accepted by the sink from the killed worker, "
                "so sent again ("
                + ", ".join(f"{n} {when}" for when, n in kill.when_accepted(records).items())
                + ")"
                if kill.in_doubt(records)
                else ""
            ),
        )
    run.check(
        "every e-mail delivered, each Message-ID once (a raw copy only of a message the sink "
        "accepted from a worker as it was killed)",
        expected
        and not missing
        and not strangers
        and not unexplained
        and set(statuses) == {"sent"},
        f"{len(expected)} in the outbox, {sum(received.values())} received, {len(received)} "
        f"distinct; {len(twice)} twice ({len(unexplained)} not a killed worker's last "
        "message), "
        f"{len(missing)} missing, {len(strangers)} unknown; outbox {statuses}",
    )
    limit = run.worker_timeout + 2 * float(WORKER_INTERVAL) + 5
    slowest = max((times[-1] for _, times, _ in redelivered if times), default=0.0)
    run.check(
        "a killed worker's claims delivered by the others within its heartbeat timeout",
        all(never == 0 for _, _, never in redelivered) and slowest <= limit,
        f"the slowest {slowest:.1f} s after its kill (timeout {run.worker_timeout:.0f} s, "
        f"limit {limit:.0f} s); "
        + ", ".join(
            f"{kill.name}: {len(times)} of {len(kill.claimed)}" for kill, times, _ in redelivered
        ),
    )
    run.check(
        "the outage was felt and waited out",
        retried > 0,
        f"{retried} messages were sent at a later attempt after the sink refused connections",
    )


def summary(run: Run, total: float) -> int:
    failed = [c for c in run.checks if not c.ok]
    print("\n==================== cluster run: figures ====================")
    width = max(len(name) for name, _ in run.figures) if run.figures else 0
    for name, value in run.figures:
        print(f"  {name.ljust(width)}  {value}")
    print("  phases: " + ", ".join(f"{name} {seconds:.0f} s" for name, seconds in run.timings))
    print(f"  total: {total:.0f} s")
    print("\n==================== cluster run: checks ====================")
    for check in run.checks:
        print(f"  {'ok    ' if check.ok else 'FAILED'} {check.name}: {check.detail}")
    print(f"\n{len(run.checks) - len(failed)} passed, {len(failed)} failed")
    return 1 if failed or not run.checks else 0


def show_logs(run: Run) -> None:
    for path in sorted(run.work.glob("*.log")):
        lines = path.read_text(errors="replace").splitlines()[-25:]
        print(f"\n---- {path.name} (last {len(lines)} lines)")
        print("\n".join(lines))


def main() -> int:
    parser = argparse.ArgumentParser(
        description="Two app hosts, two workers, Redis, one PostgreSQL."
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="length of the load mix")
    parser.add_argument("--clients", type=int, default=16, help="visitors of the load mix")
    parser.add_argument(
        "--keep-logs", action="store_true", help="keep the processes' logs after a success too"
    )
    options = parser.parse_args()
    database_url = os.environ.get("CLUSTER_DATABASE_URL", "")
    if not database_url.startswith(("postgresql://", "postgres://")):
        print("Set CLUSTER_DATABASE_URL to a PostgreSQL database of its own (it is emptied).")
        return 2
    if not 1 <= options.clients <= 16 or not 45 <= options.seconds <= 600:
        print("--clients is 1 to 16, --seconds 45 to 600.")
        return 2
    work = Path(tempfile.mkdtemp(prefix="mentor-match-cluster-"))
    run = Run(options.seconds, options.clients, work, Processes(work), database_url)
    run.secret = secrets.token_urlsafe(32)
    run.sink_log = work / "sink.jsonl"
    run.sizes = scenario.Sizes(clients=options.clients)
    for name in ("redis", "sink", "web-A", "web-B"):
        run.ports[name] = free_port()

    def stop_on_signal(number, frame):
        raise SystemExit(f"stopped by {signal.Signals(number).name}")

    signal.signal(signal.SIGTERM, stop_on_signal)
    started = time.monotonic()
    status = 1
    try:
        status = run_all(run)
    finally:
        run.procs.stop_all()
        total = time.monotonic() - started
        if run.checks:
            status = max(status, summary(run, total))
        if status:
            show_logs(run)
        if status or options.keep_logs:
            print(f"Logs of every process: {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)
    return status


def run_all(run: Run) -> int:
    os.environ.update(run.settings())
    os.environ["LOG_LEVEL"] = "WARNING"
    from app import create_app

    run.app = create_app("production")
    with run.phase("setup: empty the database, migrate, seed"), run.app.app_context():
        reset_database()
        run.data = scenario.build(run.sizes)
        counts = scenario.counts()
    run.figure("data", ", ".join(f"{k} {n}" for k, n in counts.items()))
    with run.phase("start: redis, sink, 2 gunicorn x 2 workers, 2 outbox workers"):
        run.start_all()
    tally = Tally()
    with run.phase("daily job on both hosts at once"):
        daily_on_both_hosts(run)
    with run.phase("sign-in limit across hosts"):
        sign_in_limit(run, tally)
    with run.phase("20 accepts of the last spot"):
        accept_race(run, tally)
    with run.phase(f"load mix, {run.seconds:.0f} s x {run.clients} clients"):
        notes = load(run, Tally())
    check_faults(run, notes)
    with run.phase("drain the outbox, count at the sink"):
        drain_and_count(run)
    return 0


if __name__ == "__main__":
    sys.exit(main())
