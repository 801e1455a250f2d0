#!/bin/sh
# Made ONCE (as root) and committed: the byte streams of real TLS connections between openssl s_client and
# openssl s_server (OpenSSL 3.0) over 127.0.0.1 inside a throwaway network namespace, captured with tcpdump
# and put in order per side by tshark ("follow,tcp,raw"). Each .stream file holds one line per run of bytes:
# "A <hex>" (the client's, who began) or "B <hex>" (the server's), in the order the capture had them.
# The server (-www) answers the GET with its status page; its certificate is ../../tls/www.p12 (the test CA's www.synack.test, EC P-256; password "changeit").
set -e
cd "$(dirname "$0")"
NS=sk-stream-gen
W=$(mktemp -d)
trap 'ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$W"' EXIT
ip netns add $NS
ip -n $NS link set lo up
openssl pkcs12 -in ../../tls/www.p12 -passin pass:changeit -nodes -nocerts -out "$W/key.pem" 2>/dev/null
openssl pkcs12 -in ../../tls/www.p12 -passin pass:changeit -nokeys -out "$W/chain.pem" 2>/dev/null
run() { # name, port, server options, client options
  ip netns exec $NS tcpdump -i lo -U -s 0 -w "$W/$1.pcap" "tcp port $2" 2>/dev/null &
  dump=$!
  ip netns exec $NS openssl s_server -accept 127.0.0.1:$2 -key "$W/key.pem" -cert "$W/chain.pem" -naccept 1 -www $3 \
    </dev/null >/dev/null 2>&1 &
  server=$!
  sleep 1
  (printf 'GET / HTTP/1.1\r\nHost: www.synack.test\r\n\r\n'; sleep 1) | \
    ip netns exec $NS openssl s_client -connect 127.0.0.1:$2 -servername www.synack.test -quiet $4 >/dev/null 2>&1 || true
  sleep 1
  kill $server 2>/dev/null || true
  sleep 1
  kill $dump; wait $dump 2>/dev/null || true
  # tshark's follow output: a line of hex per run of bytes, the server's indented by a tab
  tshark -r "$W/$1.pcap" -q -z follow,tcp,raw,0 | awk '
    /^=+$/ || /^Follow:/ || /^Filter:/ || /^Node [01]:/ { next }
    /^\t/ { sub(/^\t/, ""); print "B " $0; next }
    /^[0-9a-f]+$/ { print "A " $0 }' > "$1.stream"
}
run tls13 4431 "-tls1_3" "-tls1_3 -alpn h2,http/1.1"
run tls12 4432 "-tls1_2 -cipher ECDHE-ECDSA-AES128-GCM-SHA256" "-tls1_2 -alpn http/1.1"
run tls13-hrr 4433 "-tls1_3 -groups P-256" "-tls1_3 -groups X25519:P-256"
run tls-version-alert 4434 "-tls1_3" "-tls1_2"
