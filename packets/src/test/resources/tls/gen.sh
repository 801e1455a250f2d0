#!/bin/sh
# Made ONCE with openssl (OpenSSL 3.0) and committed: the certificates TlsAppTest's in-memory server presents.
# A throwaway test CA (100 years), a good www.synack.test leaf, an expired one, a not-yet-valid one, a wrong-name one,
# and a second CA nobody trusts (for the unknown-CA case). Each line below can be run on its own (the later ones were). Keys are EC P-256; the PKCS12 password is "changeit".
set -e
cd "$(dirname "$0")"
W=$(mktemp -d)
trap 'rm -rf "$W"' EXIT
cat > "$W/ca.cnf" <<CNF
[ca]
default_ca = test
[test]
database = $W/index.txt
new_certs_dir = $W
serial = $W/serial
default_md = sha256
policy = any
copy_extensions = none
[any]
commonName = supplied
CNF
touch "$W/index.txt"; echo "unique_subject = no" > "$W/index.txt.attr"; echo 1000 > "$W/serial"
ca() { # name, subject CN, key, SAN, startdate, enddate, output
  openssl ecparam -name prime256v1 -genkey -noout -out "$W/$1.key"
  openssl req -new -key "$W/$1.key" -subj "/CN=$2" -out "$W/$1.csr"
  printf 'basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\n' > "$W/$1.ext"
  [ -z "$3" ] || printf 'subjectAltName=%s\n' "$3" >> "$W/$1.ext"
  openssl ca -batch -config "$W/ca.cnf" -cert "$6.pem" -keyfile "$6.key" -in "$W/$1.csr" -out "$W/$1.pem" \
    -startdate "$4" -enddate "$5" -extfile "$W/$1.ext" -notext 2>"$W/ca.log" || { cat "$W/ca.log"; exit 1; }
  cat "$W/$1.pem" "$6.pem" > "$W/$1.chain"
  openssl pkcs12 -export -in "$W/$1.chain" -inkey "$W/$1.key" -name server -passout pass:changeit -out "$1.p12"
}
root() { # name, CN
  openssl ecparam -name prime256v1 -genkey -noout -out "$1.key"
  openssl req -x509 -new -key "$1.key" -subj "/CN=$2" -days 36500 -sha256 \
    -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign,cRLSign -out "$1.pem"
}
root ca "synack test CA"
root other-ca "nobody's CA"
ca www www.synack.test "DNS:www.synack.test,DNS:*.wild.synack.test,IP:198.18.2.2" 20250101000000Z 21250101000000Z ca
ca expired expired.synack.test "DNS:expired.synack.test" 20200101000000Z 20210101000000Z ca
ca notyet notyet.synack.test "DNS:notyet.synack.test" 21000101000000Z 21100101000000Z ca
ca wrong wrong.synack.test "DNS:other.synack.test" 20250101000000Z 21250101000000Z ca
ca stranger www.synack.test "DNS:www.synack.test" 20250101000000Z 21250101000000Z other-ca
# added later (the common-name fallback): no SAN at all, and an iPAddress SAN only; both name cn.synack.test in the CN alone
ca nosan cn.synack.test "" 20250101000000Z 21250101000000Z ca
ca ipsan cn.synack.test "IP:198.18.2.3" 20250101000000Z 21250101000000Z ca
