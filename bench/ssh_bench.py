#!/usr/bin/env python3
"""Many SSH consoles at once against a running `phonedesk serve`, measured as people meet them.

Opens N sessions with the OpenSSH client, each in its own pseudo-terminal of COLSxROWS
rendered with pyte (`pip install pyte`), waits until every one shows MARKER, then has all of
them press the same keys at the same time. Per key press it records the bytes the session
received and the milliseconds from the key press until the frame finished arriving (the last
byte before the output went quiet for --quiet-ms), like perf/ptymeter.py does for one local
program. Then one more SSH connection gives the number in row --change-row of the
Inventory (a row every console shows) a calling name, and it records how long until each
console shows it: the time to see
another administrator's change, including that command's own SSH connection. Prints one
JSON object: per session and over all sessions.

    python3 bench/ssh_bench.py --port 2222 --key ~/.ssh/id_ed25519 --sessions 10 --keys 'j*30'
"""
import argparse, fcntl, json, os, pty, select, signal, statistics, struct, sys, termios, threading, time
import pyte

NAMED = {"down": "\x1b[B", "up": "\x1b[A", "tab": "\t", "enter": "\r", "esc": "\x1b",
         "pgdn": "\x1b[6~", "pgup": "\x1b[5~"}


def parse_keys(spec):
    out = []
    for part in filter(None, spec.split(",")):
        name, _, times = part.partition("*")
        out += [NAMED.get(name, name)] * int(times or 1)
    return out


def read_until_quiet(fd, quiet_s, limit_s, sink):
    """Read until nothing arrives for quiet_s: (bytes, s to the first byte, s to the last byte)."""
    start = time.perf_counter(); first = last = None; n = 0
    while True:
        now = time.perf_counter()
        if now - start > limit_s:
            break
        wait = quiet_s if last is not None else limit_s - (now - start)
        r, _, _ = select.select([fd], [], [], max(0.0, wait))
        if not r:
            if last is not None:
                break
            continue
        try:
            data = os.read(fd, 65536)
        except OSError:
            break
        if not data:
            break
        t = time.perf_counter()
        first = first or t
        n += len(data); last = t; sink(data)
    return n, (first - start if first else None), (last - start if last else None)


class Session:
    def __init__(self, cmd, cols, rows):
        self.screen = pyte.Screen(cols, rows)
        self.stream = pyte.ByteStream(self.screen)
        self.t0 = time.perf_counter()
        self.pid, self.fd = pty.fork()
        if self.pid == 0:
            os.environ["TERM"] = "xterm-256color"
            os.execvp(cmd[0], cmd)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
        self.first_frame_ms = None
        self.per_key = []
        self.error = None

    def wait_marker(self, marker, timeout):
        deadline = self.t0 + timeout
        while time.perf_counter() < deadline:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                if not data:
                    break
                self.stream.feed(data)
                if marker in "\n".join(self.screen.display):
                    self.first_frame_ms = round((time.perf_counter() - self.t0) * 1000, 1)
                    read_until_quiet(self.fd, 0.2, 3.0, self.stream.feed)
                    return True
        self.error = "no %r on screen: %s" % (marker, "\n".join(self.screen.display))
        return False

    def press(self, keys, quiet_s, start_at):
        while time.perf_counter() < start_at:
            time.sleep(0.001)
        for k in keys:
            t = time.perf_counter()
            os.write(self.fd, k.encode())
            n, first, last = read_until_quiet(self.fd, quiet_s, 5.0, self.stream.feed)
            self.per_key.append({"bytes": n,
                                 "first_ms": None if first is None else round(first * 1000, 2),
                                 "ms": None if last is None else round(last * 1000, 2)})

    def watch(self, text, t0, timeout):
        """Reads until the screen shows text; the seconds since t0, or None."""
        deadline = time.perf_counter() + timeout
        while time.perf_counter() < deadline:
            r, _, _ = select.select([self.fd], [], [], 0.05)
            if r:
                try:
                    data = os.read(self.fd, 65536)
                except OSError:
                    break
                self.stream.feed(data)
                if text in "\n".join(self.screen.display):
                    self.seen_ms = round((time.perf_counter() - t0) * 1000, 1)
                    return
        self.seen_ms = None

    def close(self):
        try:
            os.kill(self.pid, signal.SIGTERM); os.waitpid(self.pid, 0)
        except Exception:
            pass


