#!/usr/bin/env bash
# bench/scan.sh - a full 65,536-port SYN sweep of the lab's server (issue 7): synack syn-probe
# beside masscan and nmap -sS in the same run, at the same asked rate; wall time, peak memory,
# the send rate achieved, and whether every open port was found (also with 5% loss).
#
#   sudo bench/scan.sh           # results in /tmp/synack-bench-scan/results (override: OUT=DIR)
#
# All traffic stays in the namespaces of a private lab (id BENCH_ID, default "benchscan"),
# torn down on exit. synack runs from a frozen copy of the jar with the launcher's JVM options.
# The oracle for "every open port" is the server's own list of listening sockets (ss -ltn).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchscan /tmp/synack-bench-scan
RUNS=${RUNS:-3}
RATE=${RATE:-100000}
need masscan masscan
need nmap nmap
need ping iputils-ping
# the launcher's options for syn-probe (JVM_OPTS overrides, to weigh others in the same run)
freeze_jar "${JVM_OPTS:--XX:+UseSerialGC -Xshare:auto -Dfile.encoding=UTF-8}"
# ALT_JVM_OPTS: the same jar with other JVM options, measured in the same run as "synack-alt"
# (e.g. ALT_JVM_OPTS="-XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xmn16m -Xshare:auto -Dfile.encoding=UTF-8")
ALT=""; [[ -n ${ALT_JVM_OPTS:-} ]] && ALT="java $ALT_JVM_OPTS -jar $COPY/synack.jar"

PINGER=""
bench_cleanup() { [[ -z $PINGER ]] || kill "$PINGER" 2>/dev/null || true; }
lab_up
NS_PEER=$(lab_env NS_PEER); NS_SERVER=$(lab_env NS_SERVER); NS_ROUTER=$(lab_env NS_ROUTER)
SERVER_IP=$(lab_env SERVER_IP); CLIENT_IP=$(lab_env CLIENT_IP)
ROUTER_MAC=$(ip -n "$NS_ROUTER" link show br0 | awk '/link\/ether/ {print $2}')
OWN_IP=198.18.1.50 # masscan's own source address: one the client kernel does not hold (masscan's advice)

expected=$(ip netns exec "$NS_SERVER" ss -Hltn | awk '{print $4}' | grep -E "^($SERVER_IP|0\.0\.0\.0|\*):" \
  | sed 's/.*://' | sort -n | tr '\n' ' ')
echo "server listens on: $expected" | tee "$OUT/summary.txt"

# masscan 1.3.2's receive thread blocks in libpcap, which on Linux does not return on its read
# timeout while nothing arrives, so masscan never notices the end of its wait
# (robertdavidgraham/masscan#144, #558). A ping to the client every 50 ms wakes it; it costs
# masscan nothing and lets its own --wait decide when it stops.
wake_masscan() {
  ip netns exec "$NS_PEER" ping -q -i 0.05 "$CLIENT_IP" >/dev/null 2>&1 &
  PINGER=$!
}
stop_waking() { kill "$PINGER" 2>/dev/null || true; wait "$PINGER" 2>/dev/null || true; PINGER=""; }

# one_run NAME COMMAND... : appends "NAME wall_s maxrss_kb cpu_s ok found_ports" to $OUT/runs.txt
# (cpu = user + sys, the children included: iptables and ip for synack, nothing for masscan)
one_run() {
  local name=$1; shift
  local log="$OUT/$name.out" tm="$OUT/$name.time"
  /usr/bin/time -f "%e %M %U %S" -o "$tm" "$@" >"$log" 2>"$OUT/$name.err" || true
  local found=""
  case $name in
    synack*) found=$(sed 's/.*://' "$log" | sort -n | tr '\n' ' ') ;;
    masscan*) found=$(awk '/open port/ {split($4, a, "/"); print a[1]}' "$log" | sort -n | tr '\n' ' ') ;;
    nmap*) found=$(awk '$2 == "open" {split($1, a, "/"); print a[1]}' "$log" | sort -n | tr '\n' ' ') ;;
  esac
  local ok=MISSED; [[ $found == "$expected" ]] && ok=all
  echo "$name $(awk '{printf "%s %s %.2f", $1, $2, $3 + $4}' "$tm") $ok $found" >>"$OUT/runs.txt"
}

: >"$OUT/runs.txt"; : >"$OUT/synack.rates"
for ((i = 1; i <= RUNS; i++)); do
  one_run synack $IN $SYNACK syn-probe "$SERVER_IP" -p- --rate "$RATE" --format list --no-progress
  grep -o 'SYNs sent at [0-9,]*/s' "$OUT/synack.err" | tr -d , | awk '{print $4}' >>"$OUT/synack.rates"
  [[ -z $ALT ]] || one_run synack-alt $IN $ALT syn-probe "$SERVER_IP" -p- --rate "$RATE" --format list --no-progress
  wake_masscan
  one_run masscan $IN masscan "$SERVER_IP" -p0-65535 --rate "$RATE" --router-mac "$ROUTER_MAC" --source-ip "$OWN_IP" -e c0
  one_run masscan-wait1 $IN masscan "$SERVER_IP" -p0-65535 --rate "$RATE" --router-mac "$ROUTER_MAC" --source-ip "$OWN_IP" -e c0 --wait 1
  stop_waking
  one_run nmap $IN nmap -sS -p- --min-rate "$RATE" -n -Pn "$SERVER_IP"
done

# With 5% random loss in the router (both directions): does every tool still find every port?
"$home/synack" lab loss --id "$ID" 5 >/dev/null
for ((i = 1; i <= RUNS; i++)); do
  one_run synack-loss5 $IN $SYNACK syn-probe "$SERVER_IP" -p- --rate "$RATE" --format list --no-progress
  wake_masscan
  one_run masscan-wait1-loss5 $IN masscan "$SERVER_IP" -p0-65535 --rate "$RATE" --router-mac "$ROUTER_MAC" --source-ip "$OWN_IP" -e c0 --wait 1
  stop_waking
done
"$home/synack" lab loss --id "$ID" 0 >/dev/null

{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, asked rate $RATE/s, $RUNS runs each"
  echo "versions: $(masscan --version 2>/dev/null | grep -o 'version [0-9.]*' | head -1), $(nmap --version | head -1), $($SYNACK --version)"
  printf '%-22s %10s %10s %12s %12s %s\n' tool median_s max_s median_cpu_s peak_rss_MiB found_all
  for name in synack synack-alt masscan masscan-wait1 nmap synack-loss5 masscan-wait1-loss5; do
    cpu=$(awk -v n="$name" '$1 == n {print $4}' "$OUT/runs.txt" | sort -n | awk '{c[NR] = $1} END {if (NR) print c[int((NR + 1) / 2)]}')
    awk -v n="$name" '$1 == n {print $2, $3, $5}' "$OUT/runs.txt" | sort -n | awk -v n="$name" -v cpu="$cpu" '
      { t[NR] = $1; if ($2 > rss) rss = $2; if ($3 == "all") ok++ }
      END { if (NR) printf "%-22s %10.2f %10.2f %12.2f %12.0f %d/%d\n", n, t[int((NR + 1) / 2)], t[NR], cpu, rss / 1024, ok, NR }'
  done
  [[ -z $ALT ]] || echo "synack-alt: java $ALT_JVM_OPTS"
  [[ -s $OUT/synack.rates ]] && echo "synack send rate achieved (SYN/s, per run): $(tr '\n' ' ' <"$OUT/synack.rates")"
} | tee -a "$OUT/summary.txt"
