#!/usr/bin/env bats
# Terminals (runc's docs/terminals.md): process.terminal with --console-socket (the caller
# gets the pty master; tests/tools/console_receiver.cpp plays the caller), a foreground run
# that proxies the pty to its own terminal (driven through script(1)), runc's refusals of
# the combinations that cannot work, and pass-through stdio without a terminal.
# SECURITY.md rows: #10 (the console is bound from the pty's fd: checked as the container
# sees /dev/console and its stdio), #15 (a host /dev/null given as stdin keeps its owner).

load helpers

setup_file() {
	# The receiver meson builds next to berth, else one compiled here (for runc runs).
	if [[ -z "${CONSOLE_RECEIVER:-}" ]]; then
		local c
		for c in "$(dirname "$RUNTIME")/../../tests/console-receiver" "$BATS_TEST_DIRNAME"/../../build*/tests/console-receiver; do
			if [[ -x "$c" ]]; then
				CONSOLE_RECEIVER="$c"
				break
			fi
		done
	fi
	if [[ -z "${CONSOLE_RECEIVER:-}" ]] && command -v c++ >/dev/null; then
		c++ -std=c++20 -O1 -o "$BATS_FILE_TMPDIR/console-receiver" "$BATS_TEST_DIRNAME/../tools/console_receiver.cpp" &&
			CONSOLE_RECEIVER="$BATS_FILE_TMPDIR/console-receiver"
	fi
	export CONSOLE_RECEIVER
}

need_receiver() {
	[[ -x "${CONSOLE_RECEIVER:-}" ]] || skip "no console-receiver (build it with meson, or set CONSOLE_RECEIVER)"
}

need_script() {
	command -v script >/dev/null || skip "needs script(1) (bsdutils)"
}

# terminal_shell [JQ-FILTER] — the container runs an interactive sh on a terminal
# of consoleSize 33x111.
terminal_shell() {
	update_config '.process.terminal = true | .process.consoleSize = {"height": 33, "width": 111}
		| .process.args = ["sh"]'
}

# start_receiver ACTION... — the console receiver listens on $SOCK in the background and runs
# ACTIONs once it has the master. Its report: $TESTDIR/recv.out; what it read: recv.log.
start_receiver() {
	need_receiver
	SOCK="$TESTDIR/console.sock"
	"$CONSOLE_RECEIVER" --log "$TESTDIR/recv.log" "$SOCK" "$@" \
		</dev/null >"$TESTDIR/recv.out" 2>"$TESTDIR/recv.err" 3>&- 4>&- &
	RECV_PID=$!
	wait_for test -S "$SOCK"
}

# receiver_done — the receiver ran all its actions.
receiver_done() {
	local rc=0
	wait "$RECV_PID" || rc=$?
	[ "$rc" -eq 0 ] || fail "console receiver failed ($rc): $(cat "$TESTDIR/recv.err")" \
		"it read: $(cat -v "$TESTDIR/recv.log")"
}

# recv_lines — what the container's terminal printed, one line each, without the \r.
recv_lines() { tr -d '\r' <"$TESTDIR/recv.log"; }

@test "terminal: create with --console-socket: a shell answers through the master, with consoleSize and a resize" {
	terminal_shell
	start_receiver name rdev size 'expect:# ' 'send:echo $((6*7))\n' 'expect:42' \
		'send:stty size\n' 'expect:33 111' resize:40:120 'send:stty size\n' 'expect:40 120' \
		'send:exit 3\n' eof
	local id
	id="$(new_id)"
	create_ctr "$id" --console-socket "$SOCK"
	rt start "$id"
	receiver_done
	wait_status "$id" stopped
	# The fd is a pty master (ptmx, 5:2) of the size asked for before the shell ran.
	grep -qx 'rdev 5:2' "$TESTDIR/recv.out" || fail "$(cat "$TESTDIR/recv.out")"
	grep -qx 'size 33 111' "$TESTDIR/recv.out" || fail "$(cat "$TESTDIR/recv.out")"
	# runc 1.1.5 names the master /dev/ptmx, later runc and berth /dev/pts/ptmx.
	grep -Eqx 'name /dev/(pts/)?ptmx' "$TESTDIR/recv.out" || fail "$(cat "$TESTDIR/recv.out")"
	# The runtime's own stdio got nothing of the container's.
	[ ! -s "$TESTDIR/$id.out" ] || fail "stdout: $(ctr_out "$id")"
}

