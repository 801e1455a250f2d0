#!/usr/bin/env bash
# bench/https.sh - issue 15's figure: `http-get https://` of 100 MiB beside `curl https://` in the same
# hyperfine run (medians), peak RSS (/usr/bin/time, median of RSS_RUNS), both bodies checked byte-exact
# (cmp against the server's file) on every run measured. Both tools trust the lab's throwaway CA only
# (--cacert), resolve www.synack.test through the lab's dnsmasq, and talk TLS to the lab's nginx on :443.
#
#   sudo bench/https.sh          # RUNS=5 RSS_RUNS=3; results in /tmp/synack-bench-https/results
#
# All traffic stays inside a private lab (id BENCH_ID, default "hbtls"; kernel-default offloads).
source "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/lib.sh"
bench_init hbtls /tmp/synack-bench-https
RUNS=${RUNS:-5}
RSS_RUNS=${RSS_RUNS:-3}
need hyperfine hyperfine
need jq jq
need curl curl
mkdir -p "$OUT"
freeze_launcher
bench_cleanup() { rm -f "$OUT"/body-*.bin; }
lab_up
LAB_DIR=$(lab_env LAB_DIR); CA=$(lab_env TLS_CA)
WWW="$LAB_DIR/www/big100m.bin"
SIZE=$(stat -c %s "$WWW")
URL="https://www.synack.test/big100m.bin"
BODY_S="$OUT/body-synack.bin"; BODY_C="$OUT/body-curl.bin"
CMP="sh -c 'for f in $BODY_S $BODY_C; do [ -e \$f ] || continue; if cmp -s \$f $WWW; then echo ok; else echo \"bad \$f\"; fi >>$OUT/cmp.log; rm -f \$f; done'"
: >"$OUT/cmp.log"
GET="$SYNACK http-get -q --cacert $CA -o $BODY_S $URL"
CURL="curl -s --cacert $CA -o $BODY_C $URL"
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
# and, for what TLS costs, synack's plain http:// of the same file in the same run (body to /dev/null)
PLAIN="$SYNACK http-get -q -o /dev/null http://www.synack.test/big100m.bin"
hyperfine -N -i --warmup 1 --runs "$RUNS" --prepare "$CMP" --export-json "$OUT/https.json" \
  -n synack "$IN $GET" -n curl "$IN $CURL" -n synack-http "$IN $PLAIN" >"$OUT/https.hyperfine" 2>&1
eval "$CMP"
rss() { # rss CMD -> median peak RSS (MiB) and CPU (s) of RSS_RUNS runs
  local i
  for ((i = 0; i < RSS_RUNS; i++)); do
    $IN /usr/bin/time -f '%e %U %S %M' -o "$OUT/time.txt" sh -c "$1" >/dev/null 2>&1 || true
    tail -1 "$OUT/time.txt"; eval "$CMP"
  done >"$OUT/time.runs"
  echo "$(awk '{print $4 / 1024}' "$OUT/time.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')" \
       "$(awk '{print $2 + $3}' "$OUT/time.runs" | sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')"
}
read -r S_RSS S_CPU < <(rss "$GET")
read -r C_RSS C_CPU < <(rss "$CURL")
S_MED=$(jq '.results[0].median' "$OUT/https.json"); C_MED=$(jq '.results[1].median' "$OUT/https.json")
S_EXITS=$(jq -r '.results[0].exit_codes | unique | map(tostring) | join(",")' "$OUT/https.json")
C_EXITS=$(jq -r '.results[1].exit_codes | unique | map(tostring) | join(",")' "$OUT/https.json")
H_MED=$(jq '.results[2].median' "$OUT/https.json")
H_EXITS=$(jq -r '.results[2].exit_codes | unique | map(tostring) | join(",")' "$OUT/https.json")
ok=$(grep -c '^ok$' "$OUT/cmp.log" || true); bad=$(grep -c '^bad ' "$OUT/cmp.log" || true)
TLS=$($IN $SYNACK http-get --json --cacert "$CA" -o /dev/null "$URL" | jq -r 'select(.event == "result") | .tls | "\(.version) \(.cipher)"' || true)
{
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC'); commit $(git -C "$home" rev-parse --short HEAD); jar $JAR_INFO; load before $LOAD0"
  echo "negotiated (synack's --json result): $TLS"
  echo
  echo "| work | synack | curl, same run | ratio (synack / curl) | peak RSS synack / curl | CPU synack / curl | checks |"
  echo "| --- | --- | --- | --- | --- | --- | --- |"
  awk -v w="\`http-get https://\` $((SIZE / 1048576)) MiB" -v s="$S_MED" -v c="$C_MED" -v z="$SIZE" -v sr="$S_RSS" -v cr="$C_RSS" \
      -v sc="$S_CPU" -v cc="$C_CPU" -v chk="exits $S_EXITS / $C_EXITS; $ok bodies byte-exact, $bad differed" \
    'BEGIN { printf "| %s | %.3f s (%.0f MB/s) | %.3f s (%.0f MB/s) | %.1f× | %.0f / %.0f MiB | %.2f / %.2f s | %s |\n",
             w, s, z / s / 1e6, c, z / c / 1e6, s / c, sr, cr, sc, cc, chk }'
  awk -v s="$H_MED" -v c="$C_MED" -v z="$SIZE" -v chk="exit $H_EXITS" \
    'BEGIN { printf "| same file, synack `http-get http://` (no TLS) | %.3f s (%.0f MB/s) | | %.1f× | | | %s |\n", s, z / s / 1e6, s / c, chk }'
} | tee "$OUT/table.md"
[[ $bad == 0 && $S_EXITS == 0 && $C_EXITS == 0 && $H_EXITS == 0 ]] || { echo "bench: a check failed (see above)" >&2; exit 1; }
