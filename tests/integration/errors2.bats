#!/usr/bin/env bats
# More failures and informational commands: what berth cannot honour yet
# fails with the config's JSON path (never silently ignored) and leaves
# nothing behind; `features`, `--version` and `spec`.

load helpers

# rt_raw ARGS... — the runtime without the implicit --root.
rt_raw() { timeout --kill-after=5 "$RT_TIMEOUT" "$RUNTIME" "$@"; }

# fails_cleanly [RUN-ARGS...] — `run` the bundle (which would print
# "container-ran"); it must fail before the process runs, and leave no state
# and no process behind.  The runtime's stderr ends up in $stderr.
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

@test "errors2: seccomp fails with .linux.seccomp" {
	is_berth || skip "berth does not do seccomp yet; other runtimes do"
	update_config '.linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW"}'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".linux.seccomp"* ]] || fail "stderr: $stderr"
	fi
}

@test "errors2: process.terminal fails with .process.terminal" {
	# Other runtimes fail too here (no console socket for create, stdin
	# is not a tty for run), just not for berth's reason.
	update_config '.process.terminal = true'
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *".process.terminal"* ]] || fail "stderr: $stderr"
	fi
}

@test "errors2: --console-socket fails" {
	# berth has no terminal support; the config has terminal false anyway.
	fails_cleanly --console-socket /x
	[ ! -e /x ]
	if is_berth; then
		[[ "$stderr" == *--console-socket* ]] || fail "stderr: $stderr"
	fi
}

@test "errors2: a hook fails with .hooks." {
	is_berth || skip "berth does not run hooks yet; other runtimes do"
	# The hook would leave a file behind if it ran.
	update_config '.hooks = {"prestart": [{"path": "/bin/sh", "args": ["sh", "-c", $c]}]}' \
		--arg c "touch $TESTDIR/hook-ran"
	fails_cleanly
	[ ! -e "$TESTDIR/hook-ran" ]
	if is_berth; then
		[[ "$stderr" == *".hooks."* ]] || fail "stderr: $stderr"
	fi
}

@test "errors2: features lists versions and every namespace type" {
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	jq -e '
		(.ociVersionMin | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.ociVersionMax | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"]))' <<<"$output" ||
		fail "features: $output"
}

@test "errors2: --version has version, commit and spec lines" {
	is_berth || skip "berth's --version format"
	run --separate-stderr rt_raw --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" =~ ^berth\ version\ [0-9]+\.[0-9]+ ]] || fail "--version: $output"
	grep -q '^commit: ' <<<"$output" || fail "no commit line: $output"
	grep -qE '^spec: [0-9]+\.[0-9]+' <<<"$output" || fail "no spec line: $output"
}

@test "errors2: spec has no inheritable or ambient capabilities and does not overwrite" {
	local dir="$TESTDIR/bundle-spec"
	mkdir "$dir"
	cp -al "$BUNDLE/rootfs" "$dir/rootfs"
	run --separate-stderr rt_raw spec --bundle "$dir"
	[ "$status" -eq 0 ]
	# SECURITY.md, CVE-2022-29162: no inheritable capabilities; berth's spec
	# has no ambient ones either (runc 1.1's lists ambient capabilities).
	jq -e '.process.capabilities | type == "object"
		and (has("inheritable") | not) and (.bounding | length > 0)' "$dir/config.json" ||
		fail "capabilities: $(jq -c .process.capabilities "$dir/config.json")"
	if is_berth; then
		jq -e '.process.capabilities | has("ambient") | not' "$dir/config.json" ||
			fail "capabilities: $(jq -c .process.capabilities "$dir/config.json")"
	fi

	BUNDLE="$dir"
	update_config '.process.terminal = false | .process.args = ["true"]'
	run_container
	[ "$status" -eq 0 ] || fail "spec's config did not run ($status): $output" "$stderr"
	# What the process got: no inheritable or ambient capabilities.
	set_cmd 'grep -E "^Cap(Inh|Amb):" /proc/self/status'
	run_container
	[ "$status" -eq 0 ]
	[ "${lines[0]}" = $'CapInh:\t0000000000000000' ]
	[ "${lines[1]}" = $'CapAmb:\t0000000000000000' ]

	# A second spec refuses to overwrite the (edited) config.json.
	local before
	before="$(sha256sum <"$dir/config.json")"
	run --separate-stderr rt_raw spec --bundle "$dir"
	[ "$status" -ne 0 ]
	[ "$(sha256sum <"$dir/config.json")" = "$before" ]
	jq -e '.process.args == ["sh", "-c", "grep -E \"^Cap(Inh|Amb):\" /proc/self/status"]' "$dir/config.json"
}

@test "cli: an unknown command fails, even with --help (engines probe 'checkpoint --help')" {
	run rt checkpoint --help
	[ "$status" -ne 0 ]
	run rt restore --help
	[ "$status" -ne 0 ]
	# Known commands still answer --help.
	run rt create --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle"* ]]
}
