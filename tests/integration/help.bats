#!/usr/bin/env bats
# -h, --help and `help`: runc's sections (NAME, USAGE, COMMANDS or OPTIONS)
# for the runtime and for each command.  An unknown command fails, even with
# --help, since engines take `checkpoint --help` exiting 0 as support.

load helpers

@test "help: an unknown command fails" {
	run --separate-stderr rt no-such-command
	[ "$status" -ne 0 ]
	if is_berth; then [[ "$stderr" == *'unknown command "no-such-command"'* ]]; fi
}

@test "help: an unknown command fails, even with --help (engines probe 'checkpoint --help')" {
	run rt checkpoint --help
	[ "$status" -ne 0 ]
	run rt restore --help
	[ "$status" -ne 0 ]
	# Known commands still answer --help.
	run rt create --help
	[ "$status" -eq 0 ]
	[[ "$output" == *"--bundle"* ]]
}

# sections TEXT NAME... — TEXT has each "NAME:" section header, in order.
sections() {
	local text="$1" want
	shift
	want="$(printf '%s:\n' "$@")"
	[ "$(grep -E '^[A-Z][A-Z ]*:$' <<<"$text")" = "$want" ] ||
		fail "sections: $(grep -E '^[A-Z][A-Z ]*:$' <<<"$text" | tr '\n' ' '), expected: $*" "$text"
}

@test "help: -h, --help and help show the name, the usage, the commands and the global options" {
	local out
	for args in -h --help help; do
		run --separate-stderr rt_raw $args
		[ "$status" -eq 0 ] || fail "$args: exit $status: $stderr"
		# runc prints VERSION too; berth keeps that for --version.
		if is_berth; then sections "$output" NAME USAGE COMMANDS "GLOBAL OPTIONS"; fi
		grep -qE '^NAME:$' <<<"$output"
		grep -qE '^USAGE:$' <<<"$output"
		grep -qE '^COMMANDS:$' <<<"$output"
		grep -qE '^GLOBAL OPTIONS:$' <<<"$output"
		# The name line, and the commands engines use, each with its summary.
		[[ "$(sed -n 2p <<<"$output")" =~ ^\ +[a-z]+\ -\ . ]] || fail "$args: name line: $(sed -n 2p <<<"$output")"
		for cmd in create start run state kill delete list ps pause resume spec features; do
			grep -qE "^ +$cmd +[a-z]" <<<"$output" || fail "$args: no command $cmd:" "$output"
		done
		grep -qE '^ +--root value ' <<<"$output" || fail "$args: no --root:" "$output"
		grep -qE '^ +--debug ' <<<"$output" || fail "$args: no --debug:" "$output"
		out="${out:-$output}"
		[ "$output" = "$out" ] || fail "$args prints other help than -h"
	done
}

@test "help: COMMAND -h and help COMMAND show the command's usage and options" {
	local args out
	for args in "kill -h" "kill --help" "help kill"; do
		# shellcheck disable=SC2086 # split on purpose
		run --separate-stderr rt_raw $args
		[ "$status" -eq 0 ] || fail "$args: exit $status: $stderr"
		# runc adds an EXAMPLE section to some commands.
		if is_berth; then sections "$output" NAME USAGE OPTIONS; fi
		grep -qE '^NAME:$' <<<"$output"
		grep -qE '^USAGE:$' <<<"$output"
		grep -qE '^OPTIONS:$' <<<"$output"
		[[ "$(sed -n 2p <<<"$output")" =~ ^\ +[a-z]+\ kill\ -\ . ]] || fail "$args: name line: $(sed -n 2p <<<"$output")"
		[[ "$(sed -n 5p <<<"$output")" =~ ^\ +[a-z]+\ kill\ \[command\ options\]\ \<container-id\>\ \[signal\] ]] ||
			fail "$args: usage line: $(sed -n 5p <<<"$output")"
		grep -qE '^ +--all, -a +[a-z]' <<<"$output" || fail "$args: no --all:" "$output"
		out="${out:-$output}"
		[ "$output" = "$out" ] || fail "$args prints other help than kill -h"
	done
	run --separate-stderr rt_raw ps --help
	[ "$status" -eq 0 ]
	if is_berth; then sections "$output" NAME USAGE OPTIONS; fi
	[[ "$(sed -n 5p <<<"$output")" == *"ps [command options] <container-id> [ps options]"* ]] ||
		fail "ps usage: $(sed -n 5p <<<"$output")"
	grep -qE '^ +--format value, -f value +' <<<"$output" || fail "no --format:" "$output"
}

@test "help: for an unknown command fails with 'No help topic'" {
	local args
	for args in "no-such-command -h" "no-such-command --help" "help no-such-command"; do
		# shellcheck disable=SC2086 # split on purpose
		run --separate-stderr rt_raw $args
		# runc exits 3 here.
		[ "$status" -ne 0 ] || fail "$args succeeded: $output"
		if is_berth; then [ "$status" -eq 1 ]; fi
		[ -z "$output" ] || fail "$args printed help: $output"
		[[ "$stderr" == *"No help topic for 'no-such-command'"* ]] || fail "$args: stderr: $stderr"
	done
	# --version stays the runtime's own.
	run --separate-stderr rt_raw --version
	[ "$status" -eq 0 ]
	if is_berth; then [[ "${lines[0]}" == "berth version "* ]]; fi
}
