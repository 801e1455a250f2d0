#!/usr/bin/env bash
# bench/dns.sh - time `synack dns-resolve` against dig (issues 4 and 14), end to end: one query,
# and NAMES (default 10,000) names from a file, with default settings, against three servers:
# the lab's dnsmasq (198.18.2.2), bind9 (named, authoritative, on 198.18.2.20) and unbound (a
# recursive resolver on 198.18.2.25 that asks named for the zone: every NXDOMAIN name is a miss).
#
#   sudo bench/dns.sh            # results in /tmp/synack-bench-dns/results (override: OUT=DIR)
#   SERVERS="dnsmasq" sudo bench/dns.sh      # only some of them
#
# All traffic stays inside the namespaces of a private lab (id BENCH_ID, default "benchdh"),
# which is torn down on exit, named and unbound with it. bench/http.sh uses the
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
SERVERS=${SERVERS:-dnsmasq bind9 unbound}
[[ $SERVERS == *bind9* || $SERVERS == *unbound* ]] && need named bind9
[[ $SERVERS == *unbound* ]] && need unbound unbound

# 1. A private copy of the jar, run with the launcher's JVM options.
freeze_jar "-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto"

# 2. The lab, gone again however this script ends.
lab_up
NS_CLIENT=$(lab_env NS_CLIENT)
NS_SERVER=$(lab_env NS_SERVER)
DNS_IP=$(lab_env DNS_IP)
LAB_DIR=$(lab_env LAB_DIR)
NAMED_IP=198.18.2.20
UNBOUND_IP=198.18.2.25
declare -A SERVER_IP=([dnsmasq]=$DNS_IP [bind9]=$NAMED_IP [unbound]=$UNBOUND_IP)

# named and unbound, as DnsServersLabIT runs them (kernel defaults, no tuning): named holds the
# zone dnsmasq answers (the same names and addresses), unbound resolves it from named.
PEERS=()
bench_cleanup() { local p; for p in "${PEERS[@]}"; do kill "$p" 2>/dev/null || true; done; }
start_peers() {
  local d="$COPY/servers" ip
  rm -rf "$d" && mkdir -p "$d"
  for ip in $NAMED_IP $UNBOUND_IP; do ip netns exec "$NS_SERVER" ip addr add "$ip/24" dev s0; done
  cat >"$d/synack.test.db" <<ZONE
\$TTL 60
@ IN SOA ns hostmaster 1 3600 600 86400 60
@ IN NS ns
ns IN A 198.18.3.12
www IN A 198.18.2.2
mail IN A 198.18.2.3
web IN CNAME www
alias IN CNAME web
ZONE
  cat >"$d/named.conf" <<CONF
options { directory "$d"; pid-file none; session-keyfile none; listen-on port 53 { $NAMED_IP; };
  listen-on-v6 { none; }; recursion no; dnssec-validation no; notify no; };
controls { };
zone "synack.test." { type primary; file "$d/synack.test.db"; };
CONF
  cat >"$d/unbound.conf" <<CONF
server:
    interface: $UNBOUND_IP
    port: 53
    do-ip6: no
    access-control: 198.18.0.0/15 allow
    chroot: ""
    username: ""
    directory: "$d"
    pidfile: ""
    use-syslog: no
    logfile: ""
    module-config: "iterator"
    do-not-query-localhost: no
    domain-insecure: "synack.test"
    # unbound answers test. itself (RFC 6761) unless told not to
    local-zone: "test." nodefault
stub-zone:
    name: "synack.test"
    stub-addr: $NAMED_IP
remote-control:
    control-enable: no
CONF
  ip netns exec "$NS_SERVER" named -g -c "$d/named.conf" >"$d/named.log" 2>&1 & PEERS+=($!)
  ip netns exec "$NS_SERVER" unbound -d -c "$d/unbound.conf" >"$d/unbound.log" 2>&1 & PEERS+=($!)
  local i
  for ((i = 0; i < 100; i++)); do
    [[ $($IN dig +short +time=1 +tries=1 @$NAMED_IP www.synack.test) == "$DNS_IP" &&
       $($IN dig +short +time=1 +tries=1 @$UNBOUND_IP www.synack.test) == "$DNS_IP" ]] && return 0
    sleep 0.2
  done
  echo "bench: named or unbound did not come up (see $d)" >&2; exit 1
}
[[ $SERVERS == *bind9* || $SERVERS == *unbound* ]] && start_peers

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
VERSION="$SYNACK --version"
# the bulk commands against server S: defaults for synack; dig asks each name once (+tries=1), so
# that a lost answer shows as an error line rather than as a 5 s wait
bulk() { echo "$SYNACK dns-resolve -q -f $FILE @${SERVER_IP[$1]}"; }
dig_bulk() { echo "dig @${SERVER_IP[$1]} +short +tries=1 -f $FILE"; }
# what the server's kernel dropped for want of room in its socket buffer (UdpRcvbufErrors),
# and the client's: where answers that never came went (read in the lab, never tuned)
rcvbuf_errors() { ip netns exec "$1" nstat -az UdpRcvbufErrors 2>/dev/null | awk '/UdpRcvbufErrors/{print $2}'; }

