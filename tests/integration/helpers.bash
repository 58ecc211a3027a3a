#!/usr/bin/env bash
# Shared helpers for the berth integration tests.
#
# The tests drive any runc-compatible runtime through its command line:
#   RUNTIME=/path/to/berth bats tests/integration      (or BERTH=...)
#   RUNTIME=/usr/bin/runc IS_BERTH= bats tests/integration
#
# Every test gets its own temp dir holding a busybox bundle and a private
# --root state dir, so nothing touches /run/runc or /run/berth.  teardown
# force-deletes every container, kills leftover container processes, lazily
# unmounts anything still mounted under the temp dir, and *fails the test*
# when it had to clean up after the runtime: a leak is a bug.

bats_require_minimum_version 1.5.0

RUNTIME="${RUNTIME:-${BERTH:-berth}}"
# Resolve a bare name through PATH once, so error messages show what ran;
# make a relative path absolute, since some tests cd.
if [[ "$RUNTIME" != */* ]]; then
	RUNTIME="$(command -v "$RUNTIME" || printf '%s' "$RUNTIME")"
elif [[ "$RUNTIME" != /* ]]; then
	RUNTIME="$PWD/$RUNTIME"
fi

# IS_BERTH enables assertions on berth-specific behaviour (exact error
# messages, log format).  Unset: guessed from the binary name.  Set to the
# empty string to force it off (e.g. when validating against runc).
if [[ -z "${IS_BERTH+set}" ]]; then
	case "${RUNTIME##*/}" in
	berth*) IS_BERTH=1 ;;
	*) IS_BERTH= ;;
	esac
fi

# Upper bound for one runtime invocation.  A hung runtime must fail the test,
# not hang the suite.
RT_TIMEOUT="${RT_TIMEOUT:-20}"

BUSYBOX="${BUSYBOX:-/bin/busybox}"

# Mask bits of the capabilities the default config grants
# (CAP_KILL=5, CAP_NET_BIND_SERVICE=10, CAP_AUDIT_WRITE=29).
DEFAULT_CAPS_HEX="0000000020000420"

# A number shared by everything this bats run creates: it prefixes the
# container ids (which runc also uses as cgroup names) and the "sleep N"
# marker commands, so leak checks can find exactly our leftovers and
# nothing else on the machine.
run_tag() {
	local base="${BATS_RUN_TMPDIR:-$$}"
	printf '%s' "$base" | cksum | awk '{ printf "%05d", $1 % 100000 }'
}
RUN_TAG="$(run_tag)"
ID_PREFIX="bt${RUN_TAG}"
MARKER_PREFIX="1${RUN_TAG}"

is_berth() { [[ -n "$IS_BERTH" ]]; }

fail() {
	printf '%s\n' "$@" >&2
	return 1
}

# rt ARGS... — run the runtime under test with the private state dir.
rt() {
	timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@"
}

# ---------------------------------------------------------------------------
# Root filesystem and bundle
# ---------------------------------------------------------------------------

# Build the busybox rootfs once per .bats file; each test copies it.
rootfs_template() {
	local tpl="$BATS_FILE_TMPDIR/rootfs-template"
	if [[ ! -d "$tpl" ]]; then
		local tmp
		tmp="$(mktemp -d "$BATS_FILE_TMPDIR/rootfs.XXXXXX")"
		chmod 755 "$tmp" # mktemp made it 0700: uid 1000 must get in
		mkdir -p "$tmp"/{bin,proc,sys,dev,tmp,etc,root,home/user}
		chmod 1777 "$tmp/tmp"
		cp "$BUSYBOX" "$tmp/bin/busybox"
		# One relative symlink per applet.  perl does it in one process
		# (a fork per `ln` costs ~1 s per file); the loop is the fallback.
		local applets
		applets="$("$BUSYBOX" --list | grep -vx busybox)"
		# shellcheck disable=SC2086 # one argument per applet
		if ! (cd "$tmp/bin" && perl -e 'symlink("busybox", $_) or die "$_: $!\n" for @ARGV' $applets) 2>/dev/null; then
			local applet
			for applet in $applets; do
				ln -sf busybox "$tmp/bin/$applet"
			done
		fi
		cat >"$tmp/etc/passwd" <<-'EOF'
			root:x:0:0:root:/root:/bin/sh
			user:x:1000:1000:user:/home/user:/bin/sh
		EOF
		cat >"$tmp/etc/group" <<-'EOF'
			root:x:0:
			user:x:1000:
			extra:x:2000:user
		EOF
		echo berth-rootfs >"$tmp/etc/hostname"
		chown 1000:1000 "$tmp/home/user"
		mv "$tmp" "$tpl"
	fi
	printf '%s\n' "$tpl"
}

