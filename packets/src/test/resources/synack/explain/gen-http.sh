#!/bin/sh
# Made ONCE (as root) and committed: the byte streams of real HTTP/1.1 connections between curl and nginx over
# 127.0.0.1 inside a throwaway network namespace, captured with tcpdump and put in order per side by tshark
# ("follow,tcp,raw"). Same .stream format as gen-tls.sh: "A <hex>" (curl's bytes) or "B <hex>" (nginx's), in order.
#   http-keepalive.stream  GET /a.txt then GET /missing (404) on one kept-alive connection
#   http-gzip.stream       GET /a.txt with --compressed: a chunked, gzip-encoded response
#   http-head.stream       HEAD /a.txt (-I): Content-Length but no body
set -e
cd "$(dirname "$0")"
NS=sk-stream-gen
W=$(mktemp -d)
chmod 755 "$W"
trap 'ip netns pids $NS 2>/dev/null | xargs -r kill 2>/dev/null; ip netns del $NS 2>/dev/null; rm -rf "$W"' EXIT
ip netns add $NS
ip -n $NS link set lo up
mkdir "$W/www"
i=0; while [ $i -lt 40 ]; do echo "line $i of a small text file served by nginx"; i=$((i+1)); done > "$W/www/a.txt"
chmod -R a+rX "$W/www"
cat > "$W/nginx.conf" <<CONF
daemon off;
pid $W/nginx.pid;
error_log $W/error.log;
events { worker_connections 16; }
http {
  access_log off;
  types { text/plain txt; }
  gzip on; gzip_types text/plain; gzip_min_length 0;
  server { listen 127.0.0.1:8080; root $W/www; }
}
CONF
ip netns exec $NS nginx -c "$W/nginx.conf" &
sleep 1
run() { # name, curl arguments
  ip netns exec $NS tcpdump -i lo -U -s 0 -w "$W/$1.pcap" "tcp port 8080" 2>/dev/null &
  dump=$!
  sleep 1
  ip netns exec $NS curl -s --http1.1 "$@" >/dev/null || true
  sleep 1
  kill $dump; wait $dump 2>/dev/null || true
  tshark -r "$W/$1.pcap" -q -z follow,tcp,raw,0 | awk '
    /^=+$/ || /^Follow:/ || /^Filter:/ || /^Node [01]:/ { next }
    /^\t/ { sub(/^\t/, ""); print "B " $0; next }
    /^[0-9a-f]+$/ { print "A " $0 }' > "$1.stream"
}
run http-keepalive http://127.0.0.1:8080/a.txt http://127.0.0.1:8080/missing
run http-gzip --compressed http://127.0.0.1:8080/a.txt
run http-head -I http://127.0.0.1:8080/a.txt
