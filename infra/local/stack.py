"""The embedded local stack (`make run`): the whole system on this machine, no AWS account.

Two processes: a child serves moto on 127.0.0.1 with state-machine execution on and writes the
outbox folder, where every e-mail SES accepted appears as an .eml file (``infra/local/moto_process.py``);
this one creates the resources of template.yaml in it and holds the Chalice API on 127.0.0.1 and
the pollers that play the part of Lambda's event-source mappings (SQS → the same function
handlers). The handlers are the ones deployed to AWS; only the endpoint differs
(``AWS_ENDPOINT_URL``). moto and the handlers each get a core: in one process they shared one.
"""

from __future__ import annotations

import argparse
import faulthandler
import json
import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from infra.local import state
from infra.local.interactive import mark_interactive_requests, serve_people
from infra.local.interpreter import OldObjectsKept, share_the_interpreter
from infra.local.pollers import module_for as _module_for
from infra.local.template import REPO_ROOT, load_template, references
from infra.local.users import PASSWORD

DEFAULT_TIME_SCALE = 3600.0  # one SLA hour = one second, for the demo only
STOP_WATCHDOG_SECONDS = 15.0  # a stop takes about a second; past this it is stuck
DEFAULT_OPS_EMAIL = "ops@complaintdesk.example"  # subscribed to the alarms' topics; mail lands in the outbox


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def taken_ports(ports: dict[str, int]) -> list[str]:
    """The ``name port`` of each given port (0: any free one, never taken) that a server already
    listens on at 127.0.0.1. The probe binds as the stack's servers do (``SO_REUSEADDR``), so a port
    a stopped stack left in TIME_WAIT is free, and only a listener makes one taken."""
    taken = []
    for name, port in ports.items():
        if not port:
            continue
        with socket.socket() as sock:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                taken.append(f"{name} {port}")
    return taken


def sqs_event_sources(template: dict[str, Any]) -> list[tuple[str, str, str, str]]:
    """(function logical id, queue logical id, module, handler) for every SQS event in the template."""
    sources = []
    for logical_id, resource in template["Resources"].items():
        if resource["Type"] != "AWS::Serverless::Function":
            continue
        for event in (resource["Properties"].get("Events") or {}).values():
            if event["Type"] == "SQS":
                (queue,) = references(event["Properties"]["Queue"])
                module, attr = _module_for(resource)
                sources.append((logical_id, queue, module, attr))
    return sources


# Function event types the local stack does not play, and why (the others: SQS and DynamoDB pollers,
# Schedule threads).
NOT_PLAYED_LOCALLY: dict[str, str] = {
    "EventBridgeRule": "moto's executor emits no EventBridge events (aws.states execution status "
    "changes): stopped plans are not recorded on tickets locally; tests call the handler directly",
}


def unplayed_event_sources(template: dict[str, Any]) -> list[tuple[str, str, str]]:
    """(function logical id, event name, reason) for every event the local stack does not play."""
    return [
        (logical_id, name, NOT_PLAYED_LOCALLY[event["Type"]])
        for logical_id, resource in template["Resources"].items()
        if resource["Type"] == "AWS::Serverless::Function"
        for name, event in (resource["Properties"].get("Events") or {}).items()
        if event["Type"] in NOT_PLAYED_LOCALLY
    ]


class MotoProcess:
    """The child process that serves moto (``python -m infra.local.moto_process``)."""

    name = "moto"

    def __init__(self, port: int, outbox: Path, region: str, start_seconds: float = 60.0) -> None:
        command = [sys.executable, "-m", "infra.local.moto_process", "--port", str(port)]
        command += ["--outbox", str(outbox), "--region", region]
        # Its own process group: a signal to the stack's group (Ctrl-C, a supervisor's SIGTERM) is
        # the stack's to handle; the stack saves the tables, then stops this process.
        self.process = subprocess.Popen(command, cwd=REPO_ROOT, start_new_session=True)
        deadline = time.monotonic() + start_seconds
        while True:  # up once it accepts a connection
            if self.process.poll() is not None:
                raise RuntimeError(f"moto's process ended at start (exit code {self.process.returncode})")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                return
            except OSError:
                if time.monotonic() > deadline:
                    self.stop()
                    raise RuntimeError(
                        f"moto's process did not listen on {port} in {start_seconds:g} s"
                    ) from None
                time.sleep(0.05)

    def stop(self, seconds: float = 1.0) -> None:
        """SIGTERM (it writes the last outbox mails and exits), then SIGKILL after ``seconds``."""
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(seconds)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def warm_table_client() -> None:
    """The table's one DynamoDB client (``complaintdesk.store.models.connection``), built before the
    API takes its first request. A Lambda serves one request at a time and builds it in its first;
    the local API serves each connection in a thread of its own, and the first requests that came
    together (``make loadtest``'s eight clients) each built one, every thread parsing the DynamoDB
    service model in a botocore session of its own: 0.9 CPU-s in the stack, and those eight creates
    took 0.8-1.5 s instead of 0.2 s."""
    from complaintdesk.store.models import connection

    connection().client  # noqa: B018 (the property builds the client)


