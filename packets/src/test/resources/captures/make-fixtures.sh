#!/usr/bin/env bash
# Remakes the capture fixtures of synack.capture's tests with real tools (tcpdump, text2pcap,
# editcap, mergecap), then prints the tshark goldens the tests assert. Needs root (a throwaway
# network namespace "skr-fixtures", deleted at the end). See README.md.
# ONLY=ipv6 remakes the IPv6 fixture (veth6-http-dns.pcap) and its goldens alone, leaving the others as they are.
set -euo pipefail
cd "$(dirname "$0")"
NS=skr-fixtures
NS6C=skr-fix6-client
NS6S=skr-fix6-server
WWW=$(mktemp -d)
cleanup() {
    for ns in "$NS" "$NS6C" "$NS6S"; do
        ip netns pids "$ns" 2>/dev/null | xargs -r kill 2>/dev/null || true
        ip netns del "$ns" 2>/dev/null || true
    done
    rm -rf "$WWW"
}
trap cleanup EXIT
printf 'hello from the fixture server\n' > "$WWW/hello.txt"

# veth6-http-dns.pcap: a veth pair between two namespaces, 2001:db8:77::1 (client) and ::2 (server, python3
# http.server and dnsmasq on its IPv6 address); tcpdump on the client's end around curl -6 (HTTP/1.1 over
# IPv6), dig -6 over UDP (AAAA, then a name dnsmasq does not know: NXDOMAIN) and dig -6 +tcp (DNS over TCP
# over IPv6). Goldens: veth6-http-dns.pcap.explain.tsv, tshark's streams, analysis flags, HTTP and DNS.
ipv6_fixture() {
    local c="ip netns exec $NS6C" s="ip netns exec $NS6S"
    ip netns add "$NS6C"
    ip netns add "$NS6S"
    ip link add v6c netns "$NS6C" type veth peer name v6s netns "$NS6S"
    $c ip link set lo up
    $s ip link set lo up
    $c ip addr add 2001:db8:77::1/64 dev v6c nodad
    $s ip addr add 2001:db8:77::2/64 dev v6s nodad
    $c ip link set v6c up
    $s ip link set v6s up
    $s python3 -m http.server 80 --bind 2001:db8:77::2 --directory "$WWW" >/dev/null 2>&1 &
    $s dnsmasq --keep-in-foreground --no-resolv --no-hosts --bind-interfaces --listen-address=2001:db8:77::2 \
        --except-interface=lo --port=53 --address=/www.fixture.test/2001:db8:77::2 --pid-file= >/dev/null 2>&1 &
    sleep 1
    $c ping -6 -c 1 -W 2 2001:db8:77::2 >/dev/null # the neighbours resolved before the capture: NDP stays out of it
    $c tcpdump -U -q -i v6c -w veth6-http-dns.pcap 'ip6 and (tcp or udp)' 2>/dev/null &
    local dump=$!
    sleep 1
    $c curl -6 -s -o /dev/null 'http://[2001:db8:77::2]/hello.txt'
    $c dig -6 +tries=1 +time=2 @2001:db8:77::2 www.fixture.test AAAA >/dev/null
    $c dig -6 +tries=1 +time=2 @2001:db8:77::2 nowhere.fixture.test AAAA >/dev/null || true
    $c dig -6 +tcp +tries=1 +time=2 @2001:db8:77::2 www.fixture.test AAAA >/dev/null
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
    tshark -r veth6-http-dns.pcap -T fields -E occurrence=f -e frame.number -e ipv6.src -e ipv6.dst -e tcp.stream \
        -e tcp.analysis.flags -e http.request.method -e http.request.uri -e http.response.code -e dns.id \
        -e dns.flags.response -e dns.qry.name -e dns.flags.rcode -e dns.count.answers -e udp.stream \
        2>/dev/null > veth6-http-dns.pcap.explain.tsv
    # veth6-ndp.pcap: neighbour discovery on the same pair: the client's cache flushed, then ping -6 (a solicitation
    # and its advertisement, each way), and a second client address added without nodad (duplicate address
    # detection: a solicitation from ::)
    $c ip -6 neigh flush dev v6c
    $s ip -6 neigh flush dev v6s
    $c tcpdump -U -q -i v6c -w veth6-ndp.pcap 'icmp6 and (ip6[40] == 135 or ip6[40] == 136)' 2>/dev/null &
    dump=$!
    sleep 1
    $c ping -6 -c 1 -W 2 2001:db8:77::2 >/dev/null
    $c ip addr add 2001:db8:77::5/64 dev v6c
    sleep 3
    kill -INT "$dump"
    wait "$dump" || true
    tshark -r veth6-ndp.pcap -T fields -E occurrence=f -e frame.number -e ipv6.src -e ipv6.dst -e icmpv6.type \
        -e icmpv6.nd.ns.target_address -e icmpv6.nd.na.target_address -e icmpv6.opt.linkaddr -e icmpv6.nd.na.flag.s \
        2>/dev/null > veth6-ndp.pcap.explain.tsv
    chmod 644 veth6-http-dns.pcap veth6-http-dns.pcap.explain.tsv veth6-ndp.pcap veth6-ndp.pcap.explain.tsv
}
ipv6_fixture
if [ "${ONLY:-}" = ipv6 ]; then
    exit 0
