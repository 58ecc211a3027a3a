#!/usr/bin/env bats
# Rootless: the runtime run by a real unprivileged user, made for this file and removed
# afterwards (rootless_helpers.bash), the way a workstation user runs it:
#  - directly, on a `spec --rootless` bundle whose rootfs the user owns: the state root
#    defaults to $XDG_RUNTIME_DIR/<runtime name>, the container sees uid 0 and the host
#    sees the user's uid;
#  - through rootless podman (`--runtime` = the runtime under test; podman makes the user
#    namespace from /etc/subuid with newuidmap and calls the runtime inside it as uid 0).
# The tests run as root and switch to the user for every call.  On cgroup v1 an
# unprivileged user owns no cgroup: no limits are set here, and none are checked.

load helpers
load rootless_helpers

setup_file() {
	require_root
	rl_setup
	rl_as test -x "$RUNTIME" || fail "user $RL_USER cannot execute $RUNTIME (a dir on the way is not searchable)"
	export RL_PODMAN=
	if command -v podman >/dev/null && command -v conmon >/dev/null; then
		rl_podman_image 2>"$RL_BASE/import.err" || fail "podman import as $RL_USER failed: $(cat "$RL_BASE/import.err")"
		RL_PODMAN=1
	fi
}

teardown_file() {
	rl_teardown
	common_teardown_file
}

setup() {
	require_root
	[[ -n "${RL_USER:-}" ]] || fail "no rootless user (setup_file failed)"
	TESTDIR="$RL_BASE/t$BATS_SUITE_TEST_NUMBER"
	mkdir -m 755 "$TESTDIR"
	# The runtime's default state root for this user: runc's rule, $XDG_RUNTIME_DIR/runc
	# for runc, berth's the same with its own name.
	RL_ROOT="$RL_XDG/${RUNTIME##*/}"
	ROOT="$RL_ROOT" # for helpers.bash's state_entries and root_is_empty
	IDS=()
	LONG="$(marker_sleep)"
}

