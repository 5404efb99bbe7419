"""A local Neo4j Community 5.26 without a container: the Java launcher in graph/neo4j-launcher,
built once by Maven (artifacts cached in ~/.m2), run as a child process with Bolt on loopback.

    python -m peninsula.graph.neo4j_local run  [--data DIR] [--port 7687] [--http-port 7474]  # `make neo4j`
    python -m peninsula.graph.neo4j_local with [--port 0] -- COMMAND ...    # around a command (tests)

`run` serves Neo4j Browser on http://127.0.0.1:7474/browser/ (`--http-port 0`: no Browser) until
Ctrl-C. `with` starts Neo4j in a temporary directory, sets NEO4J_URI, NEO4J_USER and NEO4J_PASSWORD
for the command, stops Neo4j when it ends and exits with the command's exit code.

The launcher reads its standard input from a pipe that this process holds: when this process dies,
even by kill -9, the pipe ends and Neo4j shuts down with it instead of living on as an orphan.
"""

from __future__ import annotations

import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from peninsula.ontology import StoreError

VERSION = "5.26"
STARTUP_SECONDS = 240


def launcher_dir() -> Path:
    """graph/neo4j-launcher of the source tree (PENINSULA_NEO4J_LAUNCHER overrides)."""
    env = os.environ.get("PENINSULA_NEO4J_LAUNCHER")
    if env:
        return Path(env)
    for base in (Path.cwd(), *Path(__file__).resolve().parents):
        candidate = base / "graph" / "neo4j-launcher"
        if (candidate / "pom.xml").exists():
            return candidate
    raise StoreError("graph/neo4j-launcher not found: run from the Peninsula source tree or set "
                     "PENINSULA_NEO4J_LAUNCHER to its folder")


def build(directory: Path | None = None) -> str:
    """The launcher's class path, building it with Maven first when its sources are newer."""
    directory = directory or launcher_dir()
    jar = directory / "target" / "neo4j-launcher.jar"
    sources = [directory / "pom.xml", *(directory / "src").rglob("*.java")]
    if not jar.exists() or jar.stat().st_mtime < max(p.stat().st_mtime for p in sources):
        for tool in ("java", "mvn"):
            if not shutil.which(tool):
                raise StoreError(f"{tool} not found: install Java 17 and Maven "
                                 "(apt-get install openjdk-17-jdk-headless maven)")
        done = subprocess.run(["mvn", "-q", "-B", "-f", str(directory / "pom.xml"), "package"],
                              capture_output=True, text=True)
        if done.returncode != 0:
            raise StoreError("building the Neo4j launcher failed:\n" + (done.stdout + done.stderr)[-3000:])
    return f"{jar}{os.pathsep}{directory / 'target' / 'lib' / '*'}"


