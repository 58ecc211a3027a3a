#!/usr/bin/env bats
# contrib/completion/berth.bash, sourced and driven as bash drives it (COMP_WORDS, COMP_CWORD):
# commands, per-command flags (the same lists as each command's --help), flag values, and the
# ids of existing containers under the --root on the line. berth only.

load helpers

COMPLETION="$BATS_TEST_DIRNAME/../../contrib/completion/berth.bash"

setup() {
	is_berth || skip "berth's completion"
	common_setup
	# shellcheck source=../../contrib/completion/berth.bash
	source "$COMPLETION"
}

# complete_line WORD... — COMPREPLY for the last WORD (may be ""), one a line, sorted.
complete_line() {
	COMP_WORDS=("$@")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMPREPLY=()
	_berth
	printf '%s\n' "${COMPREPLY[@]}" | LC_ALL=C sort
}

# help_flags CMD — the flags `berth CMD --help` lists, sorted, one a line.
help_flags() {
	"$RUNTIME" "$@" --help | awk '/^(GLOBAL )?OPTIONS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF' |
		sed -E 's/^ +//; s/  .*//' | tr ',' '\n' | awk '{ print $1 }' | grep -E '^-' | LC_ALL=C sort -u
}

@test "completion: the script registers _berth for berth" {
	run complete -p berth
	[ "$status" -eq 0 ]
	[[ "$output" == "complete -F _berth berth" ]] || fail "$output"
}

@test "completion: 'berth de' completes to delete; 'berth ' offers every command" {
	[ "$(complete_line berth de)" = delete ]
	[ "$(complete_line berth p | tr '\n' ' ')" = "pause ps " ]
	local want
	want="$("$RUNTIME" --help | awk '/^COMMANDS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF { print $1 }' | LC_ALL=C sort)"
	[ "$(complete_line berth "")" = "$want" ] || fail "got: $(complete_line berth "" | tr '\n' ' ')" "want: $want"
}

@test "completion: 'berth exec --' offers exec's long flags, as its --help lists them" {
	local got want
	got="$(complete_line berth exec --)"
	want="$(help_flags exec | grep -- '^--')"
	[ "$got" = "$want" ] || fail "got: $(tr '\n' ' ' <<<"$got")" "want: $(tr '\n' ' ' <<<"$want")"
	[[ "$got" == *--process* && "$got" == *--ignore-paused* ]]
	# After a global flag and its value too.
	[ "$(complete_line berth --root /x exec --ign)" = --ignore-paused ]
	[ "$(complete_line berth --root /x exec --proc | tr '\n' ' ')" = "--process --process-label " ]
}

@test "completion: every command's flags and the global flags are those of --help" {
	local cmd got want
	for cmd in $("$RUNTIME" --help | awk '/^COMMANDS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF { print $1 }'); do
		got="$(complete_line berth "$cmd" -)"
		want="$(help_flags "$cmd")"
		[ "$got" = "$want" ] || fail "$cmd: got: $(tr '\n' ' ' <<<"$got")" "want: $(tr '\n' ' ' <<<"$want")"
	done
	[ "$(complete_line berth -)" = "$(help_flags)" ] || fail "global: $(complete_line berth - | tr '\n' ' ')"
}

@test "completion: flag values (formats, cgroup managers, log formats)" {
	[ "$(complete_line berth list --format "" | tr '\n' ' ')" = "json table " ]
	[ "$(complete_line berth ps -f j)" = json ]
	[ "$(complete_line berth --cgroup-manager "" | tr '\n' ' ')" = "cgroupfs disabled systemd " ]
	[ "$(complete_line berth --log-format t)" = text ]
	[ "$(complete_line berth kill some-id KI)" = KILL ]
}

@test "completion: container ids come from 'berth list -q' under the --root on the line" {
	local id
	id="$(new_id)"
	set_args sleep "$LONG"
	create_ctr "$id"
	# COMP_WORDS[0] is the binary as typed: here the one under test.
	[ "$(complete_line "$RUNTIME" --root "$ROOT" kill "")" = "$id" ]
	[ "$(complete_line "$RUNTIME" --root="$ROOT" exec "${id:0:4}")" = "$id" ]
	# delete's -f takes no value: the word after it is still the id.
	[ "$(complete_line "$RUNTIME" --root "$ROOT" delete -f "")" = "$id" ]
	# Another root has no such container; create's id is new, so nothing is offered.
	[ -z "$(complete_line "$RUNTIME" --root "$TESTDIR/other" kill "")" ]
	[ -z "$(complete_line "$RUNTIME" --root "$ROOT" create "")" ]
	rt delete -f "$id"
}
