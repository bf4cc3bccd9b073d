# The cell runner: the main process of every environment's container. The harness writes one
# JSON request per line on stdin and reads one JSON reply per line on stdout, so a cell costs a
# process start, not a `docker exec` round trip. When stdin closes (the harness finished, or died
# and the engine closed its attach stream), the runner kills what it started and exits, and the
# container, created with AutoRemove, goes away: nothing is leaked.
#
# Request: {"id", "argv", "cwd", "env", "timeout", "watch": [modules], "maxOutput", "killGrace"}
# Replies: {"type": "ready", "pid"} once, then per request {"type": "result", "id", "exitCode",
#          "signal", "timedOut", "outOfMemory", "stdout", "stderr", "trace": [events], "durationMs"}
#          or {"type": "error", "id", "kind", "message"}: kind "start" when the program could not
#          be started, "runner" when the runner itself failed (message: its traceback).
# The shapes are declared in harness/image/contract-schema.ts; the runner's tests hold it to them.
#
# One thread, one event loop (selectors): the runner needs no new thread or process of its own
# while cells run, so a cell that exhausts the container's process limit (a fork bomb) cannot
# stop the runner from timing it out, or from starting the other cells once it is gone. Child
# exits wake the loop at once through SIGCHLD (no polling in sleeps: a cell costs what its loader
# costs). Runs on every Python 3 the environments have (3.6+): no newer syntax.
import errno
import fcntl
import heapq
import json
import os
import selectors
import signal
import subprocess
import sys
import tempfile
import time
import traceback

TRACE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trace")
KILL_GRACE_SECONDS = 5
DEFAULT_MAX_OUTPUT = 1024 * 1024
# After the program exits, a daemonized grandchild may hold its pipes open this long.
PIPE_GRACE_SECONDS = 2
# A program that cannot start because the container's process limit is reached (another cell's
# fork bomb) is tried again this often, for at most this many of its own timeouts.
RETRY_SECONDS = 0.2
RETRY_TIMEOUTS = 2


def send(message):
    sys.stdout.write(json.dumps(message) + "\n")
    sys.stdout.flush()


def runner_error(request_id, text):
    sys.stderr.write(text)
    sys.stderr.flush()
    send({"type": "error", "id": request_id, "kind": "runner", "message": "the cell runner failed:\n" + text})


class Capture(object):
    """Keeps the head and the tail of a stream: a result line printed last survives a flood."""

    def __init__(self, limit):
        self.head_limit = limit // 4
        self.tail_limit = limit - self.head_limit
        self.head = bytearray()
        self.tail = bytearray()
        self.dropped = 0

    def feed(self, chunk):
        room = self.head_limit - len(self.head)
        if room > 0:
            self.head += chunk[:room]
            chunk = chunk[room:]
        if chunk:
            self.tail += chunk
            excess = len(self.tail) - self.tail_limit
            if excess > 0:
                del self.tail[:excess]
                self.dropped += excess

    def text(self):
        middle = "\n[dlmatrix: %d bytes dropped here]\n" % self.dropped if self.dropped else ""
        return self.head.decode("utf-8", "replace") + middle + self.tail.decode("utf-8", "replace")


def oom_kills():
    """How many processes the kernel killed for memory in this container (cgroup v2, then v1)."""
    for path in ("/sys/fs/cgroup/memory.events", "/sys/fs/cgroup/memory/memory.oom_control"):
        try:
            with open(path) as handle:
                for line in handle:
                    fields = line.split()
                    if len(fields) == 2 and fields[0] == "oom_kill":
                        return int(fields[1])
        except (IOError, OSError, ValueError):
            continue
    return None


def kill_group(pid, sig):
    """Signals the whole process group; a fork bomb forking while it is signalled is signalled again."""
    for _ in range(50):
        try:
            os.killpg(pid, sig)
        except OSError:
            return
        if sig != signal.SIGKILL:
            return
        try:
            os.killpg(pid, 0)
        except OSError:
            return


def read_trace(path):
    events = []
    try:
        with open(path, "rb") as handle:
            for line in handle:
                try:
                    events.append(json.loads(line.decode("utf-8", "replace")))
                except ValueError:
                    events.append({"event": "garbled", "text": line[:200].decode("utf-8", "replace")})
        os.unlink(path)
    except OSError:
        pass
    return events


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "signal %d" % number