@dataclass
class LocalStack:
    moto_port: int
    api_port: int
    outbox: Path
    smtp_port: int = 2525
    console_port: int = 8080  # the staff console; its origin is the API's CORS origin
    time_scale: float = DEFAULT_TIME_SCALE
    alarm_time_scale: float = 1.0  # divides every alarm period (60: a 5-minute period lasts 5 s)
    ops_email: str = DEFAULT_OPS_EMAIL
    region: str = "us-east-1"
    threads: list[Any] = field(default_factory=list)
    info: dict[str, Any] = field(default_factory=dict)
    api_server: Any = None
    errors: list[str] = field(default_factory=list)
    data_dir: Path | None = None  # what a stop saves and the next start restores (infra/local/state.py)
    state_clients: dict[str, Any] = field(default_factory=dict)  # dynamodb and s3, for saving
    template: dict[str, Any] = field(default_factory=dict)
    ready: bool = False  # start() finished
    stop_phases: dict[str, float] = field(default_factory=dict)  # seconds each part of stop() took

    @property
    def moto_url(self) -> str:
        return f"http://127.0.0.1:{self.moto_port}"

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.api_port}"

    @property
    def console_url(self) -> str:
        return f"http://127.0.0.1:{self.console_port}"

    def _environment(self) -> None:
        os.environ.update(
            {
                "AWS_ACCESS_KEY_ID": "testing",
                "AWS_SECRET_ACCESS_KEY": "testing",
                "AWS_SESSION_TOKEN": "testing",
                "AWS_REGION": self.region,
                "AWS_DEFAULT_REGION": self.region,
                "MOTO_PORT": str(self.moto_port),  # moto's state-machine executor calls back on this port
            }
        )

    def start_moto(self) -> None:
        """moto in a process of its own (``infra/local/moto_process.py``, the patches applied there),
        so that it and the handlers each have a core; it also writes the outbox."""
        self._environment()
        self.moto = MotoProcess(self.moto_port, self.outbox, self.region)
        self.threads.append(self.moto)
        request = urllib.request.Request(
            f"{self.moto_url}/moto-api/config",
            method="POST",
            data=json.dumps({"stepfunctions": {"execute_state_machine": True}}).encode(),
            headers={"Content-Type": "application/json"},
        )
        urllib.request.urlopen(request, timeout=10).read()
        os.environ["AWS_ENDPOINT_URL"] = self.moto_url

    def create_resources(self) -> None:
        import boto3

        from infra.local.resources import create_local_resources, function_environment
        from infra.local.users import role_tokens

        resources = create_local_resources(
            endpoint_url=self.moto_url,
            stage="local",
            parameters={"TimeScale": str(self.time_scale), "ConsoleOrigin": self.console_url},
            api_url=self.api_url,
        )
        env = function_environment("ApiFunction", resources)  # the local auth and URLs included
        os.environ.update({k: str(v) for k, v in env.items()})
        self.info["env"] = {k: str(v) for k, v in env.items()}
        cognito = boto3.client("cognito-idp", region_name=self.region, endpoint_url=self.moto_url)
        tokens = role_tokens(cognito, resources.user_pool_id, resources.user_pool_client_id)
        self.info.update(
            time_scale=self.time_scale,
            api_url=self.api_url,
            moto_url=self.moto_url,
            outbox=str(self.outbox),
            tokens=tokens,
            user_pool_id=resources.user_pool_id,
            user_pool_client_id=resources.user_pool_client_id,
            resources=resources.physical,
        )
        self.resources = resources

    def sync_categories(self) -> None:
        """Publish the shipped default categories, as the sync command does after a deploy."""
        from complaintdesk.services.categories import sync_defaults

        self.info["categories"] = [r["category_id"] for r in sync_defaults(actor="make run")]
        from infra.local.users import ensure_role_teams  # the role users get a queue (issue 14)

        self.info["teams"] = ensure_role_teams()

    def start_pollers(self) -> None:
        import boto3

        from infra.local.pollers import SqsPoller, SqsScaling, load_handler, sqs_scaling

        sqs = boto3.client("sqs", region_name=self.region, endpoint_url=self.moto_url)
        scaling = sqs_scaling(load_template())
        for function, queue, module, attr in sqs_event_sources(load_template()):
            try:
                handler = load_handler(module, attr)
            except ModuleNotFoundError as missing:
                if not missing.name or not module.startswith(missing.name):
                    raise
                print(
                    f"[local] {function}: {module} is not in this checkout; {queue} is not polled",
                    file=sys.stderr,
                    flush=True,
                )
                continue
            poller = SqsPoller(
                sqs,
                self.resources.physical[queue],
                self.resources.arns[queue],
                handler,
                function,
                self.region,
                batch_size=scaling.get((function, queue), SqsScaling()).batch_size,
                on_error=self._poller_error,
                concurrency=scaling.get((function, queue), SqsScaling()).concurrency,
            )
            poller.start()
            self.threads.append(poller)

    def start_stream_pollers(self) -> None:
        """The DynamoDB stream of the table → the aggregate function, as Lambda's mapping would."""
        from infra.local.streams import start_stream_pollers

        self.threads += start_stream_pollers(
            self.resources, endpoint_url=self.moto_url, on_error=self._poller_error
        )

    def start_schedulers(self) -> None:
        """The template's Schedule events (EventBridge rules), at the demo's time scale."""
        from infra.local.scheduler import start_schedulers

        self.threads += start_schedulers(
            time_scale=self.time_scale, region=self.region, on_error=self._poller_error
        )

    def _poller_error(self, function: str, error: BaseException) -> None:
        self.errors.append(f"{function}: {error!r}")
        print(f"[local] {function} failed a batch: {error!r}", file=sys.stderr, flush=True)

    def start_metrics(self) -> None:
        """The functions' EMF lines (stdout) → moto CloudWatch PutMetricData, as CloudWatch Logs does."""
        import boto3

        from infra.local.metrics import EmfLogStream, MetricPublisher

        cloudwatch = boto3.client("cloudwatch", region_name=self.region, endpoint_url=self.moto_url)
        publisher = MetricPublisher(cloudwatch, on_error=self._poller_error)
        publisher.start()
        self.threads.append(publisher)
        EmfLogStream.install(publisher)
        self.metrics = publisher

    def start_alarms(self) -> None:
        """Evaluate the alarms in moto CloudWatch; their SNS actions reach ops_email in the outbox."""
        import boto3

        from infra.local.alarms import ACTIONS_OF, AlarmEvaluator

        def client(service: str) -> Any:
            return boto3.client(service, region_name=self.region, endpoint_url=self.moto_url)

        evaluator = AlarmEvaluator(
            client("cloudwatch"),
            client("sns"),
            sqs=client("sqs"),
            region=self.region,
            time_scale=self.alarm_time_scale,
            on_error=self._poller_error,
            known_metrics=self.metrics.known_metrics,
        )
        topics = {
            action
            for alarm in evaluator.alarms()
            for key in ACTIONS_OF.values()
            for action in alarm.get(key, [])
            if action.startswith("arn:aws:sns:")
        }
        for topic in sorted(topics):  # on AWS: the on-call address subscribed after deploy (docs/deploy.md)
            client("sns").subscribe(TopicArn=topic, Protocol="email", Endpoint=self.ops_email)
        evaluator.start()
        self.threads.append(evaluator)
        self.info.update(ops_email=self.ops_email, alarm_time_scale=self.alarm_time_scale)

    def start_smtp(self) -> None:
        import boto3

        from infra.local.smtp import start_smtp

        s3 = boto3.client("s3", region_name=self.region, endpoint_url=self.moto_url)
        self.smtp = start_smtp(s3, self.resources.physical["MailBucket"], self.smtp_port)
        self.info["smtp"] = f"127.0.0.1:{self.smtp_port}"

    def start_api(self) -> None:
        from chalice.config import Config
        from chalice.local import create_local_server

        from functions.api.app import app

        self.api_server = create_local_server(
            app, Config.create(app_name="complaintdesk-api"), "127.0.0.1", self.api_port
        )
        warm_table_client()
        serve_people(self.api_server.server)
        thread = threading.Thread(target=self.api_server.server.serve_forever, name="api", daemon=True)
        thread.start()

    def start_console(self) -> None:
        from infra.local.console import local_config, start_console

        self.console = start_console(local_config(self.info), self.console_port)
        self.info["console_url"] = self.console.url

    def restore_saved(self) -> None:
        """Put back what the last stop saved: tables, buckets, the categories' state machines
        (infra/local/state.py says what is kept and what is not)."""
        if self.data_dir is None:
            return
        import boto3

        # Made now, used again at stop: building clients then would cost a good part of its 2 s.
        self.state_clients = {
            service: boto3.client(service, region_name=self.region, endpoint_url=self.moto_url)
            for service in ("dynamodb", "s3")
        }
        self.template = load_template()
        saved = state.Saved.load(self.data_dir)
        if saved is None:
            return
        template = self.template
        counts = state.restore(
            saved, template=template, physical=self.resources.physical, **self.state_clients
        )
        tables = state.saved_resources(template, state.TABLE_TYPE)
        versions = [v for table in tables for v in state.category_versions(saved, table)]
        state.recreate_state_machines(versions)
        stopped = [t for table in tables for t in state.plans_not_resumed(saved, table)]
        self.info["restored"] = {
            "saved_at": saved.manifest.get("saved_at"),
            "counts": counts,
            "category_versions": len(versions),
            "plans_not_resumed": stopped,
        }
        print(
            f"[local] restored what was saved at {saved.manifest.get('saved_at')} from {self.data_dir}: "
            + ", ".join(f"{k} {v}" for k, v in counts.items())
            + f", {len(versions)} category versions; {len(stopped)} running plans not resumed "
            "(their steps no longer escalate or take answers; `make run ARGS=--clean` starts empty)",
            file=sys.stderr,
            flush=True,
        )

    def save_state(self) -> None:
        """Save every table item and bucket object for the next start (moto keeps nothing)."""
        if self.data_dir is None or not self.state_clients or not self.ready:
            return  # a start that failed half-way must not overwrite what was saved
        state.save(
            self.data_dir, template=self.template, physical=self.resources.physical, **self.state_clients
        )

    def start(self) -> LocalStack:
        mark_interactive_requests()  # before any botocore session: the API's requests go first in moto
        self.start_moto()
        self.create_resources()
        self.restore_saved()
        self.start_metrics()
        self.sync_categories()
        self.start_pollers()
        self.start_stream_pollers()
        self.start_schedulers()
        for function, event, reason in unplayed_event_sources(load_template()):
            print(f"[local] {function}.{event} is not played locally: {reason}", file=sys.stderr, flush=True)
        self.start_alarms()
        self.start_smtp()
        self.start_api()
        self.start_console()
        self.ready = True
        return self

    def settle(self, keeper: OldObjectsKept) -> None:
        """Once started, before the first request: a full collection in both processes, what is left
        frozen (``OldObjectsKept.settle``). Their heaps grew many times over while they started, and
        the first quiet round of each would otherwise walk all of it, with the first seconds'
        requests waiting: under ``make loadtest`` the slowest creates were those of the first 3 s."""
        state.control(self.moto_url, "POST", "settle")
        keeper.settle()

    def stop(self, join_seconds: float = 1.0) -> None:
        """Stop every poller and the API and SMTP servers, wait up to ``join_seconds`` for the
        batches in hand, save the state, then stop moto's process (it writes the last outbox mails)."""
        deadline = time.monotonic() + join_seconds
        servers = [t for t in self.threads if not isinstance(t, threading.Thread)]  # moto
        pollers: list[Any] = [t for t in reversed(self.threads) if isinstance(t, threading.Thread)]
        # All told at once (some stops flush or wait a little); they finish their batch while the
        # servers close.
        stoppers = [threading.Thread(target=t.stop, name=f"stop-{t.name}", daemon=True) for t in pollers]
        for stopper in stoppers:
            stopper.start()
        if self.api_server is not None:
            self.api_server.server.shutdown()
            self.api_server.server.server_close()
        if getattr(self, "smtp", None) is not None:
            self.smtp.stop()
        if getattr(self, "console", None) is not None:
            self.console.stop()
        from infra.local.metrics import EmfLogStream

        EmfLogStream.uninstall()
        for thread in stoppers + pollers:
            thread.join(max(0.0, deadline - time.monotonic()))
        still = [t.name for t in stoppers + pollers if t.is_alive()]
        if still:
            print(f"[local] still finishing a batch at stop: {', '.join(still)}", file=sys.stderr, flush=True)
        self.stop_phases["pollers and servers"] = join_seconds - (deadline - time.monotonic())
        try:
            began = time.monotonic()
            self.save_state()
            self.stop_phases["save"] = time.monotonic() - began
        finally:
            began = time.monotonic()
            for server in reversed(servers):
                server.stop()
            self.stop_phases["moto"] = time.monotonic() - began


