#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The .deb on a clean Debian 12: debootstrap makes a minbase bookworm root
# (from the mirror apt uses here; the first run caches it under
# build/debroot/base, each run works on a fresh copy), dpkg installs the
# package with only its dependencies added, and `kleak check` runs from the
# installed path with the host's /proc and /sys mounted in. Then
# systemd-analyze verifies the installed units against that root.
# TAP; usage: install-test.sh DIR_WITH_THE_DEB
set -u
cd "$(dirname "$0")/../.."
. tests/lib/tap.sh
D=${1:-build/deb}
deb=$(ls "$D"/kleak_*_amd64.deb 2>/dev/null | head -n1)
BASE=build/debroot/base
R=build/debroot/test
# The host's /proc and /sys are mounted in the root: never let rm cross
# into them (cgroup directories can be removed).
cleanup() {
	for m in "$R/sys" "$R/proc"; do mountpoint -q "$m" && umount -R -l "$m"; done
	rm -rf --one-file-system "$R"
}
trap cleanup EXIT

[ -n "$deb" ] && ok "built $(basename "$deb")" || { not_ok "a .deb in $D (make deb)"; tap_done; exit; }
if [ "$(id -u)" != 0 ] || ! command -v debootstrap >/dev/null; then
	skip "install on a clean Debian 12 root" "needs root and debootstrap"
	tap_done
	exit
fi
# The mirror apt is configured with (deb822 or one-line sources).
mirror=$(sed -nE 's/^URIs: *([^ ]+debian)\/?$/\1/p; s/^deb +(\[[^]]*\] +)?([^ ]+debian)\/? +bookworm .*/\2/p' \
	/etc/apt/sources.list /etc/apt/sources.list.d/* 2>/dev/null | head -n1)
mirror=${mirror:-http://deb.debian.org/debian}
# The package's run-time dependencies, from its control file, as debootstrap --include.
# And systemd, which every real Debian 12 has: systemd-analyze verify
# resolves the units' dependencies (sysinit.target ...) in the root.
inc=$(dpkg-deb -f "$deb" Depends | tr ',' '\n' | sed -E 's/\(.*\)//; s/\|.*//; s/ //g' |
	grep -v '^$' | paste -sd, -)
inc="$inc,systemd"
# The cached base is remade when the package's dependencies change.
if [ ! -x "$BASE/bin/sh" ] || [ "$(cat "$BASE.include" 2>/dev/null)" != "$inc" ]; then
	rm -rf "$BASE"
	mkdir -p "$(dirname "$BASE")"
	echo "# debootstrap bookworm from $mirror (include: $inc)"
	if ! debootstrap --variant=minbase --include="$inc" bookworm "$BASE" "$mirror" \
		>build/debroot/debootstrap.log 2>&1; then
		not_ok "debootstrap bookworm" "$(tail -5 build/debroot/debootstrap.log)"
		rm -rf "$BASE"
		tap_done
		exit
	fi
	echo "$inc" >"$BASE.include"
fi
cleanup
cp -a "$BASE" "$R"
ok "clean Debian 12 root ($(cat "$R/etc/debian_version"))"
cp "$deb" "$R/tmp/kleak.deb"
if chroot "$R" dpkg -i /tmp/kleak.deb >"$R/tmp/dpkg.log" 2>&1; then
	ok "dpkg -i installs it (root made with: $inc)"
else
	not_ok "dpkg -i" "$(tail -8 "$R/tmp/dpkg.log")"
fi
for f in /usr/bin/kleak /usr/share/man/man1/kleak.1.gz /usr/share/bash-completion/completions/kleak \
	/lib/systemd/system/kleak-exporter.service /lib/systemd/system/kleak-record.service; do
	[ -e "$R$f" ] || missing="${missing:-} $f"
done
[ -z "${missing:-}" ] && ok "binary, man page, completion and units installed" || not_ok "missing:$missing"
mount -t proc proc "$R/proc"
mount --rbind /sys "$R/sys"
mount --make-rslave "$R/sys"
chroot "$R" /usr/bin/kleak check --json >"$R/tmp/check.json" 2>"$R/tmp/check.err"
rc=$?
if [ "$rc" = 0 ] && grep -q '"meminfo"' "$R/tmp/check.json"; then
	ok "kleak check runs from the installed path (exit 0)"
else
	not_ok "kleak check from the installed path" "rc $rc" "$(head -5 "$R/tmp/check.err")"
fi
chroot "$R" /usr/bin/kleak exporter --help >/dev/null && ok "kleak exporter --help from the installed path" ||
	not_ok "kleak exporter --help"
if command -v systemd-analyze >/dev/null; then
	# --man=no: the root has no man(1) to check Documentation= with.
	out=$(systemd-analyze verify --man=no --root="$R" kleak-exporter.service kleak-record.service 2>&1)
	rc=$?
	# Lines about units of the host that the root lacks are not ours.
	bad=$(grep -E 'kleak-(exporter|record)\.service' <<<"$out")
	[ "$rc" = 0 ] && [ -z "$bad" ] && ok "systemd-analyze verify accepts both units" ||
		not_ok "systemd-analyze verify" "rc $rc" "$out"
else
	skip "systemd-analyze verify" "systemd-analyze missing"
fi
tap_done
