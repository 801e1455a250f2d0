#!/usr/bin/env bash
# bench/dns.sh - time `synack dns-resolve` against dig (issue 4), end to end: one query, and
# NAMES (default 10,000) names from a file.
#
#   sudo bench/dns.sh            # results in /tmp/synack-bench-dns/results (override: OUT=DIR)
#
# All traffic stays inside the namespaces of a private lab (id BENCH_ID, default "benchdh"),
# which is torn down on exit; the lab's dnsmasq on 198.18.2.2 answers. bench/http.sh uses the
# same lab id, so run one at a time (the script refuses to borrow a lab that is already up).
# synack runs from a private copy of the jar so that a rebuild by the launcher (sources edited
# meanwhile) cannot land in the middle of a timing run. The jar is built only if it is missing:
# the launcher is not used to run synack, because it rebuilds whenever any source (tests
# included) is newer than the jar.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchdh /tmp/synack-bench-dns
RUNS_ONE=${RUNS_ONE:-20}
RUNS_BULK=${RUNS_BULK:-10}
NAMES=${NAMES:-10000}
RSS_RUNS=5
IDLE_SECS=${IDLE_SECS:-5}
((NAMES % 10 == 0)) || { echo "bench: NAMES must be a multiple of 10" >&2; exit 2; }
need hyperfine hyperfine
need dig bind9-dnsutils
need jq jq

# 1. A private copy of the jar, run with the launcher's JVM options.
freeze_jar "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"

# 2. The lab, gone again however this script ends.
lab_up
NS_CLIENT=$(lab_env NS_CLIENT)
NS_SERVER=$(lab_env NS_SERVER)
DNS_IP=$(lab_env DNS_IP)
LAB_DIR=$(lab_env LAB_DIR)

# The names: every other line one of five names of the zone (A, A, CNAME, CNAME chain, A), the
# others hN.synack.test, which dnsmasq answers NXDOMAIN (local=/synack.test/).
EXISTING=(www.synack.test mail.synack.test web.synack.test alias.synack.test ns.synack.test)
FILE="$COPY/names.txt"
for ((i = 0; i < NAMES; i++)); do
  if ((i % 2 == 0)); then echo "${EXISTING[$(((i / 2) % 5))]}"; else echo "h$i.synack.test"; fi
done >"$FILE"
HALF=$((NAMES / 2))
# dig +short prints one line per answer record: www 1, mail 1, web 2, alias 3, ns 1.
SHORT_LINES=$((HALF / 5 * 8))

ONE="$SYNACK dns-resolve -q @$DNS_IP www.synack.test"
DIG_ONE="dig +short @$DNS_IP www.synack.test"
BULK="$SYNACK dns-resolve -q -f $FILE @$DNS_IP"
DIG_BULK="dig +short -f $FILE @$DNS_IP"
VERSION="$SYNACK --version"

