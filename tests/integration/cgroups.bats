#!/usr/bin/env bats
# Cgroups: where the container's processes are put, what it sees of them,
# `ps`, `kill --all` and a pure cgroup v2 host (simulated in a private
# mount namespace).

load helpers

setup() {
	common_setup
	# A second state dir, for the runs in a private cgroup v2 mount namespace.
	V2_ROOT="$TESTDIR/state-v2"
}

teardown() {
	local problems=() id
	# Containers left by the cgroup v2 runs: delete them where their cgroup
	# paths make sense, i.e. with cgroup2 on /sys/fs/cgroup.
	if [[ -d "$V2_ROOT" && -n "$(ls -A "$V2_ROOT")" ]]; then
		problems+=("state left under $V2_ROOT: $(ls -A "$V2_ROOT" | tr '\n' ' ')")
		# shellcheck disable=SC2016 # expanded by the inner shell
		unshare -m bash -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup || exit 1
			for d in "$1"/*; do timeout 20 "$2" --root "$1" delete -f "${d##*/}"; done' \
			- "$V2_ROOT" "$RUNTIME" >/dev/null 2>&1 || true
	fi
	rm -rf "$V2_ROOT"
	# The cgroup2 mount-options test changes the host's cgroup2 flags; these put them back.
	if [[ -f "$TESTDIR/cgroup2-flags" ]]; then
		local flags
		flags="$(cat "$TESTDIR/cgroup2-flags")"
		# shellcheck disable=SC2016 # expanded by the inner shell
		unshare -m bash -c 'mount --make-rprivate / && mount -t cgroup2 ${1:+-o "$1"} none /sys/fs/cgroup' - "$flags" ||
			problems+=("could not restore the host's cgroup2 flags ($flags)")
	fi
	# cgroupsPath "/berth-test-<id>" (common_teardown only looks for <id>).
	for id in $(find /sys/fs/cgroup -maxdepth 2 -type d -name "berth-test-$ID_PREFIX-${BATS_SUITE_TEST_NUMBER:-0}-*" 2>/dev/null); do
		problems+=("leftover cgroup $id")
		rmdir "$id" 2>/dev/null || true
	done
	common_teardown || problems+=("(see above)")
	if ((${#problems[@]})); then
		printf 'TEARDOWN: %s\n' "${problems[@]}" >&2
		return 1
	fi
}

# cgroup_v1_host — /sys/fs/cgroup holds v1 hierarchies (v1 or hybrid).
cgroup_v1_host() { [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; }

# pids_dir REL — the host dir of cgroup REL in the pids hierarchy (v1) or
# in the unified one (pure v2).
pids_dir() {
	if cgroup_v1_host; then
		printf '/sys/fs/cgroup/pids%s\n' "$1"
	else
		printf '/sys/fs/cgroup%s\n' "$1"
	fi
}

# cgroup_line TEXT — the pids line of /proc/PID/cgroup text (v1), or the
# 0:: line (pure v2), without its "N:controller:" prefix.
cgroup_line() {
	if cgroup_v1_host; then
		sed -n 's/^[0-9]*:pids://p' <<<"$1"
	else
		sed -n 's/^0:://p' <<<"$1"
	fi
}

# freezer_dir REL — the host dir of cgroup REL in the v1 freezer hierarchy,
# or in the unified one (pure v2).
freezer_dir() {
	if cgroup_v1_host; then
		printf '/sys/fs/cgroup/freezer%s\n' "$1"
	else
		printf '/sys/fs/cgroup%s\n' "$1"
	fi
}

# set_frozen DIR 1|0 — freeze or thaw the cgroup DIR made by freezer_dir.
set_frozen() {
	if cgroup_v1_host; then
		echo "$([ "$2" = 1 ] && echo FROZEN || echo THAWED)" >"$1/freezer.state"
	else
		echo "$2" >"$1/cgroup.freeze"
	fi
}

# is_frozen DIR — the cgroup DIR is (still) frozen.
is_frozen() {
	if cgroup_v1_host; then
		[ "$(cat "$1/freezer.state")" = FROZEN ]
	else
		[ "$(cat "$1/cgroup.freeze")" = 1 ]
	fi
}

# cgroup_dirs_named NAME — every host cgroup dir called NAME.
cgroup_dirs_named() { find /sys/fs/cgroup -maxdepth 2 -type d -name "$1" | sort; }

@test "cgroups: cgroupsPath puts the container in that cgroup, delete removes it" {
	local id pid dir
	id="$(new_id)"
	update_config '.linux.cgroupsPath = $p' --arg p "/berth-test-$id"
	set_cmd "cat /proc/self/cgroup; exec sleep $LONG"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	dir="$(pids_dir "/berth-test-$id")"
	[ -d "$dir" ]
	grep -qx "$pid" "$dir/cgroup.procs" || fail "$pid not in $dir/cgroup.procs: $(cat "$dir/cgroup.procs")"
	# The container (no cgroup namespace) sees the same path.
	wait_for test -s "$TESTDIR/$id.out"
	[ "$(cgroup_line "$(ctr_out "$id")")" = "/berth-test-$id" ]
	[ "$(cgroup_line "$(cat "/proc/$pid/cgroup")")" = "/berth-test-$id" ]

	rt kill "$id" KILL
	wait_status "$id" stopped
	rt delete "$id"
	[ ! -e "$dir" ]
	[ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "berth-test-$id")" ]
}

@test "cgroups: without cgroupsPath the cgroup is named after the container" {
	local id pid
	id="$(new_id)"
	set_cmd "cat /proc/self/cgroup; exec sleep $LONG"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	[[ "$(cgroup_line "$(cat "/proc/$pid/cgroup")")" == */"$id" ]] ||
		fail "host: /proc/$pid/cgroup: $(cat "/proc/$pid/cgroup")"
	wait_for test -s "$TESTDIR/$id.out"
	[[ "$(cgroup_line "$(ctr_out "$id")")" == */"$id" ]] || fail "container saw: $(ctr_out "$id")"
	if cgroup_v1_host; then
		# Every v1 hierarchy, not just pids.
		[[ "$(grep ':memory:' "/proc/$pid/cgroup")" == */"$id" ]]
	fi
}

# joined_itself TRACE ID — after an strace (-f, openat/write/clone3) of a run or exec whose
# process printed /proc/self/cgroup into $output (no cgroup namespace): that process is in the
# cgroup named after ID in every hierarchy, no cgroup.procs was opened for writing, and the
# process (not berth, the trace's first pid) wrote "0" to one `tasks` file per v1 hierarchy.
joined_itself() {
	local trace="$1" id="$2" hier line parent got v1 want=()
	while IFS=: read -r _ hier _; do
		[ -n "$hier" ] && want+=("$hier")
	done </proc/self/cgroup
	for hier in "${want[@]}"; do
		line="$(grep -E "^[0-9]+:$hier:" <<<"$output")" || fail "no $hier line in: $output"
		[[ "$line" == *"/$id" ]] || fail "$hier: $line"
	done
	if grep -q ' - cgroup2 ' /proc/self/mountinfo; then
		grep -qE "^[0-9]+::/.*$id\$" <<<"$output" || fail "unified: $output"
		grep -q 'CLONE_INTO_CGROUP' "$trace" || fail "no clone into the unified hierarchy"
	fi
	if grep -E 'cgroup\.procs", O_WRONLY' "$trace"; then
		fail "a pid was written to cgroup.procs"
	fi
	# (berth itself writes "0" too: the cpuset's mems at create.)
	v1="$(awk '$9 == "cgroup" { n++ } END { print n + 0 }' /proc/self/mountinfo)"
	parent="$(awk 'NR == 1 { print $1 }' "$trace")"
	got="$(grep -E '^[0-9]+ +write\([0-9]+, "0", 1\) += 1' "$trace" | grep -cv "^$parent ")"
	[ "$got" -eq "$v1" ] || fail "$v1 v1 hierarchies, $got writes of 0 by the process:" "$(grep -E '/tasks|"0"' "$trace")"
}

@test "cgroups: the init and an exec'd process enter every hierarchy without a pid written to cgroup.procs" {
	# Writing another process's pid to cgroup.procs waits for an RCU grace period whenever no
	# migration happened in the last tens of ms (~10 ms per cold start or exec here): berth
	# clones the process into the unified hierarchy and it moves itself into each v1 one.
	is_berth || skip "berth's own way of placing processes"
	cgroup_v1_host || skip "needs v1 hierarchies (on pure v2 the clone places the process)"
	command -v strace >/dev/null || skip "needs strace"
	local id
	id="$(new_id)"
	set_cmd 'cat /proc/self/cgroup'
	run strace -f -qq -o "$TESTDIR/trace" -e trace=openat,write,clone3 -e signal=none \
		"$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$id" </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output"
	joined_itself "$TESTDIR/trace" "$id"
	root_is_empty

	id="$(new_id)x"
	set_cmd "exec sleep $LONG"
	start_ctr "$id"
	run strace -f -qq -o "$TESTDIR/trace-exec" -e trace=openat,write,clone3 -e signal=none \
		"$RUNTIME" --root "$ROOT" exec "$id" cat /proc/self/cgroup </dev/null
	[ "$status" -eq 0 ] || fail "exec failed ($status): $output"
	joined_itself "$TESTDIR/trace-exec" "$id"
}

@test "cgroups: pure cgroup v2 with a cgroup namespace, and --cgroup-manager=disabled" {
	local id id2
	id="$(new_id)"
	id2="$(new_id)"
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_cmd "cat /proc/self/cgroup; grep ' /sys/fs/cgroup ' /proc/self/mountinfo; exec sleep $LONG"
	# Runs in a private mount namespace with cgroup2 on /sys/fs/cgroup; prints
	# "key value" lines.  The EXIT trap deletes whatever is left, in there.
	cat >"$TESTDIR/v2.sh" <<-'EOF'
		set -u
		mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup || exit 99
		rt() { timeout --kill-after=5 20 "$RUNTIME" --root "$V2_ROOT" "$@"; }
		trap 'rt delete -f "$ID" >/dev/null 2>&1; rt delete -f "$ID2" >/dev/null 2>&1' EXIT
		rt create --bundle "$BUNDLE" "$ID" </dev/null >"$OUT" 2>"$OUT.err" || { echo "create-failed $(cat "$OUT.err")"; exit 1; }
		echo "mode $(stat -fc %T /sys/fs/cgroup)"
		pid=$(rt state "$ID" | jq -r .pid)
		# The init's cgroup, as the host (this namespace) sees it.
		rel=$(sed -n 's/^0:://p' "/proc/$pid/cgroup")
		echo "host-view $rel"
		dir=/sys/fs/cgroup$rel
		echo "created-dir $([ -n "$rel" ] && [ "$rel" != / ] && [ -d "$dir" ] && echo yes || echo no)"
		rt start "$ID" || echo start-failed
		echo "status $(rt state "$ID" | jq -r .status)"
		echo "in-procs $(grep -qx "$pid" "$dir/cgroup.procs" 2>/dev/null && echo yes || echo no)"
		for i in $(seq 30); do [ -s "$OUT" ] && break; sleep 0.1; done
		rt kill "$ID" KILL
		for i in $(seq 30); do [ "$(rt state "$ID" | jq -r .status)" = stopped ] && break; sleep 0.1; done
		rt delete "$ID" && echo deleted
		echo "dir-after-delete $([ -e "$dir" ] && echo yes || echo no)"
		[ -n "$WITH_DISABLED" ] || exit 0
		rt --cgroup-manager=disabled run --bundle "$BUNDLE2" "$ID2" </dev/null >"$OUT2" 2>"$OUT2.err"
		echo "disabled-status $?"
		echo "disabled-dirs $(find /sys/fs/cgroup -name "$ID2" | wc -l)"
	EOF
	local bundle="$BUNDLE"
	setup_bundle "$TESTDIR/bundle2"
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_cmd 'cat /proc/self/cgroup; echo disabled-ran'
	# --cgroup-manager is berth's (and crun's) flag, not runc's.
	local with_disabled=
	is_berth && with_disabled=1
	run env RUNTIME="$RUNTIME" V2_ROOT="$V2_ROOT" BUNDLE="$bundle" BUNDLE2="$BUNDLE" ID="$id" ID2="$id2" \
		OUT="$TESTDIR/$id.out" OUT2="$TESTDIR/$id2.out" WITH_DISABLED="$with_disabled" \
		unshare -m bash "$TESTDIR/v2.sh"
	BUNDLE="$bundle"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	grep -qx 'mode cgroup2fs' <<<"$output"
	grep -qx 'created-dir yes' <<<"$output"
	grep -qx 'status running' <<<"$output"
	grep -qx 'in-procs yes' <<<"$output"
	# A cgroup of its own, named after the container (berth: /berth/<id>).
	grep -qx "host-view .*/$id" <<<"$output"
	if is_berth; then
		grep -qx "host-view /berth/$id" <<<"$output"
	fi
	grep -qx 'deleted' <<<"$output"
	grep -qx 'dir-after-delete no' <<<"$output"
	# The container is the root of its cgroup namespace, with cgroup2 mounted.
	grep -qx '0::/' "$TESTDIR/$id.out" || fail "container saw: $(cat "$TESTDIR/$id.out")"
	[ "$(mi_field "$(cat "$TESTDIR/$id.out")" /sys/fs/cgroup fstype)" = cgroup2 ]
	if [[ -n "$with_disabled" ]]; then
		grep -qx 'disabled-status 0' <<<"$output"
		grep -qx 'disabled-dirs 0' <<<"$output"
		grep -qx '0::/' "$TESTDIR/$id2.out" || fail "disabled container saw: $(cat "$TESTDIR/$id2.out")"
		grep -qx 'disabled-ran' "$TESTDIR/$id2.out"
	fi
	root_is_empty
	[ -z "$(ls -A "$V2_ROOT")" ]
	# Seen from a fresh cgroup2 mount, nothing named after the ids is left.
	run unshare -m bash -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup &&
		find /sys/fs/cgroup -maxdepth 3 -name "$1" -o -maxdepth 3 -name "$2"' - "$id" "$id2"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
}

@test "cgroups: with no cgroup of its own nor a cgroup namespace, the container's cgroup2 leaves the host's mount options alone" {
	# A new cgroup2 mount in the initial cgroup namespace sets its options on the host's whole
	# hierarchy: one without nsdelegate or memory_recursiveprot clears what systemd set. The
	# canary is memory_recursiveprot (this host's cgroup2 has no memory controller: no effect).
	is_berth || skip "--cgroup-manager is berth's (and crun's) flag"
	local flags
	flags="$(awk '$9 == "cgroup2" { print $NF; exit }' /proc/self/mountinfo)"
	[[ ",$flags," != *,memory_recursiveprot,* ]] || skip "the host's cgroup2 has memory_recursiveprot already"
	# teardown puts the host's flags back whatever happens (a new mount with exactly them).
	tr ',' '\n' <<<"$flags" | grep -vxE 'rw|ro' | paste -sd, >"$TESTDIR/cgroup2-flags"
	update_config 'del(.linux.namespaces[] | select(.type == "cgroup"))'
	set_cmd "grep ' /sys/fs/cgroup ' /proc/self/mountinfo"
	# shellcheck disable=SC2016 # expanded by the inner shell
	run unshare -m bash -c 'mount --make-rprivate / && mount -t cgroup2 -o memory_recursiveprot none /sys/fs/cgroup || exit 99
		timeout 20 "$1" --cgroup-manager=disabled --root "$2" run --bundle "$3" "$4" </dev/null || exit
		echo "after: $(awk "\$5 == \"/sys/fs/cgroup\" { v = \$NF } END { print v }" /proc/self/mountinfo)"' \
		- "$RUNTIME" "$ROOT" "$BUNDLE" "$(new_id)"
	printf '%s\n' "$output"
	[ "$status" -eq 0 ]
	# The container saw a cgroup2 tree at /sys/fs/cgroup, the whole one (root /).
	[ "$(mi_field "$output" /sys/fs/cgroup fstype)" = cgroup2 ]
	[ "$(mi_field "$output" /sys/fs/cgroup root)" = / ]
	grep -qE '^after: .*memory_recursiveprot' <<<"$output" || fail "the host's cgroup2 lost memory_recursiveprot"
	root_is_empty
}

@test "cgroups: the container's /sys/fs/cgroup is read-only and shows its own cgroup" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	set_cmd 'ls /sys/fs/cgroup; echo ---; touch /sys/fs/cgroup/pids/x 2>&1 || echo touch-failed; echo ---
		cat /sys/fs/cgroup/pids/cgroup.procs; echo ---; grep " /sys/fs/cgroup" /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	local ls touch procs mi
	ls="$(awk '/^---$/ { exit } { print }' <<<"$output")"
	touch="$(awk '/^---$/ { n++; next } n == 1' <<<"$output")"
	procs="$(awk '/^---$/ { n++; next } n == 2' <<<"$output")"
	mi="$(awk '/^---$/ { n++; next } n == 3' <<<"$output")"
	local c
	for c in pids memory cpu devices freezer; do
		[ -d "/sys/fs/cgroup/$c" ] || continue
		grep -qx "$c" <<<"$ls" || fail "no $c in the container's /sys/fs/cgroup: $ls"
	done
	[[ "$touch" == *"Read-only file system"* ]] || fail "touch: $touch"
	[[ "$touch" == *touch-failed* ]]
	# Its own cgroup: the init is pid 1 there, and only the container's few
	# processes (sh, cat) are listed.
	grep -qx 1 <<<"$procs" || fail "pid 1 not in cgroup.procs: $procs"
	[ "$(wc -l <<<"$procs")" -le 2 ] || fail "cgroup.procs lists more than the container: $procs"
	has_opt "$(mi_field "$mi" /sys/fs/cgroup/pids opts)" ro
	if is_berth; then
		# berth also makes the tmpfs holding the hierarchies read-only
		# (runc 1.1 leaves it writable).
		has_opt "$(mi_field "$mi" /sys/fs/cgroup opts)" ro
	fi
}

# SECURITY.md #8 on a v1/hybrid host, with a cgroup namespace: every hierarchy's mount is
# read-only (a write to an existing file fails with EROFS, not only a new file), and the
# container is the root of each of its cgroups.
@test "cgroups: with a cgroup namespace every v1 hierarchy is read-only and the container's cgroups are /" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	set_cmd 'for d in /sys/fs/cgroup/*; do [ -L "$d" ] && continue
			echo "$$" 2>&1 >"$d/cgroup.procs" | sed "s|^|write |"; done; echo ---
		cat /proc/self/cgroup; echo ---; grep " /sys/fs/cgroup/" /proc/self/mountinfo'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	echo "$output"
	local writes cg mi d name n=0
	writes="$(awk '/^---$/ { exit } { print }' <<<"$output")"
	cg="$(awk '/^---$/ { n++; next } n == 1' <<<"$output")"
	mi="$(awk '/^---$/ { n++; next } n == 2' <<<"$output")"
	for d in /sys/fs/cgroup/*; do
		[[ -L "$d" ]] && continue
		name="${d##*/}"
		grep -q "/sys/fs/cgroup/$name " <<<"$mi" || continue # a hierarchy the runtime does not show
		n=$((n + 1))
		grep -q "^write .*/sys/fs/cgroup/$name/cgroup.procs: Read-only file system" <<<"$writes" ||
			fail "writing $name/cgroup.procs did not fail with EROFS: $writes"
		has_opt "$(mi_field "$mi" "/sys/fs/cgroup/$name" opts)" ro || fail "$name is not mounted read-only"
	done
	[ "$n" -ge 4 ] # pids, memory, cpu, devices... at least
	# Each line "N:controllers:/" (and "0::/" for the unified hierarchy).
	[ -n "$cg" ]
	! grep -v ':/$' <<<"$cg" || fail "a cgroup that is not the namespace's root: $cg"
	[ "$(mi_field "$mi" /sys/fs/cgroup/pids root)" = / ]
}

