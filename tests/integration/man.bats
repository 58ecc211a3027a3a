#!/usr/bin/env bats
# Man pages against the binary: every command `berth --help` lists (but `help`) has a page
# man/berth-CMD.8 whose OPTIONS name exactly the flags `berth CMD --help` lists, long and short,
# and berth(8)'s GLOBAL OPTIONS those of `berth --help`; a flag added to the CLI without a man
# entry fails here. Every command and flag has --help text. The pages render without groff
# warnings. berth only: the pages are berth's.

load helpers

MAN_DIR="$BATS_TEST_DIRNAME/../../man"

setup() {
	is_berth || skip "berth's man pages"
	[[ -d "$MAN_DIR" ]] || skip "no man/ next to the tests"
	TMP="$BATS_TEST_TMPDIR"
}
# No container is made here: nothing to clean up but bats' own temp dir.
teardown() { :; }

# help_section ARGS... — the rows of `berth ARGS --help` under OPTIONS: or GLOBAL OPTIONS:.
help_section() {
	"$RUNTIME" "$@" --help | awk '/^(GLOBAL )?OPTIONS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF'
}

# help_flags ARGS... — the flags of those rows ("--bundle value, -b value  text" gives --bundle
# and -b), one a line, sorted.
help_flags() {
	help_section "$@" | sed -E 's/^ +//; s/  .*//' | tr ',' '\n' | awk '{ print $1 }' | grep -E '^-' | LC_ALL=C sort -u
}

# man_flags PAGE SECTION — the flags named on the tag lines (the line after .TP) of SECTION
# (".SH OPTIONS"), with the font escapes and \- undone, one a line, sorted.
man_flags() {
	awk -v sec="$2" '/^\.SH/ { on = ($0 == ".SH " sec) } on && prev == ".TP" { print } { prev = $0 }' "$1" |
		sed -E 's/\\f[BIRP]//g; s/\\-/-/g' | grep -oE '(^|[ ,])--?[A-Za-z][A-Za-z0-9-]*' | sed -E 's/^[ ,]//' |
		LC_ALL=C sort -u
}

# commands — the commands of `berth --help`, one a line.
commands() {
	"$RUNTIME" --help | awk '/^COMMANDS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF { print $1 }'
}

# same_flags WHAT MAN-FLAGS HELP-FLAGS — equal, or a failure naming the difference.
same_flags() {
	[[ "$2" == "$3" ]] && return 0
	fail "$1: man page and --help differ" \
		"only in the man page: $(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')" \
		"only in --help: $(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')"
}

@test "man: berth(8) documents every global flag of berth --help, and no other" {
	local m h
	m="$(man_flags "$MAN_DIR/berth.8" "GLOBAL OPTIONS")"
	h="$(help_flags)"
	[[ "$h" == *--root* && "$h" == *--log-format* ]] || fail "no global flags parsed from --help: $h"
	same_flags "berth" "$m" "$h"
}

@test "man: each command's page documents exactly the flags of its --help" {
	local cmd m h n=0
	for cmd in $(commands); do
		[[ "$cmd" == help ]] && continue # described in berth(8)
		[[ -f "$MAN_DIR/berth-$cmd.8" ]] || fail "no man page man/berth-$cmd.8 for command $cmd"
		m="$(man_flags "$MAN_DIR/berth-$cmd.8" OPTIONS)"
		h="$(help_flags "$cmd")"
		[[ "$h" == *--help* ]] || fail "$cmd: no flags parsed from --help"
		same_flags "$cmd" "$m" "$h"
		grep -qF ".BR berth\\-$cmd (8)" "$MAN_DIR/berth.8" || fail "berth(8) does not refer to berth-$cmd(8)"
		n=$((n + 1))
	done
	# The commands engines use are all there.
	((n >= 15)) || fail "only $n commands checked"
}

@test "man: the comparison fails for a flag the page does not document" {
	# A copy of berth-kill.8 without its --all entry must not pass for kill.
	local page="$TMP/berth-kill.8"
	sed '/^\\fB\\-a\\fR, \\fB\\-\\-all\\fR$/d' "$MAN_DIR/berth-kill.8" >"$page"
	! cmp -s "$page" "$MAN_DIR/berth-kill.8" || fail "the edit removed nothing"
	run same_flags kill "$(man_flags "$page" OPTIONS)" "$(help_flags kill)"
	[ "$status" -ne 0 ]
	[[ "$output" == *"only in --help: --all -a"* ]] || fail "$output"
}

@test "man: every command and every flag has --help text" {
	local cmd row
	# COMMANDS rows: name, then a summary.
	while read -r row; do
		[[ "$row" =~ ^[a-z]+\ +[^\ ] ]] || fail "command without a summary: '$row'"
	done < <("$RUNTIME" --help | awk '/^COMMANDS:$/ { on = 1; next } /^[A-Z][A-Z ]*:$/ { on = 0 } on && NF')
	for cmd in "" $(commands); do
		# shellcheck disable=SC2086 # "" is berth itself
		while IFS= read -r row; do
			# The flags column, two spaces, then the text.
			[[ "$row" =~ ^\ +-[^\ ].*[^\ ]\ \ +[^\ ] ]] || fail "${cmd:-berth}: flag without help text: '$row'"
		done < <(help_section $cmd)
	done
}

@test "man: the pages render without groff warnings; man -l berth-exec.8 shows the page" {
	command -v groff >/dev/null || skip "no groff (install-deps.sh test)"
	local page
	for page in "$MAN_DIR"/*.[18]; do
		run --separate-stderr groff -ww -z -man "$page"
		[ "$status" -eq 0 ] || fail "$page: groff failed: $stderr"
		[ -z "$stderr" ] || fail "$page: groff warnings:" "$stderr"
	done
	command -v man >/dev/null || skip "no man (install-deps.sh test)"
	run --separate-stderr env LC_ALL=C MANWIDTH=80 man --warnings -l "$MAN_DIR/berth-exec.8"
	[ "$status" -eq 0 ] || fail "man -l failed: $stderr"
	[ -z "$stderr" ] || fail "man warnings: $stderr"
	[[ "$output" == *"berth-exec - run a new process in a running container"* ]] || fail "$output"
	[[ "$output" == *"--process FILE"* ]] || fail "$output"
}

@test "man: the warning check catches a broken page" {
	command -v groff >/dev/null || skip "no groff"
	printf '.TH X 8\n.SH NAME\nx \\- y\n.BOGUS\n\\fQbad\n' >"$TMP/bad.8"
	run --separate-stderr groff -ww -z -man "$TMP/bad.8"
	[ -n "$stderr" ]
}
