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
# Runs on every Python 3 the environments have (3.6+): no newer syntax.
import errno
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time

TRACE_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "trace")
KILL_GRACE_SECONDS = 5
DEFAULT_MAX_OUTPUT = 1024 * 1024

_send_lock = threading.Lock()
_children = {}
_children_lock = threading.Lock()


def send(message):
    line = json.dumps(message) + "\n"
    with _send_lock:
        sys.stdout.write(line)
        sys.stdout.flush()


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


def drain(stream, capture):
    while True:
        chunk = os.read(stream.fileno(), 65536)
        if not chunk:
            break
        capture.feed(chunk)


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


def kill_group(process, sig):
    try:
        os.killpg(process.pid, sig)
    except OSError:
        pass


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


def run(request):
    env = dict(os.environ)
    env.update(request.get("env") or {})
    trace_fd, trace_path = tempfile.mkstemp(prefix="dlmatrix-trace-", suffix=".jsonl")
    os.close(trace_fd)
    env["PYTHONPATH"] = TRACE_DIR + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["DLMATRIX_TRACE"] = trace_path
    env["DLMATRIX_WATCH"] = ",".join(request.get("watch") or [])
    limit = int(request.get("maxOutput") or DEFAULT_MAX_OUTPUT)
    out, err = Capture(limit), Capture(limit)
    started = time.time()
    timeout = float(request.get("timeout") or 60)
    ooms_before = oom_kills()
    while True:
        try:
            process = subprocess.Popen(request["argv"], cwd=request.get("cwd") or "/", env=env,
                                       stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                       start_new_session=True)
            break
        except (OSError, ValueError) as exc:
            # The container's process limit is reached (another cell's fork bomb, until its
            # timeout ends it): wait for room rather than fail a cell that did nothing wrong.
            if getattr(exc, "errno", None) == errno.EAGAIN and time.time() - started < timeout:
                time.sleep(0.2)
                continue
            read_trace(trace_path)
            send({"type": "error", "id": request.get("id"), "kind": "start",
                  "message": "cannot start %s: %s" % (request["argv"][:1], exc)})
            return
    with _children_lock:
        _children[request["id"]] = process
    readers = [threading.Thread(target=drain, args=(process.stdout, out)),
               threading.Thread(target=drain, args=(process.stderr, err))]
    for reader in readers:
        reader.daemon = True
        reader.start()
    # The timeout is a timer, not Popen.wait(timeout=...): that polls with sleeps growing to 50 ms,
    # which added about 25 ms to every cell; a blocking wait returns the moment the loader exits.
    expired = threading.Event()
    finished = threading.Event()

    def on_timeout():
        # TERM first, as coreutils `timeout` does; a loader that ignores it is killed.
        expired.set()
        kill_group(process, signal.SIGTERM)
        if not finished.wait(float(request.get("killGrace") or KILL_GRACE_SECONDS)):
            kill_group(process, signal.SIGKILL)

    timer = threading.Timer(max(0.0, timeout - (time.time() - started)), on_timeout)
    timer.daemon = True
    timer.start()
    process.wait()
    finished.set()
    timer.cancel()
    timed_out = expired.is_set()
    # A daemonized grandchild may hold the pipes open: give the readers a moment, then end it.
    for reader in readers:
        reader.join(2)
    if any(reader.is_alive() for reader in readers):
        kill_group(process, signal.SIGKILL)
        for reader in readers:
            reader.join(2)
    with _children_lock:
        _children.pop(request["id"], None)
    code = process.returncode
    ooms_after = oom_kills()
    # Killed with SIGKILL while the kernel killed for memory: the container's memory limit.
    out_of_memory = (code == -signal.SIGKILL and not timed_out and ooms_before is not None
                     and ooms_after is not None and ooms_after > ooms_before)
    send({
        "type": "result",
        "id": request["id"],
        "exitCode": code if code >= 0 else None,
        "signal": signal_name(-code) if code < 0 else None,
        "timedOut": timed_out,
        "outOfMemory": out_of_memory,
        "stdout": out.text(),
        "stderr": err.text(),
        "trace": read_trace(trace_path),
        "durationMs": int((time.time() - started) * 1000),
    })


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return "signal %d" % number


def serve(request):
    try:
        run(request)
    except Exception:  # a bug here must not silence the cell: report it, with its traceback
        import traceback

        text = traceback.format_exc()
        sys.stderr.write(text)
        sys.stderr.flush()
        send({"type": "error", "id": request_id(request), "kind": "runner", "message": "the cell runner failed:\n" + text})


def request_id(request):
    value = request.get("id") if isinstance(request, dict) else None
    return value if isinstance(value, str) else None


def main():
    send({"type": "ready", "pid": os.getpid()})
    for line in iter(sys.stdin.readline, ""):
        line = line.strip()
        if not line:
            continue
        try:
            request = json.loads(line)
        except ValueError:
            send({"type": "error", "id": None, "kind": "runner", "message": "not a JSON request: %r" % line[:200]})
            continue
        worker = threading.Thread(target=serve, args=(request,))
        worker.daemon = True
        worker.start()
    # stdin closed: the harness is gone or done. Leave nothing running.
    with _children_lock:
        for process in _children.values():
            kill_group(process, signal.SIGKILL)
    sys.stdout.flush()
    os._exit(0)


if __name__ == "__main__":
    main()
