#!/usr/bin/env bash
# bench/all.sh - issue 14's table in one run: every row synack beside its peer in the same hyperfine
# run (medians), the ratio, peak RSS synack / peer (/usr/bin/time, median of RSS_RUNS runs), the goal
# and whether it held. Every correctness condition is checked on the runs measured, and a failed
# check prints ✘ instead of a number.
#
#   sudo bench/all.sh            # RUNS=5 RSS_RUNS=3; results and table.md in /tmp/synack-bench-all/results
#
# All traffic stays inside a private lab (id BENCH_ID, default "hball"; kernel-default offloads), torn
# down however this script ends; bind9 and unbound run in its server namespace for rows 8 and 9.
# synack runs through a frozen copy of the launcher (bench/lib.sh freeze_launcher), so that its own
# JVM choice and options are what is measured, and a rebuild cannot land in a timing run.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init hball /tmp/synack-bench-all
RUNS=${RUNS:-5}
RSS_RUNS=${RSS_RUNS:-3}
NAMES=10000
RATE=100000
need hyperfine hyperfine
need jq jq
need arping arping
need hping3 hping3
need nping nmap
need dig bind9-dnsutils
need named bind9
need unbound unbound
need curl curl
need arp-scan arp-scan
need masscan masscan
need ping iputils-ping
need strace strace
mkdir -p "$OUT"
rm -f "$OUT"/*.log "$OUT"/*.json

LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
freeze_launcher
VERSION_JVM=$(launcher_jvm --version)
JDK=${VERSION_JVM%% *}

DAEMONS=()
bench_cleanup() {
  local p
  for p in "${DAEMONS[@]}"; do kill "$p" 2>/dev/null || true; done
  rm -f "$OUT"/body-*.bin
}
lab_up
NS_SERVER=$(lab_env NS_SERVER); NS_ROUTER=$(lab_env NS_ROUTER); NS_PEER=$(lab_env NS_PEER)
CLIENT_IF=$(lab_env CLIENT_IF); CLIENT_IP=$(lab_env CLIENT_IP); GATEWAY_IP=$(lab_env GATEWAY_IP)
PEER_IP=$(lab_env PEER_IP); SERVER_IP=$(lab_env SERVER_IP); DNS_IP=$(lab_env DNS_IP)
LAB_DIR=$(lab_env LAB_DIR); ROOT_HINTS=$(lab_env ROOT_HINTS)
NET="${GATEWAY_IP%.*}.0/24"
TOTAL=$((RUNS + 1 + RSS_RUNS)) # runs of each command: timed, warm-up, RSS

# bind9 (authoritative for the lab's synack.test zone, as nsd serves it) and unbound (recursive from the
# lab's root servers) on addresses of their own in the server namespace, as DnsServersLabIT runs them
BIND_IP=198.18.2.30
UNBOUND_IP=198.18.2.31
dns_servers_up() {
  local d="$OUT/dns" i
  rm -rf "$d" && mkdir -p "$d"
  ip -n "$NS_SERVER" addr add "$BIND_IP/24" dev s0
  ip -n "$NS_SERVER" addr add "$UNBOUND_IP/24" dev s0
  cp "$LAB_DIR/nsd-auth/auth.zone" "$d/synack.test.zone"
  cat >"$d/named.conf" <<EOF
options {
    directory "$d"; pid-file none; session-keyfile none;
    listen-on port 53 { $BIND_IP; }; listen-on-v6 { none; };
    recursion no; dnssec-validation no; notify no;
};
controls { };
zone "synack.test" { type primary; file "$d/synack.test.zone"; };
EOF
  cat >"$d/unbound.conf" <<EOF
server:
    interface: $UNBOUND_IP
    port: 53
    do-ip6: no
    access-control: 198.18.0.0/15 allow
    root-hints: "$ROOT_HINTS"
    chroot: ""
    username: ""
    directory: "$d"
    pidfile: ""
    use-syslog: no
    logfile: ""
    module-config: "iterator"
    qname-minimisation: no
    do-not-query-localhost: no
    harden-referral-path: no
    # unbound answers the special-use test. itself (NXDOMAIN, RFC 6761) unless told not to
    local-zone: "test." nodefault
remote-control:
    control-enable: no
EOF
  ip netns exec "$NS_SERVER" named -g -c "$d/named.conf" >"$d/named.log" 2>&1 &
  DAEMONS+=($!)
  ip netns exec "$NS_SERVER" unbound -d -c "$d/unbound.conf" >"$d/unbound.log" 2>&1 &
  DAEMONS+=($!)
  for ((i = 0; i < 100; i++)); do
    [[ $($IN dig +short +time=1 +tries=1 "@$BIND_IP" www.synack.test) == "$SERVER_IP" &&
       $($IN dig +short +time=1 +tries=1 "@$UNBOUND_IP" www.synack.test) == "$SERVER_IP" ]] && return 0
    sleep 0.2
  done
  echo "bench: bind9 or unbound did not answer (see $d)" >&2; exit 1
}
dns_servers_up

# --- measuring -----------------------------------------------------------------------------------
median() { sort -g | awk '{v[NR] = $1} END {print v[int((NR + 1) / 2)]}'; }
# timed CMD -> "RSS_MiB CPU_s": medians of RSS_RUNS runs under /usr/bin/time (CPU = user + sys)
timed() {
  local i
  for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" sh -c "$1" >/dev/null 2>&1 || true
    tail -1 "$OUT/time.txt"
  done >"$OUT/time.runs"
  echo "$(awk '{print $4 / 1024}' "$OUT/time.runs" | median) $(awk '{print $2 + $3}' "$OUT/time.runs" | median)"
}
# measure NAME SYNACK_CMD PEER_CMD [HYPERFINE_ARGS...]: both in one hyperfine run (warm-up 1, RUNS runs,
# exit codes kept), then timed; sets S_MED P_MED (s), S_EXITS P_EXITS, S_RSS P_RSS (MiB), S_CPU P_CPU (s)
measure() {
  local name=$1 s=$2 p=$3; shift 3
  echo "== $name" >&2
  LOADS+="$name $(cut -d' ' -f1 /proc/loadavg); "
  CMDS+=("$IN $s" "$IN $p")
  hyperfine -N -i --warmup 1 --runs "$RUNS" --export-json "$OUT/$name.json" "$@" \
    -n synack "$IN $s" -n peer "$IN $p" >"$OUT/$name.hyperfine" 2>&1
  S_MED=$(jq '.results[0].median' "$OUT/$name.json"); P_MED=$(jq '.results[1].median' "$OUT/$name.json")
  S_EXITS=$(jq -r '.results[0].exit_codes | unique | map(tostring) | join(",")' "$OUT/$name.json")
  P_EXITS=$(jq -r '.results[1].exit_codes | unique | map(tostring) | join(",")' "$OUT/$name.json")
  read -r S_RSS S_CPU < <(timed "$s")
  read -r P_RSS P_CPU < <(timed "$p")
}
ok() { awk "BEGIN { exit !($1) }"; } # ok 'AWK CONDITION'
f3() { awk -v x="$1" 'BEGIN { printf "%.3f", x }'; }
mib() { awk -v x="$1" 'BEGIN { printf "%.0f", x }'; }
x() { awk -v a="$1" -v b="$2" -v d="$3" 'BEGIN { printf "%.*f×", d, a / b }'; } # x A B DECIMALS: A / B
cpu() { awk -v a="$S_CPU" -v b="$P_CPU" 'BEGIN { printf "%.2f / %.2f s", a, b }'; }

# --- the table -----------------------------------------------------------------------------------
ROWS=() CMDS=() LOADS=""
# row N WORK SYNACK PEER RATIO RSS CPU GOAL FAILED... (FAILED: the goals or checks that did not hold)
row() {
  local n=$1 work=$2 syn=$3 peer=$4 ratio=$5 rss=$6 cpu=$7 goal=$8 held; shift 8
  if (($# == 0)); then held="✔"; else held="✘ ($(IFS=,; echo "$*"))"; fi
  ROWS+=("| $n | $work | $syn | $peer | $ratio | $rss | $cpu | $goal | $held |")
  echo "${ROWS[-1]}" >&2
}
# one_liner N WORK SYNACK_CMD PEER_LABEL PEER_CMD SYNACK_CHECK PEER_CHECK (each empty when its check held)
one_liner() {
  local n=$1 work=$2 s=$3 plabel=$4 p=$5 bad=$6 pbad=$7 fails=() syn peer ratio
  measure "row$n" "$s" "$p"
  [[ $S_EXITS == 0 ]] || bad+="${bad:+; }synack exited $S_EXITS"
  [[ $P_EXITS == 0 ]] || pbad+="${pbad:+; }exited $P_EXITS"
  local goal_t=0.15; ((n == 5)) && goal_t=0.10
  ok "$S_MED <= $goal_t" || fails+=(wall)
  ok "$S_RSS <= 48" || fails+=(RSS)
  syn="$(f3 "$S_MED") s"; peer="$(f3 "$P_MED") s"; ratio=$(x "$S_MED" "$P_MED" 1)
  [[ -z $bad ]] || { syn="✘ $bad"; ratio="✘"; fails+=(check); }
  [[ -z $pbad ]] || { peer="✘ $pbad"; ratio="✘"; fails+=("peer check"); }
  row "$n" "$work" "$syn" "\`$plabel\` $peer" "$ratio" "$(mib "$S_RSS") / $(mib "$P_RSS") MiB" "$(cpu)" \
    "≤ ${goal_t} s, ≤ 48 MiB" "${fails[@]}"
}
json_result() { grep '"event":"result"' | tail -1; } # the result line of a --json run

# 1. arp-resolve one target. arping: iputils' exits on the reply; Thomas Habets' needs -C 1.
if arping --help 2>&1 | grep -q Habets; then
  ARPING="arping -C 1 -c 1 -w 1 -i $CLIENT_IF $GATEWAY_IP"
else
  ARPING="arping -c 1 -w 1 -I $CLIENT_IF $GATEWAY_IP"
fi
bad="" pbad=""
r=$($IN $SYNACK arp-resolve --json "$GATEWAY_IP" | json_result || true)
jq -e --arg ip "$GATEWAY_IP" '.ok and ([.answered[].ip] == [$ip])' <<<"$r" >/dev/null || bad="the gateway did not answer"
out=$($IN $ARPING 2>&1 || true)
[[ $out == *"Received 1 response"* || $out == *" 1 packets received"* ]] || pbad="no reply" # iputils, Habets
one_liner 1 "\`arp-resolve -q\` one target" "$SYNACK arp-resolve -q $GATEWAY_IP" "${ARPING% *}" "$ARPING" "$bad" "$pbad"

# 2. syn-probe one port
HPING="hping3 -S -c 1 -p 80 $SERVER_IP"
bad="" pbad=""
r=$($IN $SYNACK syn-probe --json "$SERVER_IP" -p 80 | json_result || true)
jq -e '[.ports[] | select(.port == 80 and .state == "open")] | length == 1' <<<"$r" >/dev/null || bad="port 80 not found open"
[[ $($IN $HPING 2>&1) == *"1 packets received"* ]] || pbad="no reply" # captured first: grep -q would SIGPIPE it
one_liner 2 "\`syn-probe -q -p 80\` one port" "$SYNACK syn-probe -q $SERVER_IP -p 80" "${HPING% *}" "$HPING" "$bad" "$pbad"

# 3. dns-resolve one name
DIG_ONE="dig +short @$DNS_IP www.synack.test"
bad="" pbad=""
r=$($IN $SYNACK dns-resolve --json "@$DNS_IP" www.synack.test | json_result || true)
jq -e --arg ip "$SERVER_IP" '.rcode == "NOERROR" and ([.answers[].data] == [$ip])' <<<"$r" >/dev/null || bad="no answer $SERVER_IP"
[[ $($IN $DIG_ONE) == "$SERVER_IP" ]] || pbad="no answer $SERVER_IP"
one_liner 3 "\`dns-resolve -q\` one name" "$SYNACK dns-resolve -q @$DNS_IP www.synack.test" "dig +short" "$DIG_ONE" "$bad" "$pbad"

# 4. handshake --rst. The peer makes one whole connection too (the kernel's connect(), then close);
#    nping has no exit-on-reply, --delay 0 ends it straight after its one connection.
NPING="nping --tcp-connect -c 1 -p 80 --delay 0 $SERVER_IP"
bad="" pbad=""
r=$($IN $SYNACK handshake --json --rst "$SERVER_IP" 80 | json_result || true)
jq -e '.ok and .established' <<<"$r" >/dev/null || bad="not established"
[[ $($IN $NPING) == *"Successful connections: 1 "* ]] || pbad="did not connect"
one_liner 4 "\`handshake --rst\`" "$SYNACK handshake -q --rst $SERVER_IP 80" "${NPING% *}" "$NPING" "$bad" "$pbad"

# 5. --version, beside the floor: the same JDK's own start-up (java -version, with its default CDS)
bad="" pbad=""
[[ $($IN $SYNACK --version) == synack\ * ]] || bad="no version printed"
[[ $($IN "$JDK/bin/java" -version 2>&1) == *version* ]] || pbad="no version printed"
one_liner 5 "\`--version\`" "$SYNACK --version" "java -version (${JDK##*/})" "$JDK/bin/java -version" "$bad" "$pbad"

