#!/usr/bin/env bats
# AppArmor and SELinux. This host (and CI's) has neither, so what is tested here is the
# refusal: a config that asks for a label fails up front, naming the field and the reason,
# and leaves nothing behind; the label and mount-option building is unit-tested
# (tests/unit/test_lsm.cpp). Where the host has the LSM the tests skip.

load helpers

host_has_apparmor() { [[ -d /sys/kernel/security/apparmor && "$(cat /sys/module/apparmor/parameters/enabled 2>/dev/null)" == Y ]]; }
host_has_selinux() { [[ -e /sys/fs/selinux/enforce ]]; }

@test "lsm: apparmorProfile on a host without AppArmor fails, naming the field" {
	host_has_apparmor && skip "this host has AppArmor"
	update_config '.process.apparmorProfile = "berth-test-profile"'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".process.apparmorProfile: AppArmor is not enabled on this host"* ]] || fail "stderr: $stderr"
	fi
}

@test "lsm: selinuxLabel on a host without SELinux fails, naming the field" {
	host_has_selinux && skip "this host has SELinux"
	update_config '.process.selinuxLabel = "system_u:system_r:container_t:s0:c1,c2"'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".process.selinuxLabel: "*"SELinux"* ]] || fail "stderr: $stderr"
	fi
}

@test "lsm: mountLabel on a host without SELinux fails, naming the field" {
	host_has_selinux && skip "this host has SELinux"
	update_config '.linux.mountLabel = "system_u:object_r:container_file_t:s0:c1,c2"'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".linux.mountLabel: "*"SELinux"* ]] || fail "stderr: $stderr"
	fi
}

@test "lsm: features says enabled only for an LSM this host has" {
	is_berth || skip "berth's features"
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	local aa se
	aa="$(jq -r .linux.apparmor.enabled <<<"$output")"
	se="$(jq -r .linux.selinux.enabled <<<"$output")"
	if host_has_apparmor; then [ "$aa" = true ]; else [ "$aa" = false ]; fi
	host_has_selinux || [ "$se" = false ]
}
