#!/usr/bin/env bats
# linux.sysctl: namespaced keys are written inside the container's own namespaces and read
# back there, the host keeps its values; keys of namespaces the container does not own are
# refused with their name. Covers SECURITY.md #2 and #11: the writes never go through the
# container's /proc (a volume over /proc takes none of them).

load helpers

@test "sysctl: net.ipv4.ip_forward in the container's own network namespace" {
	local host_before
	host_before="$(cat /proc/sys/net/ipv4/ip_forward)"
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	set_args cat /proc/sys/net/ipv4/ip_forward
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = 1 ] || fail "output: $output"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ] || fail "the host's ip_forward changed"
}

@test "sysctl: IPC and UTS keys, in slashed and dotted spelling" {
	local host_shmmax
	host_shmmax="$(cat /proc/sys/kernel/shmmax)"
	update_config '.linux.sysctl = {"kernel.shmmax": "123456789", "kernel/msgmax": "12345", "kernel.domainname": "berth.test",
		"net/ipv4/conf/lo/forwarding": "1"}'
	set_cmd 'cat /proc/sys/kernel/shmmax /proc/sys/kernel/msgmax /proc/sys/kernel/domainname /proc/sys/net/ipv4/conf/lo/forwarding'
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$output" = $'123456789\n12345\nberth.test\n1' ] || fail "output: $output"
	[ "$(cat /proc/sys/kernel/shmmax)" = "$host_shmmax" ] || fail "the host's shmmax changed"
}

@test "sysctl: with create and start, and in a user namespace" {
	setup_userns_bundle
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "1", "kernel.shmmax": "4242"}'
	set_cmd 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/kernel/shmmax'
	local id
	id="$(new_id)"
	create_ctr "$id"
	rt start "$id"
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = $'1\n4242' ] || fail "output: $(ctr_out "$id") $(ctr_err "$id")"
	rt delete "$id"
}

@test "sysctl: a net key without a network namespace is refused, naming the key" {
	update_config '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
	fails_cleanly
	[[ "$stderr" == *net.ipv4.ip_forward* ]] || fail "stderr: $stderr"
	if is_berth; then
		[[ "$stderr" == *'.linux.sysctl["net.ipv4.ip_forward"]: sysctl "net.ipv4.ip_forward" is not allowed in the host'"'"'s network namespace'* ]] ||
			fail "stderr: $stderr"
	fi
}

# The runtime runs in the network namespace of this shell: joining that one is no namespace of
# the container's own.
@test "sysctl: the host's network namespace joined by path is refused" {
	update_config '.linux.namespaces |= map(if .type == "network" then .path = $p else . end)
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}' --arg p "/proc/$$/ns/net"
	local host_before
	host_before="$(cat /proc/sys/net/ipv4/ip_forward)"
	fails_cleanly
	[[ "$stderr" == *net.ipv4.ip_forward* ]] || fail "stderr: $stderr"
	[ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_before" ] || fail "the host's ip_forward changed"
}

@test "sysctl: a key in no namespace of its own is refused" {
	local key
	for key in kernel.panic vm.swappiness; do
		update_config '.linux.sysctl = {($k): "1"}' --arg k "$key"
		fails_cleanly
		[[ "$stderr" == *"$key"* ]] || fail "stderr: $stderr"
	done
	if is_berth; then
		update_config '.linux.sysctl = {"net/../kernel/panic": "1"}'
		fails_cleanly
		[[ "$stderr" == *'invalid sysctl name "net/../kernel/panic"'* ]] || fail "stderr: $stderr"
	fi
}

@test "sysctl: a value the kernel refuses fails create, naming the key" {
	update_config '.linux.sysctl = {"net.ipv4.ip_forward": "yes please"}'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *"sysctl net.ipv4.ip_forward: write \"yes please\": invalid argument"* ]] || fail "stderr: $stderr"
	fi
	update_config '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
	fails_cleanly
	[[ "$stderr" == *no_such_key* ]] || fail "stderr: $stderr"
}

# SECURITY.md #2, #11: the image puts a volume over /proc holding a fake sys/ tree. A runtime
# writing sysctls through the container's /proc writes the volume (a host dir) and leaves the
# real setting alone.
@test "sysctl: writes go through berth's own procfs, never a volume over /proc (SECURITY.md #2, #11)" {
	local vol
	new_host_dir vol proc-volume
	mkdir -p "$vol/sys/net/ipv4" "$BUNDLE/rootfs/realproc"
	echo 0 >"$vol/sys/net/ipv4/ip_forward"
	update_config '.mounts |= map(if .destination == "/proc" then {"destination": "/proc", "type": "bind", "source": $v, "options": ["rbind"]} else . end)
		| .mounts += [{"destination": "/realproc", "type": "proc", "source": "proc"}]
		| .linux.maskedPaths = [] | .linux.readonlyPaths = []
		| .linux.sysctl = {"net.ipv4.ip_forward": "1"}' --arg v "$vol"
	set_args cat /realproc/sys/net/ipv4/ip_forward
	run_container
	[ "$(cat "$vol/sys/net/ipv4/ip_forward")" = 0 ] || fail "the volume over /proc was written"
	# runc refuses anything but procfs at /proc; berth takes the bundle and sets the real value.
	is_berth || [ "$status" -ne 0 ] || [ "$output" = 1 ] || fail "ip_forward in the container: $output"
	if is_berth; then
		[ "$status" -eq 0 ] || fail "status $status: $stderr"
		[ "$output" = 1 ] || fail "ip_forward in the container: $output"
	fi
}