teardown() {
	local problems=() id pid ctr mp
	for id in "${IDS[@]}"; do
		if rl_rt state "$id" >/dev/null 2>&1; then
			problems+=("container $id left")
			rl_rt delete -f "$id" >/dev/null 2>&1 || true
		fi
		for mp in $(find /sys/fs/cgroup -maxdepth 4 -type d -name "$id" 2>/dev/null); do
			problems+=("leftover cgroup $mp")
			rmdir "$mp" 2>/dev/null || true
		done
	done
	if [[ -n "${BUNDLE:-}" ]]; then
		for pid in $(procs_rooted_in "$BUNDLE/rootfs"); do
			problems+=("leftover container process $pid: $(cmdline_of "$pid")")
			kill -9 "$pid" 2>/dev/null || true
		done
	fi
	if [[ -n "$RL_PODMAN" ]]; then
		for ctr in $(rl_podman ps -aq 2>/dev/null); do
			problems+=("podman container $ctr left")
			rl_podman rm -f -t 0 "$ctr" >/dev/null 2>&1 || true
		done
	fi
	if [[ -d "$RL_ROOT" && -n "$(state_entries)" ]]; then
		problems+=("state left in $RL_ROOT: $(state_entries | tr '\n' ' ')")
	fi
	if ((${#problems[@]})); then
		printf 'TEARDOWN: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# rl_rt ARGS... — the runtime under test as the user, without --root: the default state
# root is part of what is tested.
rl_rt() {
	rl_as timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "$@"
}

# rl_bundle 'SNIPPET' — $BUNDLE: the user's own `$RUNTIME spec --rootless` (run by the
# user in the bundle dir) with a rootfs the user owns; terminal off, the process runs
# `sh -c SNIPPET`.  The config is used as the runtime wrote it otherwise.
rl_bundle() {
	BUNDLE="$TESTDIR/bundle"
	mkdir -p "$BUNDLE"
	rl_rootfs "$BUNDLE/rootfs"
	chown "$RL_UID:$RL_GID" "$BUNDLE"
	rl_as_sh 'cd "$1" && exec "$2" spec --rootless' "$BUNDLE" "$RUNTIME" || fail "spec --rootless failed"
	rl_as_sh 'cd "$1" && jq ".process.terminal = false | .process.args = [\"sh\", \"-c\", \$c]" --arg c "$2" config.json >config.json.new && mv config.json.new config.json' \
		"$BUNDLE" "$1"
}

# host_uids PID — the real, effective, saved and fs uids of PID, as the host sees them.
host_uids() { awk '/^Uid:/ { print $2, $3, $4, $5 }' "/proc/$1/status"; }

# A host uid is the user's or one of its subordinate ids.
is_users_uid() {
	[[ "$1" == "$RL_UID" ]] || { (($1 >= RL_SUBID && $1 < RL_SUBID + RL_SUB_COUNT)); }
}

# runc's shape (berth's spec is runc's); crun leaves the mappings to run time instead and
# keeps a network namespace with sysfs.
@test "rootless: spec --rootless asks for a user namespace mapping the user to 0 and no network namespace" {
	[[ "${RUNTIME##*/}" != crun* ]] || skip "crun's spec --rootless has no mappings (filled at run time) and a network namespace"
	rl_bundle 'true'
	local cfg="$BUNDLE/config.json"
	[ "$(stat -c %U "$cfg")" = "$RL_USER" ]
	[ "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$cfg")" = true ]
	[ "$(jq -c '.linux.uidMappings' "$cfg")" = "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" ]
	[ "$(jq -c '.linux.gidMappings' "$cfg")" = "[{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}]" ]
	# The user cannot give a new network namespace a sysfs or devices: runc binds the
	# host's /sys and sets no device cgroup rules.
	[ "$(jq -r '[.linux.namespaces[].type] | index("network") == null' "$cfg")" = true ]
	[ "$(jq -r '.mounts[] | select(.destination == "/sys") | .options | index("rbind") != null' "$cfg")" = true ]
	[ "$(jq -r '.linux.resources.devices // [] | length' "$cfg")" = 0 ]
}

@test "rootless: run as the user: exit status, uid 0 inside, the user's uid outside, nothing left in the state root" {
	rl_bundle 'id -u; id -g; cat /proc/self/uid_map; echo "setgroups=$(cat /proc/self/setgroups)"; exit 7'
	local id
	id="$(new_id)"
	IDS+=("$id")
	run --separate-stderr rl_rt run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 7 ] || fail "status $status, stderr: $stderr"
	[ "${lines[0]}" = 0 ] || fail "id -u inside: $output"
	[ "${lines[1]}" = 0 ] || fail "id -g inside: $output"
	# uid_map as the container reads it: its 0 is the user's uid on the host.
	read -r inside outside count <<<"${lines[2]}"
	[ "$inside $outside $count" = "0 $RL_UID 1" ] || fail "uid_map: ${lines[2]}"
	# A single-id map written by an unprivileged writer needs setgroups "deny".
	[ "${lines[3]}" = setgroups=deny ] || fail "${lines[3]}"
	[ -d "$RL_ROOT" ] || fail "no state root $RL_ROOT (the runtime used another?): $(ls -A "$RL_XDG")"
	root_is_empty
}

@test "rootless: create, state, exec, kill, delete as the user: the init runs as the user's uid on the host" {
	rl_bundle "sleep $LONG"
	local id pid uids
	id="$(new_id)"
	IDS+=("$id")
	rl_rt create --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err" ||
		fail "create failed: $(cat "$TESTDIR/err")"
	[ -d "$RL_ROOT/$id" ] || fail "state of $id not in $RL_ROOT: $(ls -A "$RL_XDG")"
	[ "$(stat -c %U "$RL_ROOT/$id")" = "$RL_USER" ]
	run rl_rt state "$id"
	[ "$status" -eq 0 ]
	[ "$(jq -r .status <<<"$output")" = created ]
	pid="$(jq -r .pid <<<"$output")"
	# From the host the container's init (still the runtime's init before start) and,
	# after start, the process: the user's uid or one of its subordinate ids, never 0.
	for uid in $(host_uids "$pid"); do
		is_users_uid "$uid" || fail "init $pid runs as host uid $uid: $(grep -E '^[UG]id:' "/proc/$pid/status")"
	done
	rl_rt start "$id"
	wait_for rl_state_is "$id" running
	[[ "$(cmdline_of "$pid")" == "sleep $LONG " ]]
	for uid in $(host_uids "$pid"); do
		is_users_uid "$uid" || fail "container process runs as host uid $uid"
	done
	[ "$(awk '$1 == 0 { print $2 }' "/proc/$pid/uid_map")" = "$(host_uids "$pid" | cut -d' ' -f1)" ] ||
		fail "uid 0 inside is not the process's host uid: $(cat "/proc/$pid/uid_map")"
	run rl_rt exec "$id" id -u
	[ "$status" -eq 0 ] && [ "$output" = 0 ] || fail "exec id -u: $status $output"
	rl_rt kill "$id" KILL
	wait_for rl_state_is "$id" stopped
	rl_rt delete "$id"
	wait_for process_gone "$pid"
	[ ! -e "$RL_ROOT/$id" ]
	root_is_empty
}

@test "rootless: a map with the user's subordinate range goes through newuidmap/newgidmap" {
	rl_bundle 'cat /proc/self/uid_map /proc/self/gid_map; cat /proc/self/setgroups; id -u; touch /tmp/x; chown 1000:1000 /tmp/x; stat -c %u:%g /tmp/x'
	rl_as_sh 'cd "$1" && jq ".linux.uidMappings = [{containerID: 0, hostID: $2, size: 1}, {containerID: 1, hostID: $3, size: $4}]
		| .linux.gidMappings = [{containerID: 0, hostID: $5, size: 1}, {containerID: 1, hostID: $3, size: $4}]
		| .root.readonly = false
		| .process.capabilities |= with_entries(.value += [\"CAP_CHOWN\"])" config.json >c.new && mv c.new config.json' \
		"$BUNDLE" "$RL_UID" "$RL_SUBID" "$RL_SUB_COUNT" "$RL_GID"
	local id
	id="$(new_id)"
	IDS+=("$id")
	run --separate-stderr rl_rt run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 0 ] || fail "status $status, stderr: $stderr"
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[0]}")" = "0 $RL_UID 1" ] || fail "uid_map: $output"
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[1]}")" = "1 $RL_SUBID $RL_SUB_COUNT" ] || fail "uid_map: $output"
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[3]}")" = "1 $RL_SUBID $RL_SUB_COUNT" ] || fail "gid_map: $output"
	# newgidmap needs no setgroups "deny": the container may still set its groups.
	[ "${lines[4]}" = allow ] || fail "setgroups: ${lines[4]}"
	[ "${lines[5]}" = 0 ]
	# Container uid 1000 exists (subordinate id 999): chown to it works.
	[ "${lines[6]}" = 1000:1000 ] || fail "chown inside: $output"
	[ "$(stat -c %u:%g "$BUNDLE/rootfs/tmp/x")" = "$((RL_SUBID + 999)):$((RL_SUBID + 999))" ]
	root_is_empty
}

