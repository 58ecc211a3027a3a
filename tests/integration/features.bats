#!/usr/bin/env bats
# `features`: the runtime-spec features document.

load helpers

@test "features: lists versions and every namespace type" {
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	jq -e '
		(.ociVersionMin | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.ociVersionMax | type == "string" and test("^[0-9]+\\.[0-9]+\\.[0-9]+"))
		and (.linux.namespaces | contains(["cgroup", "ipc", "mount", "network", "pid", "user", "uts"]))' <<<"$output" ||
		fail "features: $output"
}

@test "features: seccomp lists exactly the actions, operators, archs and flags implemented" {
	is_berth || skip "berth's seccomp features"
	run --separate-stderr rt_raw features
	[ "$status" -eq 0 ]
	jq -e --arg native "SCMP_ARCH_$(uname -m | tr a-z A-Z)" '.linux.seccomp
		| .enabled == true
		and .actions == ["SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS",
			"SCMP_ACT_KILL_THREAD", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP"]
		and .operators == ["SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT",
			"SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE"]
		and (.archs | index($native) != null)
		and .knownFlags == ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
			"SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV"]
		and (.supportedFlags - .knownFlags) == []' <<<"$output" || fail "features: $(jq .linux.seccomp <<<"$output")"
}
