#!/usr/bin/env bash
# Regenerates packets/src/main/resources/synack/net/top-ports-tcp.txt from nmap's port frequencies.
set -euo pipefail
out="$(dirname "$0")/../packets/src/main/resources/synack/net/top-ports-tcp.txt"
src=/usr/share/nmap/nmap-services
[ -f "$src" ] || { echo "needs $src (apt-get install nmap)" >&2; exit 3; }
{
  echo "# The 1000 TCP ports most often found open, most frequent first: port and service name."
  echo "# Generated from nmap's nmap-services (open-frequency column, Debian nmap $(dpkg-query -W -f='${Version}' nmap)) by"
  echo "# bench/top-ports.sh; the same source masscan's --top-ports uses."
  grep -v '^#' "$src" | awk '$2 ~ /\/tcp$/ {split($2,a,"/"); print $3, a[1], $1}' | sort -k1,1gr -k2,2n | head -1000 | awk '{print $2, $3}'
} >"$out"
echo "wrote $out"