# runc 1.1.5 fails such a container on v1 ("container could not join or create cgroup");
# issue 9 asks for the container to run with a warning naming what was not applied.
@test "rootless: limits without a delegated cgroup are named in a warning, the container runs" {
	is_berth || skip "berth's behaviour; runc fails the container"
	rl_bundle 'echo ran'
	rl_as_sh 'cd "$1" && jq ".linux.resources = {memory: {limit: 67108864}, pids: {limit: 32}}" config.json >c.new && mv c.new config.json' "$BUNDLE"
	local id
	id="$(new_id)"
	IDS+=("$id")
	run --separate-stderr rl_rt run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 0 ] || fail "status $status, stderr: $stderr"
	[ "$output" = ran ]
	[[ "$stderr" == *"not applied"*".linux.resources.memory.limit"*".linux.resources.pids.limit"* ]] ||
		fail "no warning naming the limits: $stderr"
	root_is_empty
}

rl_state_is() { [ "$(rl_rt state "$1" 2>/dev/null | jq -r .status)" = "$2" ]; }

# --- podman ------------------------------------------------------------------------------

require_podman() {
	[[ -n "$RL_PODMAN" ]] || skip "podman or conmon is not installed"
}

# pm ARGS... — rootless podman as the user (its containers.conf names $RUNTIME).
pm() { rl_podman "$@"; }

@test "rootless: podman run --rm: exit status, uid 0 inside, multi-range map from /etc/subuid" {
	require_podman
	run --separate-stderr pm run --rm localhost/berth-bb:latest sh -c 'id -u; cat /proc/self/uid_map; exit 3'
	[ "$status" -eq 3 ] || fail "status $status: $stderr"
	[ "${lines[0]}" = 0 ] || fail "output: $output"
	# podman's user namespace: 0 -> the user, 1.. -> its subordinate range.
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[1]}")" = "0 $RL_UID 1" ] || fail "uid_map: $output"
	[ "$(awk '{ print $1, $2, $3 }' <<<"${lines[2]}")" = "1 $RL_SUBID $RL_SUB_COUNT" ] || fail "uid_map: $output"
}

