#!/usr/bin/env bash
# bench/http.sh - time `synack http-get` against curl (issue 5): a 100 MiB download end to end,
# throughput, peak RSS, a byte-exact check of the body, and the segments and ACKs on the wire.
#
#   sudo bench/http.sh           # results in /tmp/synack-bench-http/results (override: OUT=DIR)
#
# All traffic stays inside the namespaces of a private lab (id BENCH_ID, default "benchdh"),
# which is torn down on exit; the lab's nginx on 198.18.2.2 serves $LAB_DIR/www/big100m.bin.
# bench/dns.sh uses the same lab id, so run one at a time (the script refuses to borrow a lab
# that is already up). synack runs from a private copy of the jar so that a rebuild by the
# launcher (sources edited meanwhile) cannot land in the middle of a timing run. The jar is
# built only if it is missing: the launcher is not used to run synack, because it rebuilds
# whenever any source (tests included) is newer than the jar.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchdh /tmp/synack-bench-http
RUNS=${RUNS:-10}
SELF_RUNS=${SELF_RUNS:-7}
RSS_RUNS=5
IDLE_SECS=${IDLE_SECS:-5}
need hyperfine hyperfine
need curl curl
need tcpdump tcpdump
need jq jq

# 1. A private copy of the jar, with the launcher's JVM options for a plain http-get: serial GC, C1 alone
#    (its body hash from libcrypto), the one-liners' young generation and a 64 MiB heap.
JOPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:CICompilerCount=1 -Xmn8m -XX:TLABSize=16k -Xmx64m -Xshare:auto"
freeze_jar "$JOPTS"

# 2. The lab, gone again however this script ends.
TCPDUMP_PID=""
bench_cleanup() {
  [[ -z $TCPDUMP_PID ]] || kill "$TCPDUMP_PID" 2>/dev/null || true
  rm -f "$OUT/body-synack.bin" "$OUT/body-curl.bin"
}
lab_up
NS_CLIENT=$(lab_env NS_CLIENT)
NS_ROUTER=$(lab_env NS_ROUTER)
SERVER_IP=$(lab_env SERVER_IP)
LAB_DIR=$(lab_env LAB_DIR)
URL="http://$SERVER_IP/big100m.bin"
SIZE=$(stat -c %s "$LAB_DIR/www/big100m.bin")

GET="$SYNACK http-get -q -o /dev/null $URL"
CURL="curl -s -o /dev/null $URL"
# synack waits out TIME_WAIT (2MSL, 1 s with the default --msl 500ms) before it exits; this row
# shows how much of the wall time that is.
GET_MSL0="$SYNACK http-get -q --msl 0 -o /dev/null $URL"
VERSION="$SYNACK --version"
GET_SELF="$SYNACK http-get -o /dev/null $URL"

# 3. Correctness: the body is byte-exact (sha256 of -o FILE against the server's file), for
#    synack and, as a control, for curl.
{
  want=$(sha256sum "$LAB_DIR/www/big100m.bin" | cut -d' ' -f1)
  $IN $SYNACK http-get -q -o "$OUT/body-synack.bin" "$URL"
  $IN curl -s -o "$OUT/body-curl.bin" "$URL"
  got=$(sha256sum "$OUT/body-synack.bin" | cut -d' ' -f1)
  gotc=$(sha256sum "$OUT/body-curl.bin" | cut -d' ' -f1)
  echo "body: server file $SIZE bytes sha256 $want; synack -o: $(stat -c %s "$OUT/body-synack.bin") bytes sha256 $got;" \
    "curl -o: $(stat -c %s "$OUT/body-curl.bin") bytes sha256 $gotc"
  [[ $got == "$want" && $gotc == "$want" ]] || { echo "bench: a body differs from the server's file" >&2; exit 1; }
  rm -f "$OUT/body-synack.bin" "$OUT/body-curl.bin"
} | tee "$OUT/verify.txt"

