# systemd booted as PID 1 of private pid, mount and cgroup namespaces, for the systemd cgroup
# driver's tests (systemd.bats). Its root: tmpfs with read-only binds of the host's /usr and
# /etc, its own /dev nodes, tmpfs /run and /var, a cgroup2 mount whose root is a fresh cgroup
# of the host's unified hierarchy; the paths given to sd_boot appear at the same place inside.
# Nothing of it reaches the host's mount table; sd_shutdown kills it by pid and removes its
# cgroups.

SD_BOOT_TIMEOUT=${SD_BOOT_TIMEOUT:-10}

# sd_unavailable — why systemd cannot be booted here (prints the reason), or status 1.
sd_unavailable() {
	[[ -x /lib/systemd/systemd ]] || { echo "systemd is not installed (/lib/systemd/systemd)"; return 0; }
	command -v nsenter >/dev/null && command -v unshare >/dev/null && command -v pivot_root >/dev/null ||
		{ echo "needs nsenter, unshare and pivot_root (util-linux)"; return 0; }
	sd_unified_root >/dev/null || { echo "no writable cgroup2 hierarchy to boot systemd in"; return 0; }
	return 1
}

# sd_unified_root — the host's writable cgroup2 hierarchy.
sd_unified_root() {
	local d
	for d in /sys/fs/cgroup /sys/fs/cgroup/unified; do
		if [[ "$(stat -fc %T "$d" 2>/dev/null)" == cgroup2fs && -w "$d/cgroup.procs" ]]; then
			printf '%s\n' "$d"
			return 0
		fi
	done
	return 1
}

# sd_v1_mounts — "MOUNT-POINT OPTIONS" of each cgroup v1 hierarchy of the host.
sd_v1_mounts() {
	awk '{ for (i = 7; $i != "-"; i++); if ($(i + 1) == "cgroup") print $5, $(i + 3) }' /proc/self/mountinfo
}