# 3. Correctness: both answer one query, and both resolve every name of the file: HALF NOERROR
#    with the zone's addresses, HALF NXDOMAIN, nothing timed out. dnsmasq logs every query
#    (log-queries), which says how many each tool sent.
queries_logged() { sleep 0.5; grep -c 'query\[A\] .* from ' "$LAB_DIR/dnsmasq.log" || true; }
{
  [[ $($IN $ONE) == "$DNS_IP" ]] || { echo "bench: synack dns-resolve did not answer $DNS_IP" >&2; exit 1; }
  [[ $($IN $DIG_ONE) == "$DNS_IP" ]] || { echo "bench: dig did not answer $DNS_IP" >&2; exit 1; }

  q0=$(queries_logged)
  rc=0; $IN $BULK >"$OUT/bulk-synack.out" 2>"$OUT/bulk-synack.err" || rc=$?
  q1=$(queries_logged)
  ((rc == 1)) || { echo "bench: synack -f exited $rc, expected 1 (some names are NXDOMAIN)" >&2; exit 1; }
  read -r s_ok s_nx s_bad < <(awk -v ip="$DNS_IP" '
    $3 == "NOERROR" && $1 ~ /^(www|web|alias)\./ && $NF == ip { ok++; next }
    $3 == "NOERROR" && $1 == "mail.synack.test." && $NF == "198.18.2.3" { ok++; next }
    $3 == "NOERROR" && $1 == "ns.synack.test." && $NF == "198.18.3.12" { ok++; next }
    $3 == "NXDOMAIN" && $1 ~ /^h[0-9]+\.synack\.test\.$/ { nx++; next }
    /^[0-9]+ names: .* queries\/s\)$/ { next }   # the summary (stdout or stderr, by version)
    { bad++ } END { print ok + 0, nx + 0, bad + 0 }' "$OUT/bulk-synack.out")
  s_summary=$(cat "$OUT/bulk-synack.out" "$OUT/bulk-synack.err" | grep -E '^[0-9]+ names: .* queries/s\)$' | tail -1 || true)
  echo "synack dns-resolve -f: $s_ok NOERROR with the zone's address, $s_nx NXDOMAIN, $s_bad other lines;" \
    "its summary: $s_summary; dnsmasq logged $((q1 - q0)) A queries"
  ((s_ok == HALF && s_nx == HALF && s_bad == 0)) && [[ $s_summary == *" 0 timed out"* ]] \
    || { echo "bench: synack did not resolve every name (see $OUT/bulk-synack.*)" >&2; exit 1; }

  q0=$(queries_logged)
  $IN dig -f "$FILE" @"$DNS_IP" +noall +comments +answer >"$OUT/bulk-dig.out" 2>&1
  q1=$(queries_logged)
  d_ok=$(grep -c 'status: NOERROR' "$OUT/bulk-dig.out" || true)
  d_nx=$(grep -c 'status: NXDOMAIN' "$OUT/bulk-dig.out" || true)
  d_err=$(grep -c -E 'timed out|communications error|no servers' "$OUT/bulk-dig.out" || true)
  d_short=$($IN $DIG_BULK | wc -l)
  echo "dig -f: $d_ok NOERROR, $d_nx NXDOMAIN, $d_err errors/timeouts; dig +short -f printed $d_short lines" \
    "(expected $SHORT_LINES: www 1, mail 1, web 2, alias 3, ns 1 per answered name); dnsmasq logged $((q1 - q0)) A queries"
  ((d_ok == HALF && d_nx == HALF && d_err == 0 && d_short == SHORT_LINES)) \
    || { echo "bench: dig did not resolve every name (see $OUT/bulk-dig.out)" >&2; exit 1; }
} | tee "$OUT/verify.txt"

# 4. Timings: each comparison in one hyperfine run. On a 2-vCPU machine a concurrent build or
#    test run inflates the JVM timings, so the summary says how much CPU the rest of the
#    machine used meanwhile: all busy CPU time (/proc/stat) less what hyperfine measured for us
#    and less the lab's daemons (dnsmasq, nginx, nsd). What remains also holds the kernel's
#    forwarding of our own packets (softirq, shown apart), so it is an upper bound; an idle
#    window of IDLE_SECS just before each run measures the others with nothing of ours running.
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
timed() { # timed NAME RUNS hyperfine-args... -> $OUT/NAME.json and $OUT/NAME.cpu
  local name=$1 runs=$2 base b0 s0 l0 t0 b1 s1 l1 t1; shift 2
  base=$(idle)
  b0=$(cpu_busy); s0=$(cpu_softirq); l0=$(lab_cpu); t0=$(date +%s.%N)
  hyperfine -N --warmup 2 --runs "$runs" --export-json "$OUT/$name.json" --export-markdown "$OUT/$name.md" "$@"
  b1=$(cpu_busy); s1=$(cpu_softirq); l1=$(lab_cpu); t1=$(date +%s.%N)
  jq -r --argjson b "$((b1 - b0))" --argjson s "$((s1 - s0))" --argjson l "$((l1 - l0))" --argjson hz "$(getconf CLK_TCK)" \
    --argjson t "$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')" --argjson n "$((runs + 2))" --arg base "$base" \
    '(([.results[] | (.user + .system) * $n] | add)) as $ours
     | "\([($b / $hz - $ours - $l / $hz) / $t * 100 | round / 100, 0] | max) CPUs of \($ENV.NPROC) busy with other processes or softirq (wall \($t * 10 | round / 10) s; softirq alone \($s / $hz / $t * 100 | round / 100) CPUs; the lab daemons \($l / $hz / $t * 100 | round / 100) CPUs); \($base) CPUs busy in the \($ENV.IDLE_SECS) s before it"' \
    "$OUT/$name.json" >"$OUT/$name.cpu"
}
export IDLE_SECS
timed one "$RUNS_ONE" \
  -n "synack dns-resolve (1 name)" "$IN $ONE" \
  -n "dig +short (1 name)" "$IN $DIG_ONE" \
  -n "synack --version" "$IN $VERSION"
# synack exits 1 when any name is NXDOMAIN, hence -i; the exit codes are checked below.
timed bulk "$RUNS_BULK" -i \
  -n "synack dns-resolve -f ($NAMES names)" "$IN $BULK" \
  -n "dig +short -f ($NAMES names)" "$IN $DIG_BULK"