# 6. http-get 100 MB, byte-exact: before each run (hyperfine --prepare) and after the last, the body
#    of the run before is compared with the server's file (cmp) and removed. 6m: the same with --msl 0, no
#    TIME_WAIT (synack closes first and holds its 2MSL itself, 1 s by default; curl leaves its TIME_WAIT to the
#    kernel after it exits): the transfer's own speed, told, not a goal of its own.
WWW="$LAB_DIR/www/big100m.bin"
SIZE=$(stat -c %s "$WWW")
URL="http://$SERVER_IP/big100m.bin"
BODY_S="$OUT/body-synack.bin"; BODY_C="$OUT/body-curl.bin"
CMP="sh -c 'for f in $BODY_S $BODY_C; do [ -e \$f ] || continue; if cmp -s \$f $WWW; then echo ok; else echo \"bad \$f\"; fi >>$OUT/cmp.log; rm -f \$f; done'"
mbs() { awk -v z="$SIZE" -v t="$1" 'BEGIN { printf "%.0f", z / t / 1e6 }'; }
transfer() { # transfer N [SYNACK OPTIONS]
  local n=$1 opts=${2:-} fails=() syn="" goal="speed ≥ 0.25× curl's, ≤ 96 MiB"
  : >"$OUT/cmp.log"
  measure "row$n" "$SYNACK http-get -q $opts${opts:+ }-o $BODY_S $URL" "curl -s -o $BODY_C $URL" --prepare "$CMP"
  eval "$CMP"
  local cmp_ok cmp_bad speed_ratio ratio
  cmp_ok=$(grep -c '^ok$' "$OUT/cmp.log" || true); cmp_bad=$(grep -c '^bad ' "$OUT/cmp.log" || true)
  # the RSS runs write their bodies too: the last one of each is checked by the eval above
  ((cmp_bad == 0 && cmp_ok >= 2 * (RUNS + 1))) || syn="✘ body not byte-exact ($cmp_bad differed, $cmp_ok equal)"
  [[ $S_EXITS == 0 ]] || syn="✘ synack exited $S_EXITS"
  [[ $P_EXITS == 0 ]] || fails+=("curl exited $P_EXITS")
  speed_ratio=$(awk -v a="$S_MED" -v b="$P_MED" 'BEGIN { printf "%.2f", b / a }')
  if [[ -n $opts ]]; then
    goal="— (told: no TIME_WAIT)"
  else
    ok "$speed_ratio >= 0.25" || fails+=(speed)
    ok "$S_RSS <= 96" || fails+=(RSS)
  fi
  [[ -n $syn ]] && fails+=(check) || syn="$(f3 "$S_MED") s ($(mbs "$S_MED") MB/s)"
  ratio="$(x "$S_MED" "$P_MED" 1) (speed ${speed_ratio}×)"; [[ $syn != ✘* ]] || ratio="✘"
  row "$n" "\`http-get${opts:+ }$opts\` $((SIZE / 1048576)) MiB, byte-exact (cmp, $cmp_ok bodies)" "$syn" "\`curl -s -o\` $(f3 "$P_MED") s ($(mbs "$P_MED") MB/s)" \
    "$ratio" "$(mib "$S_RSS") / $(mib "$P_RSS") MiB" "$(cpu)" "$goal" "${fails[@]}"
}
transfer 6
transfer 6m "--msl 0"

