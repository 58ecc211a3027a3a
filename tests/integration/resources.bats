#!/usr/bin/env bats
# linux.resources memory, cpu and pids limits: written to the container's cgroup before its
# program runs, on this v1/hybrid host and on pure cgroup v2 (a private mount namespace with
# cgroup2 on /sys/fs/cgroup), and enforced: a fork bomb stops at pids.limit, an allocation
# above memory.limit is OOM-killed.

load helpers

# cgroup_v1_host — /sys/fs/cgroup holds v1 hierarchies (v1 or hybrid).
cgroup_v1_host() { [ "$(stat -fc %T /sys/fs/cgroup)" != cgroup2fs ]; }

# The limits of the issue: memory 64 MiB (no swap on top), pids 32, cpu 50000/100000, shares 512.
with_limits() {
	update_config '.linux.resources.memory = {"limit": 67108864, "swap": 67108864}
		| .linux.resources.pids = {"limit": 32}
		| .linux.resources.cpu = {"shares": 512, "quota": 50000, "period": 100000}'
}

# v1_dir PID CONTROLLER — the host dir of PID's cgroup in the v1 hierarchy of CONTROLLER.
v1_dir() {
	local rel
	rel="$(sed -n "s/^[0-9]*:\([^:]*,\)\{0,1\}$2\(,[^:]*\)\{0,1\}://p" "/proc/$1/cgroup")"
	[ -n "$rel" ] || return
	printf '/sys/fs/cgroup/%s%s\n' "$(sed -n "s/^[0-9]*:\(\([^:]*,\)\{0,1\}$2\(,[^:]*\)\{0,1\}\):.*/\1/p" "/proc/$1/cgroup")" "$rel"
}

@test "resources: memory, pids and cpu limits in the host's cgroup files and in the container's view" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	with_limits
	set_cmd "for f in memory/memory.limit_in_bytes memory/memory.memsw.limit_in_bytes pids/pids.max \
		cpu/cpu.cfs_quota_us cpu/cpu.cfs_period_us cpu/cpu.shares; do echo \"\$f \$(cat /sys/fs/cgroup/\$f)\"; done
		exec sleep $LONG"
	local id pid mem pids cpu
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	mem="$(v1_dir "$pid" memory)"
	pids="$(v1_dir "$pid" pids)"
	cpu="$(v1_dir "$pid" cpu)"
	echo "memory=$mem pids=$pids cpu=$cpu"
	[ "$(cat "$mem/memory.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$mem/memory.memsw.limit_in_bytes")" = 67108864 ]
	[ "$(cat "$pids/pids.max")" = 32 ]
	[ "$(cat "$cpu/cpu.cfs_quota_us")" = 50000 ]
	[ "$(cat "$cpu/cpu.cfs_period_us")" = 100000 ]
	[ "$(cat "$cpu/cpu.shares")" = 512 ]
	wait_for grep -q cpu.shares "$TESTDIR/$id.out"
	cat "$TESTDIR/$id.out"
	grep -qx 'memory/memory.limit_in_bytes 67108864' "$TESTDIR/$id.out"
	grep -qx 'pids/pids.max 32' "$TESTDIR/$id.out"
	grep -qx 'cpu/cpu.cfs_quota_us 50000' "$TESTDIR/$id.out"
	grep -qx 'cpu/cpu.shares 512' "$TESTDIR/$id.out"
	rt delete -f "$id"
}

# What the container runs to test enforcement: a fork bomb of 100 sleeps in a subshell (busybox
# sh exits when a fork fails), then an allocation of 200 MiB (dd's buffer, filled from
# /dev/zero). Only shell builtins run while the pids limit is full. Prints "bomb-status N",
# "procs N" (processes in its pid namespace), "pids-current N", "pids-events ...",
# "dd-status N" and the OOM counters as "oom ...".
enforcement_cmd() {
	local pids_dir="$1" mem_dir="$2" oom_file="$3"
	set_cmd "(for i in \$(seq 100); do sleep 30 & done) 2>/dev/null; echo \"bomb-status \$?\"
		n=0; for p in /proc/[0-9]*; do n=\$((n + 1)); done; echo \"procs \$n\"
		read n <$pids_dir/pids.current; echo \"pids-current \$n\"
		read ev <$pids_dir/pids.events; echo \"pids-events \$ev\"
		kill -9 -1; wait
		dd if=/dev/zero of=/dev/null bs=200M count=1 2>/dev/null; echo \"dd-status \$?\"
		grep oom $mem_dir/$oom_file | sed 's/^/oom /'"
}