# 4. On the wire, once per tool (big20m.bin, headers only): tcpdump on the router's side of the
#    client link (rc0) counts the server's data segments and the client's pure ACKs.
capture_start() { # capture_start PCAP
  local i
  : >"$1.err"
  ip netns exec "$NS_ROUTER" tcpdump -Z root -B 65536 -s 96 -n -i rc0 -w "$1" "tcp port 80" 2>"$1.err" &
  TCPDUMP_PID=$!
  for ((i = 0; i < 50; i++)); do grep -q 'listening on' "$1.err" && return 0; sleep 0.1; done
  echo "bench: tcpdump did not start: $(cat "$1.err")" >&2; exit 1
}
capture_stop() { # give tcpdump time to drain its buffer: curl outruns it
  sleep 2
  kill -INT "$TCPDUMP_PID" 2>/dev/null || true
  wait "$TCPDUMP_PID" 2>/dev/null || true
  TCPDUMP_PID=""
}
wire() { # wire LABEL CMD... -> one table row
  local label=$1 pcap="$OUT/wire-$1.pcap"; shift
  capture_start "$pcap"
  $IN "$@" >/dev/null
  capture_stop
  local seen got drop
  seen=$(sed -n 's/^\([0-9]*\) packets received by filter.*/\1/p' "$pcap.err")
  got=$(sed -n 's/^\([0-9]*\) packets captured.*/\1/p' "$pcap.err")
  drop=$(sed -n 's/^\([0-9]*\) packets dropped by kernel.*/\1/p' "$pcap.err")
  tcpdump -n -r "$pcap" 2>/dev/null | awk -v s="$SERVER_IP.80" -v l="$label" -v lost="$((seen - got + drop))" '
    { n = 0; for (i = 1; i <= NF; i++) if ($i == "length") n = $(i + 1) + 0 }
    $3 == s && n > 0 { data++; bytes += n; next }
    $5 == s ":" && n == 0 && /Flags \[\.\]/ { acks++; if (/sack/) sack++ }
    END { printf "| %s | %d | %.2f | %d | %.2f | %d | %s |\n", l, data, bytes / 1048576, acks, data / acks, sack, lost }'
}
{
  echo "| 20 MiB download (big20m.bin) | data segments from the server | MiB | pure ACKs from the client | segments per ACK | ACKs with SACK | frames tcpdump lost |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  wire synack $SYNACK http-get -q -o /dev/null "http://$SERVER_IP/big20m.bin"
  wire curl curl -s -o /dev/null "http://$SERVER_IP/big20m.bin"
} | tee "$OUT/wire.md"
rm -f "$OUT"/wire-*.pcap

