"""Several app processes on one PostgreSQL database, behind nginx: `python -m resilient.ops.serve --processes N`.

One Streamlit process runs every session's script on its own interpreter (one core, the GIL); a desk room with
twenty phones wants more. On PostgreSQL (RC_DATABASE_URL) any number of processes share the database, so this
starts N `streamlit run app.py` on ports 8601.. and an nginx on --port (8501) in front of them, each browser kept
on one process (ip_hash: a Streamlit session and its websocket live in one process), the websocket
/_stcore/stream upgraded. nginx runs as the caller with `-c <conf> -p <prefix>`: the configuration (from
deploy/nginx.conf.template), the pid and the logs live under the prefix (/tmp/rc-serve-<port>), and no system
nginx file is read or touched. Ctrl-C (or SIGTERM) stops nginx and every app process.

The DuckDB file cannot be shared (one process holds its lock), so without RC_DATABASE_URL only --processes 1
is allowed; it then starts one app with no nginx, as `streamlit run app.py` would.
"""

import argparse
import contextlib
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from string import Template

from resilient.core import accounts, config, db, pg

TEMPLATE = config.ROOT / "deploy" / "nginx.conf.template"
NGINX = "/usr/sbin/nginx"
FIRST_PORT = 8601
STARTUP_S = 90


def nginx_config(listen: int, ports: list[int], prefix: Path, host: str = "127.0.0.1") -> str:
    """The template filled: nginx on `listen`, the app processes on `ports`, its files under `prefix`."""
    servers = "\n".join(f"        server {host}:{port};" for port in ports)
    text = Template(TEMPLATE.read_text(encoding="utf-8")).safe_substitute(
        prefix=str(prefix), servers=servers, listen=str(listen))
    if "${" in text:
        raise RuntimeError(f"{TEMPLATE}: a field left unfilled")
    return text


def app_command(port: int, address: str = "127.0.0.1") -> list[str]:
    return [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
            "--server.port", str(port), "--server.address", address, "--server.fileWatcherType", "none",
            "--browser.gatherUsageStats", "false"]


def prepare(url: str) -> None:
    """Migrate once and make the administrator of RC_ADMIN_USER, before N processes would queue for it."""
    con = db.connect(url)
    try:
        accounts.admin_from_environment(con)
    finally:
        con.close()
        pg.close_pool(url)


def wait_healthy(port: int, process: subprocess.Popen, deadline: float) -> None:
    while True:
        if process.poll() is not None:
            raise RuntimeError(f"the app on port {port} exited with code {process.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            pass
        if time.monotonic() > deadline:
            raise RuntimeError(f"the app on port {port} did not answer within {STARTUP_S} s")
        time.sleep(0.25)


def stop(process: subprocess.Popen) -> None:
    """The process's whole group: SIGTERM, then SIGKILL after 10 s."""
    if process.poll() is not None:
        return
    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, sig)
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


@contextlib.contextmanager
def serving(url: str | None, processes: int, port: int, first_port: int = FIRST_PORT, prefix: Path | None = None,
            nginx: str = NGINX, env: dict | None = None, log=None):
    """Run the apps and nginx until the block ends; yields the list of started processes (nginx last)."""
    if url is None and processes != 1:
        raise SystemExit("several processes need a shared database: set RC_DATABASE_URL=postgresql://… "
                         "(the DuckDB file is held by one process)")
    environ = {**os.environ, **(env or {})}
    if url is not None:
        environ["RC_DATABASE_URL"] = url
        prepare(url)
    prefix = Path(prefix or f"/tmp/rc-serve-{port}")
    prefix.mkdir(parents=True, exist_ok=True)
    started: list[subprocess.Popen] = []
    try:
        ports = [port] if processes == 1 and url is None else [first_port + i for i in range(processes)]
        for i, app_port in enumerate(ports):
            out = open(prefix / f"app-{app_port}.log", "wb")  # noqa: SIM115 - the child keeps it open
            started.append(subprocess.Popen(app_command(app_port), cwd=config.ROOT, env=environ, stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True))
            out.close()
            if i == 0:  # the first one alone: it warms what every later one reuses (the translations)
                wait_healthy(app_port, started[0], time.monotonic() + STARTUP_S)
        deadline = time.monotonic() + STARTUP_S
        for app_port, process in zip(ports, started):
            wait_healthy(app_port, process, deadline)
        if ports != [port]:
            conf = prefix / "nginx.conf"
            conf.write_text(nginx_config(port, ports, prefix), encoding="utf-8")
            out = open(prefix / "nginx.out", "wb")  # noqa: SIM115
            started.append(subprocess.Popen([nginx, "-c", str(conf), "-p", str(prefix)], stdout=out,
                                            stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                            start_new_session=True))
            out.close()
            wait_healthy(port, started[-1], time.monotonic() + 15)
        if log:
            log(f"serving http://127.0.0.1:{port}/ by {len(ports)} app process(es) on ports "
                f"{ports[0]}..{ports[-1]}; files under {prefix}; Ctrl-C stops all")
        yield started
    finally:
        for process in reversed(started):  # nginx first: no request reaches an app on its way down
            stop(process)


def _interrupt(*_) -> None:
    raise KeyboardInterrupt  # SIGTERM stops all as Ctrl-C does


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Several app processes on one PostgreSQL database behind nginx.")
    parser.add_argument("--processes", type=int, default=2, help="app processes (default 2)")
    parser.add_argument("--port", type=int, default=8501, help="the port nginx listens on (default 8501)")
    parser.add_argument("--first-port", type=int, default=FIRST_PORT, help="the first app's port (default 8601)")
    parser.add_argument("--database-url", help="postgresql://… (default: RC_DATABASE_URL)")
    parser.add_argument("--prefix", type=Path, help="nginx's conf, pid and logs (default /tmp/rc-serve-<port>)")
    parser.add_argument("--nginx", default=NGINX, help=f"the nginx binary (default {NGINX})")
    args = parser.parse_args(argv)
    if args.processes < 1:
        parser.error("--processes must be at least 1")
    url = args.database_url or config.database_url()
    signal.signal(signal.SIGTERM, _interrupt)
    try:
        with serving(url, args.processes, args.port, args.first_port, args.prefix, args.nginx,
                     log=lambda text: print(text, flush=True)) as started:
            while all(process.poll() is None for process in started):
                time.sleep(1)
            gone = [p.args[0] if p.args[0] == args.nginx else p.args[p.args.index("--server.port") + 1]
                    for p in started if p.poll() is not None]
            print(f"stopped: {gone} exited; stopping the rest", file=sys.stderr)
            return 1
    except KeyboardInterrupt:
        print("stopping", flush=True)
        return 0
    except RuntimeError as error:
        print(f"not started: {error}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