assert_enforced() {
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	# 32 tasks at most: the shell, the subshell and 30 sleeps; the 31st sleep's fork was
	# refused (the subshell failed). The subshell is gone by the time of counting.
	grep -qx 'bomb-status 2' <<<"$output"
	grep -qx 'procs 31' <<<"$output"
	grep -qx 'pids-current 31' <<<"$output"
	grep -qE '^pids-events max [1-9]' <<<"$output"
	grep -qx 'dd-status 137' <<<"$output" # SIGKILLed by the OOM killer
	grep -qE '^oom oom_kill [1-9]' <<<"$output"
}

@test "resources: a fork bomb stops at pids.limit and a 200 MiB allocation is OOM-killed" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	with_limits
	enforcement_cmd /sys/fs/cgroup/pids /sys/fs/cgroup/memory memory.oom_control
	run --separate-stderr run_ctr "$(new_id)"
	assert_enforced
}

# v2_controllers — the controllers a cgroup2 mount offers on this host (on a hybrid host those
# bound to v1 hierarchies are missing).
v2_controllers() {
	unshare -m sh -c 'mount --make-rprivate / && mount -t cgroup2 none /sys/fs/cgroup &&
		cat /sys/fs/cgroup/cgroup.controllers'
}

@test "resources: on pure cgroup v2 the same pids and memory limits are enforced" {
	local have
	have="$(v2_controllers)" || skip "cannot mount cgroup2"
	[[ " $have " == *" pids "* && " $have " == *" memory "* ]] ||
		skip "cgroup2 here offers only '$have' (pids and memory are bound to v1 hierarchies)"
	with_limits
	# The container sees its own cgroup as the root of a cgroup2 mount.
	update_config '.linux.namespaces += [{"type": "cgroup"}]'
	enforcement_cmd /sys/fs/cgroup /sys/fs/cgroup memory.events
	run --separate-stderr rt_in_mntns private 'mount -t cgroup2 none /sys/fs/cgroup' run --bundle "$BUNDLE" "$(new_id)"
	assert_enforced
}

@test "resources: on cgroup v2 without the pids controller, create fails naming the field and the file" {
	local have
	have="$(v2_controllers)" || skip "cannot mount cgroup2"
	[[ " $have " != *" pids "* ]] || skip "this host's cgroup2 has the pids controller"
	update_config '.linux.resources.pids = {"limit": 32}'
	set_cmd 'echo container-ran'
	local id
	id="$(new_id)"
	run --separate-stderr rt_in_mntns private 'mount -t cgroup2 none /sys/fs/cgroup' run --bundle "$BUNDLE" "$id"
	echo "status=$status"$'\n'"$output"$'\n'"stderr: $stderr"
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	if is_berth; then
		[[ "$stderr" == *"config.json: .linux.resources.pids.limit: /sys/fs/cgroup/berth/$id/pids.max: no such file"* ]]
	fi
	root_is_empty
}

@test "resources: a value the kernel refuses fails create naming the field, and leaves nothing" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	update_config '.linux.resources.cpu = {"cpus": "4096"}'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *'config.json: .linux.resources.cpu.cpus: value 4096: write /sys/fs/cgroup/cpuset/'*'/cpuset.cpus: '* ]] ||
			fail "$stderr"
	fi
}

@test "resources: kernel memory limits are warned about, not silently dropped" {
	is_berth || skip "berth's warning text"
	update_config '.linux.resources.memory = {"kernel": 1048576}'
	set_cmd 'echo container-ran'
	run --separate-stderr run_ctr "$(new_id)"
	[ "$status" -eq 0 ]
	[[ "$output" == *container-ran* ]]
	[[ "$stderr" == *"config.json: .linux.resources.memory.kernel: kernel memory limits are deprecated; ignored"* ]] ||
		fail "stderr: $stderr"
}

@test "resources: memory.useHierarchy goes to memory.use_hierarchy; false, where the kernel is always hierarchical, is warned about" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	is_berth || skip "runc ignores useHierarchy; berth's log and warning texts"
	[ -e /sys/fs/cgroup/memory/memory.use_hierarchy ] || skip "no v1 memory controller"
	set_cmd 'cat /sys/fs/cgroup/memory/memory.use_hierarchy'
	update_config '.linux.resources.memory = {"limit": 67108864, "useHierarchy": true}'
	run --separate-stderr rt --log "$TESTDIR/true.log" run --bundle "$BUNDLE" "$(new_id)"
	[ "$status" -eq 0 ]
	[ "$output" = 1 ]
	! grep -q useHierarchy "$TESTDIR/true.log" # applied: no "not applied yet" note
	update_config '.linux.resources.memory.useHierarchy = false'
	run --separate-stderr rt run --bundle "$BUNDLE" "$(new_id)"
	echo "output: $output"$'\n'"stderr: $stderr"
	[ "$status" -eq 0 ]
	# Current kernels refuse 0 (EINVAL: non-hierarchical mode is gone); an old one takes it.
	if [[ "$stderr" == *"config.json: .linux.resources.memory.useHierarchy: false: this kernel's memory cgroups are always hierarchical; ignored"* ]]; then
		[ "$output" = 1 ]
	else
		[ "$output" = 0 ]
	fi
}

