#!/usr/bin/env bash
# bench/ipv6.sh - IPv6 one-liners through the ./synack launcher beside the tools users know for
# them (issue 17): ndisc6 (neighbour solicitation), rdisc6 (router solicitation), nping -6 (a SYN,
# a TCP connect), dig -6 (AAAA over IPv6), each pair in one hyperfine run.
#
#   sudo bench/ipv6.sh        # results in /tmp/synack-bench-ipv6/results (override: OUT=DIR)
#
# synack runs through a frozen copy of the launcher (see lib.sh freeze_launcher). All traffic stays
# inside a private dual-stack lab (BENCH_ID, default "benchv6"): 2001:db8::/32, no route out.
# Rows: $OUT/rows.md (| work | synack | peer, same run | ratio | peak RSS synack / peer | CPU |).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init benchv6 /tmp/synack-bench-ipv6
RUNS=${RUNS:-11}
RSS_RUNS=${RSS_RUNS:-5}
need hyperfine hyperfine
need jq jq
need ndisc6 ndisc6
need nping nmap
need dig dnsutils

freeze_launcher
S=$SYNACK
lab_up
IF=$(lab_env CLIENT_IF); GW6=$(lab_env GATEWAY_IP6); SRV6=$(lab_env SERVER_IP6); DNS6=$(lab_env DNS_IP6); NAME=$(lab_env WEB_NAME)

# work | synack command | peer command (both in the client namespace)
ROWS=(
  "ndp-resolve -q the router|$S ndp-resolve -q -c 1 $GW6|ndisc6 -q -1 -r 1 $GW6 $IF"
  "ndp-resolve --routers|$S ndp-resolve -q --routers -c 1 -i $IF|rdisc6 -q -1 -r 1 $IF"
  "syn-probe -q -p 80 over IPv6|$S syn-probe -q -p 80 $SRV6|nping -6 -q --tcp -p 80 -c 1 $SRV6"
  "handshake --rst over IPv6|$S handshake -q --rst $SRV6 80|nping -6 -q --tcp-connect -p 80 -c 1 $SRV6"
  "dns-resolve -q AAAA over IPv6|$S dns-resolve -q -6 -t AAAA $NAME @$DNS6|dig -6 +short AAAA $NAME @$DNS6"
)

# every command answers before it is timed
answers_first 2 "${ROWS[@]}"

{
  echo "IPv6 one-liners, $(date -u '+%Y-%m-%d %H:%M UTC'), commit $(git -C "$home" rev-parse --short HEAD), jar $JAR_INFO,"
  echo "load $(cut -d' ' -f1-3 /proc/loadavg), $RUNS runs each (hyperfine -N -w 3), kernel-default offloads"
  echo
  echo "| work | synack (./synack) | peer, same run | ratio | peak RSS synack / peer, MiB | CPU (user+sys) synack / peer |"
  echo "| --- | --- | --- | --- | --- | --- |"
  side_by_side v6 "${ROWS[@]}"
} | tee "$OUT/rows.md"
