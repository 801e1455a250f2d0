#!/usr/bin/env bash
# lab.sh - throwaway test network for synack, built from Linux network namespaces. Dual-stack:
#
#   client (c0 198.18.1.2 2001:db8:1::2, nginx on 127.0.0.1 ::1 and its own addresses :80) ─┐
#          ├─ br0 198.18.1.1 2001:db8:1::1 [router] r1 198.18.2.1 2001:db8:2::1 ── s0 198.18.2.2 2001:db8:2::2
#   peer   (p0 198.18.1.3 2001:db8:1::3) ─┘  (radvd on br0)                         (server: nginx, dnsmasq)
#                                          br1 198.18.3.1 2001:db8:3::1
#                                          ├─ n0 198.18.3.10 2001:db8:3::10 (root: nsd, zone ".")
#                                          ├─ n0 198.18.3.11 2001:db8:3::11 (tld:  nsd, zone "test.")
#                                          └─ n0 198.18.3.12 2001:db8:3::12 (auth: nsd, zone "synack.test.")
#                                          re0 198.18.4.1 2001:db8:4::1 ══ e0 198.18.4.2 2001:db8:4::2
#                                                                  (edge: nginx; MTU 1280 both ends)
#
# IPv6: one /64 per segment of 2001:db8::/32 (2001:db8:1::/64 client LAN, :2:: server, :3:: DNS tree,
# :4:: edge), the kernel's defaults everywhere but forwarding=1 in the router. The client and the peer
# learn their IPv6 default route (via the router's link-local address on br0) from radvd's router
# advertisements (the prefix on-link, no SLAAC: their addresses are static); the others have a static
# one via their router address. 2001:db8:2::99 is nobody.
#
# Everything lives in namespaces named sk-ID-{client,peer,router,server,root,tld,auth,edge}; every veth is
# created directly inside a namespace, so the host's own interfaces, routes and firewall
# are never touched. There is no route out of 198.18.0.0/15 or 2001:db8::/32. See lab/README.md.
set -euo pipefail
set -E
umask 022
export LC_ALL=C
export PATH="${PATH:-/usr/bin:/bin}:/usr/local/sbin:/usr/sbin:/sbin"

RUN_DIR=/run/synack
LABS_DIR=$RUN_DIR/labs
CURRENT_FILE=$RUN_DIR/current
NETNS_DIR=/run/netns
BASE_ROLES=(client peer router server)
DNS_ROLES=(root tld auth)
EDGE_ROLES=(edge)
ROLES=("${BASE_ROLES[@]}" "${DNS_ROLES[@]}" "${EDGE_ROLES[@]}")
ROLE_RE='client|peer|router|server|root|tld|auth|edge'
NETNS_ETC=/etc/netns          # ip netns exec bind-mounts $NETNS_ETC/NS/* over /etc/*
POLICY_RC=/usr/sbin/policy-rc.d
WAIT_SECS=${LAB_WAIT_SECS:-10}

# Fixed addressing (all inside 198.18.0.0/15).
CLIENT_IP=198.18.1.2
PEER_IP=198.18.1.3
GATEWAY_IP=198.18.1.1
ROUTER_SERVER_IP=198.18.2.1
SERVER_IP=198.18.2.2
WEB_NAME=www.synack.test
DNS_BRIDGE_IP=198.18.3.1
ROOT_DNS_IP=198.18.3.10
TLD_DNS_IP=198.18.3.11
AUTH_DNS_IP=198.18.3.12
ROUTER_EDGE_IP=198.18.4.1
EDGE_IP=198.18.4.2
EDGE_MTU=1280
EDGE_NAME=edge.synack.test
NO_HOST_IP=198.18.2.99        # on the server's subnet, nobody there: the router's ARP fails
LOOPBACK_IP=127.0.0.1
# IPv6 (issue 17): the same plan in 2001:db8::/32 (documentation space), one /64 per segment; the
# client and peer learn their default route from the router's advertisements (radvd on br0)
CLIENT_IP6=2001:db8:1::2
PEER_IP6=2001:db8:1::3
GATEWAY_IP6=2001:db8:1::1
CLIENT_PREFIX6=2001:db8:1::/64
ROUTER_SERVER_IP6=2001:db8:2::1
SERVER_IP6=2001:db8:2::2
DNS_BRIDGE_IP6=2001:db8:3::1
ROOT_DNS_IP6=2001:db8:3::10
TLD_DNS_IP6=2001:db8:3::11
AUTH_DNS_IP6=2001:db8:3::12
ROUTER_EDGE_IP6=2001:db8:4::1
EDGE_IP6=2001:db8:4::2
NO_HOST_IP6=2001:db8:2::99    # on the server's /64, nobody there: the router's neighbour discovery fails
LOOPBACK_IP6=::1
V6ONLY_NAME=v6only.synack.test   # AAAA only (no A)
V4ONLY_NAME=v4only.synack.test   # A only (no AAAA): the server
# HTTPS (issue 15): names with their own certificates on the server's :443 (SNI), all from a CA
# made at `up`; the hosts file's names in the client
EXPIRED_NAME=expired.synack.test
WRONG_NAME=wrong.synack.test
WRONG_CERT_NAME=other.synack.test   # the only name the wrong certificate's SAN holds
HOSTS_NAME=hosts.synack.test        # only in the client's hosts file (DNS: NXDOMAIN)
OVERRIDE_NAME=override.synack.test  # DNS says the server, the hosts file says the edge
ECHO_BACKEND_PORT=8099              # the server's loopback: the POST echo's trick, see site_conf

# How the lab's links are built (recorded in the env file as OFFLOADS and GRO):
#   SYNACK_LAB_OFFLOADS=kernel (default: the kernel's own veth offloads) | off (ethtool, every veth)
#   SYNACK_LAB_GRO=kernel (default) | on (GRO on the client's c0)
OFFLOADS_MODE=${SYNACK_LAB_OFFLOADS:-kernel}
GRO_MODE=${SYNACK_LAB_GRO:-kernel}

USAGE="usage: lab.sh up [--id ID] [--owner PID]
       lab.sh down [--id ID]
       lab.sh status [--id ID]
       lab.sh env [--id ID]
       lab.sh exec [--id ID] [client|peer|router|server|root|tld|auth|edge] -- CMD [ARGS...]
       lab.sh loss [--id ID] PERCENT
       lab.sh reorder [--id ID] PERCENT
       lab.sh reap
environment (up): SYNACK_LAB_OFFLOADS=kernel|off  SYNACK_LAB_GRO=kernel|on"

# ---------------------------------------------------------------- helpers

die() { local code=$1; shift; printf 'lab: %s\n' "$*" >&2; exit "$code"; }
usage_error() { printf 'lab: %s (try: lab.sh --help)\n' "$*" >&2; exit 2; }
log() { printf 'lab: %s\n' "$*" >&2; }

need_root() { [[ ${EUID:-$(id -u)} -eq 0 ]] || die 3 "must be run as root"; }
have() { command -v "$1" >/dev/null 2>&1; }

valid_id() { [[ $1 =~ ^[A-Za-z0-9_]{1,16}$ ]]; }
ns_of() { printf 'sk-%s-%s' "$1" "$2"; }
ns_exists() { [[ -e $NETNS_DIR/$1 ]]; }
pid_alive() { [[ $1 =~ ^[0-9]+$ ]] && [[ -d /proc/$1 ]] && kill -0 "$1" 2>/dev/null; }
read_pid() { local f=$1 p=""; [[ -r $f ]] && read -r p <"$f" 2>/dev/null || true; printf '%s' "$p"; }
nsx() { local ns=$1; shift; ip netns exec "$ns" "$@"; }
# nssysctl NS key value  (writes /proc/sys directly; no procps needed)
nssysctl() { nsx "$1" sh -c 'echo "$2" > "/proc/sys/$1"' sh "${2//.//}" "$3"; }

list_sk_ns() {
    [[ -d $NETNS_DIR ]] || return 0
    local f
    for f in "$NETNS_DIR"/sk-*; do
        [[ -e $f ]] || continue
        f=${f##*/}
        [[ $f =~ ^sk-([A-Za-z0-9_]+)-($ROLE_RE)$ ]] && printf '%s\n' "$f"
    done
    return 0
}

any_ns_of() {
    local r
    for r in "${ROLES[@]}"; do ns_exists "$(ns_of "$1" "$r")" && return 0; done
    return 1
}

# roles_of ID: the roles a lab has. A lab built before the DNS hierarchy existed (its env
# has no NS_ROOT) has only the four base namespaces, one built before the edge (no NS_EDGE)
# has no edge; it is listed, but not healthy.
roles_of() {
    local env=$LABS_DIR/$1/env
    if [[ -r $env ]] && ! grep -q '^NS_ROOT=' "$env" 2>/dev/null; then
        printf '%s\n' "${BASE_ROLES[@]}"
    elif [[ -r $env ]] && ! grep -q '^NS_EDGE=' "$env" 2>/dev/null; then
        printf '%s\n' "${BASE_ROLES[@]}" "${DNS_ROLES[@]}"
    else
        printf '%s\n' "${ROLES[@]}"
    fi
}

all_ns_of() {
    local r
    for r in $(roles_of "$1"); do ns_exists "$(ns_of "$1" "$r")" || return 1; done
    return 0
}

# the authoritative server address of a DNS role
dns_ip_of() {
    case $1 in
    root) printf '%s' "$ROOT_DNS_IP" ;;
    tld) printf '%s' "$TLD_DNS_IP" ;;
    auth) printf '%s' "$AUTH_DNS_IP" ;;
    esac
}
# ... and its IPv6 address
dns_ip6_of() {
    case $1 in
    root) printf '%s' "$ROOT_DNS_IP6" ;;
    tld) printf '%s' "$TLD_DNS_IP6" ;;
    auth) printf '%s' "$AUTH_DNS_IP6" ;;
    esac
}

current_id() {
    local id=""
    [[ -r $CURRENT_FILE ]] && read -r id <"$CURRENT_FILE" 2>/dev/null || true
    valid_id "${id:-}" && printf '%s' "$id"
    return 0
}

# resolve_id GIVEN -> prints the id (given or current); dies 1 if none.
resolve_id() {
    local id=$1
    if [[ -z $id ]]; then
        id=$(current_id)
        [[ -n $id ]] || die 1 "no current lab (run: lab.sh up)"
    fi
    printf '%s' "$id"
}

# ---------------------------------------------------------------- teardown / reap

