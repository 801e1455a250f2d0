#!/usr/bin/env bash
# synack's test command (the README's, and CI's through .ci/run): installs every system
# package the tests need, then runs the unit tests and the lab tests against real peers, and
# the lab tests a second time on a lab whose veths have their offloads turned off.
# Run as root: the lab tests build network namespaces. They fail, never skip, without it.
#
#   pass 1: mvn verify: unit tests (surefire) and lab tests (failsafe, *IT), on labs that keep
#           the kernel's own offloads (checksum offload, TSO/GSO): the network users have
#   pass 2: the lab tests only (-Dtest=NONE: no unit test runs twice), SYNACK_LAB_OFFLOADS=off:
#           every veth with tx checksumming, TSO, GSO and GRO off (ethtool)
#
# Exits non-zero if either pass fails; prints how many tests ran in each.
set -euo pipefail
cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")"

if [ "$(id -u)" != 0 ]; then
  echo "test.sh: run as root (sudo ./test.sh): the lab tests build Linux network namespaces" >&2
  exit 3
fi

# What the tests use: libpcap for the link, the lab's peers and plumbing, and the oracles
# (tcpdump, and tshark's expert analysis: tshark -r F -q -z expert).
packages=(libpcap0.8 nginx-light dnsmasq-base nsd radvd ndisc6 nmap iproute2 iptables ieee-data tcpdump tshark ethtool iputils-ping
          util-linux curl bind9-dnsutils man-db procps tmux zsh maven iputils-arping python3
          apache2 lighttpd busybox bind9 bind9-utils unbound openssl)
missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "test.sh: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  # tshark's wireshark-common asks whether non-root users may capture: no, and without asking
  echo 'wireshark-common wireshark-common/install-setuid boolean false' | debconf-set-selections
  # no package's service may start on this machine at install (apache2, lighttpd, bind9's named would
  # start on the host): the tests start their own peers inside the lab's namespaces
  policy_rc_added=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod +x /usr/sbin/policy-rc.d && policy_rc_added=1
  fi
  install_rc=0
  apt-get install -y -q "${missing[@]}" >/dev/null || { apt-get update -q >/dev/null && apt-get install -y -q "${missing[@]}" >/dev/null; } \
    || install_rc=$?
  [ -z "$policy_rc_added" ] || rm -f /usr/sbin/policy-rc.d
  [ "$install_rc" = 0 ] || exit "$install_rc"
fi

# counts LOG: one line per kind of test in a Maven log, "unit ..." (surefire) and "lab ..."
# (failsafe's integration-test), each the sum of the modules' "Tests run:" summaries
counts() {
  awk '
    /--- [a-z-]*surefire[a-z-]*:[^ ]*:test /              { cur = "unit"; next }
    /--- [a-z-]*failsafe[a-z-]*:[^ ]*:integration-test /  { cur = "lab"; next }
    /\[[A-Z]+\] --- /                       { cur = ""; next }
    cur != "" && /Tests run: [0-9]+, Failures: [0-9]+, Errors: [0-9]+, Skipped: [0-9]+/ && !/ -- in / {
      s = $0; sub(/.*Tests run: /, "", s); gsub(/[^0-9]+/, " ", s); split(s, n, " ")
      run[cur] += n[1]; bad[cur] += n[2] + n[3]; skip[cur] += n[4]; seen[cur] = 1
    }
    END {
      for (k in seen) printf "%s %d %d %d\n", k, run[k], bad[k], skip[k]
    }' "$1"
}

# pass NAME ENV... -- MVN-ARGS...: runs Maven, shows its test lines as they come, keeps the log
declare -A pass_status pass_log
pass() {
  local name=$1; shift
  local envs=()
  while [ "$1" != -- ]; do envs+=("$1"); shift; done
  shift
  # leftovers of a crashed earlier run (namespaces whose owner died) go first
  bash lab/lab.sh reap || true
  local log; log="$(mktemp)"
  echo
  echo "== $name: mvn $* ${envs[*]:+(${envs[*]})}"
  set +e
  env "${envs[@]}" mvn -B -ntp "$@" 2>&1 | tee "$log" | grep --line-buffered -E "Tests run:|FAIL|ERROR|BUILD|T E S T S"
  pass_status[$name]=${PIPESTATUS[0]}
  set -e
  pass_log[$name]=$log
}

pass "pass 1" SYNACK_LAB_OFFLOADS=kernel SYNACK_LAB_GRO=kernel -- verify
pass "pass 2" SYNACK_LAB_OFFLOADS=off SYNACK_LAB_GRO=kernel -- verify -Dtest=NONE -Dsurefire.failIfNoSpecifiedTests=false

echo
echo "== tests run"
status=0
for name in "pass 1" "pass 2"; do
  mode="kernel offloads"; [ "$name" = "pass 2" ] && mode="SYNACK_LAB_OFFLOADS=off"
  summary="$(counts "${pass_log[$name]}")"
  for kind in unit lab; do
    line="$(grep "^$kind " <<<"$summary" || true)"
    label="unit tests (surefire)"; [ $kind = lab ] && label="lab tests (failsafe, *IT)"
    if [ -n "$line" ]; then
      read -r _ run bad skip <<<"$line"
      printf '%-34s %-26s %4d run, %d failed, %d skipped\n' "$name ($mode):" "$label" "$run" "$bad" "$skip"
    elif [ $kind = lab ] || [ "$name" = "pass 1" ]; then
      printf '%-34s %-26s none ran\n' "$name ($mode):" "$label"
      status=1
    fi
  done
  if [ "${pass_status[$name]}" != 0 ]; then
    echo "$name (${mode}): FAILED (mvn exit ${pass_status[$name]})"
    status=1
  fi
  rm -f "${pass_log[$name]}"
done
[ $status = 0 ] && echo "both passes passed"
exit "$status"