jq -e '.results[0].exit_codes | all(. == 1)' "$OUT/bulk.json" >/dev/null \
  || { echo "bench: synack -f exited other than 1 in a timed run: $(jq -c '.results[0].exit_codes' "$OUT/bulk.json")" >&2; exit 1; }
jq -e '.results[1].exit_codes | all(. == 0)' "$OUT/bulk.json" >/dev/null \
  || { echo "bench: dig -f failed in a timed run" >&2; exit 1; }

# 5. Peak RSS: median of RSS_RUNS runs of /usr/bin/time -v. The bulk runs also give synack's own
#    rate from its summary line ("in X ms (N queries/s)": first query to last answer).
declare -A RSS=()
rss() { # rss LABEL CMD...
  local label=$1 i; shift
  RSS[$label]=$(for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -v "$@" 2>"$OUT/rss.err" >"$OUT/rss.out" || true
    grep -h -E '^[0-9]+ names: .* queries/s\)$' "$OUT/rss.out" "$OUT/rss.err" >>"$OUT/self-reported.txt" || true
    awk -F': ' '/Maximum resident set size/{print $2}' "$OUT/rss.err"
  done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1024}')
}
: >"$OUT/self-reported.txt"
rss "synack dns-resolve (1 name)" $ONE
rss "dig +short (1 name)" $DIG_ONE
rss "synack --version" $VERSION
rss "synack dns-resolve -f ($NAMES names)" $BULK
rss "dig +short -f ($NAMES names)" $DIG_BULK
median() { sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]}'; }
SELF_MS=$(sed -n 's/.* in \([0-9.]*\) ms (.*/\1/p' "$OUT/self-reported.txt" | median)
SELF_QPS=$(sed -n 's/.*(\([0-9]*\) queries\/s).*/\1/p' "$OUT/self-reported.txt" | median | cut -d. -f1)

# 6. Summary: median ± stddev, min/max (seconds -> ms), ratio of medians to dig, queries/s from
#    the median wall time, peak RSS; the marginal cost of a query: (bulk - one) / (NAMES - 1).
med() { jq --arg c "$2" '.results[] | select(.command == $c) | .median' "$OUT/$1.json"; }
row() { # row FILE PEER_LABEL
  local peer; peer=$(med "$1" "$2")
  jq -r --argjson p "$peer" '.results[] | "\(.command)\t\(.median*1000|.*10|round/10) ± \(.stddev*1000|.*10|round/10)\t\(.min*1000|.*10|round/10)\t\(.max*1000|.*10|round/10)\t\(.median/$p|.*100|round/100)"' "$OUT/$1.json" |
    while IFS=$'\t' read -r cmd m lo hi x; do
      local qps="-"; [[ $1 == bulk ]] && qps=$(jq -rn --argjson m "$(med bulk "$cmd")" --argjson n "$NAMES" '$n / $m | round')
      echo "| $cmd | $m | $lo | $hi | $x | $qps | ${RSS[$cmd]} |"
    done
}
per_query() { # per_query ONE_LABEL BULK_LABEL -> µs per extra query
  jq -rn --argjson a "$(med one "$1")" --argjson b "$(med bulk "$2")" --argjson n "$NAMES" '(($b - $a) / ($n - 1) * 1e6 * 10 | round / 10)'
}
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo "jar: built $JAR_INFO; $(hyperfine --version); $(dig -v 2>&1 | head -1); dnsmasq $(ip netns exec "$NS_SERVER" dnsmasq --version | head -1 | awk '{print $3}')"
  echo "during the one-name run: $(cat "$OUT/one.cpu")"
  echo "during the bulk run: $(cat "$OUT/bulk.cpu")"
  echo
  echo "| command | median ± σ, ms | min, ms | max, ms | × dig | queries/s (names / median wall) | peak RSS, MiB (median of $RSS_RUNS) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row one "dig +short (1 name)"
  row bulk "dig +short -f ($NAMES names)"
  echo
  echo "synack's own summary, median of $RSS_RUNS bulk runs: $NAMES names in $SELF_MS ms, $SELF_QPS queries/s (first query to last answer, no JVM start-up)"
  echo "marginal cost of a query, (bulk - one) / ($NAMES - 1): synack $(per_query "synack dns-resolve (1 name)" "synack dns-resolve -f ($NAMES names)") µs," \
    "dig $(per_query "dig +short (1 name)" "dig +short -f ($NAMES names)") µs"
  echo
  cat "$OUT/verify.txt"
  echo
  echo "commands (client namespace = $IN; $FILE: $HALF of 5 zone names, $HALF hN.synack.test):"
  printf '  %s\n' "$ONE" "$DIG_ONE" "$VERSION" "$BULK" "$DIG_BULK"
} | tee "$OUT/summary.md"