# 7-9. dns-resolve -f, 10,000 names, defaults (options and output: a line per name, as dig +short's), beside
#    dig +short -f: every other line one of five names of the zone (A, A, CNAME, CNAME chain, A), the others
#    hN.synack.test (NXDOMAIN). Both tools' output of every run (timed, warm-up and RSS runs) is appended to a
#    log and checked: synack's line per name (its rcode) and its summary (names, NOERROR, negative, 0 timed
#    out), dig +short's lines (one per answer record, no errors). 7j: the same against dnsmasq with --json
#    (every frame sent and every answer as a JSON event, ~8 MB a run; checked by its result events): told,
#    not a goal of its own.
EXISTING=(www.synack.test mail.synack.test web.synack.test alias.synack.test ns.synack.test)
FILE="$OUT/names.txt"
for ((i = 0; i < NAMES; i++)); do
  if ((i % 2 == 0)); then echo "${EXISTING[$(((i / 2) % 5))]}"; else echo "h$i.synack.test"; fi
done >"$FILE"
HALF=$((NAMES / 2))
SHORT_LINES=$((HALF / 5 * 8)) # www 1, mail 1, web 2, alias 3, ns 1 answer records
bulk() { # bulk N SERVER_LABEL IP [--json]
  local n=$1 label=$2 ip=$3 json=${4:-} slog="$OUT/bulk-$1-synack.log" plog="$OUT/bulk-$1-dig.log" fails=() syn=""
  : >"$slog"; : >"$plog"
  measure "row$n" "sh -c 'exec $SYNACK dns-resolve $json${json:+ }-f $FILE @$ip >>$slog'" \
    "sh -c 'exec dig +short +tries=1 -f $FILE @$ip >>$plog'"
  if [[ -n $json ]]; then
    local results good timeouts
    results=$(grep -c '"event":"result"' "$slog" || true)
    good=$(grep '"event":"result"' "$slog" | jq -c --argjson n "$NAMES" --argjson h "$HALF" \
      'select(.names == $n and .noerror == $h and .negative == $h and .timed_out == 0)' | wc -l || true)
    timeouts=$(grep '"event":"result"' "$slog" | jq -s '[.[].timed_out] | add // 0' || true)
    ((results == TOTAL && good == TOTAL)) || syn="✘ $good of $results runs all answered ($timeouts time-outs in all)"
  else
    # a line per name: NAME. A NOERROR DATA... or NAME. A NXDOMAIN; and the summary, once per run
    local answered negative summaries
    answered=$(grep -c -E '^[^ ]+\. A NOERROR ' "$slog" || true)
    # negative as the summary counts it: NXDOMAIN, or SERVFAIL (unbound's own answer when its first, cold-cache
    # run is more than its recursion keeps up with: an answer, not a time-out; dig +short prints neither)
    negative=$(grep -c -E '^h[0-9]+\.synack\.test\. A (NXDOMAIN|SERVFAIL)$' "$slog" || true)
    summaries=$(grep -c -E "^$NAMES names: $HALF NOERROR, $HALF negative, 0 timed out, " "$slog" || true)
    ((answered == TOTAL * HALF && negative == TOTAL * HALF && summaries == TOTAL)) \
      || syn="✘ $summaries of $TOTAL runs all answered ($answered NOERROR and $negative negative lines of $((TOTAL * HALF)) each)"
  fi
  [[ $S_EXITS == 1 ]] || syn="✘ synack exited $S_EXITS (1 expected: NXDOMAINs)"
  local dlines derr
  dlines=$(grep -c -v '^;;' "$plog" || true); derr=$(grep -c '^;;' "$plog" || true)
  local dig_note="all answered"
  ((dlines == TOTAL * SHORT_LINES && derr == 0 )) || { dig_note="dig: $derr errors, $dlines of $((TOTAL * SHORT_LINES)) lines"; fails+=("$dig_note"); }
  [[ $P_EXITS == 0 ]] || fails+=("dig exited $P_EXITS")
  local goal="0 time-outs, ≥ 2× faster, ≤ 96 MiB"
  if [[ -n $json ]]; then
    goal="— (told: --json)"
  else
    ok "$S_MED * 2 <= $P_MED" || fails+=("not 2× faster")
    ok "$S_RSS <= 96" || fails+=(RSS)
  fi
  [[ -n $syn ]] && fails+=(check) || syn="$(f3 "$S_MED") s, 0 time-outs"
  local ratio; ratio=$(x "$S_MED" "$P_MED" 2); [[ $syn != ✘* ]] || ratio="✘"
  row "$n" "\`dns-resolve $json${json:+ }-f\` $(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<"$NAMES") names, defaults, vs $label" "$syn" "\`dig +short +tries=1 -f\` $(f3 "$P_MED") s, $dig_note" \
    "$ratio" "$(mib "$S_RSS") / $(mib "$P_RSS") MiB" "$(cpu)" "$goal" "${fails[@]}"
}
bulk 7 dnsmasq "$DNS_IP"
bulk 8 bind9 "$BIND_IP"
bulk 9 unbound "$UNBOUND_IP"
bulk 7j dnsmasq "$DNS_IP" --json

