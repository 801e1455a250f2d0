#!/usr/bin/env bash
# bench/networks.sh - synack on networks as the kernel sets them up (issue 11): the same 100 MiB
# http-get beside curl, and 10,000 names with dns-resolve -f beside dig -f, in three labs built
# one after another: the kernel's offloads (checksum offload, TSO/GSO on), those plus GRO on the
# client, and every offload off. Also what our own -w pcap shows (tshark's gaps and duplicate
# ACKs) and synack's own count of capture drops.
#
#   sudo bench/networks.sh        # RUNS=5 per figure; results in /tmp/synack-bench-networks/results
#
# All traffic stays inside the namespaces of the private labs (ids benchnw*), torn down on exit.
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchnw /tmp/synack-bench-networks
RUNS=${RUNS:-5}
need hyperfine hyperfine
need curl curl
need dig bind9-dnsutils
need tshark tshark
need jq jq
freeze_launcher # the launcher itself, frozen: its own JVM and options per command
BASE_ID=$ID

median() { jq -r '.results[0].median' "$1"; }

echo "# $(date -u '+%Y-%m-%d %H:%M UTC'), jar $JAR_INFO, $(nproc) cores, kernel $(uname -r)"
printf '%-8s %-28s %10s %10s %7s\n' mode work synack peer ratio
for mode in kernel gro off; do
  ID="$BASE_ID$mode"
  case $mode in
    kernel) export SYNACK_LAB_OFFLOADS=kernel SYNACK_LAB_GRO=kernel ;;
    gro) export SYNACK_LAB_OFFLOADS=kernel SYNACK_LAB_GRO=on ;;
    off) export SYNACK_LAB_OFFLOADS=off SYNACK_LAB_GRO=kernel ;;
  esac
  lab_up
  url="http://$(lab_env SERVER_IP)/big100m.bin"
  www="$(lab_env LAB_DIR)/www/big100m.bin"
  body="$OUT/body.bin"

  # one checked run with a pcap first: byte-exact, and what tshark says of our own capture
  $IN $SYNACK http-get -o "$body" -w "$OUT/$mode.pcap" "$url" >"$OUT/$mode.story" 2>&1
  cmp -s "$body" "$www" || { echo "bench: $mode: the body is not byte-exact" >&2; exit 1; }
  gaps=$(tshark -r "$OUT/$mode.pcap" -q -z expert 2>/dev/null | awk '/Previous segment/ {n+=$1} END {print n+0}')
  dups=$(tshark -r "$OUT/$mode.pcap" -q -z expert 2>/dev/null | awk '/Duplicate ACK/ {n+=$1} END {print n+0}')
  drops=$(grep -c "our capture dropped" "$OUT/$mode.story" || true)
  frames=$(tcpdump -r "$OUT/$mode.pcap" -nn 2>/dev/null | wc -l)

  hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$mode-http-synack.json" \
    "$IN $SYNACK http-get -q -o $body $url" >/dev/null 2>&1
  hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$mode-http-curl.json" \
    "$IN curl -s -o $body $url" >/dev/null 2>&1
  s=$(median "$OUT/$mode-http-synack.json"); c=$(median "$OUT/$mode-http-curl.json")
  printf '%-8s %-28s %9.3fs %9.3fs %6.1fx   (pcap: %d frames, %d gaps, %d dup ACKs, %d capture-drop notes)\n' \
    "$mode" "http-get 100 MiB" "$s" "$c" "$(awk -v a="$s" -v b="$c" 'BEGIN {print a / b}')" "$frames" "$gaps" "$dups" "$drops"

  names="$OUT/names.txt"
  for i in $(seq 1 5000); do echo www.synack.test; echo mail.synack.test; done >"$names"
  dns=$(lab_env SERVER_IP)
  $IN $SYNACK dns-resolve --json -f "$names" "@$dns" | tail -1 >"$OUT/$mode-dns-result.json"
  answered=$(jq -r '.noerror' "$OUT/$mode-dns-result.json")
  hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$mode-dns-synack.json" \
    "$IN $SYNACK dns-resolve -q -f $names @$dns" >/dev/null 2>&1
  hyperfine -N -w 1 -r "$RUNS" --export-json "$OUT/$mode-dns-dig.json" \
    "$IN dig @$dns +short +tries=1 -f $names" >/dev/null 2>&1
  s=$(median "$OUT/$mode-dns-synack.json"); c=$(median "$OUT/$mode-dns-dig.json")
  printf '%-8s %-28s %9.3fs %9.3fs %6.1fx   (%s of 10000 answered)\n' "$mode" "dns-resolve -f 10,000 names" "$s" "$c" \
    "$(awk -v a="$s" -v b="$c" 'BEGIN {print a / b}')" "$answered"

  _bench_exit
  trap - EXIT
done
