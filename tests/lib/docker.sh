# SPDX-License-Identifier: GPL-2.0
# A private docker daemon for tests: Debian's docker.io dockerd with its own
# data-root and exec-root under the build directory, its own socket, no
# network set-up (no bridge, no iptables: containers run --network none),
# and a busybox image made locally with `docker import` from busybox-static
# (no registry is reachable here). dockerd is always stopped at exit: by
# the EXIT trap docker_start sets, or by the caller's own trap, which must
# then call docker_stop.
#
#   . tests/lib/docker.sh
#   docker_start || { skip "..." "$DOCKER_SKIP"; ...; }
#   docker_image                  # -> $DOCKER_IMAGE
#   dk run -d --name x --network none "$DOCKER_IMAGE" sh -c '...'
#   docker_id x                   # the full container id
#
# On this project's machines dockerd uses the cgroupfs driver and cgroup
# v1 for memory (the host is hybrid): a container's memory cgroup is
# /sys/fs/cgroup/memory/docker/<id>. On a systemd host with cgroup v2 it
# would be /system.slice/docker-<id>.scope; kleak names both.

DOCKER_SKIP=""
DOCKER_IMAGE=kleak-busybox:test
DOCKERD_PID=""

# The docker.io client beside its daemon; /usr/local may hold another.
DOCKER_CLI=/usr/bin/docker
[ -x "$DOCKER_CLI" ] || DOCKER_CLI=$(command -v docker 2>/dev/null || true)

dk() {
	"$DOCKER_CLI" -H "unix://$DOCKER_DIR/docker.sock" "$@"
}

# Stops dockerd and removes its directories; every step may fail (a
# caller under set -e must still get the rest done).
docker_stop() {
	[ -n "$DOCKERD_PID" ] || return 0
	local ids
	ids=$(dk ps -aq 2>/dev/null) || true
	[ -z "$ids" ] || dk rm -f $ids >/dev/null 2>&1 || true
	kill "$DOCKERD_PID" 2>/dev/null || true
	for _ in $(seq 1 100); do
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.2
	done
	kill -9 "$DOCKERD_PID" 2>/dev/null || true
	wait "$DOCKERD_PID" 2>/dev/null || true
	DOCKERD_PID=""
	# overlay mounts of containers that dockerd could not clean up
	{ grep -o " $DOCKER_DIR/[^ ]*" /proc/self/mounts 2>/dev/null || true; } | sort -r |
		while read -r m; do umount -l "$m" 2>/dev/null || true; done
	rm -rf --one-file-system "$DOCKER_DIR" || true
}

# Starts dockerd; 1 with DOCKER_SKIP set when it cannot be started here.
docker_start() {
	local base
	if ! command -v dockerd >/dev/null 2>&1 || [ -z "$DOCKER_CLI" ]; then
		DOCKER_SKIP="dockerd not installed (Debian's docker.io)"; return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		DOCKER_SKIP="dockerd needs root"; return 1
	fi
	base=$(pwd)/build
	mkdir -p "$base"
	# containerd's socket path must fit in sockaddr_un (108 bytes)
	[ ${#base} -gt 50 ] && base=/tmp
	DOCKER_DIR=$(mktemp -d "$base/docker.XXXXXX")
	dockerd --data-root "$DOCKER_DIR/data" --exec-root "$DOCKER_DIR/exec" \
		--pidfile "$DOCKER_DIR/dockerd.pid" -H "unix://$DOCKER_DIR/docker.sock" \
		--iptables=false --ip-masq=false --bridge=none \
		>"$DOCKER_DIR/dockerd.log" 2>&1 &
	DOCKERD_PID=$!
	# A caller with its own EXIT trap calls docker_stop from it.
	[ -n "$(trap -p EXIT)" ] || trap 'docker_stop' EXIT
	for _ in $(seq 1 150); do
		dk info >/dev/null 2>&1 && return 0
		kill -0 "$DOCKERD_PID" 2>/dev/null || break
		sleep 0.2
	done
	DOCKER_SKIP="dockerd did not start: $(grep -iE 'level=(error|fatal)' "$DOCKER_DIR/dockerd.log" | tail -n 1 | cut -c1-200)"
	[ "$DOCKER_SKIP" = "dockerd did not start: " ] && DOCKER_SKIP="dockerd did not start within 30 s"
	docker_stop
	return 1
}

# The image: busybox-static and its applets, nothing else.
docker_image() {
	local root=$DOCKER_DIR/rootfs
	[ -x /bin/busybox ] || { DOCKER_SKIP="busybox-static not installed"; return 1; }
	mkdir -p "$root/bin" "$root/tmp"
	cp /bin/busybox "$root/bin/busybox"
	for a in $("$root/bin/busybox" --list); do
		[ "$a" = busybox ] || ln -sf busybox "$root/bin/$a"
	done
	tar -C "$root" -c . | dk import --change 'ENV PATH=/bin' - "$DOCKER_IMAGE" >/dev/null
}

docker_id() {
	dk inspect -f '{{.Id}}' "$1"
}

# The docker daemon's cgroup driver and version, as `docker info` says.
docker_cgroup_info() {
	dk info --format 'driver={{.CgroupDriver}} version={{.CgroupVersion}}' 2>/dev/null
}