def summary(per_key):
    bs = [p["bytes"] for p in per_key]
    ms = sorted(p["ms"] for p in per_key if p["ms"] is not None)
    if not ms:
        return {"keys": len(per_key), "answered": 0}
    return {"keys": len(per_key), "answered": len(ms),
            "bytes_per_key_median": statistics.median(bs), "bytes_per_key_max": max(bs),
            "ms_per_key_median": round(statistics.median(ms), 2),
            "ms_per_key_p95": ms[min(len(ms) - 1, int(len(ms) * 0.95))],
            "ms_per_key_max": ms[-1]}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--key", required=True)
    ap.add_argument("--sessions", type=int, default=10)
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--marker", default="Inventory")
    ap.add_argument("--keys", default="j*30")
    ap.add_argument("--quiet-ms", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=60)
    ap.add_argument("--change-row", type=int, default=1,
                    help="the Inventory row whose number gets a calling name (a new one per run)")
    a = ap.parse_args()
    cols, rows = map(int, a.size.split("x"))
    cmd = ["ssh", "-tt", "-F", "/dev/null", "-i", a.key, "-p", str(a.port),
           "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
           "-o", "IdentitiesOnly=yes", "-o", "BatchMode=yes", "-o", "LogLevel=ERROR",
           "admin@" + a.host]
    sessions = [Session(cmd, cols, rows) for _ in range(a.sessions)]
    threads = [threading.Thread(target=s.wait_marker, args=(a.marker, a.timeout)) for s in sessions]
    [t.start() for t in threads]; [t.join() for t in threads]
    failed = [s.error for s in sessions if s.error]
    if failed:
        [s.close() for s in sessions]
        print(json.dumps({"error": failed[0]})); sys.exit(1)
    keys = parse_keys(a.keys)
    start_at = time.perf_counter() + 0.3
    threads = [threading.Thread(target=s.press, args=(keys, a.quiet_ms / 1000, start_at)) for s in sessions]
    [t.start() for t in threads]; [t.join() for t in threads]
    # Another administrator changes something every console shows.
    import re
    rows = re.findall(r"\((\d{3})\) (\d{3})-(\d{4})", "\n".join(sessions[0].screen.display))
    number = "+1" + "".join(rows[min(a.change_row, len(rows)) - 1])
    name = "Bench %04d" % (os.getpid() % 10000)
    t0 = time.perf_counter()
    threads = [threading.Thread(target=s.watch, args=(name, t0, 10.0)) for s in sessions]
    [t.start() for t in threads]
    change = __import__("subprocess").run(cmd[:1] + cmd[2:] + ["calling-name", "set", number, "'%s'" % name],
                                          capture_output=True, stdin=__import__("subprocess").DEVNULL)
    command_ms = round((time.perf_counter() - t0) * 1000, 1)
    [t.join() for t in threads]
    [s.close() for s in sessions]
    seen = [s.seen_ms for s in sessions]
    every = [p for s in sessions for p in s.per_key]
    print(json.dumps({
        "sessions": a.sessions, "size": a.size, "keys": a.keys,
        "first_frame_ms_median": statistics.median(s.first_frame_ms for s in sessions),
        "all": summary(every),
        "change_by_another_session": {
            "command_ok": change.returncode == 0, "command_ms": command_ms,
            "seen_in_every_console_ms_max": max(seen) if None not in seen else None,
            "seen_ms_median": statistics.median([x for x in seen if x is not None]) if any(seen) else None,
            # The command's own connection is most of it: what is left after it returned.
            "seen_after_the_command_returned_ms_max":
                round(max(seen) - command_ms, 1) if None not in seen else None},
        "per_session": [summary(s.per_key) for s in sessions],
    }))


if __name__ == "__main__":
    main()