# Exactly what `runc spec` (1.1.5) writes.  Tests must not depend on the
# runtime's own `spec` command to get a working bundle.
default_config() {
	cat <<-'EOF'
		{
			"ociVersion": "1.0.2-dev",
			"process": {
				"terminal": true,
				"user": {
					"uid": 0,
					"gid": 0
				},
				"args": [
					"sh"
				],
				"env": [
					"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
					"TERM=xterm"
				],
				"cwd": "/",
				"capabilities": {
					"bounding": [
						"CAP_AUDIT_WRITE",
						"CAP_KILL",
						"CAP_NET_BIND_SERVICE"
					],
					"effective": [
						"CAP_AUDIT_WRITE",
						"CAP_KILL",
						"CAP_NET_BIND_SERVICE"
					],
					"permitted": [
						"CAP_AUDIT_WRITE",
						"CAP_KILL",
						"CAP_NET_BIND_SERVICE"
					],
					"ambient": [
						"CAP_AUDIT_WRITE",
						"CAP_KILL",
						"CAP_NET_BIND_SERVICE"
					]
				},
				"rlimits": [
					{
						"type": "RLIMIT_NOFILE",
						"hard": 1024,
						"soft": 1024
					}
				],
				"noNewPrivileges": true
			},
			"root": {
				"path": "rootfs",
				"readonly": true
			},
			"hostname": "runc",
			"mounts": [
				{
					"destination": "/proc",
					"type": "proc",
					"source": "proc"
				},
				{
					"destination": "/dev",
					"type": "tmpfs",
					"source": "tmpfs",
					"options": [
						"nosuid",
						"strictatime",
						"mode=755",
						"size=65536k"
					]
				},
				{
					"destination": "/dev/pts",
					"type": "devpts",
					"source": "devpts",
					"options": [
						"nosuid",
						"noexec",
						"newinstance",
						"ptmxmode=0666",
						"mode=0620",
						"gid=5"
					]
				},
				{
					"destination": "/dev/shm",
					"type": "tmpfs",
					"source": "shm",
					"options": [
						"nosuid",
						"noexec",
						"nodev",
						"mode=1777",
						"size=65536k"
					]
				},
				{
					"destination": "/dev/mqueue",
					"type": "mqueue",
					"source": "mqueue",
					"options": [
						"nosuid",
						"noexec",
						"nodev"
					]
				},
				{
					"destination": "/sys",
					"type": "sysfs",
					"source": "sysfs",
					"options": [
						"nosuid",
						"noexec",
						"nodev",
						"ro"
					]
				},
				{
					"destination": "/sys/fs/cgroup",
					"type": "cgroup",
					"source": "cgroup",
					"options": [
						"nosuid",
						"noexec",
						"nodev",
						"relatime",
						"ro"
					]
				}
			],
			"linux": {
				"resources": {
					"devices": [
						{
							"allow": false,
							"access": "rwm"
						}
					]
				},
				"namespaces": [
					{
						"type": "pid"
					},
					{
						"type": "network"
					},
					{
						"type": "ipc"
					},
					{
						"type": "uts"
					},
					{
						"type": "mount"
					}
				],
				"maskedPaths": [
					"/proc/acpi",
					"/proc/asound",
					"/proc/kcore",
					"/proc/keys",
					"/proc/latency_stats",
					"/proc/timer_list",
					"/proc/timer_stats",
					"/proc/sched_debug",
					"/sys/firmware",
					"/proc/scsi"
				],
				"readonlyPaths": [
					"/proc/bus",
					"/proc/fs",
					"/proc/irq",
					"/proc/sys",
					"/proc/sysrq-trigger"
				]
			}
		}
	EOF
}