def admin_import(home: Path, command: str, classpath: str | None = None) -> str:
    """Run `neo4j-admin database import full ...` (the command `export --format neo4j-admin` prints)
    with Neo4j's own importer (org.neo4j.cli.AdminTool, from Maven Central) into the Neo4j home HOME,
    which `LocalNeo4j(HOME)` then serves. Returns the importer's output. The importer's report file
    goes to HOME/import.report unless the command names one (the importer's own default is the
    current directory)."""
    import shlex

    args = shlex.split(command)
    if args[:4] != ["neo4j-admin", "database", "import", "full"]:
        raise StoreError(f"not a neo4j-admin full import command: {command[:80]!r}")
    Path(home).mkdir(parents=True, exist_ok=True)
    if not any(a.startswith("--report-file") for a in args):
        args.append(f"--report-file={Path(home).resolve() / 'import.report'}")
    done = subprocess.run(["java", "-Xmx1g", "-cp", classpath or build(), "org.neo4j.cli.AdminTool", *args[1:]],
                          env={**os.environ, "NEO4J_HOME": str(home)}, capture_output=True, text=True)
    if done.returncode != 0:
        raise StoreError("neo4j-admin import failed:\n" + (done.stdout + done.stderr)[-3000:])
    return done.stdout


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class LocalNeo4j:
    """One Neo4j process: start() waits for Bolt, stop() shuts it down cleanly (SIGTERM).

    `http_port` serves Neo4j Browser there (0, the default: none; None: a free port)."""

    def __init__(self, data: Path, port: int = 7687, password: str | None = None, heap: str = "1g",
                 http_port: int | None = 0):
        self.data, self.port, self.heap = Path(data), port or free_port(), heap
        self.http_port = free_port() if http_port is None else http_port
        self.password = password or os.environ.get("NEO4J_PASSWORD") or secrets.token_urlsafe(18)
        self.uri = f"bolt://127.0.0.1:{self.port}"
        self.browser_url = f"http://127.0.0.1:{self.http_port}/browser/" if self.http_port else None
        self.proc: subprocess.Popen | None = None
        self.log = self.data.parent / f"{self.data.name}-neo4j.log"

    def start(self, classpath: str | None = None) -> LocalNeo4j:
        classpath = classpath or build()
        self.data.mkdir(parents=True, exist_ok=True)
        cmd = ["java", f"-Xmx{self.heap}", "-XX:+UseG1GC", "-cp", classpath, "peninsula.Neo4jLauncher",
               "--data", str(self.data), "--port", str(self.port), "--http-port", str(self.http_port),
               "--stop-on-stdin-eof"]
        env = {**os.environ, "NEO4J_PASSWORD": self.password}
        log = self.log.open("wb")
        # stdin: a pipe only this process writes to (close_fds keeps other children off it); its end,
        # when this process exits or is killed, stops the launcher
        self.proc = subprocess.Popen(cmd, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=log, env=env,
                                     start_new_session=True)
        ready = threading.Event()
        threading.Thread(target=self._watch, args=(ready,), daemon=True).start()
        deadline = time.monotonic() + STARTUP_SECONDS
        while not ready.wait(0.2):
            if self.proc.poll() is not None or time.monotonic() > deadline:
                self.stop()
                tail = self.log.read_text("utf-8", "replace")[-2000:]
                raise StoreError(f"Neo4j did not start on port {self.port} (see {self.log}):\n{tail}")
        return self

    def _watch(self, ready: threading.Event) -> None:
        for line in self.proc.stdout:
            if line.startswith(b"READY "):
                ready.set()

    def stop(self, timeout: float = 180) -> None:  # a checkpoint on a loaded 2-core machine takes a while
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def kill(self) -> None:
        """kill -9, as a crash would (the next start recovers the store)."""
        if self.proc and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def env(self) -> dict:
        return {"NEO4J_URI": self.uri, "NEO4J_USER": "neo4j", "NEO4J_PASSWORD": self.password}

    def __enter__(self):
        return self.start() if self.proc is None else self

    def __exit__(self, *exc):
        self.stop()


def _run(args: list[str]) -> int:
    data = Path(_option(args, "--data") or Path.cwd() / "out" / "neo4j")
    port = int(_option(args, "--port") or 7687)
    http_port = int(_option(args, "--http-port") or 7474)
    server = LocalNeo4j(data, port, http_port=http_port).start()
    print(f"Neo4j Community {VERSION} is running (data in {data}, log in {server.log}). Stop it with Ctrl-C.")
    print(f"  export PENINSULA_STORE={server.uri}")
    print(f"  export NEO4J_USER=neo4j NEO4J_PASSWORD={server.password}")
    if server.browser_url:
        print(f"  Neo4j Browser: {server.browser_url}  (connect to {server.uri} as neo4j with that password)")
    sys.stdout.flush()
    try:
        server.proc.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
    return 0


def _with(args: list[str]) -> int:
    if "--" not in args:
        raise SystemExit("usage: python -m peninsula.graph.neo4j_local with [--port P] -- COMMAND ...")
    head, command = args[:args.index("--")], args[args.index("--") + 1:]
    with tempfile.TemporaryDirectory(prefix="peninsula-neo4j-") as tmp:
        server = LocalNeo4j(Path(tmp) / "data", int(_option(head, "--port") or 0))
        with server.start():
            print(f"Neo4j Community {VERSION} on {server.uri} for: {' '.join(command)}", flush=True)
            return subprocess.run(command, env={**os.environ, **server.env()}).returncode


def _option(args: list[str], name: str) -> str | None:
    return args[args.index(name) + 1] if name in args and args.index(name) + 1 < len(args) else None


def _exit_on_sigterm(signum, frame):
    raise SystemExit(128 + signum)  # unwinds through `finally`/`with`, which stop Neo4j


def main(argv: list[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    if not args or args[0] not in ("run", "with", "build"):
        print(__doc__)
        return 2
    try:
        if args[0] == "build":
            print(build())
            return 0
        return _run(args[1:]) if args[0] == "run" else _with(args[1:])
    except StoreError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
