#!/usr/bin/env bats
# The process the container runs: identity, namespaces, credentials,
# capabilities and the rest of .process, checked from inside the container.

load helpers

# status_line NAME — the "NAME:\t..." line of /proc/self/status in $output.
status_line() { grep -E "^$1:" <<<"$output"; }

@test "process: hostname from the config" {
	update_config '.hostname = "berth-test"'
	set_cmd 'hostname; cat /proc/sys/kernel/hostname'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'berth-test\nberth-test' ]
}

@test "process: runs as pid 1 of its own pid namespace" {
	# The runtime execs args directly: cat itself is pid 1.
	set_args cat /proc/self/stat
	run_container
	[ "$status" -eq 0 ]
	[[ "$output" == "1 (cat) "* ]]

	# A shell sees $$ = 1 and only its own children.
	set_cmd 'echo $$; ls -d /proc/[0-9]* | wc -l'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = 1 ]
	# sh, ls and wc: no host process is visible.
	[ "${lines[1]}" -le 3 ]
}

@test "process: own network namespace with only loopback" {
	set_cmd 'ls /sys/class/net'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = lo ]
}

@test "process: namespaces differ from the host's" {
	set_cmd 'for n in pid net ipc uts mnt; do readlink /proc/self/ns/$n; done'
	run_container
	[ "$status" -eq 0 ]
	local n host
	for n in pid net ipc uts mnt; do
		host="$(readlink "/proc/self/ns/$n")"
		grep -qx "$n:\[[0-9]*\]" <<<"$output"
		[[ "$output" != *"$host"* ]]
	done
}

@test "process: uid, gid and additional gids from .process.user" {
	update_config '.process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000]}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line Uid)" = $'Uid:\t1000\t1000\t1000\t1000' ]
	[ "$(status_line Gid)" = $'Gid:\t1000\t1000\t1000\t1000' ]
	[[ "$(status_line Groups)" =~ ^Groups:[[:space:]]*2000[[:space:]]*$ ]]
}

@test "process: no supplementary groups unless configured" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[[ "$(status_line Groups)" =~ ^Groups:[[:space:]]*$ ]]
}

@test "process: default capabilities are exactly the configured ones" {
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line CapBnd)" = $'CapBnd:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapEff)" = $'CapEff:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapPrm)" = $'CapPrm:\t'"$DEFAULT_CAPS_HEX" ]
	[ "$(status_line CapInh)" = $'CapInh:\t0000000000000000' ]
}

@test "process: capabilities of a non-root user come from inheritable+ambient" {
	# After execve a non-root process keeps only its ambient set, so the
	# config must list the caps in inheritable, permitted and ambient.
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| .process.capabilities = {
			"bounding": ["CAP_KILL", "CAP_NET_BIND_SERVICE", "CAP_CHOWN"],
			"effective": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"permitted": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"inheritable": ["CAP_KILL", "CAP_NET_BIND_SERVICE"],
			"ambient": ["CAP_KILL", "CAP_NET_BIND_SERVICE"]}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	# CAP_CHOWN=0, CAP_KILL=5, CAP_NET_BIND_SERVICE=10
	[ "$(status_line CapBnd)" = $'CapBnd:\t0000000000000421' ]
	[ "$(status_line CapInh)" = $'CapInh:\t0000000000000420' ]
	[ "$(status_line CapPrm)" = $'CapPrm:\t0000000000000420' ]
	[ "$(status_line CapEff)" = $'CapEff:\t0000000000000420' ]
	[ "$(status_line CapAmb)" = $'CapAmb:\t0000000000000420' ]
}

@test "process: empty capability sets leave root with no capabilities" {
	update_config '.process.capabilities = {"bounding": [], "effective": [], "permitted": [], "inheritable": [], "ambient": []}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	local set
	for set in CapBnd CapEff CapPrm CapInh CapAmb; do
		[ "$(status_line $set)" = "$set:"$'\t0000000000000000' ]
	done
}

@test "process: noNewPrivileges true sets NoNewPrivs" {
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = $'NoNewPrivs:\t1' ]
}

@test "process: noNewPrivileges false leaves NoNewPrivs clear" {
	update_config '.process.noNewPrivileges = false'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ]
	[ "$(status_line NoNewPrivs)" = $'NoNewPrivs:\t0' ]
}

@test "process: cwd from the config" {
	update_config '.process.cwd = "/tmp"'
	set_args pwd
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = /tmp ]
}

@test "process: environment is exactly .process.env" {
	update_config '.process.env = ["PATH=/bin", "FOO=bar", "WITH_SPACE=a b=c"]'
	set_cmd 'echo "FOO=$FOO"; echo "WITH_SPACE=$WITH_SPACE"; env | grep -c "^BATS_" || true'
	run_container
	[ "$status" -eq 0 ]
	local lines
	mapfile -t lines <<<"$output"
	[ "${lines[0]}" = FOO=bar ]
	[ "${lines[1]}" = "WITH_SPACE=a b=c" ]
	# Nothing from the runtime's environment (bats exports BATS_*) leaks in.
	[ "${lines[2]}" = 0 ]
}

@test "process: umask from .process.user.umask" {
	update_config '.process.user.umask = 63' # 0077
	set_args sh -c umask
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = 0077 ]
}

@test "process: rlimit from the config (RLIMIT_NOFILE 1024)" {
	set_cmd 'ulimit -Sn; ulimit -Hn'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'1024\n1024' ]
}

@test "process: soft and hard rlimits are set separately" {
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 512, "hard": 2048}]'
	set_cmd 'ulimit -Sn; ulimit -Hn'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = $'512\n2048' ]
}

@test "process: an rlimit the kernel refuses fails the container start" {
	# A hard NOFILE limit above fs.nr_open is refused even with
	# CAP_SYS_RESOURCE, so this fails on any host.
	local nr_open
	nr_open="$(cat /proc/sys/fs/nr_open)"
	update_config '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 1024, "hard": $h}]' \
		--argjson h "$((nr_open + 1))"
	set_cmd 'echo container-ran'
	run_container
	[ "$status" -ne 0 ]
	[[ "$output" != *container-ran* ]]
	if is_berth; then
		[[ "$stderr" == *NOFILE* ]]
	fi
	root_is_empty
}

@test "process: args are passed verbatim (no shell splitting)" {
	set_args /bin/echo 'a  b' '$HOME' '*'
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = 'a  b $HOME *' ]
}

@test "process: args[0] is looked up in the container's PATH" {
	# /usr/local/bin/only-here exists only in the container.
	mkdir -p "$BUNDLE/rootfs/usr/local/bin"
	printf '#!/bin/sh\necho found-in-path\n' >"$BUNDLE/rootfs/usr/local/bin/only-here"
	chmod +x "$BUNDLE/rootfs/usr/local/bin/only-here"
	set_args only-here
	run_container
	[ "$status" -eq 0 ]
	[ "$output" = found-in-path ]
}