# 3. Correctness: both answer one query, and both resolve every name of the file against every
#    server: HALF NOERROR with the zone's addresses, HALF NXDOMAIN, nothing timed out.
{
  [[ $($IN $ONE) == "$DNS_IP" ]] || { echo "bench: synack dns-resolve did not answer $DNS_IP" >&2; exit 1; }
  [[ $($IN $DIG_ONE) == "$DNS_IP" ]] || { echo "bench: dig did not answer $DNS_IP" >&2; exit 1; }
  for srv in $SERVERS; do
    r0=$(rcvbuf_errors "$NS_SERVER")
    rc=0; $IN $(bulk "$srv") >"$OUT/bulk-$srv-synack.out" 2>"$OUT/bulk-$srv-synack.err" || rc=$?
    r1=$(rcvbuf_errors "$NS_SERVER")
    ((rc == 1)) || { echo "bench: synack -f @$srv exited $rc, expected 1 (some names are NXDOMAIN)" >&2; exit 1; }
    read -r s_ok s_nx s_bad < <(awk '
      $3 == "NOERROR" && $1 ~ /^(www|web|alias)\./ && $NF == "198.18.2.2" { ok++; next }
      $3 == "NOERROR" && $1 == "mail.synack.test." && $NF == "198.18.2.3" { ok++; next }
      $3 == "NOERROR" && $1 == "ns.synack.test." && $NF == "198.18.3.12" { ok++; next }
      $3 == "NXDOMAIN" && $1 ~ /^h[0-9]+\.synack\.test\.$/ { nx++; next }
      /^[0-9]+ names: .* queries\/s\)$/ || /^  in flight / { next }   # the summary
      { bad++ } END { print ok + 0, nx + 0, bad + 0 }' "$OUT/bulk-$srv-synack.out")
    s_summary=$(grep -h -A1 -E '^[0-9]+ names: .* queries/s\)$' "$OUT/bulk-$srv-synack.out" "$OUT/bulk-$srv-synack.err" | tr -s ' ' || true)
    echo "synack dns-resolve -f @$srv: $s_ok NOERROR with the zone's address, $s_nx NXDOMAIN, $s_bad other lines;" \
      "its summary: $s_summary; the server's kernel dropped $((r1 - r0)) datagrams for a full socket buffer"
    ((s_ok == HALF && s_nx == HALF && s_bad == 0)) && [[ $s_summary == *" 0 timed out"* ]] \
      || { echo "bench: synack did not resolve every name @$srv (see $OUT/bulk-$srv-synack.*)" >&2; exit 1; }

    r0=$(rcvbuf_errors "$NS_SERVER")
    $IN dig -f "$FILE" @"${SERVER_IP[$srv]}" +tries=1 +noall +comments +answer >"$OUT/bulk-$srv-dig.out" 2>&1 || true
    r1=$(rcvbuf_errors "$NS_SERVER")
    d_ok=$(grep -c 'status: NOERROR' "$OUT/bulk-$srv-dig.out" || true)
    d_nx=$(grep -c 'status: NXDOMAIN' "$OUT/bulk-$srv-dig.out" || true)
    d_err=$(grep -c -E 'timed out|communications error|no servers' "$OUT/bulk-$srv-dig.out" || true)
    d_short=$($IN $(dig_bulk "$srv") | wc -l)
    echo "dig -f @$srv: $d_ok NOERROR, $d_nx NXDOMAIN, $d_err errors/timeouts; dig +short printed $d_short lines" \
      "(expected $SHORT_LINES: www 1, mail 1, web 2, alias 3, ns 1 per answered name); the server's kernel dropped $((r1 - r0))"
    ((d_ok == HALF && d_nx == HALF && d_err == 0 && d_short == SHORT_LINES)) \
      || { echo "bench: dig did not resolve every name @$srv (see $OUT/bulk-$srv-dig.out)" >&2; exit 1; }
  done
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
for srv in $SERVERS; do
  timed "bulk-$srv" "$RUNS_BULK" -i \
    -n "synack dns-resolve -f ($NAMES names @$srv)" "$IN $(bulk "$srv")" \
    -n "dig +short -f ($NAMES names @$srv)" "$IN $(dig_bulk "$srv")"
  jq -e '.results[0].exit_codes | all(. == 1)' "$OUT/bulk-$srv.json" >/dev/null \
    || { echo "bench: synack -f @$srv exited other than 1 in a timed run: $(jq -c '.results[0].exit_codes' "$OUT/bulk-$srv.json")" >&2; exit 1; }
  jq -e '.results[1].exit_codes | all(. == 0)' "$OUT/bulk-$srv.json" >/dev/null \
    || { echo "bench: dig -f @$srv failed in a timed run" >&2; exit 1; }
done

# 5. Peak RSS: median of RSS_RUNS runs of /usr/bin/time -v. The bulk runs also give synack's own
#    rate and pacing from its summary ("in X ms (N queries/s)": first query to last answer).
declare -A RSS=()
rss() { # rss LABEL CMD...
  local label=$1 i; shift
  RSS[$label]=$(for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -v "$@" 2>"$OUT/rss.err" >"$OUT/rss.out" || true
    grep -h -A1 -E '^[0-9]+ names: .* queries/s\)$' "$OUT/rss.out" "$OUT/rss.err" | paste -s -d ' ' | sed "s/^/$label: /" >>"$OUT/self-reported.txt" || true
    awk -F': ' '/Maximum resident set size/{print $2}' "$OUT/rss.err"
  done | sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]/1024}')
}
: >"$OUT/self-reported.txt"
rss "synack dns-resolve (1 name)" $ONE
rss "dig +short (1 name)" $DIG_ONE
rss "synack --version" $VERSION
for srv in $SERVERS; do
  rss "synack dns-resolve -f ($NAMES names @$srv)" $(bulk "$srv")
  rss "dig +short -f ($NAMES names @$srv)" $(dig_bulk "$srv")
