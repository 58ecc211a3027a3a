# systemd booted as PID 1 of private pid, mount and cgroup namespaces, for the systemd cgroup
# driver's tests (systemd.bats). Its root: tmpfs with read-only binds of the host's /usr and
# /etc, its own /dev nodes, tmpfs /run and /var, a cgroup2 mount whose root is a fresh cgroup
# of the host's unified hierarchy; the paths given to sd_boot appear at the same place inside.
# Nothing of it reaches the host's mount table; sd_shutdown kills it by pid and removes its
# cgroups.

SD_BOOT_TIMEOUT=10

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

# sd_boot DIR BIND... — boots systemd with its files in DIR. Exports SD_PID (host pid of
# systemd), SD_UNSHARE (its unshare parent) and SD_CGROUP (the host cgroup at its root).
sd_boot() {
	local dir="$1" unified b binds=""
	shift
	unified="$(sd_unified_root)" || return 1
	export SD_CGROUP="$unified/berth-sdtest-$$"
	mkdir -p "$dir/root" "$SD_CGROUP"
	for b in "$@"; do binds+="$(printf '%q ' "$b")"; done
	# The cgroup first, then a cgroup namespace rooted there, in which cgroup2 is mounted.
	cat >"$dir/boot.sh" <<-EOF
		set -e
		echo 0 >$(printf '%q' "$SD_CGROUP")/cgroup.procs
		exec unshare --cgroup bash $(printf '%q' "$dir/root.sh") $(printf '%q' "$dir/root") $binds
	EOF
	cat >"$dir/root.sh" <<-'EOF'
		set -e
		R=$1
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
		mount -t cgroup2 cgroup2 sys/fs/cgroup
		mount -t proc proc proc
		# A target of its own: none of the host's services is started.
		mkdir -p run/systemd/system
		printf '[Unit]\nDescription=berth test\nDefaultDependencies=no\n' >run/systemd/system/berth-test.target
		pivot_root . oldroot
		umount -l /oldroot
		exec env -i container=berth-test /lib/systemd/systemd --unit=berth-test.target </dev/null
	EOF
	# fd 3 closed: bats waits for whatever holds it.
	unshare --pid --fork --mount --propagation private bash "$dir/boot.sh" >"$dir/log" 2>&1 3>&- &
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

# sd_in CMD... — CMD in systemd's mount, pid and cgroup namespaces.
sd_in() { nsenter -t "$SD_PID" -m -p -C -- "$@"; }

# sd_show UNIT PROPERTY — systemctl show's value.
sd_show() { sd_in systemctl show "$1" -P "$2"; }

# sd_shutdown — kills the booted systemd by pid (its pid namespace goes with it, and with that
# its mount namespace), then removes its cgroups. Safe to call twice.
sd_shutdown() {
	if [[ -n "${SD_PID:-}" ]]; then
		kill -KILL "$SD_PID" 2>/dev/null || true
	fi
	if [[ -n "${SD_UNSHARE:-}" ]]; then
		kill -KILL "$SD_UNSHARE" 2>/dev/null || true
		local i
		for ((i = 0; i < 50; i++)); do
			kill -0 "$SD_UNSHARE" 2>/dev/null || break
			sleep 0.1
		done
	fi
	if [[ -n "${SD_CGROUP:-}" && -d "$SD_CGROUP" ]]; then
		for ((i = 0; i < 50; i++)); do
			find "$SD_CGROUP" -depth -type d -exec rmdir {} + 2>/dev/null || true
			[[ -d "$SD_CGROUP" ]] || break
			sleep 0.1
		done
	fi
	SD_PID= SD_UNSHARE= SD_CGROUP=
}
