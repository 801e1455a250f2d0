#!/usr/bin/env bash
# bench/ipv6-twins.sh - each IPv6 one-liner beside its IPv4 twin, both synack, in one hyperfine run
# (not alternating: hyperfine runs all of one, then the other; the pair shares the machine's load of
# that minute). What an IPv6 one-liner costs more than the same work over IPv4.
#
#   sudo bench/ipv6-twins.sh     # results in /tmp/synack-bench-ipv6-twins/results (override: OUT=DIR)
#
# synack runs through a frozen copy of the launcher (see lib.sh freeze_launcher). All traffic stays
# inside a private dual-stack lab (BENCH_ID, default "benchtwin"): 198.18.0.0/15 and 2001:db8::/32.
# Rows: $OUT/rows.md (| work | IPv6 | IPv4 twin, same run | ratio | peak RSS IPv6 / IPv4 | CPU |).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchtwin /tmp/synack-bench-ipv6-twins
RUNS=${RUNS:-15}
RSS_RUNS=${RSS_RUNS:-5}
need hyperfine hyperfine
need jq jq

freeze_launcher
S=$SYNACK
lab_up
GW=$(lab_env GATEWAY_IP); SRV=$(lab_env SERVER_IP); DNS=$(lab_env DNS_IP)
GW6=$(lab_env GATEWAY_IP6); SRV6=$(lab_env SERVER_IP6); DNS6=$(lab_env DNS_IP6); NAME=$(lab_env WEB_NAME)

# work | IPv6 command | its IPv4 twin (both in the client namespace)
ROWS=(
  "ndp-resolve -q / arp-resolve -q the router|$S ndp-resolve -q -c 1 $GW6|$S arp-resolve -q -c 1 $GW"
  "syn-probe -q -p 80|$S syn-probe -q -p 80 $SRV6|$S syn-probe -q -p 80 $SRV"
  "handshake -q --rst|$S handshake -q --rst $SRV6 80|$S handshake -q --rst $SRV 80"
  "dns-resolve -q, AAAA over IPv6 / A over IPv4|$S dns-resolve -q -6 -t AAAA $NAME @$DNS6|$S dns-resolve -q -t A $NAME @$DNS"
)

# every command answers before it is timed
answers_first 2 "${ROWS[@]}"

{
  echo "IPv6 one-liners beside their IPv4 twins, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$home" rev-parse --short HEAD),"
  echo "jar $JAR_INFO, load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each (hyperfine -N -w 3), kernel-default offloads;"
  echo "$ARCHIVE_INFO"
  echo
  echo "| work | IPv6 (./synack) | IPv4 twin, same run | ratio | peak RSS IPv6 / IPv4, MiB | CPU (user+sys) IPv6 / IPv4 |"
  echo "| --- | --- | --- | --- | --- | --- |"
  # side_by_side labels the second command by its first word: the launcher here, so it is called what it is
  side_by_side twin "${ROWS[@]}" | sed "s|\`$S\`|IPv4|"
} | tee "$OUT/rows.md"
