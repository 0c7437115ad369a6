#!/bin/sh
# SPDX-License-Identifier: AGPL-3.0-or-later
# Checks a built demo and test GeoIP database against design section 5 (and
# the overseas ranges of tests/geoip/ranges.csv) with mmdblookup: the first
# and last address of every range, IPv4, IPv4-mapped and IPv6, must give the
# expected country, region (subdivisions 0) and departement (subdivisions
# 1); addresses outside the ranges must not be found.  The expectations are
# written out here, not read from the CSV, so a wrong CSV fails the check.
#
#	sh tests/geoip/check.sh build/geoip/concerto-test.mmdb
#
# Prints each mismatch; exits 1 if there was any, 2 on a usage error.
set -u

[ $# -eq 1 ] || { echo "usage: $0 database.mmdb" >&2; exit 2; }
db=$1
[ -r "$db" ] || { echo "geoip-check: cannot read $db" >&2; exit 2; }
command -v mmdblookup >/dev/null 2>&1 ||
    { echo "geoip-check: mmdblookup missing (make deps)" >&2; exit 2; }

fails=0
checks=0

# The string at path "$@" for address $1: the value, "-" when the record
# has no such key, "none" when the address is not in the database, or
# "error: ..." for anything else.
value() {
	out=$(mmdblookup --file "$db" --ip "$@" 2>&1)
	rc=$?
	case $out in
	*"Could not find an entry"*)	echo none; return ;;
	*"does not match the data"*|*"No data was found"*) echo -; return ;;
	esac
	v=$(printf '%s\n' "$out" | sed -n 's/^ *"\(.*\)" <utf8_string>$/\1/p')
	if [ $rc -eq 0 ] && [ -n "$v" ]; then
		echo "$v"
	else
		echo "error: rc $rc: $(printf '%s' "$out" | tr -s '\n ' '  ')"
	fi
}

# expect ADDRESS COUNTRY REGION DEPARTEMENT ("-": absent; COUNTRY "none":
# the address must not be found).
expect() {
	addr=$1
	got="$(value "$addr" country iso_code) $(value "$addr" subdivisions 0 \
	    iso_code) $(value "$addr" subdivisions 1 iso_code)"
	if [ "$2" = none ]; then
		want="none none none"
	else
		want="$2 $3 $4"
	fi
	checks=$((checks + 1))
	if [ "$got" != "$want" ]; then
		echo "geoip-check: $addr: got '$got', want '$want'" >&2
		fails=$((fails + 1))
	fi
}

# range N PREFIX COUNTRY "REGION DEPARTEMENT" [NET]: the /28 block at
# NET.N (NET defaults to 192.0.2) and PREFIX::/48 both give that place.
range() {
	v4=${5:-192.0.2}
	for a in "$v4.$1" "$v4.$(($1 + 15))" "::ffff:$v4.$(($1 + 7))" \
	    "$2::" "$2::1" "$2:ffff:ffff:ffff:ffff:ffff"; do
		expect "$a" $3 $4
	done
}

range   0 2001:db8:75 FR "IDF 75"
range  16 2001:db8:77 FR "IDF 77"
range  32 2001:db8:78 FR "IDF 78"
range  48 2001:db8:91 FR "IDF 91"
range  64 2001:db8:92 FR "IDF 92"
range  80 2001:db8:93 FR "IDF 93"
range  96 2001:db8:94 FR "IDF 94"
range 112 2001:db8:95 FR "IDF 95"
range 128 2001:db8:69 FR "ARA 69"
range 144 2001:db8:13 FR "PAC 13"
range 160 2001:db8:de DE "- -"
range   0 2001:db8:971 GP "- -" 198.51.100
range  16 2001:db8:972 MQ "- -" 198.51.100
range  32 2001:db8:973 GF "- -" 198.51.100
range  48 2001:db8:974 RE "- -" 198.51.100
range  64 2001:db8:976 YT "- -" 198.51.100

for a in 127.0.0.1 ::1 203.0.113.1 10.0.0.1 8.8.8.8 0.0.0.0 \
    192.0.2.176 192.0.2.255 198.51.100.80 198.51.100.255 \
    2001:db8::1 2001:db8:76::1 2001:db8:97::1 2001:db8:975::1 \
    2001:db8:dd::1 2001:db9:75::1 2001:4860::8888 ::ffff:127.0.0.1; do
	expect "$a" none
done

if [ $fails -ne 0 ]; then
	echo "geoip-check: $fails of $checks checks failed" >&2
	exit 1
fi
echo "geoip-check: $checks checks passed ($db)"
