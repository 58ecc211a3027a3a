#!/usr/bin/env bash
# Rootless test harness: a real unprivileged user made for one .bats file.
#
#   rl_setup            (setup_file)    useradd + /etc/subuid,subgid + XDG_RUNTIME_DIR
#                                       + podman containers.conf/storage.conf for that user
#   rl_as CMD...        run CMD as the user, with a clean login-like environment
#   rl_rootfs DIR       busybox rootfs owned by the user at DIR
#   rl_podman ARGS...   podman as the user (its own storage, $RL_RUNTIME as the runtime)
#   rl_podman_image     import the busybox rootfs as localhost/berth-bb:latest (no download)
#   rl_teardown         (teardown_file) kill, unmount, remove, userdel: the host is left
#                       as before even after a failed or interrupted run
#
# Everything of the user lives under $RL_BASE (/tmp/berth-rl.XXXXXX, 0755, root's): the
# bats temp dirs are 0700 and the user could not reach them.  The user is marked by its
# GECOS field ($RL_GECOS) so that rl_reap_stale can remove one a killed run left behind.
#
# No logind here: XDG_RUNTIME_DIR is a plain 0700 dir owned by the user.  No systemd:
# podman uses cgroupfs and a file events log.  On cgroup v1 an unprivileged user owns no
# cgroup: rootless podman drops resource limits there, and runc makes no cgroup when the
# config asks for none (it fails on a limit or an explicit cgroupsPath).

RL_GECOS="berth-rootless-test"
# First subordinate id tried; moved up by RL_SUB_COUNT until it overlaps no existing
# /etc/subuid or /etc/subgid range and no host uid/gid in use.
RL_SUB_START="${RL_SUB_START:-200000}"
RL_SUB_COUNT=65536

# rl_range_free FILE START COUNT — no line of FILE overlaps [START, START+COUNT).
rl_range_free() {
	awk -F: -v s="$2" -v n="$3" '
		NF >= 3 && $2 ~ /^[0-9]+$/ && $3 ~ /^[0-9]+$/ {
			if ($2 < s + n && s < $2 + $3) bad = 1
		}
		END { exit bad }' "$1"
}

# rl_ids_free START COUNT — no passwd/group entry has an id in the range.
rl_ids_free() {
	getent passwd | awk -F: -v s="$1" -v n="$2" '$3 >= s && $3 < s + n { bad = 1 } END { exit bad }' &&
		getent group | awk -F: -v s="$1" -v n="$2" '$3 >= s && $3 < s + n { bad = 1 } END { exit bad }'
}

# rl_pick_subrange — print a start id free in /etc/subuid, /etc/subgid and passwd/group.
rl_pick_subrange() {
	local start="$RL_SUB_START" tries=64
	while ((tries-- > 0)); do
		if rl_range_free /etc/subuid "$start" "$RL_SUB_COUNT" &&
			rl_range_free /etc/subgid "$start" "$RL_SUB_COUNT" &&
			rl_ids_free "$start" "$RL_SUB_COUNT"; then
			printf '%s\n' "$start"
			return 0
		fi
		start=$((start + RL_SUB_COUNT))
	done
	fail "no free subordinate id range from $RL_SUB_START"
}

# rl_as CMD... — run CMD as the test user: its uid, gid and groups, no capabilities (the
# bounding set stays full, as a login's: setuid newuidmap needs it),
# cwd $HOME, and only the environment a login would give it (plus XDG_RUNTIME_DIR and
# TMPDIR under $RL_BASE).  setpriv rather than su/runuser: no PAM, and no pam_systemd
# waiting for a logind that does not run here.
rl_as() {
	setpriv --reuid="$RL_UID" --regid="$RL_GID" --init-groups --inh-caps=-all -- \
		env -i -C "$RL_HOME" HOME="$RL_HOME" USER="$RL_USER" LOGNAME="$RL_USER" SHELL=/bin/sh \
		PATH=/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin LANG=C.UTF-8 \
		XDG_RUNTIME_DIR="$RL_XDG" TMPDIR="$RL_BASE/tmp" "$@"
}

# rl_as_sh 'SNIPPET' [ARGS...] — sh -c SNIPPET as the user ($1.. are ARGS).
rl_as_sh() {
	local snippet="$1"
	shift
	rl_as sh -c "$snippet" rl-sh "$@"
}

# rl_rootfs DIR — a busybox rootfs at DIR, a real copy (not hard links to the shared
# template) owned by the user: "rootfs owned by the user" as for a rootless bundle.
rl_rootfs() {
	local dir="$1"
	mkdir -p "$dir"
	cp -a "$(rootfs_template)/." "$dir/"
	chown -R "$RL_UID:$RL_GID" "$dir"
}

