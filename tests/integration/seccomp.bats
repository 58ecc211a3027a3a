#!/usr/bin/env bats
# linux.seccomp: the filter is in place when the process runs; podman's default profile leaves
# a shell working and blocks what it blocks; errnoRet, KILL, argument comparisons (MASKED_EQ);
# flags and architectures; the SCMP_ACT_NOTIFY listener gets the fd and the container process
# state and answers the calls; bad names fail with their JSON path.

load helpers

# podman-seccomp.jq: containers-common's profile in runtime-spec's form, for this host.
PODMAN_TO_OCI="$BATS_TEST_DIRNAME/podman-seccomp.jq"

PODMAN_PROFILE=/usr/share/containers/seccomp.json

# podman_profile — podman's default profile for this host and the default config's bounding set.
podman_profile() {
	[[ -r "$PODMAN_PROFILE" ]] || skip "no $PODMAN_PROFILE (containers-common)"
	local goarch native
	case "$(uname -m)" in
	x86_64) goarch=amd64 native=SCMP_ARCH_X86_64 ;;
	aarch64) goarch=arm64 native=SCMP_ARCH_AARCH64 ;;
	*) skip "no conversion for $(uname -m)" ;;
	esac
	jq -c --arg arch "$goarch" --arg native "$native" \
		--argjson caps '["CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE"]' -f "$PODMAN_TO_OCI" "$PODMAN_PROFILE"
}

# set_seccomp JSON — .linux.seccomp = JSON
set_seccomp() { update_config '.linux.seccomp = $s' --argjson s "$1"; }

@test "seccomp: the filter is in place: Seccomp 2, one filter" {
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["kexec_load"], "action": "SCMP_ACT_ERRNO"}]}'
	set_args cat /proc/self/status
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[ "$(status_line Seccomp)" = $'Seccomp:\t2' ]
	[ "$(status_line Seccomp_filters)" = $'Seccomp_filters:\t1' ]
}

# With the default caps the profile turns sethostname into EPERM (only CAP_SYS_ADMIN unlocks
# it): the container gets CAP_SYS_ADMIN here, so only the filter can refuse it.
@test "seccomp: podman's default profile: a shell works, a blocked call fails with EPERM" {
	local profile
	profile="$(podman_profile)"
	add_caps CAP_SYS_ADMIN
	set_cmd 'echo hello; ls / >/dev/null && echo ls-ok; cat /etc/hostname; hostname blocked 2>&1; echo "rc=$?"; hostname; grep -E "^Seccomp:" /proc/self/status'
	# Without the filter the call succeeds.
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"rc=0"* ]] || fail "hostname failed without seccomp: $output"
	set_seccomp "$profile"
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "${lines[0]}" == hello ]] || fail "output: $output"
	[[ "$output" == *ls-ok* ]] || fail "output: $output"
	[[ "$output" == *berth-rootfs* ]] || fail "output: $output"
	[[ "$output" == *"Operation not permitted"* ]] || fail "sethostname not refused: $output"
	[[ "$output" == *"rc=1"* ]] || fail "output: $output"
	[[ "$output" == *$'\nrunc\n'* ]] || fail "hostname changed: $output"
	[[ "$output" == *$'Seccomp:\t2'* ]] || fail "output: $output"
}

# Without no_new_privs, as a non-root user without CAP_SYS_ADMIN, the filter goes in before
# the uid and capability changes, which the profile must then let through.
@test "seccomp: podman's default profile without no_new_privs, as another user" {
	local profile
	profile="$(podman_profile)"
	set_seccomp "$profile"
	update_config '.process.noNewPrivileges = false | .process.user = {"uid": 1000, "gid": 1000, "additionalGids": [2000]}'
	set_cmd 'id; grep -E "^(Seccomp|NoNewPrivs|CapEff):" /proc/self/status; echo done'
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"uid=1000"*"gid=1000"*"2000"* ]] || fail "output: $output"
	[[ "$output" == *$'Seccomp:\t2'* ]] || fail "output: $output"
	[[ "$output" == *$'NoNewPrivs:\t0'* ]] || fail "output: $output"
	[[ "$output" == *$'CapEff:\t0000000000000000'* ]] || fail "output: $output"
	[[ "$output" == *done* ]] || fail "output: $output"
}

@test "seccomp: podman's default profile with create and start" {
	local profile id
	profile="$(podman_profile)"
	set_seccomp "$profile"
	set_cmd 'echo started > /dev/shm/x; cat /dev/shm/x'
	id="$(new_id)"
	create_ctr "$id"
	[ "$(ctr_state "$id")" = created ]
	rt start "$id"
	wait_status "$id" stopped
	[ "$(ctr_out "$id")" = started ] || fail "output: $(ctr_out "$id") $(ctr_err "$id")"
	rt delete "$id"
}