@test "rootless: podman run -d, stop, rm: the process runs as the user on the host, the state is in \$XDG_RUNTIME_DIR" {
	require_podman
	local name="rl-d-$$" pid cid uid
	pm run -d --name "$name" localhost/berth-bb:latest sleep "$LONG" >/dev/null
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = running ]
	pid="$(pm inspect -f '{{.State.Pid}}' "$name")"
	cid="$(pm inspect -f '{{.Id}}' "$name")"
	[[ "$(cmdline_of "$pid")" == "sleep $LONG " ]]
	for uid in $(host_uids "$pid"); do
		[ "$uid" = "$RL_UID" ] || fail "container root runs as host uid $uid, not $RL_UID"
	done
	# podman calls the runtime without --root, inside its user namespace as uid 0 with
	# XDG_RUNTIME_DIR set: the runtime must keep its state under the user's runtime dir.
	[ -d "$RL_ROOT/$cid" ] || fail "no state in $RL_ROOT: $(ls -A "$RL_XDG")"
	pm stop -t 1 "$name" >/dev/null 2>&1
	[ "$(pm inspect -f '{{.State.Status}}' "$name")" = exited ]
	pm rm "$name" >/dev/null
	wait_for process_gone "$pid"
	[ ! -e "$RL_ROOT/$cid" ]
}

@test "rootless: podman volume: the user's dir, a file written inside is the user's on the host" {
	require_podman
	local vol="$TESTDIR/vol"
	mkdir "$vol"
	chown "$RL_UID:$RL_GID" "$vol"
	run --separate-stderr pm run --rm -v "$vol:/data" localhost/berth-bb:latest \
		sh -c 'stat -c "%u:%g" /data; echo from-container >/data/f; touch /data/g; chown 1000:1000 /data/g'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = 0:0 ] || fail "the user's dir is not root's inside: $output"
	[ "$(cat "$vol/f")" = from-container ]
	[ "$(stat -c %u:%g "$vol/f")" = "$RL_UID:$RL_GID" ]
	# Container uid 1000 is subordinate id 999 of the user's range.
	[ "$(stat -c %u:%g "$vol/g")" = "$((RL_SUBID + 999)):$((RL_SUBID + 999))" ]
}

@test "rootless: podman --userns=keep-id: the user's uid inside and out" {
	require_podman
	local vol="$TESTDIR/vol"
	mkdir "$vol"
	chown "$RL_UID:$RL_GID" "$vol"
	run --separate-stderr pm run --rm --userns=keep-id -v "$vol:/data" localhost/berth-bb:latest \
		sh -c 'id -u; id -g; stat -c %u /data; touch /data/k'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "${lines[0]}" = "$RL_UID" ] || fail "output: $output"
	[ "${lines[1]}" = "$RL_GID" ] || fail "output: $output"
	[ "${lines[2]}" = "$RL_UID" ] || fail "output: $output"
	[ "$(stat -c %u:%g "$vol/k")" = "$RL_UID:$RL_GID" ]
}

# The host's network namespace: the container's user namespace does not own it, so no
# sysfs can be mounted there; podman asks for an rbind of /sys instead.
@test "rootless: podman --network=host: /sys is the host's, bound read-only" {
	require_podman
	run --separate-stderr pm run --rm --network=host localhost/berth-bb:latest \
		sh -c 'cat /sys/class/net/lo/ifindex; touch /sys/x 2>/dev/null && echo writable; exit 0'
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = 1 ] || fail "output: $output"
}

@test "rootless: podman with slirp4netns networking" {
	require_podman
	command -v slirp4netns >/dev/null || skip "slirp4netns is not installed"
	# Without udev /dev/net/tun stays 0600 root: slirp4netns cannot open it as the user.
	rl_as test -r /dev/net/tun -a -w /dev/net/tun ||
		skip "user cannot open /dev/net/tun ($(stat -c '%A %U' /dev/net/tun)): no udev on this host to make it 0666"
	run --separate-stderr pm run --rm --network=slirp4netns localhost/berth-bb:latest ip -o -4 addr show tap0
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"10.0.2.100/24"* ]] || fail "output: $output"
}
