#!/usr/bin/env bats
# linux.netDevices: a host interface moved into the container's network namespace, renamed.
# The interface is one end of a veth pair the test makes; it goes away with the container's
# namespace (and the test deletes what is left).

load helpers

VETH=
teardown() {
	[ -z "$VETH" ] || ip link del "$VETH" 2>/dev/null || true
	common_teardown
}

@test "net_devices: a host veth end appears in the container under its new name" {
	VETH="bt${RUN_TAG}a"
	ip link add "$VETH" type veth peer name "bt${RUN_TAG}b"
	update_config '.linux.netDevices = {($h): {"name": "ctr0"}}' --arg h "$VETH"
	set_cmd 'ip -o link show; cat /sys/class/net/ctr0/ifindex'
	run_container
	echo "$output"
	[ "$status" -eq 0 ]
	grep -q ': ctr0@' <<<"$output"
	# Gone from the host while it ran; with the container's namespace, the pair is gone. The
	# kernel tears a network namespace down in a work queue after its last process exits, so
	# the peer may outlive `run` by a moment.
	wait_for peer_gone "bt${RUN_TAG}b"
}

peer_gone() { ! ip link show "$1" >/dev/null 2>&1; }

@test "net_devices: a device without a network namespace, or a bad name, names its JSON path" {
	update_config '.linux.netDevices = {"eth0": {"name": "bad/name"}}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *'.linux.netDevices.eth0.name: invalid interface name'* ]]
	update_config '.linux.netDevices = {"eth0": {}} | .linux.namespaces |= map(select(.type != "network"))'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *'needs a network namespace'* ]]
	root_is_empty
}

@test "net_devices: a host interface that does not exist fails the create cleanly" {
	update_config '.linux.netDevices = {"bt-nonexist0": {}}'
	run_container
	[ "$status" -ne 0 ]
	is_berth && [[ "$stderr" == *"move network device bt-nonexist0"* ]]
	root_is_empty
}