def request_id(request):
    value = request.get("id") if isinstance(request, dict) else None
    return value if isinstance(value, str) else None


class Cell(object):
    """One request: its process, its output, its deadlines."""

    def __init__(self, request):
        self.request = request
        self.id = request["id"]
        self.received = time.time()
        self.timeout = float(request.get("timeout") or 60)
        self.grace = float(request.get("killGrace") or KILL_GRACE_SECONDS)
        limit = int(request.get("maxOutput") or DEFAULT_MAX_OUTPUT)
        self.out, self.err = Capture(limit), Capture(limit)
        self.process = None
        self.started = None
        self.streams = 0
        self.exited = None  # when the process was reaped
        self.code = None
        self.timed_out = False
        self.trace_path = None
        self.ooms_before = None

    def environment(self):
        env = dict(os.environ)
        env.update(self.request.get("env") or {})
        fd, self.trace_path = tempfile.mkstemp(prefix="dlmatrix-trace-", suffix=".jsonl")
        os.close(fd)
        env["PYTHONPATH"] = TRACE_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
        env["DLMATRIX_TRACE"] = self.trace_path
        env["DLMATRIX_WATCH"] = ",".join(self.request.get("watch") or [])
        return env


class Runner(object):
    def __init__(self):
        self.selector = selectors.DefaultSelector()
        self.cells = {}  # pid -> Cell (started)
        self.waiting = []  # cells that could not start yet (process limit)
        self.timers = []  # heap of (when, sequence, action, cell)
        self.sequence = 0
        self.stdin_buffer = b""
        self.stdin_open = True
        wake_read, wake_write = os.pipe()
        for fd in (wake_read, wake_write):
            fcntl.fcntl(fd, fcntl.F_SETFL, fcntl.fcntl(fd, fcntl.F_GETFL) | os.O_NONBLOCK)
        signal.set_wakeup_fd(wake_write)
        signal.signal(signal.SIGCHLD, lambda *_: None)
        self.selector.register(wake_read, selectors.EVENT_READ, ("wake", None))
        self.selector.register(sys.stdin.fileno(), selectors.EVENT_READ, ("stdin", None))

    def at(self, when, action, cell):
        self.sequence += 1
        heapq.heappush(self.timers, (when, self.sequence, action, cell))

    # ---- requests

    def on_request(self, line):
        try:
            request = json.loads(line)
        except ValueError:
            send({"type": "error", "id": None, "kind": "runner", "message": "not a JSON request: %r" % line[:200]})
            return
        try:
            self.start(Cell(request))
        except Exception:  # a bug here must not silence the cell: report it, with its traceback
            runner_error(request_id(request), traceback.format_exc())

    def start(self, cell):
        request = cell.request
        try:
            env = cell.environment()
            cell.ooms_before = oom_kills()
            process = subprocess.Popen(request["argv"], cwd=request.get("cwd") or "/", env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
        except (OSError, ValueError) as exc:
            read_trace(cell.trace_path)
            # The container's process limit is reached (another cell's fork bomb, until its
            # timeout ends it): wait for room rather than fail a cell that did nothing wrong.
            if getattr(exc, "errno", None) == errno.EAGAIN and time.time() - cell.received < RETRY_TIMEOUTS * cell.timeout:
                self.at(time.time() + RETRY_SECONDS, self.start, cell)
                return
            send({"type": "error", "id": cell.id, "kind": "start",
                  "message": "cannot start %s: %s" % (request["argv"][:1], exc)})
            return
        cell.process, cell.started = process, time.time()
        self.cells[process.pid] = cell
        for stream, capture in ((process.stdout, cell.out), (process.stderr, cell.err)):
            fcntl.fcntl(stream.fileno(), fcntl.F_SETFL, fcntl.fcntl(stream.fileno(), fcntl.F_GETFL) | os.O_NONBLOCK)
            self.selector.register(stream.fileno(), selectors.EVENT_READ, ("output", (cell, stream, capture)))
            cell.streams += 1
        # The clock starts when the program does: time spent waiting for room is not its own.
        self.at(cell.started + cell.timeout, self.expire, cell)

    # ---- time limits

    def expire(self, cell):
        """TERM first, as coreutils `timeout` does; a program that ignores it is killed."""
        if cell.exited is not None:
            return
        cell.timed_out = True
        kill_group(cell.process.pid, signal.SIGTERM)
        self.at(time.time() + cell.grace, self.kill, cell)

    def kill(self, cell):
        if cell.exited is None:
            kill_group(cell.process.pid, signal.SIGKILL)

    def close_pipes(self, cell):
        """The program has exited but something it left holds its pipes: end them."""
        if cell.streams > 0:
            kill_group(cell.process.pid, signal.SIGKILL)
            for key in list(self.selector.get_map().values()):
                kind, data = key.data
                if kind == "output" and data[0] is cell:
                    self.end_stream(cell, data[1])

    # ---- events

    def on_output(self, cell, stream, capture):
        try:
            chunk = os.read(stream.fileno(), 65536)
        except BlockingIOError:
            return
        except OSError:
            chunk = b""
        if chunk:
            capture.feed(chunk)
        else:
            self.end_stream(cell, stream)

    def end_stream(self, cell, stream):
        self.selector.unregister(stream.fileno())
        stream.close()
        cell.streams -= 1
        self.finish_if_done(cell)

    def reap(self):
        for pid, cell in list(self.cells.items()):
            if cell.exited is not None:
                continue
            try:
                done, status = os.waitpid(pid, os.WNOHANG)
            except ChildProcessError:
                done, status = pid, 0
            if done == 0:
                continue
            cell.exited = time.time()
            cell.code = -os.WTERMSIG(status) if os.WIFSIGNALED(status) else os.WEXITSTATUS(status)
            cell.process.returncode = cell.code
            self.at(cell.exited + PIPE_GRACE_SECONDS, self.close_pipes, cell)
            self.finish_if_done(cell)

    def finish_if_done(self, cell):
        if cell.exited is None or cell.streams > 0 or cell.process.pid not in self.cells:
            return
        del self.cells[cell.process.pid]
        code = cell.code
        ooms_after = oom_kills()
        # Killed with SIGKILL while the kernel killed for memory: the container's memory limit.
        out_of_memory = (code == -signal.SIGKILL and not cell.timed_out and cell.ooms_before is not None
                         and ooms_after is not None and ooms_after > cell.ooms_before)
        send({
            "type": "result",
            "id": cell.id,
            "exitCode": code if code >= 0 else None,
            "signal": signal_name(-code) if code < 0 else None,
            "timedOut": cell.timed_out,
            "outOfMemory": out_of_memory,
            "stdout": cell.out.text(),
            "stderr": cell.err.text(),
            "trace": read_trace(cell.trace_path),
            "durationMs": int((cell.exited - cell.started) * 1000),
        })

    def on_stdin(self):
        chunk = os.read(sys.stdin.fileno(), 65536)
        if not chunk:
            self.stdin_open = False
            return
        self.stdin_buffer += chunk
        while b"\n" in self.stdin_buffer:
            line, self.stdin_buffer = self.stdin_buffer.split(b"\n", 1)
            line = line.decode("utf-8", "replace").strip()
            if line:
                self.on_request(line)

    def loop(self):
        send({"type": "ready", "pid": os.getpid()})
        while self.stdin_open:
            timeout = None
            if self.timers:
                timeout = max(0.0, self.timers[0][0] - time.time())
            for key, _ in self.selector.select(timeout):
                kind, data = key.data
                try:
                    if kind == "wake":
                        try:
                            while os.read(key.fd, 4096):
                                pass
                        except BlockingIOError:
                            pass
                        self.reap()
                    elif kind == "stdin":
                        self.on_stdin()
                    else:
                        self.on_output(*data)
                except Exception:
                    runner_error(data[0].id if kind == "output" else None, traceback.format_exc())
            self.reap()
            now = time.time()
            while self.timers and self.timers[0][0] <= now:
                _, _, action, cell = heapq.heappop(self.timers)
                try:
                    action(cell)
                except Exception:
                    runner_error(cell.id, traceback.format_exc())
        # stdin closed: the harness is gone or done. Leave nothing running.
        for pid in list(self.cells):
            kill_group(pid, signal.SIGKILL)
        sys.stdout.flush()
        os._exit(0)


if __name__ == "__main__":
    Runner().loop()
