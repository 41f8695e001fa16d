#!/usr/bin/env python3
"""/work/shared/perf/ptymeter.py, extended for the console benchmark (bench/tui.sh).

Same measurement as the shared script (kept unchanged there, the floor's reference), plus:
  * resident memory of the child: VmRSS read from /proc/PID/status after the first frame,
    after every key, and VmHWM (peak) at the end, in MB;
  * --pre KEYS: keys sent (and their output drained) after the first frame but before the
    measured keys, e.g. to move to another screen first;
  * --settle-ms: wait after the first frame before measuring keys (lets deferred work such
    as loading a long key list finish, so it is not counted against the first key).

Runs COMMAND in a pseudo-terminal of COLSxROWS, renders what it writes with pyte, reports:
  first_frame_ms   spawn -> the screen shows MARKER
  per key: bytes written in answer to the key, and ms until the output went quiet
Prints one JSON object on stdout.
"""
import argparse, json, os, pty, select, signal, statistics, struct, sys, time, fcntl, termios

try:
    import pyte
except ImportError:  # bench/tui.sh installs it; say so when run alone
    sys.exit("ptymeter_rss.py needs pyte: pip install pyte")

NAMED = {"down": "\x1b[B", "up": "\x1b[A", "left": "\x1b[D", "right": "\x1b[C", "tab": "\t",
         "enter": "\r", "esc": "\x1b", "space": " ", "pgdn": "\x1b[6~", "pgup": "\x1b[5~",
         "home": "\x1b[H", "end": "\x1b[F"}


def parse_keys(spec):
    out = []
    for part in filter(None, spec.split(",")):
        name, _, times = part.partition("*")
        seq = NAMED.get(name, name)
        out += [seq] * int(times or 1)
    return out


def read_until_quiet(fd, quiet_s, limit_s, sink):
    """Read until nothing arrives for quiet_s; return (bytes, seconds until the last byte).
    The seconds until the first byte are kept in FIRST[0] (the screen's first answer)."""
    start = time.perf_counter(); last = None; n = 0; FIRST[0] = None
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
        n += len(data); last = time.perf_counter(); sink(data)
        if FIRST[0] is None:
            FIRST[0] = last - start
    return n, ((last - start) if last else None)


FIRST = [None]


def proc_mb(pid, field):
    try:
        with open(f"/proc/{pid}/status") as f:
            for line in f:
                if line.startswith(field + ":"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--size", default="120x40")
    ap.add_argument("--marker", default=None)
    ap.add_argument("--keys", default="")
    ap.add_argument("--pre", default="")
    ap.add_argument("--settle-ms", type=float, default=0)
    ap.add_argument("--quiet-ms", type=float, default=60)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--screen", action="store_true", help="include the final screen text")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    a = ap.parse_args()
    cmd = a.cmd[1:] if a.cmd and a.cmd[0] == "--" else a.cmd
    cols, rows = map(int, a.size.split("x"))
    screen = pyte.Screen(cols, rows); stream = pyte.ByteStream(screen)
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:
        os.environ.setdefault("TERM", "xterm-256color")
        os.execvp(cmd[0], cmd)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))
    first_ms = None; total = 0
    deadline = t0 + a.timeout
    while time.perf_counter() < deadline:
        r, _, _ = select.select([fd], [], [], 0.05)
        if r:
            try:
                data = os.read(fd, 65536)
            except OSError:
                break
            total += len(data); stream.feed(data)
            text = "\n".join(screen.display)
            if a.marker is None or a.marker in text:
                first_ms = (time.perf_counter() - t0) * 1000
                break
    # let the first frame finish
    n, _ = read_until_quiet(fd, a.quiet_ms / 1000, 2.0, stream.feed); total += n
    first_screen = list(screen.display)
    rss_first = proc_mb(pid, "VmRSS")
    if a.settle_ms:
        end = time.perf_counter() + a.settle_ms / 1000
        while time.perf_counter() < end:
            read_until_quiet(fd, 0.02, max(0.0, end - time.perf_counter()), stream.feed)
    for k in parse_keys(a.pre):
        os.write(fd, k.encode())
        read_until_quiet(fd, a.quiet_ms / 1000, 5.0, stream.feed)
    per_key = []; rss = []
    for k in parse_keys(a.keys):
        t = time.perf_counter()
        os.write(fd, k.encode())
        n, dt = read_until_quiet(fd, a.quiet_ms / 1000, 5.0, stream.feed)
        per_key.append({"bytes": n, "ms": None if dt is None else round(dt * 1000, 2),
                        "first_ms": None if FIRST[0] is None else round(FIRST[0] * 1000, 2)})
        rss.append(proc_mb(pid, "VmRSS"))
    res = {"first_frame_ms": None if first_ms is None else round(first_ms, 1),
           "first_frame_bytes": total, "keys": len(per_key),
           "rss_first_frame_mb": rss_first}
    if per_key:
        bs = [p["bytes"] for p in per_key]; ms = [p["ms"] for p in per_key if p["ms"] is not None]
        res.update(bytes_per_key_median=statistics.median(bs), bytes_per_key_max=max(bs),
                   ms_per_key_median=round(statistics.median(ms), 2) if ms else None,
                   ms_per_key_max=max(ms) if ms else None)
    live = [r for r in rss if r is not None]
    if live:
        res["rss_max_mb"] = max(live)
    res["rss_peak_mb"] = proc_mb(pid, "VmHWM")
    res["per_key_ms"] = [p["ms"] for p in per_key]
    # Until the first byte of the answer: a screen that keeps filling in (a filter counting
    # its matches) has answered the key press by then.
    res["per_key_first_ms"] = [p["first_ms"] for p in per_key]
    if a.screen:
        res["first_screen"] = first_screen
        res["screen"] = screen.display
    try:
        os.kill(pid, signal.SIGTERM); os.waitpid(pid, 0)
    except Exception:
        pass
    print(json.dumps(res))


if __name__ == "__main__":
    main()