# runc checks memory.current on cgroup v2 only (v1's kernel refuses a limit it cannot reclaim
# down to by itself, EBUSY).
@test "resources: memory.checkBeforeUpdate refuses an update below the current usage (cgroup v2)" {
	[ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ] || skip "needs a pure cgroup v2 host (memory is a v1 controller here)"
	grep -qw memory /sys/fs/cgroup/cgroup.controllers || skip "no memory controller in cgroup2"
	# 16 MiB in the shm tmpfs stay charged to the container's cgroup.
	set_cmd "dd if=/dev/zero of=/dev/shm/fill bs=1M count=16 2>/dev/null; touch /dev/shm/done; exec sleep $LONG"
	update_config '.linux.resources.memory = {"limit": 67108864, "checkBeforeUpdate": true}'
	local id pid max
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	max="/sys/fs/cgroup$(sed -n 's/^0:://p' "/proc/$pid/cgroup")/memory.max"
	wait_for test -e "/proc/$pid/root/dev/shm/done"
	run --separate-stderr rt update --memory 8m "$id"
	echo "stderr: $stderr"
	[ "$status" -ne 0 ]
	if is_berth; then
		[[ "$stderr" == *"config.json: .linux.resources.memory.limit: 8388608 is not above the cgroup's current memory usage"* ]]
	fi
	[ "$(cat "$max")" = 67108864 ]
	rt update --memory 128m "$id"
	[ "$(cat "$max")" = 134217728 ]
}

# root_disk — MAJ:MIN of the whole disk under /, for block IO throttles; empty if none.
root_disk() {
	local dev
	dev="$(mountpoint -d /)" || return 0
	[ -e "/sys/dev/block/$dev" ] || return 0
	if [ -e "/sys/dev/block/$dev/partition" ]; then dev="$(cat "/sys/dev/block/$dev/../dev")"; fi
	printf '%s\n' "$dev"
}

@test "resources: blockIO throttles in the v1 blkio files, hugepageLimits wherever hugetlb lives (the unified tree of a hybrid host)" {
	cgroup_v1_host || skip "needs a cgroup v1 or hybrid host"
	local disk maj min id pid hdir
	disk="$(root_disk)"
	[ -n "$disk" ] || skip "/ is not on a block device"
	maj="${disk%:*}" min="${disk#*:}"
	update_config '.linux.resources.blockIO = {"throttleReadBpsDevice": [{"major": $maj, "minor": $min, "rate": 1048576}],
			"throttleWriteIOPSDevice": [{"major": $maj, "minor": $min, "rate": 100}]}
		| .linux.resources.hugepageLimits = [{"pageSize": "2MB", "limit": 4194304}]' \
		--argjson maj "$maj" --argjson min "$min"
	set_cmd "cat /sys/fs/cgroup/blkio/blkio.throttle.read_bps_device; exec sleep $LONG"
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	[ "$(cat "$(v1_dir "$pid" blkio)/blkio.throttle.read_bps_device")" = "$disk 1048576" ]
	[ "$(cat "$(v1_dir "$pid" blkio)/blkio.throttle.write_iops_device")" = "$disk 100" ]
	wait_for grep -q "$disk" "$TESTDIR/$id.out"
	[ "$(cat "$TESTDIR/$id.out")" = "$disk 1048576" ]
	if hdir="$(v1_dir "$pid" hugetlb)" && [ -n "$hdir" ]; then
		[ "$(cat "$hdir/hugetlb.2MB.limit_in_bytes")" = 4194304 ]
	else
		# hybrid: hugetlb only in cgroup2 (0::/path in /proc/PID/cgroup)
		hdir="/sys/fs/cgroup/unified$(sed -n 's/^0:://p' "/proc/$pid/cgroup")"
		[ "$(cat "$hdir/hugetlb.2MB.max")" = 4194304 ]
	fi
	rt delete -f "$id"
}

@test "resources: network limits need v1 net_cls/net_prio; a missing controller fails create naming the field" {
	update_config '.linux.resources.network = {"classID": 1048577}'
	local id
	id="$(new_id)"
	if [ -d /sys/fs/cgroup/net_cls ]; then
		start_ctr "$id"
		[ "$(cat "$(v1_dir "$(pid_of "$id")" net_cls)/net_cls.classid")" = 1048577 ]
		rt delete -f "$id"
	else
		is_berth || skip "runc skips a network limit its host cannot apply, silently"
		run --separate-stderr rt run --bundle "$BUNDLE" "$id"
		[ "$status" -ne 0 ]
		[[ "$stderr" == *".linux.resources.network.classID: no net_cls controller is mounted"* ]]
	fi
}