fi
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
ip netns exec "$NS" python3 -m http.server 8080 --bind 127.0.0.1 --directory "$WWW" >/dev/null 2>&1 &
ip netns exec "$NS" python3 -m http.server 8081 --bind ::1 --directory "$WWW" >/dev/null 2>&1 &
sleep 1

# capture FILE TCPDUMP-ARGS...: tcpdump in the namespace around one curl over IPv4 (and one over IPv6)
capture() {
    local file=$1; shift
    ip netns exec "$NS" tcpdump -U -q "$@" -w "$file" 'tcp port 8080 or tcp port 8081' 2>/dev/null &
    local dump=$!
    sleep 1
    ip netns exec "$NS" curl -s -o /dev/null http://127.0.0.1:8080/hello.txt
    if [ "${IPV6:-0}" = 1 ]; then
        ip netns exec "$NS" curl -s -o /dev/null 'http://[::1]:8081/hello.txt'
    fi
    sleep 1
    kill -INT "$dump"
    wait "$dump" || true
}

IPV6=1 capture lo-http.pcap -i lo                                # Ethernet (lo is DLT_EN10MB), pcap, µs
capture lo-http-nanos.pcap -i lo --time-stamp-precision nano     # pcap, ns magic
capture lo-http-snap96.pcap -i lo -s 96                          # frames cut by the snapshot length
capture any-http-sll2.pcap -i any                                # LINUX_SLL2 (276)
capture any-http-sll.pcap -i any -y LINUX_SLL                    # LINUX_SLL (113)

# pcapng as dumpcap writes it (SHB and IDB options, an Interface Statistics Block at the end)
ip netns exec "$NS" dumpcap -q -i lo -f 'tcp port 8080' -w dumpcap-http.pcapng 2>/dev/null &
DUMP=$!
sleep 1
ip netns exec "$NS" curl -s -o /dev/null http://127.0.0.1:8080/hello.txt
sleep 1
kill -INT "$DUMP"
wait "$DUMP" || true

# pcapng written by editcap (if_tsresol 9 from the ns file), and by mergecap from two link types (two IDBs)
editcap -F pcapng lo-http-nanos.pcap lo-http.pcapng
mergecap -F pcapng -w merged-eth-sll2.pcapng lo-http.pcap any-http-sll2.pcap

# link types no tool above writes, from one hex frame each (text2pcap -l): IPv4 UDP 198.18.0.1:5353 -> 198.18.0.2:53,
# ten payload bytes; RAW (101), IPV4 (228), NULL (0, little-endian AF 2), LOOP (108, network-order AF 2)
IP='45 00 00 26 00 01 00 00 40 11 ee 9e c6 12 00 01 c6 12 00 02 14 e9 00 35 00 12 00 00 30 31 32 33 34 35 36 37 38 39'
hexdump_of() { printf '0000 %s\n' "$1"; }
hexdump_of "$IP" | text2pcap -q -F pcap -l 101 - raw-udp.pcap >/dev/null
hexdump_of "$IP" | text2pcap -q -F pcapng -l 228 - ipv4-udp.pcapng >/dev/null
hexdump_of "02 00 00 00 $IP" | text2pcap -q -F pcap -l 0 - null-udp.pcap >/dev/null
hexdump_of "00 00 00 02 $IP" | text2pcap -q -F pcap -l 108 - loop-udp.pcap >/dev/null
# 802.1Q: an Ethernet frame with VLAN 10 tag, and one with two (802.1ad outer 20, 802.1Q inner 30), same IPv4 payload
ETH='02 00 00 00 00 02 02 00 00 00 00 01'
{ hexdump_of "$ETH 81 00 00 0a 08 00 $IP"; hexdump_of "$ETH 88 a8 00 14 81 00 00 1e 08 00 $IP"; } \
    | text2pcap -q -F pcap -l 1 - vlan-udp.pcap >/dev/null

# goldens: tshark's decode of each fixture, one line a frame, read by CaptureGoldenTest
# (frame.number, frame.len, frame.cap_len, frame.time_epoch, ip.src, ip.dst, tcp.srcport, tcp.dstport,
# tcp.seq_raw, tcp.ack_raw, tcp.flags, tcp.len, udp.srcport, udp.dstport, ip.len)
for f in *.pcap *.pcapng; do
    case "$f" in veth6-*) continue ;; esac # their goldens are explain's (above)
    tshark -r "$f" -T fields -e frame.number -e frame.len -e frame.cap_len -e frame.time_epoch -e ip.src -e ip.dst \
        -e tcp.srcport -e tcp.dstport -e tcp.seq_raw -e tcp.ack_raw -e tcp.flags -e tcp.len -e udp.srcport -e udp.dstport \
        -e ip.len 2>/dev/null > "$f.tshark.tsv"
done
# filter goldens: how many frames tcpdump -r passes for each expression CaptureFilterTest compiles
for f in lo-http.pcap any-http-sll2.pcap any-http-sll.pcap raw-udp.pcap null-udp.pcap; do
    for e in 'tcp port 8080' 'tcp port 8081' 'tcp[tcpflags] & tcp-syn != 0' 'udp port 53' 'ip6'; do
        printf '%s\t%s\t%s\n' "$f" "$e" "$(tcpdump -r "$f" "$e" 2>/dev/null | wc -l)"
    done
done > filter-counts.tsv
chmod 644 ./*.pcap ./*.pcapng ./*.tsv