def banner(info: dict[str, Any]) -> str:
    lines = [
        "",
        "complaintdesk is running on the embedded AWS (moto). Press Ctrl-C to stop.",
        f"  console        {info['console_url']}/  (staff sign-in: agent@, manager@, admin@complaintdesk.local,"
        f" password {PASSWORD})",
        f"  API            {info['api_url']}",
        f"  moto (AWS)     {info['moto_url']}",
        f"  sent e-mail    {info['outbox']}/  (one .eml per message; SMS in sms.log)",
        f"  inbound SMTP   {info['smtp']}  (mail sent here becomes tickets, as SES inbound would)",
        f"  alarms         evaluated locally; ops notifications to {info['ops_email']} land in the outbox as sns-*.eml",
        f"  categories     {', '.join(info['categories'])}  (SLA hours run as seconds: time scale {info['time_scale']:g})",
        "",
        "  ID tokens, one per role (also in .local/tokens.env; valid 1 hour — then, for a fresh one:",
        "  export AGENT_TOKEN=$(.venv/bin/complaintdesk token --role agent)):",
    ]
    for role, token in info["tokens"].items():
        lines.append(f"    export {role.upper()}_TOKEN={token}")
    lines += [
        "",
        "  Function logs: warnings only; every JSON line with: make run ARGS='--log-level INFO'",
        "",
        "  Try:",
        f'    curl -s -X POST {info["api_url"]}/tickets -H "Authorization: Bearer $AGENT_TOKEN" \\',
        '      -H \'Content-Type: application/json\' -d \'{"channel":"web","subject":"Parcel never arrived",',
        '      "description":"Ordered on the 3rd, tracking stuck for a week.",',
        '      "customer":{"name":"Ayşe Yılmaz","email":"ayse@example.com","language":"tr"}}\'',
        "",
    ]
    return "\n".join(lines)


