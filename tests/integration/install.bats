#!/usr/bin/env bats
# `meson install` into a DESTDIR, from the build dir of the berth under test: berth in
# <prefix>/sbin, berth-systemd in <prefix>/libexec/berth, berth-pull and berth-unpack in <prefix>/bin, berth(8), a page per command and
# the companions' pages in share/man, the bash completion where bash-completion looks; and
# `man -M <DESTDIR><prefix>/share/man berth-exec` finds the page. Skipped when the runtime under
# test is not a meson build (runc, an installed berth).

load helpers

setup() {
	is_berth || skip "berth's installation"
	BUILD="${RUNTIME%/src/cli/berth}"
	[[ "$BUILD" != "$RUNTIME" && -d "$BUILD/meson-private" ]] || skip "$RUNTIME is not in a meson build dir"
	command -v meson >/dev/null || skip "no meson"
	DEST="$BATS_TEST_TMPDIR/dest"
}
# No container is made here: the DESTDIR is in bats' temp dir, which bats removes.
teardown() { :; }

# opt NAME — a meson option of the build dir (prefix, sbindir, ...).
opt() {
	meson introspect --buildoptions "$BUILD" | jq -r --arg n "$1" '.[] | select(.name == $n) | .value'
}

@test "install: meson install puts berth in sbin, the tools in bin, the man pages and the completion" {
	local prefix sbindir bindir mandir datadir cmd
	prefix="$(opt prefix)" sbindir="$(opt sbindir)" bindir="$(opt bindir)"
	mandir="$(opt mandir)" datadir="$(opt datadir)"
	[ "$sbindir" = sbin ] || fail "sbindir is '$sbindir', expected sbin"
	# --no-rebuild: the suite runs against the binary already built.
	run meson install -C "$BUILD" --no-rebuild --destdir "$DEST"
	[ "$status" -eq 0 ] || fail "meson install failed:" "$output"

	local root="$DEST$prefix"
	[ -x "$root/sbin/berth" ] || fail "no $root/sbin/berth:" "$(find "$DEST" -type f | sort)"
	[ ! -e "$root/$bindir/berth" ] || fail "berth also in $bindir"
	run "$root/sbin/berth" --version
	[ "$status" -eq 0 ]
	[[ "${lines[0]}" == "berth version "* ]] || fail "$output"
	[ -x "$root/$bindir/berth-pull" ] || fail "no $bindir/berth-pull"
	# berth-unpack is built only with libarchive.
	if [[ -x "$BUILD/src/unpack/berth-unpack" ]]; then
		[ -x "$root/$bindir/berth-unpack" ] || fail "no $bindir/berth-unpack"
		[ -f "$root/$mandir/man1/berth-unpack.1" ]
	fi

	# berth-systemd (the systemd driver's helper) is built only with libsystemd.
	if [[ -x "$BUILD/src/cli/berth-systemd" ]]; then
		[ -x "$root/$(opt libexecdir)/berth/berth-systemd" ] || fail "no $(opt libexecdir)/berth/berth-systemd"
		[ ! -e "$root/sbin/berth-systemd" ] || fail "berth-systemd also in sbin"
	fi

	[ -f "$root/$mandir/man8/berth.8" ] || fail "no berth.8 in $mandir/man8"
	for cmd in create start run exec state kill delete list ps pause resume update events spec features; do
		[ -f "$root/$mandir/man8/berth-$cmd.8" ] || fail "no berth-$cmd.8 installed"
	done
	[ -f "$root/$mandir/man1/berth-pull.1" ] || fail "no berth-pull.1 in $mandir/man1"
	[ -f "$root/$datadir/bash-completion/completions/berth" ] || fail "no bash completion"
	cmp "$root/$datadir/bash-completion/completions/berth" "$BATS_TEST_DIRNAME/../../contrib/completion/berth.bash"
}

@test "install: man -M finds berth-exec(8) among the installed pages" {
	command -v man >/dev/null || skip "no man (install-deps.sh test)"
	run meson install -C "$BUILD" --no-rebuild --destdir "$DEST"
	[ "$status" -eq 0 ] || fail "$output"
	local mandir
	mandir="$DEST$(opt prefix)/$(opt mandir)"
	run --separate-stderr env LC_ALL=C MANWIDTH=80 man -M "$mandir" berth-exec
	[ "$status" -eq 0 ] || fail "man -M $mandir berth-exec: $stderr"
	[[ "$output" == *"berth-exec - run a new process in a running container"* ]] || fail "$output"
	run --separate-stderr env LC_ALL=C man -M "$mandir" 8 berth
	[ "$status" -eq 0 ] || fail "man 8 berth: $stderr"
	[[ "$output" == *"berth-features(8)"* ]] || fail "berth(8) has no SEE ALSO to the command pages"
}
