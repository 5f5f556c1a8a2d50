# SPDX-License-Identifier: GPL-2.0
# slab_cache_of NAME: the /proc/slabinfo name of the cache holding NAME's
# objects (SLUB may merge NAME into another cache: here UNIX into
# signal_cache); NAME itself when it stands alone or sysfs does not say.
slab_cache_of() {
	local t n
	t=$(readlink "/sys/kernel/slab/$1" 2>/dev/null) || { echo "$1"; return; }
	t=${t##*/}
	for n in $(awk 'NR > 2 { print $1 }' /proc/slabinfo); do
		[ "$(readlink "/sys/kernel/slab/$n" 2>/dev/null | sed 's|.*/||')" = "$t" ] && { echo "$n"; return; }
	done
	echo "$1"
}
