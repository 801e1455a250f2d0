#!/usr/bin/env bash
# synack's test command (the README's, and CI's through .ci/run): installs every system
# package the tests need, then runs the unit tests and the lab tests against real peers.
# Run as root: the lab tests build network namespaces. They fail, never skip, without it.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

if [ "$(id -u)" != 0 ]; then
  echo "test.sh: run as root (sudo ./test.sh): the lab tests build Linux network namespaces" >&2
  exit 3
fi

# What the tests use: libpcap for the link, the lab's peers and plumbing, and the oracles.
packages=(libpcap0.8 nginx-light dnsmasq-base nsd iproute2 iptables ieee-data tcpdump ethtool iputils-ping
          util-linux curl bind9-dnsutils man-db procps tmux zsh maven)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; }
fi

# Leftovers of a crashed earlier run (namespaces whose owner died) go first.
bash lab/lab.sh reap || true

log="$(mktemp)"
set +e
mvn -B -ntp verify 2>&1 | tee "$log" | grep --line-buffered -E "Tests run:|FAIL|ERROR|BUILD|T E S T S"
status=${PIPESTATUS[0]}
set -e
echo
echo "== unit tests (surefire) and lab tests (failsafe, *IT) =="
grep -E "Tests run: [0-9]+, Failures" "$log" | grep -v " -- in " || true
rm -f "$log"
exit "$status"