# rl_write_podman_conf — per-user podman configuration, as a user would have in
# ~/.config/containers.  The runtime under test is registered under its own name.
rl_write_podman_conf() {
	local cfg="$RL_HOME/.config/containers"
	mkdir -p "$cfg"
	cat >"$cfg/containers.conf" <<-EOF
		[containers]
		netns = "$RL_NETNS"
		[engine]
		cgroup_manager = "cgroupfs"
		events_logger = "file"
		runtime = "rt-under-test"
		runtime_supports_json = ["rt-under-test"]
		runtime_supports_nocgroups = ["rt-under-test"]
		[engine.runtimes]
		rt-under-test = ["$RL_RUNTIME"]
	EOF
	cat >"$cfg/storage.conf" <<-EOF
		[storage]
		driver = "$RL_STORAGE_DRIVER"
		graphroot = "$RL_HOME/.local/share/containers/storage"
		runroot = "$RL_XDG/containers"
	EOF
	chown -R "$RL_UID:$RL_GID" "$RL_HOME/.config"
}

# rl_podman ARGS... — podman as the user, bounded in time.
rl_podman() {
	rl_as timeout --kill-after=5 "${RL_PODMAN_TIMEOUT:-90}" podman "$@"
}

# rl_podman_image — the busybox rootfs as the user's localhost/berth-bb:latest, through
# `podman import` of a tarball (nothing is downloaded).
rl_podman_image() {
	local tar="$RL_BASE/rootfs.tar"
	tar -C "$(rootfs_template)" --owner=0 --group=0 -cf "$tar" .
	chmod 644 "$tar"
	rl_podman import "$tar" localhost/berth-bb:latest >/dev/null
}

# rl_storage_driver — overlay when the kernel mounts it in a user namespace (5.11+, as
# here), else vfs.  Tried for real: unshare as the user, mount overlay there.
rl_storage_driver() {
	local d="$RL_BASE/ovl-probe"
	mkdir -p "$d"/{l,u,w,m}
	chown -R "$RL_UID:$RL_GID" "$d"
	# shellcheck disable=SC2016 # $1 is expanded by the inner shell
	if rl_as unshare -rm sh -c 'mount -t overlay overlay -o "lowerdir=$1/l,upperdir=$1/u,workdir=$1/w" "$1/m"' \
		probe "$d" 2>/dev/null; then
		echo overlay
	else
		echo vfs
	fi
	rm -rf "$d"
}

# rl_network — what podman's rootless containers use for a network namespace: slirp4netns
# (podman 4.3's default) when installed and the user may open /dev/net/tun, else none.  Here
# no udev runs and /dev/net/tun stays 0600 root: slirp4netns fails with EACCES.  RL_NETNS
# overrides the choice.
rl_network() {
	if [[ -n "${RL_NETNS:-}" ]]; then
		echo "$RL_NETNS"
	elif command -v slirp4netns >/dev/null && rl_as test -r /dev/net/tun -a -w /dev/net/tun; then
		echo slirp4netns
	else
		echo none
	fi
}

# rl_setup — create the user and everything it needs.  Sets RL_USER RL_UID RL_GID
# RL_HOME RL_XDG RL_BASE RL_SUBID RL_RUNTIME RL_STORAGE_DRIVER RL_NETNS (exported, so
# that tests see them).  Fails, naming the package, when the host lacks a tool.
rl_setup() {
	require_root
	local tool
	for tool in useradd userdel setpriv newuidmap newgidmap; do
		command -v "$tool" >/dev/null || fail "rootless tests need $tool (packages passwd, util-linux, uidmap)" || return
	done
	rl_reap_stale
	export RL_RUNTIME="$RUNTIME"
	export RL_BASE
	RL_BASE="$(mktemp -d /tmp/berth-rl.XXXXXX)"
	chmod 755 "$RL_BASE"
	export RL_USER="berthrl$$"
	export RL_HOME="$RL_BASE/home"
	export RL_XDG="$RL_BASE/run"
	# The range is picked and written under a lock: two runs at once would pick the same.
	export RL_SUBID
	touch /etc/subuid /etc/subgid
	exec {rl_lock}</etc/subuid # flock: no lock file left behind
	flock "$rl_lock"
	RL_SUBID="$(rl_pick_subrange)" || { exec {rl_lock}>&-; return 1; }
	# -K SUB_*_COUNT=0: useradd must not add ranges of its own choosing; ours are below.
	useradd -c "$RL_GECOS" -d "$RL_HOME" -m -s /bin/sh -U \
		-K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$RL_USER" || { exec {rl_lock}>&-; fail "useradd failed"; return; }
	echo "$RL_USER:$RL_SUBID:$RL_SUB_COUNT" >>/etc/subuid
	echo "$RL_USER:$RL_SUBID:$RL_SUB_COUNT" >>/etc/subgid
	exec {rl_lock}>&-
	export RL_UID RL_GID
	RL_UID="$(id -u "$RL_USER")"
	RL_GID="$(id -g "$RL_USER")"
	mkdir -m 700 "$RL_XDG"
	mkdir -m 1777 "$RL_BASE/tmp"
	chown "$RL_UID:$RL_GID" "$RL_XDG"
	export RL_STORAGE_DRIVER RL_NETNS
	RL_STORAGE_DRIVER="${RL_STORAGE_DRIVER:-$(rl_storage_driver)}"
	RL_NETNS="$(rl_network)"
	rl_write_podman_conf
}