@test "seccomp: SCMP_ACT_ERRNO returns errnoRet" {
	writable_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
	set_cmd 'mkdir /tmp/d 2>&1; echo "rc=$?"; [ -e /tmp/d ] && echo exists || echo absent'
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"Disk quota exceeded"* ]] || fail "output: $output" # EDQUOT, 122
	[[ "$output" == *"rc=1"*absent* ]] || fail "output: $output"
}

@test "seccomp: SCMP_ACT_KILL and SCMP_ACT_KILL_PROCESS kill with SIGSYS" {
	writable_rootfs
	local action
	for action in SCMP_ACT_KILL SCMP_ACT_KILL_PROCESS; do
		set_seccomp "$(jq -nc --arg a "$action" '{"defaultAction": "SCMP_ACT_ALLOW",
			"syscalls": [{"names": ["mkdir", "mkdirat"], "action": $a}]}')"
		set_args mkdir /tmp/d
		run_container
		[ "$status" -eq 159 ] || fail "$action: status $status (want 128+SIGSYS): $stderr"
		[ ! -e "$BUNDLE/rootfs/tmp/d" ] || fail "$action: mkdir ran"
	done
}

# Refuse setuid bits: chmod with 04000 in the mode fails, any other mode works.
@test "seccomp: SCMP_CMP_MASKED_EQ compares the masked argument" {
	writable_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [
		{"names": ["chmod", "fchmod"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95,
		 "args": [{"index": 1, "value": 2048, "valueTwo": 2048, "op": "SCMP_CMP_MASKED_EQ"}]},
		{"names": ["fchmodat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 95,
		 "args": [{"index": 2, "value": 2048, "valueTwo": 2048, "op": "SCMP_CMP_MASKED_EQ"}]}]}'
	set_cmd 'touch /tmp/f; chmod 755 /tmp/f && echo plain-ok; chmod 4755 /tmp/f 2>&1; echo "rc=$?"; chmod 6700 /tmp/f 2>&1; stat -c %a /tmp/f'
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *plain-ok* ]] || fail "output: $output"
	[[ "$output" == *"Operation not supported"*"rc=1"* ]] || fail "output: $output" # EOPNOTSUPP, 95
	[ "${lines[-1]}" = 755 ] || fail "output: $output"
}

@test "seccomp: a syscall libseccomp does not know is skipped" {
	writable_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"syscalls": [{"names": ["berth_no_such_syscall", "mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
	set_cmd 'mkdir /tmp/d 2>&1; echo "rc=$?"'
	run --separate-stderr rt --debug run --bundle "$BUNDLE" "$(new_id)" </dev/null
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"Disk quota exceeded"*"rc=1"* ]] || fail "output: $output"
	if is_berth; then
		[[ "$stderr" == *'.linux.seccomp.syscalls[0].names[0]: syscall "berth_no_such_syscall" is unknown to libseccomp'* ]] ||
			fail "stderr: $stderr"
	fi
}

@test "seccomp: architectures and flags" {
	[[ "$(uname -m)" == x86_64 ]] || skip "x86 architecture names"
	rt_raw features | jq -e '.linux.seccomp.supportedFlags // [] | contains(["SECCOMP_FILTER_FLAG_TSYNC",
		"SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"])' >/dev/null || skip "the runtime does not support these flags"
	writable_rootfs
	set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW",
		"architectures": ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
		"flags": ["SECCOMP_FILTER_FLAG_TSYNC", "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 122}]}'
	set_cmd 'mkdir /tmp/d 2>&1; grep -E "^Seccomp:" /proc/self/status'
	run_container
	[ "$status" -eq 0 ] || fail "status $status: $stderr"
	[[ "$output" == *"Disk quota exceeded"*$'Seccomp:\t2'* ]] || fail "output: $output"
}

@test "seccomp: unknown names fail with their JSON path" {
	local bad
	for bad in \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}' \
		'{"defaultAction": "SCMP_ACT_BOGUS"}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_ERRNO", "args": [{"index": 0, "value": 1, "op": "SCMP_CMP_BOGUS"}]}]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "flags": ["SECCOMP_FILTER_FLAG_BOGUS"]}' \
		'{"defaultAction": "SCMP_ACT_ALLOW", "architectures": ["SCMP_ARCH_BOGUS"]}'; do
		set_seccomp "$bad"
		fails_cleanly
		# runc 1.1 refuses any flag without naming it.
		! is_berth || [[ "$stderr" == *BOGUS* ]] || fail "stderr does not name the value: $stderr"
	done
	if is_berth; then
		set_seccomp '{"defaultAction": "SCMP_ACT_ALLOW", "syscalls": [{"names": ["read"], "action": "SCMP_ACT_ALLOW"}, {"names": ["mkdir"], "action": "SCMP_ACT_BOGUS"}]}'
		fails_cleanly
		[[ "$stderr" == *'config.json: .linux.seccomp.syscalls[1].action: unknown action "SCMP_ACT_BOGUS"'* ]] || fail "stderr: $stderr"
	fi
}