done
median() { sort -n | awk '{v[NR]=$1} END {printf "%.1f", v[int((NR+1)/2)]}'; }

# 6. Summary: median ± stddev, min/max (seconds -> ms), ratio of medians to dig, queries/s from
#    the median wall time, peak RSS; the marginal cost of a query: (bulk - one) / (NAMES - 1).
med() { jq --arg c "$2" '.results[] | select(.command == $c) | .median' "$OUT/$1.json"; }
row() { # row FILE PEER_LABEL
  local peer; peer=$(med "$1" "$2")
  jq -r --argjson p "$peer" '.results[] | "\(.command)\t\(.median*1000|.*10|round/10) ± \(.stddev*1000|.*10|round/10)\t\(.min*1000|.*10|round/10)\t\(.max*1000|.*10|round/10)\t\(.median/$p|.*100|round/100)"' "$OUT/$1.json" |
    while IFS=$'\t' read -r cmd m lo hi x; do
      local qps="-"; [[ $1 == bulk-* ]] && qps=$(jq -rn --argjson m "$(med "$1" "$cmd")" --argjson n "$NAMES" '$n / $m | round')
      echo "| $cmd | $m | $lo | $hi | $x | $qps | ${RSS[$cmd]} |"
    done
}
per_query() { # per_query ONE_LABEL BULK_FILE BULK_LABEL -> µs per extra query
  jq -rn --argjson a "$(med one "$1")" --argjson b "$(med "$2" "$3")" --argjson n "$NAMES" '(($b - $a) / ($n - 1) * 1e6 * 10 | round / 10)'
}
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); nproc $(nproc); $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); kernel $(uname -r); $(java -version 2>&1 | head -1)"
  echo "jar: built $JAR_INFO; $(hyperfine --version); $(dig -v 2>&1 | head -1); dnsmasq $(ip netns exec "$NS_SERVER" dnsmasq --version | head -1 | awk '{print $3}')" \
    "$(command -v named >/dev/null && named -v); $(command -v unbound >/dev/null && unbound -V 2>/dev/null | head -1)"
  echo "during the one-name run: $(cat "$OUT/one.cpu")"
  for srv in $SERVERS; do echo "during the bulk run @$srv: $(cat "$OUT/bulk-$srv.cpu")"; done
  echo
  echo "| command | median ± σ, ms | min, ms | max, ms | × dig | queries/s (names / median wall) | peak RSS, MiB (median of $RSS_RUNS) |"
  echo "|---|---:|---:|---:|---:|---:|---:|"
  row one "dig +short (1 name)"
  for srv in $SERVERS; do row "bulk-$srv" "dig +short -f ($NAMES names @$srv)"; done
  echo
  echo "synack's own summaries (first query to last answer, no JVM start-up), each RSS run:"
  sed 's/^/  /' "$OUT/self-reported.txt" | grep 'names @'
  for srv in $SERVERS; do
    echo "marginal cost of a query @$srv, (bulk - one) / ($NAMES - 1): synack" \
      "$(per_query "synack dns-resolve (1 name)" "bulk-$srv" "synack dns-resolve -f ($NAMES names @$srv)") µs," \
      "dig $(per_query "dig +short (1 name)" "bulk-$srv" "dig +short -f ($NAMES names @$srv)") µs"
  done
  echo
  cat "$OUT/verify.txt"
  echo
  echo "commands (client namespace = $IN; $FILE: $HALF of 5 zone names, $HALF hN.synack.test):"
  printf '  %s\n' "$ONE" "$DIG_ONE" "$VERSION"
  for srv in $SERVERS; do printf '  %s\n' "$(bulk "$srv")" "$(dig_bulk "$srv")"; done
} | tee "$OUT/summary.md"