def _stop_watchdog(seconds: float) -> None:
    """Should a stop hang (a thread stuck in moto), end the process anyway after ``seconds``,
    with every thread's stack on stderr and exit code 1."""

    def fire() -> None:
        print(f"[local] the stop took over {seconds:g} s: exiting without it", file=sys.stderr, flush=True)
        faulthandler.dump_traceback(file=sys.stderr)
        sys.stderr.flush()
        os._exit(1)

    timer = threading.Timer(seconds, fire)
    timer.daemon = True
    timer.start()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="complaintdesk local", description=__doc__.splitlines()[0])
    parser.add_argument("--api-port", type=int, default=int(os.environ.get("API_PORT", "8000")))
    parser.add_argument("--moto-port", type=int, default=int(os.environ.get("MOTO_SERVER_PORT", "5050")))
    parser.add_argument("--smtp-port", type=int, default=int(os.environ.get("SMTP_PORT", "2525")))
    parser.add_argument("--console-port", type=int, default=int(os.environ.get("CONSOLE_PORT", "8080")))
    parser.add_argument(
        "--log-level", default="WARNING", help="the functions' log level (INFO shows every line)"
    )
    parser.add_argument("--outbox", type=Path, default=REPO_ROOT / "outbox")
    parser.add_argument(
        "--alarm-time-scale",
        type=float,
        default=float(os.environ.get("ALARM_TIME_SCALE", "1")),
        help="divides every CloudWatch alarm period locally (60: a 5-minute period lasts 5 s)",
    )
    parser.add_argument(
        "--ops-email",
        default=os.environ.get("OPS_EMAIL", DEFAULT_OPS_EMAIL),
        help="subscribed by e-mail to the alarms' SNS topics; their notifications land in the outbox",
    )
    parser.add_argument(
        "--time-scale",
        type=float,
        default=DEFAULT_TIME_SCALE,
        help="SLA seconds per real second (demo only; 3600 = one SLA hour per second)",
    )
    parser.add_argument(
        "--state-file",
        type=Path,
        default=REPO_ROOT / ".local" / "stack.json",
        help="where to write the endpoints and tokens as JSON once ready (removed at stop)",
    )
    parser.add_argument(
        "--data-dir",
        type=Path,
        help="where a stop saves the tables and buckets and the next start restores them "
        "(default: data/ beside the state file)",
    )
    parser.add_argument("--clean", action="store_true", help="start empty: discard what the last stop saved")
    parser.add_argument(
        "--ephemeral",
        action="store_true",
        help="keep nothing: restore nothing at start, save nothing at stop (what was saved stays)",
    )
    args = parser.parse_args(argv)
    # Another stack on these ports would answer in this one's place: its moto would get this stack's
    # tables (and the restore) and this stack's stop would save its data. Say so before touching any.
    taken = taken_ports(
        {
            "--api-port": args.api_port,
            "--moto-port": args.moto_port,
            "--smtp-port": args.smtp_port,
            "--console-port": args.console_port,
        }
    )
    if taken:
        parser.exit(
            2,
            f"complaintdesk local: already in use: {', '.join(taken)}. Is another `make run` running? "
            "Stop it first (Ctrl-C in its terminal), or start this one apart from it, with free ports "
            "and a state file (and saved data) of its own: --api-port 0 --moto-port 0 --smtp-port 0 "
            "--console-port 0 --state-file <another folder>/stack.json\n",
        )
    saved_in = (args.data_dir or args.state_file.parent / "data").resolve()
    if args.clean and state.discard(saved_in):
        print(f"[local] --clean: discarded the state saved in {saved_in}", file=sys.stderr, flush=True)
    stack = LocalStack(
        moto_port=args.moto_port or free_port(),
        api_port=args.api_port or free_port(),
        outbox=args.outbox.resolve(),
        time_scale=args.time_scale,
        smtp_port=args.smtp_port or free_port(),
        console_port=args.console_port or free_port(),
        alarm_time_scale=args.alarm_time_scale,
        ops_email=args.ops_email,
        data_dir=None if args.ephemeral else saved_in,
    )
    # The functions' JSON logs would bury the banner; --log-level INFO shows every line.
    os.environ.setdefault("POWERTOOLS_LOG_LEVEL", args.log_level)
    stopping = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stopping.set())  # also while starting: stop once up
    keeper = OldObjectsKept()  # what the stack holds out of the full collections (infra/local/interpreter.py)
    keeper.start()
    share_the_interpreter()
    try:
        stack.start()
        stack.settle(keeper)
        args.state_file.parent.mkdir(parents=True, exist_ok=True)
        tokens_env = "".join(f"export {r.upper()}_TOKEN={t}\n" for r, t in stack.info["tokens"].items())
        (args.state_file.parent / "tokens.env").write_text(tokens_env)
        state.write_running(args.state_file, stack.info)  # how `complaintdesk token` finds this stack
        print(banner(stack.info), flush=True)
        # A timed wait: the signal may reach any thread, and its handler runs only when the main
        # thread next runs Python code (an untimed wait here was measured never to wake).
        while not stopping.wait(0.1):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        state.remove_running(args.state_file)
        started = time.monotonic()
        _stop_watchdog(STOP_WATCHDOG_SECONDS)
        stack.stop()
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in stack.stop_phases.items())
        print(
            f"[local] stopped in {time.monotonic() - started:.2f} s ({phases})", file=sys.stderr, flush=True
        )
    return 0


if __name__ == "__main__":
    code = main()
    # Everything is stopped, saved and flushed: skip the interpreter's finalisation, which frees
    # moto's in-memory state object by object while its execution threads still run (seconds with
    # a few tickets open, measured) and would hold the exit past the 2 s a stop is allowed.
    sys.stdout.flush()
    sys.stderr.flush()
    logging.shutdown()
    os._exit(code)