# sd_boot DIR LAYOUT BIND... — boots systemd with its files in DIR. LAYOUT unified: a cgroup2
# mount on /sys/fs/cgroup (systemd runs in unified mode); hybrid: a tmpfs there with the
# host's v1 hierarchies and cgroup2 on /sys/fs/cgroup/unified (systemd's hybrid mode, the v1
# controllers its to manage). Each hierarchy's root is a fresh cgroup below the booting shell's
# own, listed in DIR/cgroups. Exports SD_PID (host pid of systemd), SD_UNSHARE (its unshare
# parent) and SD_DIR.
sd_boot() {
	local dir="$1" layout="$2" unified mp opts own
	shift 2
	unified="$(sd_unified_root)" || return 1
	export SD_DIR="$dir"
	mkdir -p "$dir/root"
	: >"$dir/cgroups"
	: >"$dir/v1"
	own="$(sed -n 's/^0:://p' /proc/self/cgroup)"
	printf '%s\n' "$unified${own%/}/berth-sdtest-$$" >>"$dir/cgroups"
	if [[ "$layout" == hybrid ]]; then
		local known o ctrl
		known=" $(awk 'NR > 1 { printf "%s ", $1 }' /proc/cgroups)"
		while read -r mp opts; do
			# The hierarchy's controllers (and name=), in /proc/self/cgroup's spelling.
			ctrl=
			for o in ${opts//,/ }; do
				[[ "$o" == name=* || "$known" == *" $o "* ]] && ctrl+="${ctrl:+,}$o"
			done
			own="$(grep -E "^[0-9]+:${ctrl}:" /proc/self/cgroup | cut -d: -f3-)"
			[[ -n "$own" ]] || return 1
			printf '%s\n' "$mp${own%/}/berth-sdtest-$$" >>"$dir/cgroups"
			printf '%s %s\n' "${mp##*/}" "$ctrl" >>"$dir/v1"
		done < <(sd_v1_mounts)
	fi
	# The cgroups first (cpuset needs cpus and mems before a task), then a cgroup namespace
	# rooted there, in which the hierarchies are mounted.
	cat >"$dir/boot.sh" <<-'EOF'
		set -e
		dir=$1
		shift
		while read -r cg; do
			mkdir -p "$cg"
			if [ -e "$cg/cpuset.cpus" ]; then
				cat "$cg/../cpuset.cpus" >"$cg/cpuset.cpus"
				cat "$cg/../cpuset.mems" >"$cg/cpuset.mems"
			fi
			echo 0 >"$cg/cgroup.procs"
		done <"$dir/cgroups"
		exec unshare --cgroup bash "$dir/root.sh" "$dir" "$@"
	EOF
	cat >"$dir/root.sh" <<-'EOF'
		set -e
		dir=$1
		R=$dir/root
		shift
		mount -t tmpfs -o mode=755 tmpfs "$R"
		cd "$R"
		mkdir -p usr etc proc sys dev run tmp var oldroot
		for d in usr etc; do mount --bind "/$d" "$d"; mount -o remount,bind,ro "$d"; done
		for l in bin sbin lib lib32 lib64 libx32; do if [ -e "/usr/$l" ]; then ln -s "usr/$l" "$l"; fi; done
		for b in "$@"; do mkdir -p "./$b"; mount --bind "$b" "./$b"; done
		# Nodes of its own on a tmpfs: the host's /dev stays out of its reach.
		mount -t tmpfs -o mode=755 tmpfs dev
		for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
			set -- $n
			mknod -m 666 "dev/$1" c "$2" "$3"
		done
		mount -t tmpfs -o mode=755 tmpfs run
		mount -t tmpfs tmpfs var
		mount -t sysfs -o ro sysfs sys
		if [ -s "$dir/v1" ]; then
			mount -t tmpfs -o mode=755 tmpfs sys/fs/cgroup
			while read -r name ctrl; do
				mkdir "sys/fs/cgroup/$name"
				mount -t cgroup -o "$ctrl" cgroup "sys/fs/cgroup/$name"
			done <"$dir/v1"
			mkdir sys/fs/cgroup/unified
			mount -t cgroup2 cgroup2 sys/fs/cgroup/unified
		else
			mount -t cgroup2 cgroup2 sys/fs/cgroup
		fi
		mount -t proc proc proc
		# A target of its own: none of the host's services is started.
		mkdir -p run/systemd/system
		printf '[Unit]\nDescription=berth test\nDefaultDependencies=no\n' >run/systemd/system/berth-test.target
		pivot_root . oldroot
		umount -l /oldroot
		exec env -i container=berth-test /lib/systemd/systemd --unit=berth-test.target </dev/null
	EOF
	# fd 3 closed: bats waits for whatever holds it.
	unshare --pid --fork --mount --propagation private bash "$dir/boot.sh" "$dir" "$@" >"$dir/log" 2>&1 3>&- &
	export SD_UNSHARE=$!
	local i
	for ((i = 0; i < SD_BOOT_TIMEOUT * 10; i++)); do
		SD_PID="$(pgrep -P "$SD_UNSHARE" -x systemd || true)"
		if [[ -n "$SD_PID" && -S "/proc/$SD_PID/root/run/systemd/private" ]]; then
			export SD_PID
			return 0
		fi
		kill -0 "$SD_UNSHARE" 2>/dev/null || break
		sleep 0.1
	done
	echo "systemd did not come up in ${SD_BOOT_TIMEOUT}s: $(cat "$dir/log")" >&2
	return 1
}

# sd_can_boot — whether a systemd driver test file should boot systemd (berth under test, root,
# berth-systemd built, systemd installed); makes $BATS_FILE_TMPDIR/sd.
sd_can_boot() {
	is_berth && [[ $EUID -eq 0 && -x "$(dirname "$RUNTIME")/berth-systemd" ]] || return 1
	sd_unavailable >/dev/null && return 1
	mkdir -p "$BATS_FILE_TMPDIR/sd"
}

# need_systemd — skips (with the reason) where no systemd could be booted.
need_systemd() {
	is_berth || skip "berth's systemd driver (runc's needs D-Bus wiring of its own)"
	[[ -x "$(dirname "$RUNTIME")/berth-systemd" ]] || skip "berth-systemd not built (libsystemd-dev missing)"
	local why
	why="$(sd_unavailable)" && skip "cannot boot systemd here: $why"
	[[ -n "${SD_PID:-}" ]] || skip "systemd did not boot: $(cat "$BATS_FILE_TMPDIR/sd-why" 2>/dev/null)"
}

# sd_rt ARGS... — the runtime in systemd's namespaces, with the systemd driver.
sd_rt() { sd_in timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" --systemd-cgroup "$@" </dev/null; }

# sd_teardown — the test's containers deleted where their systemd is, a check that none of
# their units is left, then the common checks.
sd_teardown() {
	local id left
	if [[ -n "${SD_PID:-}" && -d "${ROOT:-/nonexistent}" ]]; then
		for id in $(ls -A "$ROOT" | grep -vx '~seccomp'); do
			sd_rt delete -f "$id" >/dev/null 2>&1 || true
		done
		left="$(sd_in systemctl list-units --all --plain --no-legend "berth-$ID_PREFIX-*" 'pfx-*' 2>/dev/null |
			awk '$3 != "inactive" { print $1 }')"
		if [[ -n "$left" ]]; then
			# shellcheck disable=SC2086 # one unit a word
			sd_in systemctl stop $left >/dev/null 2>&1 || true
			common_teardown || true
			fail "TEARDOWN: units left: $left"
		fi
	fi
	common_teardown
}

# sd_in CMD... — CMD in systemd's mount, pid and cgroup namespaces.
sd_in() { nsenter -t "$SD_PID" -m -p -C -- "$@"; }

# sd_show UNIT PROPERTY — systemctl show's value.
sd_show() { sd_in systemctl show "$1" -P "$2"; }

# sd_shutdown — kills the booted systemd by pid (its pid namespace goes with it, and with that
# its mount namespace), and whatever else is in its cgroups, then removes them. Safe to call
# twice, and after a boot that failed half-way.
sd_shutdown() {
	local i cg pid
	[[ -n "${SD_PID:-}" || -z "${SD_UNSHARE:-}" ]] || SD_PID="$(pgrep -P "$SD_UNSHARE" || true)"
	[[ -z "${SD_PID:-}" ]] || kill -KILL $SD_PID 2>/dev/null || true
	[[ -z "${SD_UNSHARE:-}" ]] || kill -KILL "$SD_UNSHARE" 2>/dev/null || true
	if [[ -n "${SD_DIR:-}" && -f "$SD_DIR/cgroups" ]]; then
		while read -r cg; do
			for ((i = 0; i < 50; i++)); do
				[[ -d "$cg" ]] || break
				for pid in $(find "$cg" -name cgroup.procs -exec cat {} + 2>/dev/null); do
					kill -KILL "$pid" 2>/dev/null || true
				done
				find "$cg" -depth -type d -exec rmdir {} + 2>/dev/null || true
				[[ -d "$cg" ]] || break
				sleep 0.1
			done
		done <"$SD_DIR/cgroups"
	fi
	SD_PID= SD_UNSHARE= SD_DIR=
}