# setup_bundle [DIR] — fresh busybox bundle at $BUNDLE (default
# $TESTDIR/bundle) with the default config, terminal off (tests have no tty).
setup_bundle() {
	BUNDLE="${1:-$TESTDIR/bundle}"
	mkdir -p "$BUNDLE"
	local tpl
	tpl="$(rootfs_template)"
	# Hard links keep this fast (copying ~300 symlinks costs ~150 ms); /etc
	# is copied for real so tests may edit it.  Do not modify files under
	# /bin in place: the inodes are shared by all tests of the file.
	cp -al "$tpl" "$BUNDLE/rootfs"
	rm -rf "$BUNDLE/rootfs/etc"
	cp -a "$tpl/etc" "$BUNDLE/rootfs/etc"
	# terminal false without a jq run (this happens for every test).
	local cfg
	cfg="$(default_config)"
	printf '%s\n' "${cfg/\"terminal\": true/\"terminal\": false}" >"$BUNDLE/config.json"
}

# update_config FILTER [JQ-ARGS...] — edit $BUNDLE/config.json in place, e.g.
#   update_config '.process.args = ["sh", "-c", $c]' --arg c 'echo hi'
update_config() {
	local filter="$1"
	shift
	local cfg="$BUNDLE/config.json"
	jq "$@" "$filter" "$cfg" >"$cfg.new" && mv "$cfg.new" "$cfg"
}

# set_cmd 'SHELL SNIPPET' — the container runs `sh -c SNIPPET`.
set_cmd() {
	update_config '.process.args = ["sh", "-c", $c]' --arg c "$1"
}

# jq_string_array ARG... — sets JQ_ARRAY to a jq expression for the JSON array of ARGs and
# JQ_ARRAY_ARGS to the jq options it needs: one --arg per element, since jq's own --args
# would eat elements such as "-c".
jq_string_array() {
	local i=0 arg refs=()
	JQ_ARRAY_ARGS=()
	for arg in "$@"; do
		JQ_ARRAY_ARGS+=(--arg "a$i" "$arg")
		refs+=("\$a$i")
		i=$((i + 1))
	done
	local IFS=,
	JQ_ARRAY="[${refs[*]}]"
}

# set_args ARG... — the container runs exactly ARG...
set_args() {
	jq_string_array "$@"
	update_config ".process.args = $JQ_ARRAY" "${JQ_ARRAY_ARGS[@]}"
}

writable_rootfs() { update_config '.root.readonly = false'; }

# add_caps CAP... — into the bounding, effective and permitted sets.
add_caps() {
	local c
	for c in "$@"; do
		update_config '.process.capabilities |= (.bounding += [$c] | .effective += [$c] | .permitted += [$c])' --arg c "$c"
	done
}

# ---------------------------------------------------------------------------
# Containers
# ---------------------------------------------------------------------------

# new_id — a container id unique on this machine (the runtime may use it as
# a cgroup name).  Used as id=$(new_id): $BASHPID differs per call.
new_id() {
	printf '%s-%s-%s\n' "$ID_PREFIX" "${BATS_SUITE_TEST_NUMBER:-0}" "$BASHPID"
}

# run_ctr ID — `run` the bundle in the foreground, as a user would.  stdin
# is /dev/null so a container reading stdin cannot hang the suite.
run_ctr() {
	rt run --bundle "$BUNDLE" "$1" </dev/null
}

# run_container — bats-`run` the bundle in the foreground with a fresh id.
# $output is what the container wrote to stdout; $stderr holds its stderr
# and the runtime's (which may print warnings: tests must not trip on them).
run_container() {
	run --separate-stderr run_ctr "$(new_id)"
}