# teardown ID: kill every process in the lab's namespaces, delete them, remove the lab dir.
teardown() {
    local id=$1 r ns p pids=() i
    # the lab's roles, and any other namespace named for it (a test's extra hosts: ArpPeersLabIT's -dup and -slow,
    # left behind when its JVM was killed)
    local spaces=()
    for r in "${ROLES[@]}"; do spaces+=("$(ns_of "$id" "$r")"); done
    while read -r ns _; do
        [[ $ns == "sk-$id-"* && " ${spaces[*]} " != *" $ns "* ]] && spaces+=("$ns")
    done < <(ip netns list 2>/dev/null || true)
    for ns in "${spaces[@]}"; do
        ns_exists "$ns" || continue
        for p in $(ip netns pids "$ns" 2>/dev/null || true); do
            [[ $p == "$$" ]] || pids+=("$p")
        done
    done
    if ((${#pids[@]})); then
        kill -TERM "${pids[@]}" 2>/dev/null || true
        for ((i = 0; i < 30; i++)); do
            local left=0
            for p in "${pids[@]}"; do pid_alive "$p" && left=1; done
            ((left)) || break
            sleep 0.1
        done
        kill -KILL "${pids[@]}" 2>/dev/null || true
    fi
    for ns in "${spaces[@]}"; do
        ns_exists "$ns" && { ip netns del "$ns" 2>/dev/null || true; }
        # per-namespace /etc overrides (only this lab's own directories)
        [[ -e $NETNS_ETC/$ns ]] && rm -rf -- "${NETNS_ETC:?}/$ns"
    done
    rm -rf -- "${LABS_DIR:?}/$id"
    if [[ $(current_id) == "$id" ]]; then rm -f -- "$CURRENT_FILE"; fi
    return 0
}

# is_stale ID: true if the lab is a leftover of a crashed or finished-owner run.
is_stale() {
    local id=$1 dir=$LABS_DIR/$1 p
    [[ -d $dir ]] || return 0                       # namespaces without a lab dir
    if [[ -e $dir/builder ]]; then                  # being built: stale only if builder died
        p=$(read_pid "$dir/builder")
        pid_alive "$p" && return 1
        return 0
    fi
    if [[ -e $dir/owner ]]; then
        p=$(read_pid "$dir/owner")
        pid_alive "$p" || return 0
    fi
    # a finished lab whose namespaces are all gone (and is not brand new)
    if ! any_ns_of "$id" && [[ -n $(find "$dir" -maxdepth 0 -mmin +1 2>/dev/null) ]]; then
        return 0
    fi
    return 1
}

# reap: prints the ids it removed.
reap() {
    local ns id d
    declare -A ids=()
    while read -r ns; do
        [[ -n $ns ]] || continue
        [[ $ns =~ ^sk-([A-Za-z0-9_]+)-($ROLE_RE)$ ]] && ids[${BASH_REMATCH[1]}]=1
    done < <(list_sk_ns)
    if [[ -d $NETNS_ETC ]]; then                    # leftover /etc/netns/sk-ID-ROLE dirs
        for d in "$NETNS_ETC"/sk-*; do
            [[ -d $d ]] || continue
            d=${d##*/}
            [[ $d =~ ^sk-([A-Za-z0-9_]+)-($ROLE_RE)$ ]] && ids[${BASH_REMATCH[1]}]=1
        done
    fi
    if [[ -d $LABS_DIR ]]; then
        for d in "$LABS_DIR"/*/; do
            [[ -d $d ]] || continue
            d=${d%/}; d=${d##*/}
            valid_id "$d" && ids[$d]=1
        done
    fi
    for id in "${!ids[@]}"; do
        if is_stale "$id"; then
            teardown "$id"
            printf '%s\n' "$id"
        fi
    done
    return 0
}

# ---------------------------------------------------------------- tools

apt_install() {
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 install -y -q "$@" >&2
}

# no_service_start CMD...: run CMD (an apt-get install) so that package scripts start no
# service in the host namespace. invoke-rc.d and deb-systemd-invoke ask policy-rc.d; if
# there is none, a temporary one that answers 101 ("action forbidden") is put in place for
# the duration of CMD only. An existing policy-rc.d is left alone.
POLICY_RC_TMP=""
drop_policy_rc() {
    if [[ -n $POLICY_RC_TMP ]] && grep -q 'synack lab.sh' "$POLICY_RC" 2>/dev/null; then
        rm -f -- "$POLICY_RC"
    fi
    POLICY_RC_TMP=""
}
no_service_start() {
    local rc=0
    if [[ ! -e $POLICY_RC ]]; then
        printf '#!/bin/sh\n# temporary: synack lab.sh is installing packages; start no services\nexit 101\n' \
            >"$POLICY_RC.synack.$$" && chmod 755 "$POLICY_RC.synack.$$" &&
            mv -f "$POLICY_RC.synack.$$" "$POLICY_RC" && POLICY_RC_TMP=1
        trap 'drop_policy_rc' EXIT
        trap 'exit 130' INT
        trap 'exit 143' TERM
    fi
    "$@" || rc=$?
    if [[ -n $POLICY_RC_TMP ]]; then
        drop_policy_rc
        trap - EXIT INT TERM
    fi
    return "$rc"
}

# After nsd was installed: make sure the distribution's own nsd service is neither running
# nor enabled in the host namespace (the lab runs its own nsd instances, one per namespace).
disable_distro_nsd() {
    if [[ -d /run/systemd/system ]] && have systemctl; then
        systemctl disable --now nsd.service >/dev/null 2>&1 || true
        return 0
    fi
    have update-rc.d && { update-rc.d nsd disable >/dev/null 2>&1 || true; }
    # a distro nsd that did start: its pid from the distro pidfile, and only if it runs in
    # this (the host's) network namespace - never a lab's nsd
    local p; p=$(read_pid /run/nsd/nsd.pid)
    if pid_alive "$p" && [[ $(cat "/proc/$p/comm" 2>/dev/null) == nsd &&
        $(readlink "/proc/$p/ns/net" 2>/dev/null) == "$(readlink /proc/self/ns/net)" ]]; then
        kill -TERM "$p" 2>/dev/null || true
    fi
    return 0
}

# have_libpcap: libpcap is at one of the paths synack's PcapLibrary looks at (keep the two lists
# alike). Debian's libpcap0.8 ships only the versioned libpcap.so.0.8.
PCAP_CANDIDATES=(/usr/lib/x86_64-linux-gnu/libpcap.so.0.8 /usr/lib/aarch64-linux-gnu/libpcap.so.0.8
    /usr/lib/x86_64-linux-gnu/libpcap.so.1 /usr/lib64/libpcap.so.1 /usr/lib/libpcap.so.1
    /usr/lib/x86_64-linux-gnu/libpcap.so /usr/lib/libpcap.so)
have_libpcap() {
    local f
    for f in "${PCAP_CANDIDATES[@]}"; do [[ -r $f ]] && return 0; done
    return 1
}

ensure_tools() {
    have ip || have apt-get || die 3 "ip (iproute2) not found and apt-get not available"
    local missing=()
    # synack itself needs libpcap; the lab is where a fresh machine (Java and Maven only) gets it
    have_libpcap || missing+=(libpcap0.8)
    have ip || missing+=(iproute2)
    have nginx || missing+=(nginx-light)
    have dnsmasq || missing+=(dnsmasq-base)
    have iptables && have ip6tables || missing+=(iptables)
    have radvd || missing+=(radvd)       # the router's advertisements on the client LAN
    have ndisc6 || missing+=(ndisc6)     # ndisc6, rdisc6: the lab's IPv6 oracles
    local had_nsd=1
    have nsd || { missing+=(nsd); had_nsd=0; }
    have openssl || missing+=(openssl)   # the lab's CA and certificates, made at every up
    if ((${#missing[@]})); then
        have apt-get || die 3 "missing packages (${missing[*]}) and apt-get not available"
        # only what is missing: naming an installed package to apt-get install would upgrade it
        # (and an upgrade can fail on a half-updated mirror where a partial install does not)
        local pkgs=("${missing[@]}")
        log "installing ${pkgs[*]} (missing: ${missing[*]})"
        if ! no_service_start apt_install "${pkgs[@]}"; then
            DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q >&2 || true
            no_service_start apt_install "${pkgs[@]}" || die 3 "cannot install ${pkgs[*]}"
        fi
        ((had_nsd)) || disable_distro_nsd
        local t
        for t in ip nginx dnsmasq iptables ip6tables radvd ndisc6 nsd openssl; do
            have "$t" || die 3 "'$t' still missing after install"
        done
        have_libpcap || die 3 "libpcap still missing after installing libpcap0.8 (looked at ${PCAP_CANDIDATES[*]})"
    fi
    # ethtool is needed to build the lab with SYNACK_LAB_OFFLOADS=off or SYNACK_LAB_GRO=on
    if [[ $OFFLOADS_MODE == off || $GRO_MODE == on ]] && ! have ethtool; then
        have apt-get || die 3 "SYNACK_LAB_OFFLOADS=off / SYNACK_LAB_GRO=on need ethtool, and apt-get is not available"
        log "installing ethtool (SYNACK_LAB_OFFLOADS=$OFFLOADS_MODE SYNACK_LAB_GRO=$GRO_MODE)"
        apt_install ethtool || { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 update -q >&2 || true
            apt_install ethtool; } || die 3 "cannot install ethtool"
    fi
    # Nice-to-have: ping for health checks, ethtool to read (and turn off) veth offloads.
    # Best effort, tried once per boot.
    local extra=()
    have ping || extra+=(iputils-ping)
    have ethtool || extra+=(ethtool)
    if ((${#extra[@]})) && have apt-get && [[ ! -e $RUN_DIR/.extras-tried ]]; then
        : >"$RUN_DIR/.extras-tried"
        log "installing optional ${extra[*]} (best effort)"
        apt_install "${extra[@]}" || log "could not install ${extra[*]} (continuing)"
    fi
    return 0
}

# ---------------------------------------------------------------- health

# check_* ID: quiet checks used by up (wait) and status.
check_ping() {
    local c; c=$(ns_of "$1" client)
    if have ping; then
        nsx "$c" ping -c1 -W1 -q "$SERVER_IP" >/dev/null 2>&1
    else   # no ping: a TCP connect to the server proves routing just as well
        nsx "$c" timeout 2 bash -c "exec 3<>/dev/tcp/$SERVER_IP/80" >/dev/null 2>&1
    fi
}
check_http() {
    local c; c=$(ns_of "$1" client)
    if have curl; then
        [[ $(nsx "$c" curl -s -o /dev/null -m 2 -w '%{http_code}' "http://$SERVER_IP/" 2>/dev/null) == 200 ]]
    else
        nsx "$c" timeout 2 bash -c "exec 3<>/dev/tcp/$SERVER_IP/80" >/dev/null 2>&1
    fi
}
check_dns() {
    local c; c=$(ns_of "$1" client)
    have dig || return 0
    [[ $(nsx "$c" dig +short +time=1 +tries=1 "@$SERVER_IP" "$WEB_NAME" A 2>/dev/null) == "$SERVER_IP" ]]
}
nginx_alive() { pid_alive "$(read_pid "$LABS_DIR/$1/nginx.pid")"; }
radvd_alive() { pid_alive "$(read_pid "$LABS_DIR/$1/radvd/radvd.pid")"; }

# IPv6. ra_default NS: the namespace's IPv6 default route if it was learned from a router
# advertisement ("proto ra"), as "fe80::... dev IF"
ra_default() {
    ip -n "$1" -6 route show default proto ra 2>/dev/null |
        awk '$1 == "default" && $2 == "via" { for (i = 3; i < NF; i++) if ($i == "dev") { print $3 " dev " $(i + 1); exit } }'
}
# gateway_ll6 ID: the router's link-local address on br0 (the client LAN), where the RA comes from
gateway_ll6() {
    ip -n "$(ns_of "$1" router)" -6 -o addr show dev br0 scope link 2>/dev/null | awk '{ sub(/\/.*/, "", $4); print $4; exit }'
}
# check_ra ID: the client and the peer route IPv6 by default via the router's link-local address on br0, learned from its RA
check_ra() {
    local ll; ll=$(gateway_ll6 "$1")
    [[ -n $ll ]] && [[ $(ra_default "$(ns_of "$1" client)") == "$ll dev c0" ]] &&
        [[ $(ra_default "$(ns_of "$1" peer)") == "$ll dev p0" ]]
}
check_ping6() {
    local c; c=$(ns_of "$1" client)
    if have ping; then
        nsx "$c" ping -6 -c1 -W1 -q "$SERVER_IP6" >/dev/null 2>&1
    else
        nsx "$c" timeout 2 bash -c "exec 3<>/dev/tcp/$SERVER_IP6/80" >/dev/null 2>&1
    fi
}
# check_ipv6_services ID: prints the first IPv6 service that does not answer the client yet, or nothing:
# the server's nginx (http, https :443 :8443 :8444), dnsmasq, the three nsd, the client's own nginx, the edge's
check_ipv6_services() {
    local id=$1 c r; c=$(ns_of "$1" client)
    http_ok "$c" "http://[$SERVER_IP6]/" || { echo "nginx [$SERVER_IP6]:80"; return 0; }
    https_ok "$id" 443 "$SERVER_IP6" && https_ok "$id" 8443 "$SERVER_IP6" && https_ok "$id" 8444 "$SERVER_IP6" ||
        { echo "nginx https [$SERVER_IP6] :443 :8443 :8444"; return 0; }
    if have dig; then
        [[ $(nsx "$c" dig -6 +short +time=1 +tries=1 "@$SERVER_IP6" "$WEB_NAME" AAAA 2>/dev/null) == "$SERVER_IP6" ]] ||
            { echo "dnsmasq $SERVER_IP6"; return 0; }
        for r in "${DNS_ROLES[@]}"; do check_nsd "$id" "$r" 6 || { echo "nsd $r $(dns_ip6_of "$r")"; return 0; }; done
    fi
    http_ok "$c" "http://[$LOOPBACK_IP6]/hello.txt" && http_ok "$c" "http://[$CLIENT_IP6]/hello.txt" ||
        { echo "client nginx [$LOOPBACK_IP6]:80 [$CLIENT_IP6]:80"; return 0; }
    http_ok "$c" "http://[$EDGE_IP6]/hello.txt" || echo "edge nginx [$EDGE_IP6]:80"
    return 0
}
# check_ipv6 ID: IPv6 is healthy: no address in DAD, radvd runs, the client's RA default route,
# ping and every service over IPv6
check_ipv6() {
    [[ -z $(tentative_addr "$1") ]] && radvd_alive "$1" && check_ra "$1" && check_ping6 "$1" &&
        [[ -z $(check_ipv6_services "$1") ]]
}
# the client's own nginx (loopback and own address) and the edge's nginx
nginx2_alive() { pid_alive "$(read_pid "$LABS_DIR/$1/nginx-$2/nginx.pid")"; }
# http_ok NS URL: a GET of URL from namespace NS answers 200 (curl), or at least connects
http_ok() {
    if have curl; then
        [[ $(nsx "$1" curl -s -o /dev/null -m 2 -w '%{http_code}' "$2" 2>/dev/null) == 200 ]]
    else
        local hp=${2#http://}; hp=${hp%%/*}
        [[ $hp == \[* ]] && hp=${hp#\[} && hp=${hp%%\]*}     # [v6]
        nsx "$1" timeout 2 bash -c "exec 3<>/dev/tcp/$hp/80" >/dev/null 2>&1
    fi
}
check_client_nginx() {
    local c; c=$(ns_of "$1" client)
    nginx2_alive "$1" client && http_ok "$c" "http://$LOOPBACK_IP/hello.txt" && http_ok "$c" "http://$CLIENT_IP/hello.txt"
}
# the edge's nginx, asked from the client across the router and the MTU-1280 link
check_edge() {
    nginx2_alive "$1" edge && http_ok "$(ns_of "$1" client)" "http://$EDGE_IP/hello.txt"
}
# check_https ID: the server's TLS listeners answer the client with the good certificate, verified
# against the lab's CA: https://www.synack.test/ on :443, :8443 (1.3 only) and :8444 (1.2 only).
# Without curl: a verified handshake with openssl s_client.
https_ok() {   # https_ok ID PORT [ADDRESS]: at the server's IPv4 address, or the one given
    local c ca=$LABS_DIR/$1/tls/ca.pem ip=${3:-$SERVER_IP} hp; c=$(ns_of "$1" client)
    hp=$ip; [[ $ip == *:* ]] && hp="[$ip]"
    if have curl; then
        [[ $(nsx "$c" curl -s -o /dev/null -m 2 -w '%{http_code}' --cacert "$ca" \
            --resolve "$WEB_NAME:$2:$hp" "https://$WEB_NAME:$2/hello.txt" 2>/dev/null) == 200 ]]
    else
        nsx "$c" timeout 2 openssl s_client -connect "$hp:$2" -servername "$WEB_NAME" -CAfile "$ca" \
            -verify_return_error -verify_hostname "$WEB_NAME" </dev/null >/dev/null 2>&1
    fi
}
check_https() { https_ok "$1" 443 && https_ok "$1" 8443 && https_ok "$1" 8444; }
dnsmasq_alive() { pid_alive "$(read_pid "$LABS_DIR/$1/dnsmasq.pid")"; }
nsd_alive() { pid_alive "$(read_pid "$LABS_DIR/$1/nsd-$2/nsd.pid")"; }

# check_nsd ID ROLE [6]: the role's nsd answers (asked from the client, without recursion, at its
# IPv4 address, or with 6 its IPv6 address and for the AAAA): root refers www.synack.test to test.,
# tld refers it to synack.test., auth answers it.
check_nsd() {
    local c ip out type=A want=$SERVER_IP; c=$(ns_of "$1" client); ip=$(dns_ip_of "$2")
    [[ ${3:-} == 6 ]] && ip=$(dns_ip6_of "$2") && type=AAAA && want=$SERVER_IP6
    have dig || return 0
    case $2 in
    auth)
        [[ $(nsx "$c" dig +norec +short +time=1 +tries=1 "@$ip" "$WEB_NAME" "$type" 2>/dev/null) == "$want" ]] ;;
    root | tld)
        local zone=test.; [[ $2 == tld ]] && zone=synack.test.
        out=$(nsx "$c" dig +norec +noall +authority +time=1 +tries=1 "@$ip" "$WEB_NAME" "$type" 2>/dev/null) || return 1
        awk -v z="$zone" '$1 == z && $4 == "NS" { f = 1 } END { exit !f }' <<<"$out" ;;
    esac
}
dns_tree_ok() {
    local r
    for r in "${DNS_ROLES[@]}"; do nsd_alive "$1" "$r" && check_nsd "$1" "$r" || return 1; done
}

healthy() {
    local id=$1
    [[ -r $LABS_DIR/$id/env && ! -e $LABS_DIR/$id/builder ]] || return 1
    grep -q '^NS_ROOT=' "$LABS_DIR/$id/env" || return 1      # built before the DNS tree
    grep -q '^NS_EDGE=' "$LABS_DIR/$id/env" || return 1      # built before the edge
    grep -q '^TLS_CA=' "$LABS_DIR/$id/env" || return 1       # built before HTTPS (issue 15)
    grep -q '^CLIENT_IP6=' "$LABS_DIR/$id/env" || return 1   # built before IPv6 (issue 17)
    all_ns_of "$id" || return 1
    nginx_alive "$id" && dnsmasq_alive "$id" || return 1
    check_ping "$id" && check_http "$id" && check_https "$id" && check_dns "$id" && dns_tree_ok "$id" &&
        check_client_nginx "$id" && check_edge "$id" && check_ipv6 "$id"
}

# env_value ID KEY: a value from the lab's env file
env_value() { sed -n "s/^$2=//p" "$LABS_DIR/$1/env" 2>/dev/null | head -n 1; }

# modes_match ID: the lab was built with the offload modes asked for now
modes_match() {
    [[ $(env_value "$1" OFFLOADS) == "$OFFLOADS_MODE" && $(env_value "$1" GRO) == "$GRO_MODE" ]]
}

# client_offloads ID: what the kernel reports for c0 now, e.g. rx:on,tx:on,tso:on,gso:on,gro:off
client_offloads() {
    have ethtool || { printf 'unknown'; return 0; }
    nsx "$(ns_of "$1" client)" ethtool -k c0 2>/dev/null | awk -F': ' '
        $1 == "rx-checksumming" { v["rx"] = $2 } $1 == "tx-checksumming" { v["tx"] = $2 }
        $1 == "tcp-segmentation-offload" { v["tso"] = $2 } $1 == "generic-segmentation-offload" { v["gso"] = $2 }
        $1 == "generic-receive-offload" { v["gro"] = $2 }
        END { n = split("rx tx tso gso gro", k, " "); s = ""
              for (i = 1; i <= n; i++) { x = v[k[i]]; sub(/ .*/, "", x); s = s (i > 1 ? "," : "") k[i] ":" (x == "" ? "?" : x) }
              print s }'
}

# ---------------------------------------------------------------- build

write_env() {
    local id=$1 dir=$LABS_DIR/$1
    cat >"$dir/env.tmp" <<EOF
LAB_ID=$id
NS_CLIENT=$(ns_of "$id" client)
NS_PEER=$(ns_of "$id" peer)
NS_ROUTER=$(ns_of "$id" router)
NS_SERVER=$(ns_of "$id" server)
CLIENT_IF=c0
CLIENT_IP=$CLIENT_IP
PEER_IP=$PEER_IP
GATEWAY_IP=$GATEWAY_IP
ROUTER_SERVER_IP=$ROUTER_SERVER_IP
SERVER_IP=$SERVER_IP
DNS_IP=$SERVER_IP
WEB_NAME=$WEB_NAME
LAB_DIR=$dir
NS_ROOT=$(ns_of "$id" root)
NS_TLD=$(ns_of "$id" tld)
NS_AUTH=$(ns_of "$id" auth)
ROOT_DNS_IP=$ROOT_DNS_IP
TLD_DNS_IP=$TLD_DNS_IP
AUTH_DNS_IP=$AUTH_DNS_IP
ROOT_HINTS=$dir/root.hints
NS_EDGE=$(ns_of "$id" edge)
EDGE_IF=e0
EDGE_IP=$EDGE_IP
ROUTER_EDGE_IP=$ROUTER_EDGE_IP
EDGE_MTU=$EDGE_MTU
EDGE_NAME=$EDGE_NAME
LOOPBACK_IP=$LOOPBACK_IP
NO_HOST_IP=$NO_HOST_IP
TLS_CA=$dir/tls/ca.pem
TLS_DIR=$dir/tls
CLIENT_HOSTS=$NETNS_ETC/$(ns_of "$id" client)/hosts
OFFLOADS=$OFFLOADS_MODE
GRO=$GRO_MODE
CLIENT_OFFLOADS=$(client_offloads "$id")
CLIENT_IP6=$CLIENT_IP6
PEER_IP6=$PEER_IP6
GATEWAY_IP6=$GATEWAY_IP6
GATEWAY_LL6=$(gateway_ll6 "$id")
CLIENT_PREFIX6=$CLIENT_PREFIX6
ROUTER_SERVER_IP6=$ROUTER_SERVER_IP6
SERVER_IP6=$SERVER_IP6
DNS_IP6=$SERVER_IP6
DNS_BRIDGE_IP6=$DNS_BRIDGE_IP6
ROOT_DNS_IP6=$ROOT_DNS_IP6
TLD_DNS_IP6=$TLD_DNS_IP6
AUTH_DNS_IP6=$AUTH_DNS_IP6
ROUTER_EDGE_IP6=$ROUTER_EDGE_IP6
EDGE_IP6=$EDGE_IP6
NO_HOST_IP6=$NO_HOST_IP6
LOOPBACK_IP6=$LOOPBACK_IP6
V6ONLY_NAME=$V6ONLY_NAME
V4ONLY_NAME=$V4ONLY_NAME
RADVD_CONF=$dir/radvd/radvd.conf
EOF
    mv -f "$dir/env.tmp" "$dir/env"
}

# nginx_conf_head STATE_DIR: the start of an nginx.conf, up to its first server block: pid file,
# logs and temp paths under STATE_DIR (temp paths only for the modules this nginx build has)
nginx_conf_head() {
    local d=$1 v m
    v=$(nginx -V 2>&1 || true)
    printf 'daemon on;\nmaster_process on;\nworker_processes 1;\npid %s/nginx.pid;\n' "$d"
    printf 'error_log %s/nginx-error.log warn;\nevents { worker_connections 128; }\nhttp {\n' "$d"
    printf '    access_log %s/nginx-access.log;\n    client_body_temp_path %s/tmp/body;\n' "$d" "$d"
    for m in proxy fastcgi uwsgi scgi; do
        [[ $v == *"--without-http_${m}_module"* ]] || printf '    %s_temp_path %s/tmp/%s;\n' "$m" "$d" "$m"
    done
    printf '    types { text/html html htm; text/plain txt; }\n    default_type application/octet-stream;\n'
    printf '    keepalive_timeout 5;\n'
}

write_server_files() {
    local id=$1 dir=$LABS_DIR/$1
    mkdir -p "$dir/www" "$dir/tmp"
    cat >"$dir/www/index.html" <<EOF
<!DOCTYPE html>
<html><head><title>synack lab</title></head>
<body><h1>synack lab $id</h1>
<p>Served by nginx on $SERVER_IP ($WEB_NAME).</p>
</body></html>
EOF
    printf 'hello from the synack lab\n' >"$dir/www/hello.txt"
    # for http-get: big binary files (byte-exact checks, throughput) and a text that nginx gzips
    # on the fly (so it comes gzip-encoded and chunked)
    head -c 100M /dev/urandom >"$dir/www/big100m.bin"
    head -c 20M "$dir/www/big100m.bin" >"$dir/www/big20m.bin"
    head -c 1M "$dir/www/big100m.bin" >"$dir/www/big1m.bin"
    for i in $(seq 1 2000); do printf 'line %d of a text that compresses well: synack lab\n' "$i"; done >"$dir/www/text.txt"

    if ! write_tls_files "$id"; then
        tail -n 20 "$dir/tls/openssl.log" >&2 2>/dev/null || true
        die 1 "openssl could not make the lab's CA and certificates (see above)"
    fi
    write_site_conf "$id"
    local head tls=$dir/tls
    head=$(nginx_conf_head "$dir")
    cat >"$dir/nginx.conf" <<EOF
# synack lab $id - generated by lab.sh
$head
    server {
        listen $SERVER_IP:80 default_server;
        listen [$SERVER_IP6]:80 default_server;
        server_name $WEB_NAME _;
        include $dir/site.conf;
    }
    # a server that closes first: no keep-alive, so nginx sends its FIN right after the response
    server {
        listen $SERVER_IP:8080;
        listen [$SERVER_IP6]:8080;
        server_name $WEB_NAME _;
        root $dir/www;
        index index.html;
        keepalive_timeout 0;
    }
    # more listeners for syn-probe sweeps, at the edges of the port space and in between
    # (443 is open too: the HTTPS server below)
    server {
        listen $SERVER_IP:1;
        listen [$SERVER_IP6]:1;
        listen $SERVER_IP:31337;
        listen [$SERVER_IP6]:31337;
        listen $SERVER_IP:65535;
        listen [$SERVER_IP6]:65535;
        return 204;
    }

    # HTTPS: :443 offers TLS 1.2 and 1.3 and picks the certificate by SNI (www is the default:
    # no SNI, an IP, or an unknown name get it); every certificate is signed by the lab's CA.
    # nginx before 1.23.4 leaves TLS 1.3 out of its default protocols: name both, for every server.
    ssl_protocols TLSv1.2 TLSv1.3;
    server {
        listen $SERVER_IP:443 ssl default_server;
        listen [$SERVER_IP6]:443 ssl default_server;
        server_name $WEB_NAME web.synack.test alias.synack.test;
        ssl_certificate $tls/www.pem;
        ssl_certificate_key $tls/www.key;
        include $dir/site.conf;
    }
    server {
        listen $SERVER_IP:443 ssl;
        listen [$SERVER_IP6]:443 ssl;
        server_name $EXPIRED_NAME;
        ssl_certificate $tls/expired.pem;      # validity wholly in the past
        ssl_certificate_key $tls/expired.key;
        include $dir/site.conf;
    }
    server {
        listen $SERVER_IP:443 ssl;
        listen [$SERVER_IP6]:443 ssl;
        server_name $WRONG_NAME;
        ssl_certificate $tls/wrong.pem;        # its SAN names only $WRONG_CERT_NAME
        ssl_certificate_key $tls/wrong.key;
        include $dir/site.conf;
    }
    server {
        listen $SERVER_IP:8443 ssl;            # TLS 1.3 only: a 1.2 client gets protocol_version
        listen [$SERVER_IP6]:8443 ssl;
        server_name _;
        ssl_protocols TLSv1.3;
        ssl_certificate $tls/www.pem;
        ssl_certificate_key $tls/www.key;
        include $dir/site.conf;
    }
    server {
        listen $SERVER_IP:8444 ssl;            # TLS 1.2 only: a 1.3 client negotiates 1.2
        listen [$SERVER_IP6]:8444 ssl;
        server_name _;
        ssl_protocols TLSv1.2;
        ssl_certificate $tls/www.pem;
        ssl_certificate_key $tls/www.key;
        include $dir/site.conf;
    }
    server {
        listen $SERVER_IP:8445 ssl;            # every ClientHello gets a fatal unrecognized_name (112)
        listen [$SERVER_IP6]:8445 ssl;
        server_name _;
        ssl_reject_handshake on;
    }
    # the POST echo's other half (see site.conf): on the server's loopback only
    server {
        listen $LOOPBACK_IP:$ECHO_BACKEND_PORT;
        server_name _;
        access_log off;
        return 418;
    }
}
EOF

    # the client's own nginx (loopback and its own address) and the edge's: same files
    write_small_nginx_conf "$id" client "listen $LOOPBACK_IP:80 default_server; listen $CLIENT_IP:80;
        listen [$LOOPBACK_IP6]:80 default_server; listen [$CLIENT_IP6]:80;"
    write_small_nginx_conf "$id" edge "listen $EDGE_IP:80 default_server; listen [$EDGE_IP6]:80 default_server;"

    cat >"$dir/dnsmasq.conf" <<EOF
# synack lab $id - generated by lab.sh
port=53
# answers over UDP up to 4096 bytes when the query's EDNS buffer allows it (dnsmasq's own
# default is 1232): big.synack.test TXT with +bufsize=4096 comes IPv4-fragmented
edns-packet-max=4096
listen-address=$SERVER_IP
listen-address=$SERVER_IP6
bind-interfaces
no-resolv
no-hosts
user=root
group=root
pid-file=$dir/dnsmasq.pid
log-facility=$dir/dnsmasq.log
log-queries
local-ttl=60
local=/synack.test/
local=/18.198.in-addr.arpa/
local=/19.198.in-addr.arpa/
local=/8.b.d.0.1.0.0.2.ip6.arpa/
# every name of a lab host has its A and its AAAA; one name has only an AAAA, two only an A
host-record=$WEB_NAME,$SERVER_IP,$SERVER_IP6
host-record=mail.synack.test,198.18.2.3
host-record=$EDGE_NAME,$EDGE_IP,$EDGE_IP6
host-record=$V6ONLY_NAME,$SERVER_IP6
host-record=$V4ONLY_NAME,$SERVER_IP
# the HTTPS server's other certificates' names; override.synack.test is the edge in the
# client's hosts file, which wins over this answer
host-record=$EXPIRED_NAME,$SERVER_IP,$SERVER_IP6
host-record=$WRONG_NAME,$SERVER_IP,$SERVER_IP6
host-record=$OVERRIDE_NAME,$SERVER_IP,$SERVER_IP6
cname=web.synack.test,www.synack.test
mx-host=synack.test,mail.synack.test,10
txt-record=synack.test,"v=synack lab"
srv-host=_http._tcp.synack.test,www.synack.test,80,0,5
ptr-record=2.2.18.198.in-addr.arpa,www.synack.test
cname=alias.synack.test,web.synack.test
# the DNS tree's name server names: dig +trace looks up each NS name it is referred to
# through the stub resolver (getaddrinfo, i.e. this dnsmasq), not through the glue
host-record=a.root.test,$ROOT_DNS_IP,$ROOT_DNS_IP6
host-record=ns.test,$TLD_DNS_IP,$TLD_DNS_IP6
host-record=ns.synack.test,$AUTH_DNS_IP,$AUTH_DNS_IP6
EOF
    # one txt-record line per string: several TXT records for one name, not one record
    # with several strings. Without EDNS the answer does not fit 512 bytes: dnsmasq sets TC.
    local t
    while read -r t; do printf 'txt-record=big.synack.test,"%s"\n' "$t"; done < <(big_txt_strings) \
        >>"$dir/dnsmasq.conf"
    if dnsmasq_has_caa; then
        printf 'caa-record=synack.test,0,issue,letsencrypt.org\n' >>"$dir/dnsmasq.conf"
    fi
}

# write_tls_files ID: LAB_DIR/tls/ holds a throwaway CA made now (ca.pem, ca.key) and the
# certificates it signs (NAME.pem with NAME.key beside it): www (the good one), expired (validity
# wholly in the past) and wrong (its SAN names another host). ECDSA P-256 keys: quick to make at
# every up. `openssl ca` sets any validity (x509 -req in OpenSSL 3.0 cannot start in the past).
write_tls_files() {
    local id=$1 t=$LABS_DIR/$1/tls
    mkdir -p "$t/issued"
    : >"$t/index.txt"
    printf '1000\n' >"$t/serial"
    cat >"$t/ca.cnf" <<EOF
# synack lab $id - the lab CA's openssl config, generated by lab.sh
[ ca ]
default_ca = lab_ca
[ lab_ca ]
database = $t/index.txt
new_certs_dir = $t/issued
serial = $t/serial
default_md = sha256
policy = lab_policy
unique_subject = no
copy_extensions = none
email_in_dn = no
[ lab_policy ]
commonName = supplied
[ req ]
distinguished_name = req_dn
prompt = no
[ req_dn ]
CN = unused
[ v3_ca ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ v3_leaf ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
subjectAltName = \$ENV::LAB_SAN
EOF
    local now_minus_day in_a_year in_ten_years
    now_minus_day=$(date -u -d '-1 day' +%Y%m%d%H%M%SZ)
    in_a_year=$(date -u -d '+1 year' +%Y%m%d%H%M%SZ)
    in_ten_years=$(date -u -d '+10 years' +%Y%m%d%H%M%SZ)
    local log=$t/openssl.log
    # the CA: self-signed, valid from 2020 (so the expired certificate lies inside its validity)
    tls_key "$t/ca.key" || return 1
    LAB_SAN=unused openssl req -config "$t/ca.cnf" -new -key "$t/ca.key" -subj "/CN=synack lab CA $id" \
        -out "$t/ca.csr" >>"$log" 2>&1 || return 1
    LAB_SAN=unused openssl ca -config "$t/ca.cnf" -batch -notext -selfsign -keyfile "$t/ca.key" -in "$t/ca.csr" \
        -startdate 20200101000000Z -enddate "$in_ten_years" -extensions v3_ca -out "$t/ca.pem" >>"$log" 2>&1 || return 1
    tls_leaf "$t" www "$WEB_NAME" "DNS:$WEB_NAME,DNS:web.synack.test,DNS:alias.synack.test,IP:$SERVER_IP" \
        "$now_minus_day" "$in_a_year" || return 1
    tls_leaf "$t" expired "$EXPIRED_NAME" "DNS:$EXPIRED_NAME" 20200101000000Z 20210101000000Z || return 1
    tls_leaf "$t" wrong "$WRONG_CERT_NAME" "DNS:$WRONG_CERT_NAME" "$now_minus_day" "$in_a_year" || return 1
    rm -f "$t"/*.csr
}
tls_key() { openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out "$1" 2>>"${1%/*}/openssl.log" && chmod 600 "$1"; }
# tls_leaf DIR NAME CN SAN START END: DIR/NAME.key and DIR/NAME.pem, signed by DIR's CA
tls_leaf() {
    local t=$1 n=$2 log=$1/openssl.log
    tls_key "$t/$n.key" || return 1
    LAB_SAN=$4 openssl req -config "$t/ca.cnf" -new -key "$t/$n.key" -subj "/CN=$3" -out "$t/$n.csr" >>"$log" 2>&1 || return 1
    LAB_SAN=$4 openssl ca -config "$t/ca.cnf" -batch -notext -cert "$t/ca.pem" -keyfile "$t/ca.key" -in "$t/$n.csr" \
        -startdate "$5" -enddate "$6" -extensions v3_leaf -out "$t/$n.pem" >>"$log" 2>&1
}

# write_site_conf ID: LAB_DIR/site.conf, what the server's www serves on :80 and on every TLS
# server: the files, and the endpoints of issue 15 (cookies, redirects, a POST echo). Static files
# keep nginx's ETag and Last-Modified, so If-None-Match / If-Modified-Since get 304.
write_site_conf() {
    local id=$1 dir=$LABS_DIR/$1
    cat >"$dir/site.conf" <<EOF
# synack lab $id - the www site (included by each server block), generated by lab.sh
root $dir/www;
index index.html;
location = /old { return 301 /; }
location = /text.txt { gzip on; gzip_types text/plain; gzip_min_length 0; }

# cookies: set one, check it, and set one on a redirect to the check
location = /cookie/set {
    default_type text/plain;
    add_header Set-Cookie "lab_session=s3cr3t; Path=/cookie" always;
    return 200 "cookie set\n";
}
location = /cookie/check {
    default_type text/plain;
    if (\$cookie_lab_session = s3cr3t) { return 200 "cookie ok\n"; }
    return 403 "no cookie\n";
}
location = /cookie/redirect {
    absolute_redirect off;
    add_header Set-Cookie "lab_session=s3cr3t; Path=/cookie" always;
    return 302 /cookie/check;
}

# redirects and their method rules: 301/302/303 to a page, 307/308 (which keep the method and
# the body) to the echo. Location stays relative, as written.
location = /r301 { absolute_redirect off; return 301 /hello.txt; }
location = /r302 { absolute_redirect off; return 302 /hello.txt; }
location = /r303 { absolute_redirect off; return 303 /hello.txt; }
location = /r307 { absolute_redirect off; return 307 /echo; }
location = /r308 { absolute_redirect off; return 308 /echo; }

# POST (or PUT) echo, byte for byte, with stock modules: \$request_body is only filled once
# something reads the body, and \`return\` alone never does. proxy_pass does (in memory: one
# buffer of up to 1 MiB, larger bodies get 413), its backend on the loopback answers 418, and
# that error goes to @echo, which returns the body it now has.
location = /echo {
    client_max_body_size 1m;
    client_body_buffer_size 1m;
    client_body_in_single_buffer on;
    proxy_pass http://$LOOPBACK_IP:$ECHO_BACKEND_PORT;
    proxy_intercept_errors on;
    error_page 418 = @echo;
}
location @echo {
    default_type application/octet-stream;
    return 200 \$request_body;
}
EOF
}

# write_small_nginx_conf ID NAME LISTEN: LAB_DIR/nginx-NAME/ holds the config, pid file, logs
# and temp dirs of a second (or third) nginx serving LAB_DIR/www, listening as LISTEN says.
write_small_nginx_conf() {
    local id=$1 name=$2 listen=$3 dir=$LABS_DIR/$1 d=$LABS_DIR/$1/nginx-$2
    mkdir -p "$d/tmp"
    local head
    head=$(nginx_conf_head "$d")
    cat >"$d/nginx.conf" <<EOF
# synack lab $id - nginx in the $name namespace, generated by lab.sh
$head
    server {
        $listen
        server_name _;
        root $dir/www;
        index index.html;
    }
}
EOF
}

# start_nginx ID ROLE CONF ERRLOG: nginx in the role's namespace, or the build fails
start_nginx() {
    local ns; ns=$(ns_of "$1" "$2")
    local eopt=() dir=$LABS_DIR/$1
    [[ $(nginx -h 2>&1 || true) == *"-e filename"* ]] && eopt=(-e "$4")
    if ! daemon_start "$dir/start.log" ip netns exec "$ns" nginx -p "$(dirname "$3")/" -c "$3" "${eopt[@]}"; then
        cat "$dir/start.log" >&2 || true
        die 1 "nginx ($2) failed to start (see $4)"
    fi
}

# --caa-record came with dnsmasq 2.86
dnsmasq_has_caa() { [[ $(dnsmasq --help 2>/dev/null || true) == *--caa-record* ]]; }

# the 30 distinct 40-character strings of big.synack.test TXT
big_txt_strings() {
    local i
    for ((i = 1; i <= 30; i++)); do printf 'synack-lab-big-txt-record-%02d-abcdefghijk\n' "$i"; done
}

# write_dns_tree_files ID: root hints, and for each of root/tld/auth an nsd.conf and a zone
# file in LAB_DIR/nsd-ROLE/ (nothing shared between instances or labs).
write_dns_tree_files() {
    local id=$1 dir=$LABS_DIR/$1 r d zone zfile
    cat >"$dir/root.hints" <<EOF
; synack lab $id - root hints (BIND format), generated by lab.sh
.                        3600000      NS    a.root.test.
a.root.test.             3600000      A     $ROOT_DNS_IP
a.root.test.             3600000      AAAA  $ROOT_DNS_IP6
EOF
    for r in "${DNS_ROLES[@]}"; do
        d=$dir/nsd-$r
        mkdir -p "$d"
        case $r in
        root) zone=. ;;
        tld) zone=test. ;;
        auth) zone=synack.test. ;;
        esac
        zfile=$r.zone
        cat >"$d/nsd.conf" <<EOF
# synack lab $id - nsd for the $r zone "$zone", generated by lab.sh
server:
    ip-address: $(dns_ip_of "$r")
    ip-address: $(dns_ip6_of "$r")
    port: 53
    do-ip4: yes
    do-ip6: yes
    username: ""
    chroot: ""
    database: ""
    zonesdir: "$d"
    zonelistfile: "$d/zone.list"
    xfrdfile: "$d/xfrd.state"
    xfrdir: "$d"
    pidfile: "$d/nsd.pid"
    logfile: "$d/nsd.log"
    verbosity: 1
    server-count: 1
    hide-version: no
    identity: "synack-lab-$id-$r"
remote-control:
    control-enable: no
zone:
    name: "$zone"
    zonefile: "$d/$zfile"
EOF
        if [[ $r == auth ]]; then
            # the auth server also serves outside.test., delegated without glue (see the tld zone)
            printf 'zone:\n    name: "outside.test."\n    zonefile: "%s/outside.zone"\n' "$d" >>"$d/nsd.conf"
            cat >"$d/outside.zone" <<EOF
; synack lab $id - zone "outside.test.", generated by lab.sh
\$TTL 60
\$ORIGIN outside.test.
@                   SOA   ns.elsewhere.synack.test. hostmaster.outside.test. 1 3600 600 86400 60
@                   NS    ns.elsewhere.synack.test.
www                 A     $SERVER_IP
www                 AAAA  $SERVER_IP6
EOF
        fi
        {
            printf '; synack lab %s - zone "%s", generated by lab.sh\n$TTL 60\n' "$id" "$zone"
            case $r in
            root)
                cat <<EOF
\$ORIGIN .
.                   SOA   a.root.test. hostmaster.root.test. 1 3600 600 86400 60
.                   NS    a.root.test.
a.root.test.        A     $ROOT_DNS_IP
a.root.test.        AAAA  $ROOT_DNS_IP6
; delegation of test. (glue of both families)
test.               NS    ns.test.
ns.test.            A     $TLD_DNS_IP
ns.test.            AAAA  $TLD_DNS_IP6
EOF
                ;;
            tld)
                cat <<EOF
\$ORIGIN test.
@                   SOA   ns.test. hostmaster.test. 1 3600 600 86400 60
@                   NS    ns.test.
ns                  A     $TLD_DNS_IP
ns                  AAAA  $TLD_DNS_IP6
a.root              A     $ROOT_DNS_IP
a.root              AAAA  $ROOT_DNS_IP6
; delegation of synack.test. (glue of both families)
synack              NS    ns.synack.test.
ns.synack           A     $AUTH_DNS_IP
ns.synack           AAAA  $AUTH_DNS_IP6
; delegation of outside.test. to a name server named outside it: no glue, as
; with most real delegations; a resolver must first find that name's address
outside             NS    ns.elsewhere.synack.test.
; delegation of v4ns.test. to a server with an IPv4 address only (no AAAA anywhere): a walk over IPv6 cannot go on
v4ns                NS    v4only.synack.test.
EOF
                ;;
            auth)
                cat <<EOF
\$ORIGIN synack.test.
@                   SOA   ns.synack.test. hostmaster.synack.test. 1 3600 600 86400 60
@                   NS    ns.synack.test.
ns                  A     $AUTH_DNS_IP
ns                  AAAA  $AUTH_DNS_IP6
ns.elsewhere        A     $AUTH_DNS_IP
ns.elsewhere        AAAA  $AUTH_DNS_IP6
www                 A     $SERVER_IP
www                 AAAA  $SERVER_IP6
web                 CNAME www
alias               CNAME web.synack.test.
@                   MX    10 mail
mail                A     198.18.2.3
edge                A     $EDGE_IP
edge                AAAA  $EDGE_IP6
v6only              AAAA  $SERVER_IP6
v4only              A     $SERVER_IP
@                   TXT   "v=synack lab"
_http._tcp          SRV   0 5 80 www
@                   CAA   0 issue "letsencrypt.org"
EOF
                local t
                while read -r t; do printf 'big                 TXT   "%s"\n' "$t"; done < <(big_txt_strings)
                ;;
            esac
        } >"$d/$zfile"
    done
}

# daemon_start LOG CMD...: run CMD (which daemonises) with stdio on LOG and every
# other inherited fd closed, so a caller reading our output to EOF never hangs.
daemon_start() {
    local log=$1; shift
    (
        set +e
        for fd in /proc/$BASHPID/fd/*; do
            fd=${fd##*/}
            if [[ $fd =~ ^[0-9]+$ ]] && ((fd > 2)); then eval "exec $fd>&-" 2>/dev/null; fi
        done
        exec "$@" </dev/null >>"$log" 2>&1
    )
}

build_lab() {
    local id=$1 dir=$LABS_DIR/$1
    local C P R S E ns r
    C=$(ns_of "$id" client); P=$(ns_of "$id" peer); R=$(ns_of "$id" router); S=$(ns_of "$id" server)
    E=$(ns_of "$id" edge)
    local DNS_NS=()
    for r in "${DNS_ROLES[@]}"; do DNS_NS+=("$(ns_of "$id" "$r")"); done

    [[ -d /proc/sys/net/ipv6 ]] || die 3 "this kernel has no IPv6 (booted with ipv6.disable=1?): the lab is dual-stack"
    for ns in "$C" "$P" "$R" "$S" "${DNS_NS[@]}" "$E"; do
        ns_exists "$ns" && die 1 "namespace $ns already exists"
        ip netns add "$ns"
        CREATED_NS+=("$ns")
        # IPv6 on, the kernel's default (a host whose own setting new namespaces inherit,
        # net.core.devconf_inherit_init_net, could have it off)
        if [[ $(nsx "$ns" cat /proc/sys/net/ipv6/conf/default/disable_ipv6) != 0 ]]; then
            nssysctl "$ns" net.ipv6.conf.all.disable_ipv6 0
            nssysctl "$ns" net.ipv6.conf.default.disable_ipv6 0
        fi
        ip -n "$ns" link set lo up
    done

    # router: bridge for the lan, veths created inside namespaces only
    ip -n "$R" link add br0 type bridge stp_state 0 forward_delay 0
    ip -n "$R" link add rc0 type veth peer name c0 netns "$C"
    ip -n "$R" link add rp0 type veth peer name p0 netns "$P"
    ip -n "$R" link add r1 type veth peer name s0 netns "$S"
    ip -n "$R" link set rc0 master br0
    ip -n "$R" link set rp0 master br0
    ip -n "$R" addr add "$GATEWAY_IP/24" dev br0
    ip -n "$R" addr add "$ROUTER_SERVER_IP/24" dev r1
    ip -n "$C" addr add "$CLIENT_IP/24" dev c0
    ip -n "$P" addr add "$PEER_IP/24" dev p0
    ip -n "$S" addr add "$SERVER_IP/24" dev s0
    # IPv6: static addresses (SLAAC is off in the router's advertisements, see start_radvd)
    ip -n "$R" addr add "$GATEWAY_IP6/64" dev br0
    ip -n "$R" addr add "$ROUTER_SERVER_IP6/64" dev r1
    ip -n "$C" addr add "$CLIENT_IP6/64" dev c0
    ip -n "$P" addr add "$PEER_IP6/64" dev p0
    ip -n "$S" addr add "$SERVER_IP6/64" dev s0

    # router: second bridge for the DNS tree; each nsd namespace has its n0 on it
    ip -n "$R" link add br1 type bridge stp_state 0 forward_delay 0
    ip -n "$R" addr add "$DNS_BRIDGE_IP/24" dev br1
    ip -n "$R" addr add "$DNS_BRIDGE_IP6/64" dev br1
    for r in "${DNS_ROLES[@]}"; do
        ns=$(ns_of "$id" "$r")
        ip -n "$R" link add "r$r" type veth peer name n0 netns "$ns"
        ip -n "$R" link set "r$r" master br1
        ip -n "$ns" addr add "$(dns_ip_of "$r")/24" dev n0
        ip -n "$ns" addr add "$(dns_ip6_of "$r")/64" dev n0
    done

    # router: a routed link with MTU 1280 at both ends to the edge (a tunnel's or an IPv6-minimum
    # path's MTU): the router answers a DF packet too big for it with ICMP fragmentation needed,
    # and an IPv6 packet too big for it (IPv6 routers never fragment) with ICMPv6 Packet Too Big
    ip -n "$R" link add re0 mtu "$EDGE_MTU" type veth peer name e0 mtu "$EDGE_MTU" netns "$E"
    ip -n "$R" addr add "$ROUTER_EDGE_IP/24" dev re0
    ip -n "$E" addr add "$EDGE_IP/24" dev e0
    ip -n "$R" addr add "$ROUTER_EDGE_IP6/64" dev re0
    ip -n "$E" addr add "$EDGE_IP6/64" dev e0

    # Offloads stay as the kernel sets them (checksum offload, TSO/GSO on; GRO as the driver
    # leaves it): that is the network users have. SYNACK_LAB_OFFLOADS=off turns them off on every
    # veth, the other way CI runs the lab tests; SYNACK_LAB_GRO=on turns GRO on for the client.
    if [[ $OFFLOADS_MODE == off ]]; then
        have ethtool || die 3 "SYNACK_LAB_OFFLOADS=off needs ethtool (apt-get install ethtool)"
        local pair
        local pairs=("$R rc0" "$R rp0" "$R r1" "$R br0" "$R br1" "$C c0" "$P p0" "$S s0" "$R re0" "$E e0")
        for r in "${DNS_ROLES[@]}"; do pairs+=("$R r$r" "$(ns_of "$id" "$r") n0"); done
        for pair in "${pairs[@]}"; do
            set -- $pair
            nsx "$1" ethtool -K "$2" tx off tso off gso off gro off >/dev/null 2>&1 || true
        done
    fi
    if [[ $GRO_MODE == on ]]; then
        have ethtool || die 3 "SYNACK_LAB_GRO=on needs ethtool (apt-get install ethtool)"
        nsx "$C" ethtool -K c0 gro on >/dev/null
    fi

    ip -n "$R" link set br0 up
    ip -n "$R" link set rc0 up
    ip -n "$R" link set rp0 up
    ip -n "$R" link set r1 up
    ip -n "$C" link set c0 up
    ip -n "$P" link set p0 up
    ip -n "$S" link set s0 up
    ip -n "$R" link set br1 up
    for r in "${DNS_ROLES[@]}"; do
        ip -n "$R" link set "r$r" up
        ip -n "$(ns_of "$id" "$r")" link set n0 up
    done
    ip -n "$R" link set re0 up
    ip -n "$E" link set e0 up

    ip -n "$C" route add default via "$GATEWAY_IP"
    ip -n "$P" route add default via "$GATEWAY_IP"
    ip -n "$S" route add default via "$ROUTER_SERVER_IP"
    for ns in "${DNS_NS[@]}"; do ip -n "$ns" route add default via "$DNS_BRIDGE_IP"; done
    ip -n "$E" route add default via "$ROUTER_EDGE_IP"
    # Toward the client's LAN the edge advertises MSS 1460, as a server does whose own link is
    # 1500 behind a tunnel of 1280: the client's full-size segments then meet the 1280 hop at the
    # router, which answers with ICMP fragmentation needed (mtu 1280) — path MTU discovery's case.
    ip -n "$E" route add 198.18.1.0/24 via "$ROUTER_EDGE_IP" advmss 1460
    nssysctl "$R" net.ipv4.ip_forward 1

    # IPv6: the router forwards (and so ignores advertisements itself); the client and peer get their
    # default route from radvd's advertisements on br0 (the kernel's accept_ra=1 on a host), the
    # others a static one via their router address. The edge's IPv6 MSS toward the client's LAN is
    # 1440 (1500 - 40 - 20) for the same reason as the IPv4 one: the router then answers the client's
    # full-size segments with Packet Too Big (mtu 1280).
    nssysctl "$R" net.ipv6.conf.all.forwarding 1
    ip -n "$S" -6 route add default via "$ROUTER_SERVER_IP6"
    for ns in "${DNS_NS[@]}"; do ip -n "$ns" -6 route add default via "$DNS_BRIDGE_IP6"; done
    ip -n "$E" -6 route add default via "$ROUTER_EDGE_IP6"
    ip -n "$E" -6 route add "$CLIENT_PREFIX6" via "$ROUTER_EDGE_IP6" advmss 1440

    # the client's resolver: `ip netns exec NS` bind-mounts /etc/netns/NS/resolv.conf over
    # /etc/resolv.conf (only for processes it starts; /etc/resolv.conf itself is untouched)
    mkdir -p "$NETNS_ETC/$C"
    printf '# synack lab %s - generated by lab.sh\nnameserver %s\nsearch synack.test\n' "$id" "$SERVER_IP" \
        >"$NETNS_ETC/$C/resolv.conf"
    # ... and its hosts file, bind-mounted over /etc/hosts the same way: the lookup order's step
    # before DNS (nsswitch.conf's "files dns"). One name DNS does not have, one it answers otherwise.
    printf '# synack lab %s - generated by lab.sh\n127.0.0.1 localhost\n%s %s\n%s %s\n' "$id" \
        "$SERVER_IP" "$HOSTS_NAME" "$EDGE_IP" "$OVERRIDE_NAME" >"$NETNS_ETC/$C/hosts"

    # the server's port zoo for syn-probe: 80 and 8080 open (nginx), 81 closed (nothing
    # listens: the kernel answers RST), 82 filtered by silence, 83 filtered with ICMP
    # administratively prohibited, 84 rejected with ICMP port unreachable
    nsx "$S" iptables -w -A INPUT -p tcp --dport 82 -j DROP
    nsx "$S" iptables -w -A INPUT -p tcp --dport 83 -j REJECT --reject-with icmp-admin-prohibited
    nsx "$S" iptables -w -A INPUT -p tcp --dport 84 -j REJECT --reject-with icmp-port-unreachable
    # UDP 5354 is dropped, so a DNS question there meets silence (UDP 5353, where nothing
    # listens, draws the kernel's port unreachable instead)
    nsx "$S" iptables -w -A INPUT -p udp --dport 5354 -j DROP
    # ... and the same over IPv6 (ICMPv6 destination unreachable: code 1 administratively
    # prohibited, code 4 port unreachable)
    nsx "$S" ip6tables -w -A INPUT -p tcp --dport 82 -j DROP
    nsx "$S" ip6tables -w -A INPUT -p tcp --dport 83 -j REJECT --reject-with icmp6-adm-prohibited
    nsx "$S" ip6tables -w -A INPUT -p tcp --dport 84 -j REJECT --reject-with icmp6-port-unreachable
    nsx "$S" ip6tables -w -A INPUT -p udp --dport 5354 -j DROP

    # services on the server; the client's own nginx (lo and c0) and the edge's
    write_server_files "$id"
    # they bind to their IPv6 addresses, which they can only once duplicate address detection has
    # passed; from here on the one wait budget (LAB_WAIT_SECS) covers DAD, the router's
    # advertisement and every service answering
    READY_DEADLINE=$((SECONDS + WAIT_SECS))
    wait_dad "$id"
    write_radvd_conf "$id"
    start_radvd "$id"
    start_nginx "$id" server "$dir/nginx.conf" "$dir/nginx-error.log"
    start_nginx "$id" client "$dir/nginx-client/nginx.conf" "$dir/nginx-client/nginx-error.log"
    start_nginx "$id" edge "$dir/nginx-edge/nginx.conf" "$dir/nginx-edge/nginx-error.log"
    if ! daemon_start "$dir/start.log" ip netns exec "$S" \
        dnsmasq --conf-file="$dir/dnsmasq.conf"; then
        cat "$dir/start.log" >&2 || true
        die 1 "dnsmasq failed to start (see $dir/dnsmasq.log)"
    fi

    # the DNS tree: one nsd per namespace, each with its own config, zone and state
    write_dns_tree_files "$id"
    for r in "${DNS_ROLES[@]}"; do
        if ! daemon_start "$dir/start.log" ip netns exec "$(ns_of "$id" "$r")" \
            nsd -c "$dir/nsd-$r/nsd.conf"; then
            cat "$dir/start.log" >&2 || true
            die 1 "nsd ($r) failed to start (see $dir/nsd-$r/nsd.log)"
        fi
    done
}

# write_radvd_conf ID: LAB_DIR/radvd/radvd.conf, the router's advertisements on br0 (the client LAN):
# the client's /64 on-link, no SLAAC (the client and the peer keep their static addresses, so a
# test knows its source address), the router as default router (lifetime 1800 s), and the server
# as recursive DNS server (RDNSS; nothing in the lab reads it: the client's resolv.conf stays)
write_radvd_conf() {
    local id=$1 d=$LABS_DIR/$1/radvd
    mkdir -p "$d"
    cat >"$d/radvd.conf" <<EOF
# synack lab $id - radvd in the router, on br0 only, generated by lab.sh
interface br0 {
    AdvSendAdvert on;
    MaxRtrAdvInterval 600;
    AdvDefaultLifetime 1800;
    prefix $CLIENT_PREFIX6 {
        AdvOnLink on;
        AdvAutonomous off;
    };
    RDNSS $SERVER_IP6 {
    };
};
EOF
}

# start_radvd ID: radvd in the router (it daemonises; pid file and log in LAB_DIR/radvd/)
start_radvd() {
    local id=$1 dir=$LABS_DIR/$1 d=$LABS_DIR/$1/radvd
    if ! daemon_start "$dir/start.log" ip netns exec "$(ns_of "$id" router)" \
        radvd -C "$d/radvd.conf" -p "$d/radvd.pid" -m logfile -l "$d/radvd.log"; then
        cat "$dir/start.log" >&2 || true
        die 1 "radvd failed to start (see $d/radvd.log)"
    fi
}

# tentative_addr ID: prints "NS IF ADDR STATE" of the first IPv6 address in the lab still in
# duplicate address detection (tentative) or found a duplicate (dadfailed), or nothing
tentative_addr() {
    local r ns
    for r in $(roles_of "$1"); do
        ns=$(ns_of "$1" "$r")
        ip -n "$ns" -6 -o addr show tentative 2>/dev/null | awk -v ns="$ns" '
            { s = ($0 ~ /dadfailed/) ? "dadfailed" : "tentative"; sub(/\/.*/, "", $4); print ns, $2, $4, s; f = 1; exit }
            END { exit !f }' && return 0
    done
    return 0
}

# wait_dad ID: until every IPv6 address in the lab has passed DAD (within READY_DEADLINE)
wait_dad() {
    local t
    while :; do
        t=$(tentative_addr "$1")
        [[ -n $t ]] || return 0
        [[ $t != *dadfailed ]] || die 1 "lab $1: IPv6 duplicate address detection failed: $t"
        ((SECONDS <= READY_DEADLINE)) || die 1 "lab $1 not ready after ${WAIT_SECS}s (failed: IPv6 duplicate address detection: $t)"
        sleep 0.1
    done
}

# start cold: no ARP entries in any of the lab's namespaces
flush_neigh() {
    local r
    for r in "${ROLES[@]}"; do ip -n "$(ns_of "$1" "$r")" neigh flush all 2>/dev/null || true; done
}

# ready_step ID: prints the first thing that does not answer yet, or nothing once all do
ready_step() {
    local id=$1 r
    check_ping "$id" || { echo "ping $SERVER_IP"; return 0; }
    nginx_alive "$id" && check_http "$id" || { echo "nginx"; return 0; }
    check_https "$id" || { echo "nginx https :443 :8443 :8444 (lab CA)"; return 0; }
    dnsmasq_alive "$id" && check_dns "$id" || { echo "dnsmasq"; return 0; }
    for r in "${DNS_ROLES[@]}"; do
        nsd_alive "$id" "$r" && check_nsd "$id" "$r" || { echo "nsd $r $(dns_ip_of "$r")"; return 0; }
    done
    check_client_nginx "$id" || { echo "client nginx $LOOPBACK_IP:80 $CLIENT_IP:80"; return 0; }
    check_edge "$id" || { echo "edge nginx $EDGE_IP:80"; return 0; }
    radvd_alive "$id" || { echo "radvd (see $LABS_DIR/$id/radvd/radvd.log)"; return 0; }
    check_ra "$id" || { echo "IPv6 default route from the router's advertisement (client, peer)"; return 0; }
    check_ping6 "$id" || { echo "ping -6 $SERVER_IP6"; return 0; }
    check_ipv6_services "$id"
    return 0
}

wait_ready() {
    local id=$1 deadline=${READY_DEADLINE:-$((SECONDS + WAIT_SECS))} what="ping"
    while ((SECONDS <= deadline)); do
        what=$(ready_step "$id")
        [[ -n $what ]] || return 0
        sleep 0.2
    done
    if [[ $what == nsd* ]]; then         # the lab dir goes with the teardown: show the log now
        set -- $what
        tail -n 5 "$LABS_DIR/$id/nsd-$2/nsd.log" >&2 2>/dev/null || true
    fi
    die 1 "lab $id not ready after ${WAIT_SECS}s (failed: $what)"
}

# ---------------------------------------------------------------- commands

BUILD_ID=""
CREATED_NS=()
on_up_exit() {
    local rc=$?
    if [[ -n $BUILD_ID ]]; then
        [[ $rc -ne 0 ]] || rc=1
        log "up failed (exit $rc${FAILED_CMD:+, at: $FAILED_CMD}); tearing down lab $BUILD_ID"
        teardown "$BUILD_ID"
        BUILD_ID=""
    fi
    exit "$rc"
}

cmd_up() {
    local id="" owner=""
    while (($#)); do
        case $1 in
        --id) [[ $# -ge 2 ]] || usage_error "--id needs a value"; id=$2; shift 2 ;;
        --id=*) id=${1#--id=}; shift ;;
        --owner) [[ $# -ge 2 ]] || usage_error "--owner needs a value"; owner=$2; shift 2 ;;
        --owner=*) owner=${1#--owner=}; shift ;;
        *) usage_error "up: unexpected argument '$1'" ;;
        esac
    done
    [[ -z $id ]] || valid_id "$id" || usage_error "bad --id '$id' (1-16 of [A-Za-z0-9_])"
    if [[ -n $owner ]]; then
        [[ $owner =~ ^[0-9]+$ ]] || usage_error "bad --owner '$owner' (a pid)"
        pid_alive "$owner" || die 2 "--owner pid $owner is not alive"
    fi
    [[ $OFFLOADS_MODE == kernel || $OFFLOADS_MODE == off ]] ||
        usage_error "SYNACK_LAB_OFFLOADS must be kernel or off, not '$OFFLOADS_MODE'"
    [[ $GRO_MODE == kernel || $GRO_MODE == on ]] ||
        usage_error "SYNACK_LAB_GRO must be kernel or on, not '$GRO_MODE'"
    need_root
    mkdir -p "$LABS_DIR"
    ensure_tools

    if [[ -z $id ]] && have flock; then
        # serialise "up without --id" so two callers agree on the current lab
        exec 9>"$RUN_DIR/.current.lock"
        flock -w 120 9 || die 1 "timed out waiting for another 'lab.sh up'"
    fi

    reap >/dev/null

    local dir
    if [[ -z $id ]]; then
        local cur; cur=$(current_id)
        if [[ -n $cur ]] && healthy "$cur"; then
            if modes_match "$cur"; then
                flush_neigh "$cur"
                cat "$LABS_DIR/$cur/env"
                return 0
            fi
            log "current lab $cur was built with OFFLOADS=$(env_value "$cur" OFFLOADS) GRO=$(env_value "$cur" GRO); removing it for one with OFFLOADS=$OFFLOADS_MODE GRO=$GRO_MODE"
            teardown "$cur"
        fi
        local i
        for ((i = 0; i < 50; i++)); do
            id=$(od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
            any_ns_of "$id" && continue
            mkdir "$LABS_DIR/$id" 2>/dev/null && break
            id=""
        done
        [[ -n $id ]] || die 1 "could not allocate a unique lab id"
    else
        if [[ -d $LABS_DIR/$id ]] || any_ns_of "$id"; then
            if healthy "$id" && modes_match "$id"; then
                flush_neigh "$id"
                cat "$LABS_DIR/$id/env"
                return 0
            fi
            local b; b=$(read_pid "$LABS_DIR/$id/builder")
            pid_alive "$b" && die 1 "lab $id is being built by pid $b"
            if healthy "$id"; then
                log "lab $id was built with OFFLOADS=$(env_value "$id" OFFLOADS) GRO=$(env_value "$id" GRO); rebuilding with OFFLOADS=$OFFLOADS_MODE GRO=$GRO_MODE"
            else
                log "lab $id exists but is not healthy; rebuilding"
            fi
            teardown "$id"
        fi
        mkdir "$LABS_DIR/$id" 2>/dev/null || die 1 "lab $id is being created by another run"
    fi
    dir=$LABS_DIR/$id

    # From here on, failure tears the lab down.
    BUILD_ID=$id
    trap on_up_exit EXIT
    trap 'exit 130' INT
    trap 'exit 143' TERM
    trap 'FAILED_CMD=$BASH_COMMAND' ERR
    printf '%s\n' "$$" >"$dir/.builder.tmp" && mv -f "$dir/.builder.tmp" "$dir/builder"
    [[ -z $owner ]] || printf '%s\n' "$owner" >"$dir/owner"

    build_lab "$id"
    wait_ready "$id"
    write_env "$id"

    flush_neigh "$id"

    rm -f "$dir/builder"
    BUILD_ID=""
    trap - EXIT INT TERM ERR
    if [[ -n ${UP_NO_ID:-} ]]; then
        printf '%s\n' "$id" >"$CURRENT_FILE.tmp.$$" && mv -f "$CURRENT_FILE.tmp.$$" "$CURRENT_FILE"
    fi
    log "lab $id is up"
    cat "$dir/env"
}

parse_id_only() {   # sets ID from --id; rejects anything else
    ID=""
    while (($#)); do
        case $1 in
        --id) [[ $# -ge 2 ]] || usage_error "--id needs a value"; ID=$2; shift 2 ;;
        --id=*) ID=${1#--id=}; shift ;;
        *) usage_error "$CMD: unexpected argument '$1'" ;;
        esac
    done
    [[ -z $ID ]] || valid_id "$ID" || usage_error "bad --id '$ID'"
}

cmd_down() {
    parse_id_only "$@"
    need_root
    have ip || die 3 "ip (iproute2) not found"
    local id=$ID
    if [[ -z $id ]]; then
        id=$(current_id)
        if [[ -z $id ]]; then log "no current lab; nothing to do"; return 0; fi
    fi
    teardown "$id"
    log "lab $id is down"
}

cmd_env() {
    parse_id_only "$@"
    local id; id=$(resolve_id "$ID")
    [[ -r $LABS_DIR/$id/env ]] && all_ns_of "$id" || die 1 "no such lab: $id"
    cat "$LABS_DIR/$id/env"
}

cmd_status() {
    parse_id_only "$@"
    need_root
    local id; id=$(resolve_id "$ID")
    local dir=$LABS_DIR/$id ok=1 r ns p
    echo "lab $id  (dir $dir$([[ -d $dir ]] || echo ', MISSING'))"
    [[ -r $dir/env ]] || ok=0
    if [[ -e $dir/builder ]]; then
        p=$(read_pid "$dir/builder")
        if pid_alive "$p"; then echo "  still being built by pid $p"
        else echo "  build by pid $p crashed (lab.sh reap removes it)"; fi
        ok=0
    fi
    if [[ -e $dir/owner ]]; then
        p=$(read_pid "$dir/owner")
        echo "  owner pid $p $(pid_alive "$p" && echo alive || echo DEAD)"
    fi
    for r in $(roles_of "$id"); do
        ns=$(ns_of "$id" "$r")
        if ns_exists "$ns"; then
            local addrs rt
            addrs=$(ip -n "$ns" -4 -o addr show scope global 2>/dev/null | awk '{printf "%s %s  ", $2, $4}')
            rt=$(ip -n "$ns" route show default 2>/dev/null | awk '{print "default via " $3; exit}')
            printf '  %-7s %-18s %s%s\n' "$r" "$ns" "${addrs:-no addresses  }" "${rt:-no default route}"
            addrs=$(ip -n "$ns" -6 -o addr show scope global 2>/dev/null | awk '{printf "%s %s  ", $2, $4}')
            rt=$(ip -n "$ns" -6 route show default 2>/dev/null |
                awk '{ p = ""; for (i = 1; i < NF; i++) if ($i == "proto" && $(i + 1) == "ra") p = " (from RA)"
                       print "default via " $3 p; exit }')
            printf '  %-7s %-18s %s%s\n' "" "" "${addrs:-no IPv6 addresses  }" "${rt:-no IPv6 default route}"
        else
            printf '  %-7s %-18s MISSING\n' "$r" "$ns"; ok=0
        fi
    done
    if all_ns_of "$id"; then
        p=$(read_pid "$dir/nginx.pid")
        if nginx_alive "$id" && check_http "$id"; then
            echo "  nginx   pid $p, http://$SERVER_IP/ answers"
        else echo "  nginx   pid ${p:-?} NOT answering"; ok=0; fi
        if [[ ! -r $dir/tls/ca.pem ]]; then
            echo "  https   MISSING (lab built before HTTPS; rebuild it)"; ok=0
        elif check_https "$id"; then
            echo "  https   https://$WEB_NAME/ on :443, :8443 (TLS 1.3 only), :8444 (TLS 1.2 only) answer, verified with $dir/tls/ca.pem"
        else echo "  https   NOT answering with the lab CA's certificate (see $dir/nginx-error.log)"; ok=0; fi
        p=$(read_pid "$dir/dnsmasq.pid")
        if dnsmasq_alive "$id" && check_dns "$id"; then
            echo "  dnsmasq pid $p, $WEB_NAME @$SERVER_IP answers$(have dig || echo ' (dig missing: pid only)')"
        else echo "  dnsmasq pid ${p:-?} NOT answering"; ok=0; fi
        if check_ping "$id"; then echo "  client -> server $SERVER_IP reachable"
        else echo "  client -> server $SERVER_IP UNREACHABLE"; ok=0; fi
        if ! ns_exists "$(ns_of "$id" edge)"; then
            echo "  client nginx / edge MISSING (lab built before them; rebuild it)"; ok=0
        else
            p=$(read_pid "$dir/nginx-client/nginx.pid")
            if check_client_nginx "$id"; then
                echo "  client  nginx pid $p, http://$LOOPBACK_IP/ and http://$CLIENT_IP/ answer in the client"
            else echo "  client  nginx pid ${p:-?} NOT answering (see $dir/nginx-client/nginx-error.log)"; ok=0; fi
            p=$(read_pid "$dir/nginx-edge/nginx.pid")
            local mtu; mtu=$(ip -n "$(ns_of "$id" edge)" -o link show e0 2>/dev/null | sed -n 's/.* mtu \([0-9]*\).*/\1/p')
            if check_edge "$id"; then
                echo "  edge    nginx pid $p, http://$EDGE_IP/ answers the client (e0 mtu ${mtu:-?})"
            else echo "  edge    nginx pid ${p:-?} NOT answering (see $dir/nginx-edge/nginx-error.log)"; ok=0; fi
        fi
        [[ -r $dir/env ]] && echo "  offloads $(env_value "$id" OFFLOADS), gro $(env_value "$id" GRO); c0 now: $(client_offloads "$id")"
        local ip what
        for r in "${DNS_ROLES[@]}"; do
            ip=$(dns_ip_of "$r")
            p=$(read_pid "$dir/nsd-$r/nsd.pid")
            case $r in
            root) what="refers $WEB_NAME to test." ;;
            tld) what="refers $WEB_NAME to synack.test." ;;
            auth) what="answers $WEB_NAME A $SERVER_IP" ;;
            esac
            if ! ns_exists "$(ns_of "$id" "$r")"; then
                printf '  %-7s nsd MISSING (lab built before the DNS tree; rebuild it)\n' "$r"; ok=0
            elif nsd_alive "$id" "$r" && check_nsd "$id" "$r"; then
                printf '  %-7s nsd pid %s, @%s %s%s\n' "$r" "$p" "$ip" "$what" "$(have dig || echo ' (dig missing: pid only)')"
            else
                printf '  %-7s nsd pid %s NOT answering (see %s)\n' "$r" "${p:-?}" "$dir/nsd-$r/nsd.log"; ok=0
            fi
        done
        # IPv6: DAD, the router's advertisements, reachability and every service over IPv6
        local t ll; t=$(tentative_addr "$id"); ll=$(gateway_ll6 "$id")
        if [[ -n $t ]]; then echo "  ipv6    address NOT ready (duplicate address detection: $t)"; ok=0
        else echo "  ipv6    every address has passed duplicate address detection"; fi
        p=$(read_pid "$dir/radvd/radvd.pid")
        if radvd_alive "$id"; then echo "  radvd   pid $p, advertises $CLIENT_PREFIX6 on br0 from ${ll:-?} (log $dir/radvd/radvd.log)"
        else echo "  radvd   pid ${p:-?} NOT running (see $dir/radvd/radvd.log)"; ok=0; fi
        if check_ra "$id"; then echo "  client, peer IPv6 default route via $ll learned from the RA"
        else echo "  client, peer NO IPv6 default route from the RA (client: $(ra_default "$(ns_of "$id" client)"))"; ok=0; fi
        if check_ping6 "$id"; then echo "  client -> server $SERVER_IP6 reachable"
        else echo "  client -> server $SERVER_IP6 UNREACHABLE"; ok=0; fi
        local bad6; bad6=$(check_ipv6_services "$id")
        if [[ -z $bad6 ]]; then
            echo "  ipv6    nginx (http, https), dnsmasq, nsd root/tld/auth, client and edge nginx answer over IPv6"
        else echo "  ipv6    $bad6 NOT answering over IPv6"; ok=0; fi
    else
        ok=0
    fi
    if ((ok)); then echo "  status: up, healthy"; return 0; fi
    echo "  status: NOT healthy"
    return 1
}

cmd_exec() {
    local id="" role="" cmd=()
    while (($#)); do
        case $1 in
        --id) [[ $# -ge 2 ]] || usage_error "--id needs a value"; id=$2; shift 2 ;;
        --id=*) id=${1#--id=}; shift ;;
        client | peer | router | server | root | tld | auth | edge)
            [[ -z $role ]] || break
            role=$1; shift ;;
        --) shift; break ;;
        -*) usage_error "exec: unexpected option '$1'" ;;
        *) break ;;
        esac
    done
    cmd=("$@")
    ((${#cmd[@]})) || usage_error "exec: no command given"
    [[ -z $id ]] || valid_id "$id" || usage_error "bad --id '$id'"
    need_root
    id=$(resolve_id "$id")
    local ns; ns=$(ns_of "$id" "${role:-client}")
    ns_exists "$ns" || die 1 "no such lab namespace: $ns"
    exec ip netns exec "$ns" "${cmd[@]}"
}

cmd_reap() {
    (($# == 0)) || usage_error "reap takes no arguments"
    need_root
    have ip || die 3 "ip (iproute2) not found"
    local out
    out=$(reap)
    if [[ -n $out ]]; then
        printf 'reaped %s\n' $out
    else
        echo "nothing to reap"
    fi
}

# loss PERCENT: random loss in the router, both directions, both families (iptables and ip6tables
# statistic; neighbour discovery is never forwarded, so it is not dropped); 0 removes it
cmd_loss() {
    local pct=""
    while (($#)); do
        case $1 in
        --id) [[ $# -ge 2 ]] || usage_error "--id needs a value"; ID=$2; shift 2 ;;
        *) [[ -z $pct ]] || usage_error "loss takes one PERCENT"; pct=$1; shift ;;
        esac
    done
    [[ $pct =~ ^[0-9]{1,2}$ ]] || usage_error "loss takes a PERCENT from 0 to 99"
    need_root
    ID=$(resolve_id "${ID:-}")
    local R; R=$(ns_of "$ID" router)
    ns_exists "$R" || die 1 "no lab $ID"
    local t
    for t in iptables ip6tables; do
        nsx "$R" "$t" -w -F FORWARD
        if ((pct > 0)); then
            nsx "$R" "$t" -w -A FORWARD -m statistic --mode random --probability "0.$(printf '%02d' "$pct")" \
                -m comment --comment "synack-lab-loss" -j DROP
        fi
    done
    if ((pct > 0)); then
        echo "router drops ${pct}% of forwarded packets"
    else
        echo "router loss off"
    fi
}

# Reordering without sch_netem (not every kernel has it; the lab's does not): the router holds back
# PERCENT of the TCP packets (IPv4 and IPv6) it forwards toward the client in a slow HTB class (2 Mbit/s), so they leave
# after packets that came later — a few milliseconds late, as a second, slower path would deliver them.
# HTB and iptables' CLASSIFY target need no classifier module.
cmd_reorder() {
    local pct=""
    while (($#)); do
        case $1 in
        --id) [[ $# -ge 2 ]] || usage_error "--id needs a value"; ID=$2; shift 2 ;;
        *) [[ -z $pct ]] || usage_error "reorder takes one PERCENT"; pct=$1; shift ;;
        esac
    done
    [[ $pct =~ ^[0-9]{1,2}$ ]] || usage_error "reorder takes a PERCENT from 0 to 99"
    need_root
    ID=$(resolve_id "${ID:-}")
    local R; R=$(ns_of "$ID" router)
    ns_exists "$R" || die 1 "no lab $ID"
    local t
    for t in iptables ip6tables; do nsx "$R" "$t" -w -t mangle -F POSTROUTING; done
    nsx "$R" tc qdisc del dev rc0 root 2>/dev/null || true
    if ((pct > 0)); then
        nsx "$R" tc qdisc add dev rc0 root handle 1: htb default 10
        nsx "$R" tc class add dev rc0 parent 1: classid 1:10 htb rate 10gbit quantum 60000
        nsx "$R" tc class add dev rc0 parent 1: classid 1:20 htb rate 2mbit ceil 2mbit quantum 1514
        for t in iptables ip6tables; do
            nsx "$R" "$t" -w -t mangle -A POSTROUTING -o br0 -p tcp -m statistic --mode random \
                --probability "0.$(printf '%02d' "$pct")" -m comment --comment "synack-lab-reorder" -j CLASSIFY --set-class 1:20
        done
        echo "router holds back ${pct}% of the TCP packets toward the client (reordered)"
    else
        echo "router reordering off"
    fi
}

# ---------------------------------------------------------------- main

(($#)) || usage_error "missing command"
CMD=$1; shift
case $CMD in
up)
    UP_NO_ID=1
    for a in "$@"; do case $a in --id | --id=*) UP_NO_ID="" ;; esac; done
    cmd_up "$@" ;;
down) cmd_down "$@" ;;
status) cmd_status "$@" ;;
env) cmd_env "$@" ;;
exec) cmd_exec "$@" ;;
reap) cmd_reap "$@" ;;
loss) cmd_loss "$@" ;;
reorder) cmd_reorder "$@" ;;
-h | --help | help) printf '%s\n' "$USAGE"; exit 0 ;;
*) usage_error "unknown command '$CMD'" ;;
esac
