#!/usr/bin/env python3
"""rss-at-peak.py CMD...: runs CMD (the launcher execs java in place: same pid) and samples /proc/PID/smaps
every millisecond, keeping the sample with the largest resident total; prints that peak grouped by what holds
it (MiB): the CDS archive, libjvm.so, other mapped files, the Java heap, the code cache, other anonymous memory
(malloc arenas, metaspace, thread stacks, GC tables) and the capture ring (the packet socket's mapping).
Run it where the command runs (ip netns exec ...). Used for BENCHMARKS.md (issue 14, peak RSS)."""
import re
import subprocess
import sys
import time

ORDER = ["archive", "libjvm.so", "other files", "java heap", "code cache", "other anon", "ring"]


def kind(name, perm, start):
    if name.endswith(".jsa") or name.endswith(".aot"):
        return "archive"
    if "libjvm" in name:
        return "libjvm.so"
    if name.startswith("socket:"):
        return "ring"
    if name.startswith("/"):
        return "other files"
    if start < 0x800000000 and perm == "rw-p" and not name:
        # compressed oops put the heap below 32 GiB, where nothing else anonymous lives (the class space and the
        # archive start at 32 GiB, malloc and thread stacks near the top); its committed part is rw-p however
        # small -Xms makes it (a size test missed the one-liners' 12 MiB)
        return "java heap"
    if perm == "rwxp":
        return "code cache"
    return "other anon"


def main():
    p = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    best_rss, best = 0, ""
    while p.poll() is None:
        try:
            smaps = open(f"/proc/{p.pid}/smaps").read()
        except OSError:
            break
        rss = sum(int(m) for m in re.findall(r"^Rss:\s+(\d+)", smaps, re.M))
        if rss > best_rss:
            best_rss, best = rss, smaps
        time.sleep(0.001)
    p.wait()
    totals, cur = {}, None
    for line in best.splitlines():
        m = re.match(r"^([0-9a-f]+)-([0-9a-f]+) (\S+) \S+ \S+ \S+\s*(.*)$", line)
        if m:
            a, b, perm, name = m.groups()
            cur = kind(name, perm, int(a, 16))
            continue
        m = re.match(r"^Rss:\s+(\d+)", line)
        if m and cur:
            totals[cur] = totals.get(cur, 0) + int(m.group(1))
    print(" | ".join(f"{k} {totals.get(k, 0) / 1024:.1f}" for k in ORDER) + f" | total {best_rss / 1024:.1f} MiB")


if __name__ == "__main__":
    main()