# create_ctr ID [CREATE-ARGS...] — create the container.  Its stdio (and the
# runtime's) go to files, never to bats' capture pipe: the container would
# hold the pipe open and `run` would wait for it forever.
# Output: $TESTDIR/ID.out, $TESTDIR/ID.err.
create_ctr() {
	local id="$1"
	shift
	rt create --bundle "$BUNDLE" "$@" "$id" \
		</dev/null >"$TESTDIR/$id.out" 2>"$TESTDIR/$id.err" 3>&- 4>&- ||
		fail "create $id failed ($?):" "$(cat "$TESTDIR/$id.err")"
}

# start_ctr ID — create + start.
start_ctr() {
	create_ctr "$@" || return
	rt start "$1" || fail "start $1 failed"
}

ctr_out() { cat "$TESTDIR/$1.out"; }
ctr_err() { cat "$TESTDIR/$1.err"; }

# ctr_state ID [JQ-FILTER] — field of `state ID` (default: .status).
# .status and .pid are parsed in bash: they are polled, and jq costs a fork.
ctr_state() {
	local json filter="${2:-.status}"
	json="$(rt state "$1")" || return
	case "$filter" in
	.status) [[ "$json" =~ \"status\":[[:space:]]*\"([a-z]+)\" ]] && printf '%s\n' "${BASH_REMATCH[1]}" && return ;;
	.pid) [[ "$json" =~ \"pid\":[[:space:]]*([0-9]+) ]] && printf '%s\n' "${BASH_REMATCH[1]}" && return ;;
	esac
	jq -r "$filter" <<<"$json"
}

# pid_of ID — the init pid reported by `state`.
pid_of() { ctr_state "$1" .pid; }

# wait_status ID STATUS [TENTHS] — poll `state` until STATUS (default 3 s).
wait_status() {
	local id="$1" want="$2" tries="${3:-30}" got=
	while ((tries-- > 0)); do
		got="$(ctr_state "$id" 2>/dev/null)" || true
		[[ "$got" == "$want" ]] && return 0
		sleep 0.1
	done
	fail "container $id: status '$got', expected '$want'"
}

# wait_for CMD... — retry CMD for up to ~3 s.
wait_for() {
	local tries=30
	while ((tries-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	fail "timed out waiting for: $*"
}

# process_gone PID — PID no longer runs.  A zombie counts as gone: the
# container init is re-parented to the host's pid 1 and some pid 1s (e.g.
# in minimal VMs) never reap it.
process_gone() {
	local stat
	stat="$(cat "/proc/$1/stat" 2>/dev/null)" || return 0
	stat="${stat##*) }"
	[[ "${stat%% *}" == Z ]]
}

# rt_raw ARGS... — the runtime without the implicit --root.
rt_raw() { timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "$@"; }

# cmdline_of PID — the command line of PID, space separated.
cmdline_of() { tr '\0' ' ' <"/proc/$1/cmdline" 2>/dev/null; }

# cmdline_matches PID GLOB — PID's command line (cmdline_of) matches GLOB. Right after `start`
# or a detached exec returns, the process may still be inside execve, between its new address
# space and its argument pages, where the command line reads empty: wait_for it.
cmdline_matches() { [[ "$(cmdline_of "$1")" == $2 ]]; }

# procs_rooted_in DIR — pids of processes whose root directory is DIR, i.e.
# processes inside a container with that rootfs (readlink of /proc/PID/root
# says "/" for another mount namespace, so compare device and inode).
procs_rooted_in() {
	local want
	want="$(stat -c '%d:%i' "$1" 2>/dev/null)" || return 0
	stat -L -c '%d:%i %n' /proc/[0-9]*/root 2>/dev/null |
		awk -v w="$want" '$1 == w { split($2, p, "/"); print p[3] }'
}

# state_entries — what $ROOT holds besides berth's cache of compiled seccomp filters
# ($ROOT/~seccomp: no container's, since no valid id contains '~').
state_entries() { ls -A "$ROOT" 2>/dev/null | grep -vx '~seccomp'; }

# root_is_empty — no container state left in $ROOT.
root_is_empty() {
	[[ ! -d "$ROOT" ]] || [[ -z "$(state_entries)" ]] ||
		fail "state left under --root $ROOT:" "$(ls -lA "$ROOT")"
}

# A unique "sleep" duration used as a process marker: `pgrep -f` for it
# finds container processes that outlived their container.
marker_sleep() {
	printf '%s%04d%01d\n' "$MARKER_PREFIX" "${BATS_SUITE_TEST_NUMBER:-0}" $((RANDOM % 10))
}

# ---------------------------------------------------------------------------
# Runs that must fail
# ---------------------------------------------------------------------------

# set_cmd_if_default — unless the test chose the args, the process
# announces that it ran.
set_cmd_if_default() {
	if [[ "$(jq -c .process.args "$BUNDLE/config.json")" == '["sh"]' ]]; then
		set_cmd 'echo container-ran'
	fi
}

# run_fails — `run` the bundle; it must fail without running the process
# and leave no state.  stderr ends up in $stderr.
run_fails() {
	set_cmd_if_default
	run_container
	[ "$status" -ne 0 ] || fail "runtime succeeded; output: $output"
	[[ "$output" != *container-ran* ]] || fail "the container process ran"
	root_is_empty
}

# fails_cleanly [RUN-ARGS...] — `run` the bundle (which would print
# "container-ran"); it must fail before the process runs, and leave no state
# and no process behind.  The runtime's stderr ends up in $stderr.  For
# what berth cannot honour yet: it fails with the config's JSON path,
# never silently ignored.
fails_cleanly() {
	set_cmd 'echo container-ran'
	local id
	id="$(new_id)"
	run --separate-stderr rt run "$@" --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -ne 0 ] || fail "runtime succeeded; output: $output"
	[[ "$output" != *container-ran* ]] || fail "the container process ran"
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "processes left in the rootfs"
	[ -z "$(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null)" ] || fail "cgroup left for $id"
	root_is_empty
	# create as well: it must fail the same way and leave nothing either.
	run --separate-stderr rt create "$@" --bundle "$BUNDLE" "$id" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "create succeeded"
	root_is_empty
}

# ---------------------------------------------------------------------------
# What the container sees
# ---------------------------------------------------------------------------

# status_line NAME — the "NAME:\t..." line of /proc/self/status in $output.
status_line() { grep -E "^$1:" <<<"$output"; }

# host_ns TYPE — what /proc/self/ns/TYPE links to for the caller.
host_ns() { readlink "/proc/self/ns/$1"; }

# container_mountinfo — run the container and capture its mountinfo in
# $output.
container_mountinfo() {
	set_args cat /proc/self/mountinfo
	run_container
	[ "$status" -eq 0 ] || fail "container failed: $output"
}

# ---------------------------------------------------------------------------
# /proc/self/mountinfo as seen by the container (in $output)
# ---------------------------------------------------------------------------

# mi_field TEXT MOUNTPOINT FIELD — for the LAST mount at MOUNTPOINT (the
# visible one), print FIELD: root | opts (per-mount options) | fstype |
# source | superopts.
mi_field() {
	awk -v mp="$2" -v f="$3" '
		$5 == mp {
			sep = 0
			for (i = 7; i <= NF; i++) if ($i == "-") { sep = i; break }
			if (f == "root") v = $4
			else if (f == "opts") v = $6
			else if (f == "fstype") v = $(sep + 1)
			else if (f == "source") v = $(sep + 2)
			else if (f == "superopts") v = $(sep + 3)
			found = 1
		}
		END { if (found) print v; else exit 1 }' <<<"$1"
}

# has_opt OPTS OPT — comma separated OPTS contains OPT.
has_opt() { [[ ",$1," == *",$2,"* ]]; }

# ---------------------------------------------------------------------------
# Host paths outside $TESTDIR that a test creates (attack targets).  They
# are removed in teardown, after making sure nothing is mounted on them.
# ---------------------------------------------------------------------------
HOST_PATHS=()
# new_host_path VAR LABEL — set VAR to a fresh /tmp path (not created) and
# register it for cleanup.  Not via $(...): the registration would be lost.
new_host_path() {
	local -n _ref="$1"
	_ref="/tmp/berth-it-$2-$RUN_TAG-$RANDOM$RANDOM"
	HOST_PATHS+=("$_ref")
}

# new_host_dir VAR LABEL — a registered host dir holding a marker file.
new_host_dir() {
	new_host_path "$1" "$2"
	local -n _dir="$1"
	mkdir "$_dir"
	echo host-marker >"$_dir/marker"
}

# host_untouched DIR — DIR still holds only the "marker" file we put there,
# with its content, and nothing is mounted on it.
host_untouched() {
	local dir="$1"
	[ "$(ls -A "$dir")" = marker ] || fail "host dir $dir changed: $(ls -lA "$dir")"
	[ "$(cat "$dir/marker")" = host-marker ] || fail "host marker in $dir changed"
	[ -z "$(mounts_under "$dir")" ] || fail "something is mounted on $dir: $(mounts_under "$dir")"
}

# mounts_under PATH... — host mount points at or below any PATH.
mounts_under() {
	awk '{ print $5 }' /proc/self/mountinfo | while read -r mp; do
		local p
		for p in "$@"; do
			[[ "$mp" == "$p" || "$mp" == "$p"/* ]] && printf '%s\n' "$mp"
		done
	done
}

# ---------------------------------------------------------------------------
# setup / teardown
# ---------------------------------------------------------------------------

require_root() {
	[[ $EUID -eq 0 ]] || skip "needs root"
}

common_setup() {
	require_root
	[[ -x "$RUNTIME" ]] || fail "runtime '$RUNTIME' not found: set RUNTIME or BERTH"
	TESTDIR="${BATS_TEST_TMPDIR:-$(mktemp -d /tmp/berth-it.XXXXXX)}"
	ROOT="$TESTDIR/state"
	mkdir -p "$ROOT"
	chmod 700 "$ROOT"
	LONG="$(marker_sleep)"
	setup_bundle
}

common_teardown() {
	[[ -n "${TESTDIR:-}" ]] || return 0
	local problems=() id pid pids=() mp

	# Delete every container `list` reports, noting the init pids to check
	# they die; plus any entry of the state dir, in case `list` is broken.
	local -A todo=()
	while read -r id pid; do
		[[ -n "$id" ]] || continue
		todo[$id]=1
		[[ "$pid" =~ ^[1-9][0-9]*$ ]] && pids+=("$pid")
	done < <(rt list --format json 2>/dev/null | jq -r '.[]? | "\(.id) \(.pid)"' 2>/dev/null)
	for id in "$ROOT"/* "$ROOT"/.[!.]*; do
		[[ -e "$id" && "${id##*/}" != '~seccomp' ]] && todo[${id##*/}]=1
	done
	for id in "${!todo[@]}"; do
		rt delete -f "$id" >/dev/null 2>&1 || true
	done
	if [[ -d "$ROOT" && -n "$(state_entries)" ]]; then
		problems+=("delete -f left state under $ROOT: $(state_entries | tr '\n' ' ')")
	fi

	# Container processes that outlived delete -f (by init pid and marker).
	for pid in "${pids[@]}"; do
		if ! wait_for process_gone "$pid" 2>/dev/null; then
			problems+=("container init $pid still alive after delete -f")
			kill -9 "$pid" 2>/dev/null || true
		fi
	done
	for pid in $(pgrep -f "sleep $LONG" || true) $(procs_rooted_in "$BUNDLE/rootfs"); do
		problems+=("leftover container process $pid: $(cmdline_of "$pid")")
		kill -9 "$pid" 2>/dev/null || true
	done

	# Nothing may stay mounted under our dirs; never rm -rf through a mount.
	for mp in $(mounts_under "$TESTDIR" "${HOST_PATHS[@]}" | sort -r); do
		problems+=("left mounted on the host: $mp")
		umount -l "$mp" 2>/dev/null || true
	done

	# Cgroups named after our containers (runc's default cgroupsPath).
	for mp in $(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID_PREFIX-${BATS_SUITE_TEST_NUMBER:-0}-*" 2>/dev/null); do
		problems+=("leftover cgroup $mp")
		rmdir "$mp" 2>/dev/null || true
	done

	for mp in "${HOST_PATHS[@]}"; do
		rm -rf --one-file-system "$mp"
	done
	if [[ -z "$(mounts_under "$TESTDIR")" ]]; then
		if [[ -n "${BATS_TEST_TMPDIR:-}" ]]; then
			rm -rf --one-file-system "$TESTDIR"/state "$TESTDIR"/bundle*
		else
			rm -rf --one-file-system "$TESTDIR" # our own mktemp dir
		fi
	fi

	if ((${#problems[@]})); then
		printf 'TEARDOWN: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# File-level leak check: everything this run created must be gone.
common_teardown_file() {
	local problems=() pid mp
	for pid in $(pgrep -f "sleep $MARKER_PREFIX" || true); do
		problems+=("leftover process $pid: $(cmdline_of "$pid")")
		kill -9 "$pid" 2>/dev/null || true
	done
	for mp in $(mounts_under "${BATS_RUN_TMPDIR:-/nonexistent}" | sort -r); do
		problems+=("left mounted: $mp")
		umount -l "$mp" 2>/dev/null || true
	done
	for mp in $(find /sys/fs/cgroup -maxdepth 4 -type d -name "$ID_PREFIX-*" 2>/dev/null); do
		problems+=("leftover cgroup $mp")
		rmdir "$mp" 2>/dev/null || true
	done
	for mp in /tmp/berth-it-*-"$RUN_TAG"-*; do
		[[ -e "$mp" || -L "$mp" ]] || continue
		problems+=("leftover host path $mp")
		[[ -n "$(mounts_under "$mp")" ]] || rm -rf --one-file-system "$mp"
	done
	if ((${#problems[@]})); then
		printf 'TEARDOWN_FILE: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

setup() { common_setup; }
teardown() { common_teardown; }
teardown_file() { common_teardown_file; }

# ---------------------------------------------------------------------------
# User namespaces
# ---------------------------------------------------------------------------

# Host ids the container's ids 0..65535 map to in the user namespace tests.
USERNS_HOST_ID=100000
USERNS_SIZE=65536

# setup_userns_bundle — a fresh bundle at $BUNDLE whose container gets a new
# user namespace mapping ids 0..65535 to host ids 100000...  The bundle is
# a registered host path under /tmp (see new_host_path): the bats temp dir
# is mode 0700, and uid 100000 must reach the rootfs.  Only the rootfs top
# directory is chowned: everything below is hard-linked to the shared
# template (cp -al), whose inodes must not change.
setup_userns_bundle() {
	local dir
	new_host_path dir userns
	mkdir -m 755 "$dir"
	setup_bundle "$dir/bundle"
	chmod 755 "$BUNDLE"
	chown "$USERNS_HOST_ID:$USERNS_HOST_ID" "$BUNDLE/rootfs"
	update_config '.linux.namespaces += [{"type": "user"}]
		| .linux.uidMappings = [{"containerID": 0, "hostID": $h, "size": $n}]
		| .linux.gidMappings = [{"containerID": 0, "hostID": $h, "size": $n}]' \
		--argjson h "$USERNS_HOST_ID" --argjson n "$USERNS_SIZE"
}

# ---------------------------------------------------------------------------
# A private mount namespace for the runtime
# ---------------------------------------------------------------------------

# rt_in_mntns PROPAGATION SETUP ARGS... — `rt ARGS...` run in a mount
# namespace of its own (unshare -m --propagation PROPAGATION), after the
# shell snippet SETUP ran there.  Mounts SETUP makes (e.g. a submount of a
# bind source) never reach the host's mount table and vanish with the
# namespace.  stdin is /dev/null.
rt_in_mntns() {
	local prop="$1" setup="$2"
	shift 2
	# shellcheck disable=SC2016 # "$@" is expanded by the inner shell
	unshare -m --propagation "$prop" bash -c "set -e; $setup"$'\n''exec timeout --kill-after=5 "$@"' \
		rt-in-mntns "$RT_TIMEOUT" "$RUNTIME" --root "$ROOT" "$@" </dev/null
}
