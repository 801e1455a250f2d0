#!/usr/bin/env bash
# bench/explain.sh - synack explain of a 1 GiB capture beside tshark -q -z conv,tcp on the same file
# (issue 16): wall time, capture MB/s, peak RSS and CPU, both tools in one run.
#
#   sudo bench/explain.sh         # RUNS=3 TSHARK_RUNS=1; results in /tmp/synack-bench-explain/results
#
# The capture is made here, in a private lab (id BENCH_ID, default "hbexp"; kernel-default offloads):
# tcpdump on the client's c0 while curl fetches the lab's 100 MiB file COPIES times (default 11, about 1.15 GB) —
# the kernel's own TCP, so the frames are what a user's tcpdump would hold (GSO super-frames of the
# veth included). A third capture holds many short connections instead (MANY, default 20,000: curl fetching
# hello.txt with "Connection: close", a new connection each), more than explain holds at once (10,000 open,
# 10,000 closed, 10,000 listed): its memory must not grow with them. Checked in every run: explain exits 0,
# tells as many TCP connections as tshark's conversation table holds, reports no damage in the file, and
# peaks at most 128 MiB RSS (issue 16).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init hbexp /tmp/synack-bench-explain
RUNS=${RUNS:-3}
TSHARK_RUNS=${TSHARK_RUNS:-1}
COPIES=${COPIES:-11}
MANY=${MANY:-20000}
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

median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }

# capture NAME: tcpdump on the client's c0 (a 64 MiB buffer, so that it keeps up) while curl fetches the
# lab's 100 MiB file COPIES times; sets SIZE FRAMES DROPS
capture() {
  rm -f "$PCAP"
  $IN tcpdump --immediate-mode -B 65536 -i c0 -U -n -w "$PCAP" 2>"$OUT/tcpdump-$1.err" &
  local td=$! i
  for ((i = 0; i < 100; i++)); do grep -q "listening on" "$OUT/tcpdump-$1.err" && break; sleep 0.1; done
  if [[ $1 == many ]]; then
    # one curl, MANY URLs (its globbing), each on a connection of its own; bounded by MANY
    $IN curl -s -H 'Connection: close' "http://$SERVER_IP/hello.txt?n=[1-$MANY]" >/dev/null
  else
    for ((i = 0; i < COPIES; i++)); do
      $IN curl -s -o /dev/null "http://$SERVER_IP/big100m.bin"
    done
  fi
  sleep 0.5
  kill -INT "$td"; wait "$td" 2>/dev/null || true
  SIZE=$(stat -c %s "$PCAP")
  FRAMES=$(tcpdump -r "$PCAP" -n 2>/dev/null | wc -l)
  DROPS=$(sed -n 's/^\([0-9]*\) packets dropped by kernel$/\1/p' "$OUT/tcpdump-$1.err")
}

# measure NAME WHAT: checks, then each tool's runs back to back under /usr/bin/time (wall, peak RSS, CPU:
# medians); synack RUNS times, tshark TSHARK_RUNS times (it takes minutes on a capture of MTU-size frames,
# where its HTTP reassembly works through every gap); appends a row to ROWS
ROWS=()
timed() { # timed N CMD -> "WALL_s RSS_MiB CPU_s", medians of N runs
  local i
  for ((i = 0; i < $1; i++)); do
    /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" sh -c "$2" >/dev/null 2>&1 || true
    tail -1 "$OUT/time.txt"
  done >"$OUT/time.runs"
  echo "$(awk '{print $1}' "$OUT/time.runs" | median) $(awk '{print $4 / 1024}' "$OUT/time.runs" | median) $(awk '{print $2 + $3}' "$OUT/time.runs" | median)"
}
measure() {
  local name=$1 what=$2 convs told s t sr sc tr tc mb
  convs=$(tshark -n -r "$PCAP" -q -z conv,tcp | grep -c '<->' || true)
  "$SYNACK" explain -q "$PCAP" >"$OUT/explain-$name.out" 2>"$OUT/explain-$name.err" \
    || { echo "bench: explain failed: $(tail -3 "$OUT/explain-$name.err")" >&2; exit 1; }
  told=$(grep -c '^tcp\.' "$OUT/explain-$name.out" || true)
  [[ $told == "$convs" ]] || { echo "bench: explain told $told connections, tshark's conv,tcp has $convs" >&2; exit 1; }
  if grep -q "capture file:" "$OUT/explain-$name.err"; then echo "bench: explain found damage in the capture" >&2; exit 1; fi
  read -r s sr sc < <(timed "$RUNS" "$SYNACK explain -q $PCAP")
  read -r t tr tc < <(timed "$TSHARK_RUNS" "tshark -n -r $PCAP -q -z conv,tcp")
  mb=$(awk -v b="$SIZE" 'BEGIN { printf "%.0f", b / 1e6 }')
  awk -v r="$sr" 'BEGIN { exit !(r <= 128) }' || { echo "bench: explain peaked at $sr MiB RSS on $name, more than 128 MiB" >&2; exit 1; }
  ROWS+=("$(awk -v w="$what" -v mb="$mb" -v fr="$FRAMES" -v dr="${DROPS:-?}" -v c="$convs" -v s="$s" -v t="$t" -v sr="$sr" -v sc="$sc" \
    -v tr="$tr" -v tc="$tc" 'BEGIN { printf "| %s: %s MB, %d frames (%s dropped by tcpdump), %d connections | %.2f s, %.0f MB/s, %.0f MiB, CPU %.2f s | %.2f s, %.0f MB/s, %.0f MiB, CPU %.2f s | %.2f× |", w, mb, fr, dr, c, s, mb / s, sr, sc, t, mb / t, tr, tc, s / t }')")
  echo "${ROWS[-1]}" >&2
}

# 1: the kernel's defaults: the sender's TSO/GSO super-frames cross the veth whole (up to 64 KiB a frame)
capture gso
measure gso "kernel defaults (GSO super-frames)"
# 2: the same transfer as a NIC without segmentation offload puts it on the wire, frames of the MTU: TSO and
# GSO off on the server's veth for this capture only (the input of a benchmark, not a network synack runs on)
ip -n "$(lab_env NS_SERVER)" link show s0 >/dev/null
ip netns exec "$(lab_env NS_SERVER)" ethtool -K s0 tso off gso off >/dev/null
capture mtu
measure mtu "MTU-size frames (sender's TSO/GSO off)"
# 3: many short connections (HTTP/1.1 with Connection: close), more than explain follows at once
ip netns exec "$(lab_env NS_SERVER)" ethtool -K s0 tso on gso on >/dev/null
capture many
measure many "$MANY short connections (curl of hello.txt, Connection: close)"
{
  echo "bench/explain.sh: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$home" rev-parse --short HEAD); jar $JAR_INFO"
  echo "machine: nproc $NPROC, load $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end"
  echo "captures: tcpdump -i c0 of curl fetching the lab's 100 MiB file $COPIES times each (rows 1, 2), hello.txt on $MANY"
  echo "connections (row 3); wall, peak RSS and CPU (user+sys):"
  echo "medians of $RUNS runs of synack and $TSHARK_RUNS of tshark under /usr/bin/time, back to back; ratio = synack wall / tshark wall"
  echo
  echo "| capture | \`synack explain -q FILE\` | \`tshark -n -r FILE -q -z conv,tcp\` | ratio |"
  echo "|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} | tee "$OUT/table.md"