# ...unless the config mounts it read-write: then the container may change its own limits.
@test "cgroups: a cgroup mount without ro is writable: the container sets its own pids.max" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	[ -d /sys/fs/cgroup/pids ] || skip "no v1 pids hierarchy"
	update_config '.mounts |= map(if .type == "cgroup" then .options = (.options - ["ro"] + ["rw"]) else . end)
		| .linux.resources.pids = {"limit": 32}'
	set_cmd 'echo 40 >/sys/fs/cgroup/pids/pids.max && echo wrote; cat /sys/fs/cgroup/pids/pids.max'
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	echo "$output"
	grep -qx wrote <<<"$output"
	grep -qx 40 <<<"$output"
}

@test "cgroups: a cgroupsPath whose cgroup exists frozen is refused at once, and left as it was" {
	if cgroup_v1_host; then [ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy"; fi
	local id rel dir cmd rc start ms
	id="$(new_id)"
	rel="/berth-test-$id"
	dir="$(freezer_dir "$rel")"
	mkdir "$dir"
	set_frozen "$dir" 1
	wait_for is_frozen "$dir"
	update_config '.linux.cgroupsPath = $p' --arg p "$rel"
	set_cmd 'echo container-ran'
	for cmd in "run -d" create; do
		start="$(date +%s%N)"
		rc=0
		# The init would freeze in the middle of the handshake: runtimes that
		# do not check hang until RT_TIMEOUT.
		# shellcheck disable=SC2086 # split on purpose
		RT_TIMEOUT=5 rt $cmd --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err" 3>&- 4>&- || rc=$?
		ms=$((($(date +%s%N) - start) / 1000000))
		[ "$rc" -ne 0 ] || fail "$cmd succeeded: $(cat "$TESTDIR/out")"
		[ "$ms" -lt 2000 ] || fail "$cmd took $ms ms to fail (exit $rc)"
		grep -q "container's cgroup unexpectedly frozen" "$TESTDIR/err" || fail "$cmd: stderr: $(cat "$TESTDIR/err")"
		# Nothing left: no state, no process, no cgroup the runtime made; the
		# frozen cgroup is still there, still frozen.
		root_is_empty
		[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "$cmd left processes"
		[ -d "$dir" ] || fail "$cmd removed the cgroup it did not make"
		is_frozen "$dir" || fail "$cmd thawed $dir"
		[ "$(cgroup_dirs_named "berth-test-$id")" = "$dir" ] ||
			fail "$cmd left cgroups: $(cgroup_dirs_named "berth-test-$id")"
	done
	set_frozen "$dir" 0
	rmdir "$dir"
}

@test "cgroups: a cgroupsPath whose cgroup already holds processes is refused, naming the cgroup" {
	local id rel dir cmd rc sleeper
	id="$(new_id)"
	rel="/berth-test-$id"
	dir="$(pids_dir "$rel")"
	mkdir "$dir"
	sleep "$LONG" </dev/null >/dev/null 2>&1 3>&- 4>&- &
	sleeper=$!
	echo "$sleeper" >"$dir/cgroup.procs"
	update_config '.linux.cgroupsPath = $p' --arg p "$rel"
	set_cmd 'echo container-ran'
	for cmd in create "run -d"; do
		rc=0
		# shellcheck disable=SC2086 # split on purpose
		rt $cmd --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>"$TESTDIR/err" 3>&- 4>&- || rc=$?
		# runc 1.1 warns ("container's cgroup is not empty") and runs it there;
		# its delete -f then kills the process that was there before.
		if [ "$rc" -eq 0 ]; then
			rt delete -f "$id"
			kill "$sleeper" 2>/dev/null || true
			wait "$sleeper" || true
			rmdir "$dir"
			fail "$cmd succeeded: $(cat "$TESTDIR/err")"
		fi
		grep -qF "$dir" "$TESTDIR/err" || fail "$cmd: the error does not name $dir: $(cat "$TESTDIR/err")"
		if is_berth; then grep -q "container's cgroup is not empty" "$TESTDIR/err"; fi
		root_is_empty
		[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "$cmd left processes"
		# The process that was there lives on, where it was.
		! process_gone "$sleeper" || fail "$cmd killed the cgroup's process"
		grep -qx "$sleeper" "$dir/cgroup.procs" || fail "$cmd moved the cgroup's process"
		[ "$(cgroup_dirs_named "berth-test-$id")" = "$dir" ] ||
			fail "$cmd left cgroups: $(cgroup_dirs_named "berth-test-$id")"
	done
	kill "$sleeper"
	wait "$sleeper" || true
	rmdir "$dir"
}