# A seccomp agent in the test: receives the container process state with the notify fd
# (SCM_RIGHTS), saves the state, and answers every notified call with success (val 0) without
# running it. Exits once no process uses the filter any more (the fd polls POLLHUP).
LISTENER_PY='
import array, fcntl, json, select, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
srv.settimeout(30)
conn, _ = srv.accept()
fds = array.array("i")
data, anc, _, _ = conn.recvmsg(1 << 20, socket.CMSG_SPACE(16))
for level, kind, payload in anc:
    if level == socket.SOL_SOCKET and kind == socket.SCM_RIGHTS:
        fds.frombytes(payload[: len(payload) - len(payload) % fds.itemsize])
message = None
while message is None:  # a stream: the JSON may come in pieces
    try:
        message = json.loads(data)
    except ValueError:
        more = conn.recv(1 << 20)
        if not more:
            raise
        data += more
NOTIF_RECV, NOTIF_SEND = 0xC0502100, 0xC0182101  # sizes 80 and 24
answered = 0
poller = select.poll()
if len(fds) == 1:
    poller.register(fds[0], select.POLLIN)
while len(fds) == 1:
    events = poller.poll(30000)
    if not events or not events[0][1] & select.POLLIN:
        break  # POLLHUP: the filter has no users left
    req = bytearray(80)
    try:
        fcntl.ioctl(fds[0], NOTIF_RECV, req, True)
    except OSError:
        continue  # the caller went away meanwhile
    notif_id = struct.unpack_from("=Q", req)[0]
    try:
        fcntl.ioctl(fds[0], NOTIF_SEND, bytearray(struct.pack("=QqiI", notif_id, 0, 0, 0)), True)
        answered += 1
    except OSError:
        pass
with open(out, "w") as f:
    json.dump({"message": message, "fds": len(fds), "answered": answered}, f)
'

@test "seccomp: SCMP_ACT_NOTIFY: the listener gets the fd and the state, and answers" {
	command -v python3 >/dev/null || skip "needs python3 for the listener"
	writable_rootfs
	local sock="$TESTDIR/agent.sock" out="$TESTDIR/agent.json" id
	set_seccomp "$(jq -nc --arg p "$sock" '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"listenerMetadata": "berth-test-metadata",
		"syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_NOTIFY"}]}')"
	update_config '.annotations = {"org.example.k": "v"}'
	set_cmd 'mkdir /tmp/notified && echo mkdir-ok; [ -e /tmp/notified ] && echo exists || echo absent'
	python3 -c "$LISTENER_PY" "$sock" "$out" 3>&- &
	local agent=$!
	wait_for test -e "$out.ready"
	id="$(new_id)"
	run --separate-stderr rt run --bundle "$BUNDLE" "$id" </dev/null
	local rc=$status
	wait "$agent" || fail "listener failed"
	[ "$rc" -eq 0 ] || fail "status $rc: $stderr"
	[[ "$output" == *mkdir-ok*absent* ]] || fail "the listener did not answer: $output"
	jq -e --arg id "$id" --arg b "$BUNDLE" '
		.fds == 1 and .answered >= 1
		and .message.fds == ["seccompFd"]
		and .message.metadata == "berth-test-metadata"
		and (.message.pid | type == "number" and . > 0)
		and .message.state.id == $id
		and .message.state.status == "creating"
		and .message.state.pid == .message.pid
		and .message.state.bundle == $b
		and .message.state.annotations["org.example.k"] == "v"
		and (.message.ociVersion | type == "string")' "$out" || fail "listener got: $(cat "$out")"
}

@test "seccomp: SCMP_ACT_NOTIFY without anyone listening fails create" {
	set_seccomp "$(jq -nc --arg p "$TESTDIR/nobody.sock" '{"defaultAction": "SCMP_ACT_ALLOW", "listenerPath": $p,
		"syscalls": [{"names": ["mkdir"], "action": "SCMP_ACT_NOTIFY"}]}')"
	fails_cleanly
	if is_berth; then
		[[ "$stderr" == *"seccomp listener $TESTDIR/nobody.sock: connect: no such file or directory"* ]] || fail "stderr: $stderr"
	fi
}