# 10. arp-resolve /24 sweep, defaults, beside arp-scan's defaults: every run of each finds the same hosts
SLOG="$OUT/sweep-synack.log"; PLOG="$OUT/sweep-arp-scan.log"; : >"$SLOG"; : >"$PLOG"
measure row10 "sh -c 'exec $SYNACK arp-resolve --json $NET >>$SLOG'" "sh -c 'exec arp-scan -I $CLIENT_IF $NET >>$PLOG'"
s_sets=$(grep '"event":"result"' "$SLOG" | jq -r '[.answered[].ip] | sort | join(" ")' || true)
p_sets=$(awk '/^Starting arp-scan/ { if (n++) print s; s = "" } $1 ~ /^[0-9]+\.[0-9]+\.[0-9]+\.[0-9]+$/ { s = s (s ? " " : "") $1 }
  END { if (n) print s }' "$PLOG" | while read -r l; do tr ' ' '\n' <<<"$l" | sort | paste -sd' '; done)
hosts=$(sort -u <<<"$s_sets" | head -1)
fails=(); syn=""
if [[ $(wc -l <<<"$s_sets") -ne $TOTAL || $(wc -l <<<"$p_sets") -ne $TOTAL || $(printf '%s\n%s\n' "$s_sets" "$p_sets" | sort -u | wc -l) -ne 1 || -z $hosts ]]; then
  syn="✘ hosts differ: synack $(sort -u <<<"$s_sets" | paste -sd'/'), arp-scan $(sort -u <<<"$p_sets" | paste -sd'/')"
fi
[[ $S_EXITS == 0 ]] || syn="✘ synack exited $S_EXITS"
[[ $P_EXITS == 0 ]] || fails+=("arp-scan exited $P_EXITS")
ok "$S_MED <= $P_MED" || fails+=(wall)
[[ -n $syn ]] && fails+=(check) || syn="$(f3 "$S_MED") s, found $hosts"
ratio=$(x "$S_MED" "$P_MED" 2); [[ $syn != ✘* ]] || ratio="✘"
row 10 "\`arp-resolve\` /24 sweep, defaults" "$syn" "\`arp-scan -I $CLIENT_IF\` $(f3 "$P_MED") s" \
  "$ratio" "$(mib "$S_RSS") / $(mib "$P_RSS") MiB" "$(cpu)" "wall ≤ arp-scan's, same hosts" "${fails[@]}"

# 11. syn-probe -p-, 65,536 ports at 100,000/s asked, beside masscan at the same rate with --wait 1.
#    masscan in a namespace needs the router's MAC and a source address of its own (its advice: one the
#    client kernel does not hold). Its receive thread blocks in libpcap and notices the end of its wait
#    only when a frame arrives (robertdavidgraham/masscan#144, #558): a ping every 50 ms from the peer
#    wakes it. The oracle for the open ports is the server's own listening sockets (ss -ltn).
ROUTER_MAC=$(ip -n "$NS_ROUTER" link show br0 | awk '/link\/ether/ {print $2}')
OWN_IP=198.18.1.50
expected=$(ip netns exec "$NS_SERVER" ss -Hltn | awk '{print $4}' | grep -E "^($SERVER_IP|0\.0\.0\.0|\*):" \
  | sed 's/.*://' | sort -n -u | paste -sd' ')
SLOG="$OUT/scan-synack.log"; PLOG="$OUT/scan-masscan.log"; : >"$SLOG"; : >"$PLOG"
ip netns exec "$NS_PEER" ping -q -i 0.05 "$CLIENT_IP" >/dev/null 2>&1 &
PINGER=$!; DAEMONS+=("$PINGER")
measure row11 "sh -c 'exec $SYNACK syn-probe --json $SERVER_IP -p- --rate $RATE >>$SLOG'" \
  "sh -c 'exec masscan $SERVER_IP -p0-65535 --rate $RATE --wait 1 --router-mac $ROUTER_MAC --source-ip $OWN_IP -e $CLIENT_IF >>$PLOG 2>/dev/null'"
kill "$PINGER" 2>/dev/null || true
s_sets=$(grep '"event":"result"' "$SLOG" | jq -r '[.open_ports[].port] | sort | map(tostring) | join(" ")' || true)
m_found=$(awk '/Discovered open port/ {split($4, a, "/"); print a[1]}' "$PLOG" | sort -n | uniq -c | awk '{print $2 ":" $1}' | paste -sd' ')
m_want=$(for p in $expected; do echo "$p:$TOTAL"; done | paste -sd' ')
fails=(); syn=""; m_note="found every open port in every run"
[[ $(wc -l <<<"$s_sets") -eq $TOTAL && $(sort -u <<<"$s_sets") == "$expected" ]] \
  || syn="✘ open ports differ from ss (expected $expected; got $(sort -u <<<"$s_sets" | paste -sd'/'))"
[[ $m_found == "$m_want" ]] || { m_note="missed ports (port:runs $m_found)"; fails+=("masscan $m_note"); }
[[ $S_EXITS == 0 ]] || syn="✘ synack exited $S_EXITS"
[[ $P_EXITS == 0 ]] || fails+=("masscan exited $P_EXITS")
ok "$S_MED < $P_MED" || fails+=(wall)
ok "$S_CPU <= $P_CPU" || fails+=(CPU)
ok "$S_RSS <= 96" || fails+=(RSS)
[[ -n $syn ]] && fails+=(check) || syn="$(f3 "$S_MED") s, $(wc -w <<<"$expected") open found"
ratio=$(x "$S_MED" "$P_MED" 2); [[ $syn != ✘* ]] || ratio="✘"
row 11 "\`syn-probe -p-\` 65,536 ports, \`--rate $RATE\`" "$syn" "\`masscan -p0-65535 --rate $RATE --wait 1\` $(f3 "$P_MED") s, $m_note" \
  "$ratio" "$(mib "$S_RSS") / $(mib "$P_RSS") MiB" "$(cpu)" "wall < masscan's, CPU ≤ masscan's, ≤ 96 MiB" "${fails[@]}"

# The launcher may choose a JVM and options by command and arguments: which it chose, row by row.
JVMS=()
jvm_row() { JVMS+=("  $1: $(launcher_jvm "${@:2}")"); }
jvm_row "1" arp-resolve -q "$GATEWAY_IP"
jvm_row "2" syn-probe -q "$SERVER_IP" -p 80
jvm_row "3" dns-resolve -q "@$DNS_IP" www.synack.test
jvm_row "4" handshake -q --rst "$SERVER_IP" 80
jvm_row "5" --version
jvm_row "6" http-get -q -o /dev/null "$URL"
jvm_row "7-9" dns-resolve -f "$FILE" "@$DNS_IP"
jvm_row "10" arp-resolve -q "$NET"
jvm_row "11" syn-probe -q "$SERVER_IP" -p- --rate "$RATE"
JVMS=("${JVMS[@]//"$COPY"/\$COPY}")

# --- the output ----------------------------------------------------------------------------------
dirty=""; [[ -z $(git -C "$home" status --porcelain --untracked-files=no 2>/dev/null) ]] || dirty="-dirty"
{
  echo "bench/all.sh: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$home" rev-parse --short HEAD)$dirty; jar built $JAR_INFO"
  echo "machine: nproc $(nproc), load average $LOAD0 at the start, $(cut -d' ' -f1-3 /proc/loadavg) at the end, kernel $(uname -r), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
  echo "lab $ID: offloads $(lab_env OFFLOADS), client c0 $(lab_env CLIENT_OFFLOADS)"
  echo "JVM the launcher chose for --version: ${VERSION_JVM//"$COPY"/\$COPY} (\$COPY = $COPY)"
  echo "archive: $ARCHIVE_INFO"
  echo "medians of $RUNS runs (hyperfine -N, warm-up 1), both tools in the same run; peak RSS and CPU (user+sys): medians of $RSS_RUNS runs of /usr/bin/time; ratio = synack wall / peer wall"
  echo
  echo "| # | work | synack | peer (same run) | ratio | peak RSS synack / peer | CPU synack / peer | goal | held |"
  echo "|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "JVM per row (the exec the launcher makes, strace of one more run of synack's args, -q):"
  printf '%s\n' "${JVMS[@]}"
  echo "commands (client namespace: ip netns exec $(lab_env NS_CLIENT); bind9 on $BIND_IP, unbound on $UNBOUND_IP in the server namespace):"
  printf '  %s\n' "${CMDS[@]}" | sed "s|^  ip netns exec [^ ]* |  |"
  echo "load average (1 min) as each row started, on $(nproc) CPUs shared with other work: $LOADS"
} | tee "$OUT/table.md"
