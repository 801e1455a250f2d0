#!/usr/bin/env bash
# bench/explain.sh - synack explain of a 1 GiB capture beside tshark -q -z conv,tcp on the same file
# (issue 16): wall time, capture MB/s, peak RSS and CPU, medians of RUNS runs each, both in one run.
#
#   sudo bench/explain.sh         # RUNS=3; results in /tmp/synack-bench-explain/results
#
# The capture is made here, in a private lab (id BENCH_ID, default "hbexp"; kernel-default offloads):
# tcpdump on the client's c0 while curl fetches the lab's 100 MiB file COPIES times (default 10) —
# the kernel's own TCP, so the frames are what a user's tcpdump would hold (GSO super-frames of the
# veth included). Checked in every run: explain exits 0, tells as many TCP connections as tshark's
# conversation table holds, and reports no damage in the file.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init hbexp /tmp/synack-bench-explain
RUNS=${RUNS:-3}
COPIES=${COPIES:-10}
need hyperfine hyperfine
need tshark tshark
need tcpdump tcpdump
need curl curl
need jq jq
mkdir -p "$OUT"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
freeze_launcher
PCAP="$COPY/capture.pcap"
bench_cleanup() { rm -f "$PCAP"; }
lab_up
SERVER_IP=$(lab_env SERVER_IP)

# --- the capture -----------------------------------------------------------------------------------
$IN tcpdump --immediate-mode -i c0 -U -n -w "$PCAP" 2>"$OUT/tcpdump.err" &
TD=$!
for ((i = 0; i < 100; i++)); do grep -q "listening on" "$OUT/tcpdump.err" && break; sleep 0.1; done
for ((i = 0; i < COPIES; i++)); do
  $IN curl -s -o /dev/null "http://$SERVER_IP/big100m.bin"
done
sleep 0.5
kill -INT "$TD"; wait "$TD" 2>/dev/null || true
SIZE=$(stat -c %s "$PCAP")
FRAMES=$(tcpdump -r "$PCAP" -n 2>/dev/null | wc -l)
echo "capture: $SIZE bytes, $FRAMES frames ($(tail -2 "$OUT/tcpdump.err" | tr '\n' ' '))" >&2

# --- checks ----------------------------------------------------------------------------------------
CONVS=$(tshark -n -r "$PCAP" -q -z conv,tcp | grep -c '<->' || true)
"$SYNACK" explain -q "$PCAP" >"$OUT/explain.out" 2>"$OUT/explain.err" || { echo "bench: explain failed: $(tail -3 "$OUT/explain.err")" >&2; exit 1; }
TOLD=$(grep -c '^tcp\.' "$OUT/explain.out" || true)
[[ $TOLD == "$CONVS" ]] || { echo "bench: explain told $TOLD connections, tshark's conv,tcp has $CONVS" >&2; exit 1; }
if grep -q "capture file:" "$OUT/explain.err"; then echo "bench: explain found damage in the capture" >&2; exit 1; fi

# --- measuring -------------------------------------------------------------------------------------
hyperfine -N --warmup 1 --runs "$RUNS" --export-json "$OUT/explain.json" \
  -n synack "$SYNACK explain -q $PCAP" -n tshark "tshark -n -r $PCAP -q -z conv,tcp" >"$OUT/explain.hyperfine" 2>&1
S=$(jq '.results[0].median' "$OUT/explain.json"); T=$(jq '.results[1].median' "$OUT/explain.json")
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
rss_cpu() { # CMD -> "RSS_MiB CPU_s", medians of RUNS runs
  local i
  for ((i = 0; i < RUNS; i++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" sh -c "$1" >/dev/null 2>&1 || true
    tail -1 "$OUT/time.txt"
  done >"$OUT/time.runs"
  echo "$(awk '{print $4 / 1024}' "$OUT/time.runs" | median) $(awk '{print $2 + $3}' "$OUT/time.runs" | median)"
}
read -r SR SC < <(rss_cpu "$SYNACK explain -q $PCAP")
read -r TR TC < <(rss_cpu "tshark -n -r $PCAP -q -z conv,tcp")
MB=$(awk -v b="$SIZE" 'BEGIN { printf "%.0f", b / 1e6 }')
{
  echo "bench/explain.sh: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$home" rev-parse --short HEAD); jar $JAR_INFO"
  echo "machine: nproc $NPROC, load $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "capture: $MB MB, $FRAMES frames, $CONVS TCP connections (tcpdump -i c0 of curl fetching 100 MiB x $COPIES, kernel offloads)"
  echo "medians of $RUNS runs (hyperfine -N, warm-up 1); RSS and CPU medians of $RUNS runs of /usr/bin/time"
  echo
  echo "| tool | wall | capture MB/s | peak RSS | CPU |"
  echo "|---|---|---|---|---|"
  awk -v s="$S" -v t="$T" -v mb="$MB" -v sr="$SR" -v sc="$SC" -v tr="$TR" -v tc="$TC" 'BEGIN {
    printf "| `synack explain -q` | %.2f s | %.0f | %.0f MiB | %.2f s |\n", s, mb / s, sr, sc
    printf "| `tshark -r FILE -q -z conv,tcp` | %.2f s | %.0f | %.0f MiB | %.2f s |\n", t, mb / t, tr, tc
    printf "\nsynack / tshark wall: %.2f×\n", s / t }'
} | tee "$OUT/table.md"