@test "terminal: the pty of the container's devpts is the process's stdio, controlling terminal and /dev/console; the master stays out (#10)" {
	terminal_shell
	start_receiver 'expect:# ' \
		'send:for f in 0 1 2; do echo "fd$f=$(readlink /proc/$$/fd/$f)"; done; echo "ttynr=$(cut -d" " -f7 /proc/$$/stat)"; echo "rdev=$(stat -L -c %t:%T /proc/self/fd/0) console=$(stat -c %t:%T /dev/console) tty=$(tty)"; echo end-$((1+1))\n' \
		'expect:end-2' "waitfile:$TESTDIR/checked" 'send:exit\n' eof
	local id pid fd links
	id="$(new_id)"
	create_ctr "$id" --console-socket "$SOCK"
	pid="$(pid_of "$id")"
	# Created, not started: the master left the init with the handshake.
	links="$(for fd in /proc/"$pid"/fd/*; do readlink "$fd"; done)"
	[[ "$links" != *ptmx* ]] || fail "the init holds a pty master:" "$links"
	rt start "$id"
	wait_for grep -q end-2 "$TESTDIR/recv.log"
	# Every fd of the shell is the container's /dev/pts/0 (0-2, and the copy sh keeps for
	# job control); no master.
	for fd in /proc/"$pid"/fd/*; do
		[[ "$(readlink "$fd")" == /dev/pts/0 || "$(readlink "$fd")" == /dev/tty ]] || fail "fds: $(ls -l /proc/"$pid"/fd)"
	done
	# ... of the container's own devpts instance, not the host's.
	[ "$(stat -L -c %d "/proc/$pid/fd/0")" = "$(stat -c %d "/proc/$pid/root/dev/pts/ptmx")" ]
	[ "$(stat -L -c %d "/proc/$pid/fd/0")" != "$(stat -c %d /dev/pts/ptmx)" ]
	# /dev/console is a bind mount of that pty.
	grep -E '^([^ ]+ ){4}/dev/console .* - devpts ' "/proc/$pid/mountinfo" || fail "$(cat "/proc/$pid/mountinfo")"
	touch "$TESTDIR/checked"
	receiver_done
	local seen
	seen="$(recv_lines)"
	for fd in 0 1 2; do
		grep -qx "fd$fd=/dev/pts/0" <<<"$seen" || fail "container saw: $seen"
	done
	# tty_nr of /proc/PID/stat is the controlling terminal: 136:0 is 136*256.
	grep -qx 'ttynr=34816' <<<"$seen" || fail "container saw: $seen"
	grep -qx 'rdev=88:0 console=88:0 tty=/dev/pts/0' <<<"$seen" || fail "container saw: $seen"
}

@test "terminal: run --detach with --console-socket" {
	terminal_shell
	start_receiver 'expect:# ' 'send:echo $((6*7)); exit\n' 'expect:42' eof
	local id
	id="$(new_id)"
	rt run -d --console-socket "$SOCK" --bundle "$BUNDLE" "$id" </dev/null >"$TESTDIR/out" 2>&1 3>&- 4>&- ||
		fail "run -d failed: $(cat "$TESTDIR/out")"
	receiver_done
	wait_status "$id" stopped
	rt delete "$id"
}

@test "terminal: a user's process owns its terminal, a read-only /dev still gets /dev/console" {
	terminal_shell
	update_config '.process.user = {"uid": 1000, "gid": 1000}
		| (.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
	start_receiver 'expect:$ ' 'send:echo "owner=$(stat -L -c %u:%g /proc/self/fd/0) console=$(stat -c %t:%T /dev/console)"; exit\n' \
		'expect:console=' eof
	local id
	id="$(new_id)"
	start_ctr "$id" --console-socket "$SOCK"
	receiver_done
	# The devpts mount's gid=5 stays.
	recv_lines | grep -qx 'owner=1000:5 console=88:0' || fail "container saw: $(recv_lines)"
}

@test "terminal: a terminal in a user namespace" {
	setup_userns_bundle
	terminal_shell
	start_receiver 'expect:# ' 'send:echo $((6*7)) $(id -u); exit\n' 'expect:42 0' eof
	local id
	id="$(new_id)"
	start_ctr "$id" --console-socket "$SOCK"
	receiver_done
}

@test "terminal: foreground run proxies the pty to the caller's terminal, and restores it" {
	need_script
	terminal_shell
	local id cmd
	id="$(new_id)"
	# Inside script(1)'s pty: the caller's settings and window size before, the runtime in the
	# foreground (timeout --foreground: otherwise it would be in a process group of its own,
	# the terminal's background), its exit status, the settings after.
	printf -v cmd 'stty rows 50 cols 100; stty -g >%q; timeout --foreground --kill-after=5 %q %q --root %q run --bundle %q %q 2>%q; echo $? >%q; stty -g >%q' \
		"$TESTDIR/before" "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE" "$id" "$TESTDIR/err" "$TESTDIR/rc" "$TESTDIR/after"
	run script -qec "$cmd" /dev/null <<<'echo $((6*7)); stty size; exit 3'
	[ "$status" -eq 0 ] || fail "script failed ($status): $output" "$(cat "$TESTDIR/err")"
	[ "$(cat "$TESTDIR/rc")" = 3 ] || fail "exit status $(cat "$TESTDIR/rc"): $output" "$(cat "$TESTDIR/err")"
	local seen
	seen="$(tr -d '\r' <<<"$output")"
	grep -qx 42 <<<"$seen" || fail "output: $output"
	# The caller's window size replaced consoleSize.
	grep -qx '50 100' <<<"$seen" || fail "output: $output"
	[ -s "$TESTDIR/before" ]
	[ "$(cat "$TESTDIR/before")" = "$(cat "$TESTDIR/after")" ] || fail "terminal settings changed:" \
		"$(cat "$TESTDIR/before")" "$(cat "$TESTDIR/after")"
}

@test "terminal: foreground run follows the caller's window size (SIGWINCH)" {
	need_script
	update_config '.process.terminal = true'
	# The container waits for its size to change from the caller's first one.
	set_cmd 'stty size; for i in $(seq 100); do [ "$(stty size)" != "50 100" ] && break; sleep 0.1; done; stty size'
	local id cmd
	id="$(new_id)"
	# The runtime in the background of script's shell, whose stdin it gets explicitly (a
	# shell without job control gives background commands /dev/null). Once the container
	# printed the first size, the terminal shrinks: its foreground process group, the
	# runtime included, gets SIGWINCH.
	printf -v cmd 'stty rows 50 cols 100; exec 3<&0; timeout --foreground --kill-after=5 %q %q --root %q run --bundle %q %q <&3 >%q 2>&1 3<&- & exec 3<&-; for i in $(seq 100); do grep -q "50 100" %q && break; sleep 0.1; done; stty rows 60 cols 90; wait $!; echo $? >%q' \
		"$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE" "$id" "$TESTDIR/out" "$TESTDIR/out" "$TESTDIR/rc"
	run script -qec "$cmd" /dev/null </dev/null
	[ "$(cat "$TESTDIR/rc")" = 0 ] || fail "exit status $(cat "$TESTDIR/rc"): $(cat "$TESTDIR/out")"
	# (script's own end-of-input can show up as an echoed NUL first.)
	[ "$(grep -Eo '[0-9]+ [0-9]+' "$TESTDIR/out")" = $'50 100\n60 90' ] || fail "sizes: $(cat -v "$TESTDIR/out")"
}

@test "terminal: foreground run with a terminal takes a pipe on stdin to its end" {
	# runc refuses a terminal without one on stdin ("open /dev/tty").
	is_berth || skip "berth only"
	terminal_shell
	run --separate-stderr rt run --bundle "$BUNDLE" "$(new_id)" < <(printf 'echo $((6*7))\n')
	[ "$status" -eq 0 ] || fail "status $status: $output" "$stderr"
	tr -d '\r' <<<"$output" | grep -qx 42 || fail "output: $output"
}

@test "terminal: foreground run with --console-socket hands the master over and waits" {
	# runc refuses --console-socket unless it detaches.
	is_berth || skip "berth only"
	terminal_shell
	start_receiver 'expect:# ' 'send:echo $((6*7)); exit 7\n' 'expect:42' eof
	run --separate-stderr rt run --console-socket "$SOCK" --bundle "$BUNDLE" "$(new_id)" </dev/null 3>&- 4>&-
	receiver_done
	[ "$status" -eq 7 ] || fail "status $status: $output" "$stderr"
	[ -z "$output" ]
}

@test "terminal: process.terminal without --console-socket fails create and run --detach, leaving nothing" {
	update_config '.process.terminal = true'
	set_cmd 'echo container-ran'
	local id
	id="$(new_id)"
	run --separate-stderr rt create --bundle "$BUNDLE" "$id" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "create succeeded"
	[[ "$stderr" == *"cannot allocate tty"*"console socket"* ]] || fail "stderr: $stderr"
	root_is_empty
	run --separate-stderr rt run -d --bundle "$BUNDLE" "$id" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "run -d succeeded"
	[[ "$stderr" == *"cannot allocate tty"*"console socket"* ]] || fail "stderr: $stderr"
	root_is_empty
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "processes left in the rootfs"
}

@test "terminal: --console-socket without process.terminal fails" {
	fails_cleanly --console-socket "$TESTDIR/nothing-listens"
	[[ "$stderr" == *"cannot use console socket"* ]] || fail "stderr: $stderr"
}

@test "terminal: a --console-socket nobody listens on fails create, leaving nothing" {
	terminal_shell
	set_cmd 'echo container-ran'
	run --separate-stderr rt create --console-socket "$TESTDIR/nothing-listens" --bundle "$BUNDLE" "$(new_id)" </dev/null 3>&- 4>&-
	[ "$status" -ne 0 ] || fail "create succeeded"
	[[ "$stderr" == *"$TESTDIR/nothing-listens"* ]] || fail "stderr: $stderr"
	root_is_empty
	[ -z "$(procs_rooted_in "$BUNDLE/rootfs")" ] || fail "processes left in the rootfs"
}

# SECURITY.md #15 (runc #3674): the runtime must not chown stdio it was given to the
# container's user. The host's /dev/null is only looked at, never changed by the test.
@test "terminal: pass-through: the caller's stdio reaches a uid 1000 process as given; /dev/null keeps its owner (#15)" {
	update_config '.process.user = {"uid": 1000, "gid": 1000}'
	set_cmd 'stat -L -c "in=%t:%T:%u" /proc/self/fd/0; cat; echo out-ok'
	local before id
	before="$(stat -c '%u:%g:%a' /dev/null)"
	# Detached (create, start), every runtime passes its stdio through: create_ctr gives it
	# /dev/null as stdin and files as stdout and stderr.
	id="$(new_id)"
	start_ctr "$id"
	wait_status "$id" stopped
	[ "$(stat -c '%u:%g:%a' /dev/null)" = "$before" ] || fail "/dev/null changed from $before to $(stat -c '%u:%g:%a' /dev/null)"
	# stdin was the host's /dev/null itself (1:3), still root's inside.
	[ "$(ctr_out "$id")" = $'in=1:3:0\nout-ok' ] || fail "output: $(ctr_out "$id")" "$(ctr_err "$id")"
	# berth's foreground run passes its stdio through too (runc puts pipes in between).
	if is_berth; then
		run --separate-stderr rt run --bundle "$BUNDLE" "$(new_id)" </dev/null
		[ "$status" -eq 0 ] || fail "status $status: $output" "$stderr"
		[[ "$output" == $'in=1:3:0\nout-ok' ]] || fail "output: $output"
		[ "$(stat -c '%u:%g:%a' /dev/null)" = "$before" ] || fail "/dev/null changed from $before"
	fi
}

@test "terminal: without process.terminal the init leads its own session, without a controlling terminal" {
	need_script
	# The runtime runs with a pty as its controlling terminal and stdin
	# (script(1)); "cut" records that it really had one.  The container
	# reports fields 6 (session) and 7 (tty_nr) of its init's stat.
	set_cmd 'cut -d" " -f6,7 /proc/1/stat; cut -d" " -f6,7 /proc/self/stat'
	local id cmd
	id="$(new_id)"
	printf -v cmd 'cut -d" " -f7 /proc/self/stat >%q; exec timeout --kill-after=5 %q %q --root %q run --bundle %q %q >%q 2>%q' \
		"$TESTDIR/caller-tty" "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE" "$id" "$TESTDIR/out" "$TESTDIR/err"
	run script -qec "$cmd" /dev/null </dev/null
	[ "$status" -eq 0 ] || fail "run failed ($status): $output" "$(cat "$TESTDIR/err")"
	[ "$(cat "$TESTDIR/caller-tty")" != 0 ] || fail "the runtime had no controlling terminal"
	# pid 1 (the init) leads session 1 of its pid namespace, and so does the
	# shell's child: no terminal for either.
	[ "$(sed -n 1p "$TESTDIR/out")" = "1 0" ] || fail "init: session and tty: $(cat "$TESTDIR/out")"
	[ "$(sed -n 2p "$TESTDIR/out")" = "1 0" ] || fail "child: session and tty: $(cat "$TESTDIR/out")"
}

@test "terminal: exec --detach --process (terminal) --console-socket, as containerd's shim drives it" {
	set_args sleep "$LONG"
	local id init pid
	id="$(new_id)"
	start_ctr "$id"
	init="$(pid_of "$id")"
	cat >"$TESTDIR/process.json" <<-'EOF2'
		{"terminal": true, "consoleSize": {"height": 21, "width": 77}, "args": ["sh"], "cwd": "/",
		 "env": ["PATH=/usr/bin:/bin", "TERM=xterm"], "user": {"uid": 0, "gid": 0}}
	EOF2
	start_receiver 'expect:# ' 'send:echo $((6*7)) $(stty size) $(readlink /proc/self/fd/0); exit\n' 'expect:42' eof
	rt exec --detach --process "$TESTDIR/process.json" --console-socket "$SOCK" --pid-file "$TESTDIR/exec.pid" "$id" \
		</dev/null >"$TESTDIR/out" 2>&1 3>&- 4>&- || fail "exec failed: $(cat "$TESTDIR/out")"
	pid="$(cat "$TESTDIR/exec.pid")"
	[ "$(readlink "/proc/$pid/ns/pid")" = "$(readlink "/proc/$init/ns/pid")" ] || [ ! -e "/proc/$pid" ]
	receiver_done
	grep -Eq '^42 21 77 /dev/pts/[0-9]+$' <(recv_lines) || fail "terminal: $(recv_lines)"
	# The container's init is untouched, and its /dev/console is not the exec's pty.
	[[ "$(ctr_state "$id")" == running ]]
	rt delete -f "$id"
}

@test "terminal: exec -t in the foreground proxies the pty" {
	need_script
	set_args sleep "$LONG"
	local id cmd
	id="$(new_id)"
	start_ctr "$id"
	printf -v cmd 'stty rows 40 cols 90; stty -g >%q; timeout --foreground --kill-after=5 %q %q --root %q exec -t %q sh 2>%q; echo $? >%q; stty -g >%q' \
		"$TESTDIR/before" "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$id" "$TESTDIR/err" "$TESTDIR/rc" "$TESTDIR/after"
	run script -qec "$cmd" /dev/null <<<'echo $((6*7)); stty size; tty; exit 5'
	[ "$status" -eq 0 ] || fail "script failed ($status): $output" "$(cat "$TESTDIR/err")"
	[ "$(cat "$TESTDIR/rc")" = 5 ] || fail "exit status $(cat "$TESTDIR/rc"): $output" "$(cat "$TESTDIR/err")"
	local seen
	seen="$(tr -d '\r' <<<"$output")"
	grep -qx 42 <<<"$seen" || fail "output: $output"
	grep -qx '40 90' <<<"$seen" || fail "output: $output"
	grep -qx '/dev/pts/[0-9]*' <<<"$seen" || fail "output: $output"
	[ "$(cat "$TESTDIR/before")" = "$(cat "$TESTDIR/after")" ] || fail "terminal settings changed"
	rt delete -f "$id"
}

@test "terminal: exec --tty --detach without a console socket fails" {
	set_args sleep "$LONG"
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt exec --tty --detach "$id" sh </dev/null
	[ "$status" -ne 0 ]
	[[ "$stderr" == *"console socket"* ]] || fail "stderr: $stderr"
	rt delete -f "$id"
}