# 5. Timings: every command in one hyperfine run. On a 2-vCPU machine a concurrent build or
#    test run slows the JVM, so the summary says how much CPU the rest of the machine used
#    meanwhile: all busy CPU time (/proc/stat) less what hyperfine measured for us and less the
#    lab's daemons (nginx). What remains still holds the kernel's forwarding of our own
#    traffic through the router namespace (softirq), so it is an upper bound; an idle window
#    of IDLE_SECS just before the run measures the others with nothing of ours running.
cpu_busy() { awk '/^cpu /{print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
cpu_softirq() { awk '/^cpu /{print $8}' /proc/stat; }
lab_cpu() { # utime+stime (+ waited-for children) of every process in the lab's namespaces
  local ns p
  for ns in $(ip netns list | awk -v id="sk-$ID-" 'index($1, id) == 1 {print $1}'); do
    for p in $(ip netns pids "$ns" 2>/dev/null); do awk '{print $14 + $15 + $16 + $17}' "/proc/$p/stat" 2>/dev/null || true; done
  done | awk '{s += $1} END {print s + 0}'
}
idle() { # CPUs busy over IDLE_SECS with nothing of ours running
  local b0 b1; b0=$(cpu_busy); sleep "$IDLE_SECS"; b1=$(cpu_busy)
  awk -v b="$((b1 - b0))" -v hz="$(getconf CLK_TCK)" -v t="$IDLE_SECS" 'BEGIN { printf "%.2f", b / hz / t }'
}
export IDLE_SECS
BASE=$(idle)
BUSY0=$(cpu_busy); SOFT0=$(cpu_softirq); LAB0=$(lab_cpu); T0=$(date +%s.%N)
hyperfine -N --warmup 2 --runs "$RUNS" \
  --export-json "$OUT/http.json" --export-markdown "$OUT/http.md" \
  -n "synack http-get" "$IN $GET" \
  -n "curl" "$IN $CURL" \
  -n "synack http-get --msl 0" "$IN $GET_MSL0" \
  -n "synack --version" "$IN $VERSION"
BUSY1=$(cpu_busy); SOFT1=$(cpu_softirq); LAB1=$(lab_cpu); T1=$(date +%s.%N)
OTHERS=$(jq -r --argjson b "$((BUSY1 - BUSY0))" --argjson l "$((LAB1 - LAB0))" --argjson s "$((SOFT1 - SOFT0))" \
  --argjson hz "$(getconf CLK_TCK)" --argjson t "$(awk -v a="$T0" -v b="$T1" 'BEGIN { printf "%.3f", b - a }')" \
  --argjson n "$((RUNS + 2))" --arg base "$BASE" '(([.results[] | (.user + .system) * $n] | add)) as $ours
   | "\([($b / $hz - $ours - $l / $hz) / $t * 100 | round / 100, 0] | max) CPUs of \($ENV.NPROC) busy with other processes or softirq (wall \($t * 10 | round / 10) s; softirq alone \($s / $hz / $t * 100 | round / 100) CPUs; nginx \($l / $hz / $t * 100 | round / 100) CPUs); \($base) CPUs busy in the \($ENV.IDLE_SECS) s before it"' \
  "$OUT/http.json")

# 6. synack's own rate: its summary line ("... total T ms, X MB/s"), SELF_RUNS runs; the rate is
#    the body over the time from the first to the last byte of the body.
: >"$OUT/self-reported.txt"
for ((i = 0; i < SELF_RUNS; i++)); do $IN $GET_SELF | tail -1 >>"$OUT/self-reported.txt"; done
median() { sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]}'; }
SELF_RATE=$(sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p' "$OUT/self-reported.txt" | median)
SELF_RANGE=$(sed -n 's/.*, \([0-9.]*\) MB\/s$/\1/p' "$OUT/self-reported.txt" | sort -n | sed -n '1p;$p' | paste -sd/)
SELF_FIRST=$(sed -n 's/.*first byte \([0-9.]*\) ms.*/\1/p' "$OUT/self-reported.txt" | median)
SELF_TOTAL=$(sed -n 's/.*total \([0-9.]*\) ms.*/\1/p' "$OUT/self-reported.txt" | median)

# 7. Peak RSS: median of RSS_RUNS runs of /usr/bin/time -v.
declare -A RSS=()
rss() { # rss LABEL CMD...
  local label=$1 i; shift
  RSS[$label]=$(for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -v "$@" 2>&1 >/dev/null | awk -F': ' '/Maximum resident set size/{print $2}'
  done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1024}')
}
rss "synack http-get" $GET
rss "curl" $CURL
rss "synack http-get --msl 0" $GET_MSL0
rss "synack --version" $VERSION

# 8. Summary: median ± stddev, min/max (s), MB/s = file size / median wall (10^6 bytes/s, as
#    curl and synack print), ratio of medians to curl, peak RSS.
cmed=$(jq '.results[] | select(.command == "curl") | .median' "$OUT/http.json")
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo "jar: built $JAR_INFO; $(hyperfine --version); $(curl --version | head -1 | cut -d' ' -f1-2); $(ip netns exec "$NS_CLIENT" /usr/sbin/nginx -v 2>&1 | cut -d' ' -f3); $(tcpdump --version 2>&1 | head -1)"
  echo "offloads in the lab (c0): $(ip netns exec "$NS_CLIENT" ethtool -k c0 2>/dev/null | grep -E '^(tcp-segmentation-offload|generic-receive-offload):' | paste -sd' ' || echo unknown)"
  echo "during the timing run: $OTHERS"
  echo
  echo "| command | median ± σ, s | min, s | max, s | MB/s (size / median wall) | × curl (time) | peak RSS, MiB (median of $RSS_RUNS) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  jq -r --argjson c "$cmed" --argjson z "$SIZE" '.results[] | "\(.command)\t\(.median*1000|round/1000) ± \(.stddev*1000|round/1000)\t\(.min*1000|round/1000)\t\(.max*1000|round/1000)\t\($z / .median / 1e6 | .*10|round/10)\t\(.median/$c|.*10|round/10)"' "$OUT/http.json" |
    while IFS=$'\t' read -r cmd med lo hi rate x; do
      [[ $cmd == "synack --version" ]] && rate="-"
      echo "| $cmd | $med | $lo | $hi | $rate | $x | ${RSS[$cmd]} |"
    done
  echo
  echo "synack's own summary line, $SELF_RUNS runs: median $SELF_RATE MB/s (min/max $SELF_RANGE), first byte $SELF_FIRST ms, total $SELF_TOTAL ms after start-up"
  echo
  cat "$OUT/verify.txt"
  echo
  cat "$OUT/wire.md"
  echo
  echo "commands (client namespace = $IN; $URL is $SIZE bytes):"
  printf '  %s\n' "$GET" "$CURL" "$GET_MSL0" "$VERSION" "$GET_SELF | tail -1"
} | tee "$OUT/summary.md"