# rl_user_pids UID SUBSTART SUBCOUNT — pids whose real or effective uid is UID or one of
# its subordinate ids: the user's processes and those of its user namespaces.
rl_user_pids() {
	local f
	for f in /proc/[0-9]*/status; do
		awk -v u="$1" -v s="$2" -v n="$3" -v p="${f#/proc/}" '
			/^Uid:/ {
				for (i = 2; i <= 3; i++)
					if ($i == u || ($i >= s && $i < s + n)) { sub("/status", "", p); print p; exit }
				exit
			}' "$f" 2>/dev/null || true # a process that just exited
	done
}

# rl_kill_user UID SUBSTART SUBCOUNT — SIGKILL those processes (by pid), until none is left.
rl_kill_user() {
	local tries=50 pids
	while ((tries-- > 0)); do
		pids="$(rl_user_pids "$@")"
		[[ -z "$pids" ]] && return 0
		# shellcheck disable=SC2086 # one pid per word
		kill -9 $pids 2>/dev/null || true
		sleep 0.1
	done
	fail "processes of uid $1 survive SIGKILL: $pids"
}

# rl_remove_user NAME BASE — everything rl_setup made for NAME, BASE its dir.
rl_remove_user() {
	local name="$1" base="$2" uid sub mp
	uid="$(id -u "$name" 2>/dev/null)" || uid=
	sub="$(awk -F: -v u="$name" '$1 == u { print $2; exit }' /etc/subuid)"
	[[ -n "$uid" ]] && rl_kill_user "$uid" "${sub:-0}" "$([[ -n "$sub" ]] && echo "$RL_SUB_COUNT" || echo 0)"
	if [[ -n "$base" && -d "$base" ]]; then
		# Rootless mounts live in the user's own mount namespaces, gone with its
		# processes; a host mount here would be a bug, but never rm -rf through one.
		for mp in $(mounts_under "$base" | sort -r); do umount -l "$mp" 2>/dev/null || true; done
		# Files owned by subordinate ids (podman storage): root removes them.
		rm -rf --one-file-system "$base"
	fi
	[[ -n "$uid" ]] && userdel -f "$name" 2>/dev/null
	# userdel drops the user's subordinate ranges too; make sure, under the lock.
	local f lock
	exec {lock}</etc/subuid
	flock "$lock"
	for f in /etc/subuid /etc/subgid; do
		if grep -q "^$name:" "$f" 2>/dev/null; then
			sed -i "/^$name:/d" "$f"
		fi
	done
	exec {lock}>&-
	getent group "$name" >/dev/null && groupdel "$name" 2>/dev/null
	return 0
}

# rl_reap_stale — remove users an interrupted run left: marked by RL_GECOS, and their
# creating process ($$ in the name) gone.
rl_reap_stale() {
	local name gecos home pid
	while IFS=: read -r name _ _ _ gecos home _; do
		[[ "$gecos" == "$RL_GECOS" && "$name" == berthrl* ]] || continue
		pid="${name#berthrl}"
		[[ -d "/proc/$pid" && "$pid" != "$$" ]] && continue
		rl_remove_user "$name" "${home%/home}"
	done < <(getent passwd)
}

# rl_teardown — remove the user of rl_setup, and check nothing of it is left.
rl_teardown() {
	[[ -n "${RL_USER:-}" ]] || return 0
	local problems=()
	rl_remove_user "$RL_USER" "${RL_BASE:-}"
	id "$RL_USER" >/dev/null 2>&1 && problems+=("user $RL_USER still exists")
	grep -q "^$RL_USER:" /etc/subuid /etc/subgid && problems+=("subordinate ranges of $RL_USER left")
	[[ -e "${RL_BASE:-/nonexistent}" ]] && problems+=("$RL_BASE left")
	[[ -n "$(rl_user_pids "$RL_UID" "$RL_SUBID" "$RL_SUB_COUNT")" ]] && problems+=("processes of $RL_USER left")
	unset RL_USER
	if ((${#problems[@]})); then
		printf 'RL_TEARDOWN: %s\n' "${problems[@]}" >&2
		return 1
	fi
}
