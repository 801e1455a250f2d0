#!/usr/bin/env bash
# Remakes the capture fixtures of synack.capture's tests with real tools (tcpdump, text2pcap,
# editcap, mergecap), then prints the tshark goldens the tests assert. Needs root (a throwaway
# network namespace "skr-fixtures", deleted at the end). See README.md.
set -euo pipefail
cd "$(dirname "$0")"
NS=skr-fixtures
WWW=$(mktemp -d)
cleanup() {
    ip netns pids "$NS" 2>/dev/null | xargs -r kill 2>/dev/null || true
    ip netns del "$NS" 2>/dev/null || true
    rm -rf "$WWW"
}
trap cleanup EXIT
ip netns del "$NS" 2>/dev/null || true
ip netns add "$NS"
ip netns exec "$NS" ip link set lo up
printf 'hello from the fixture server\n' > "$WWW/hello.txt"
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
