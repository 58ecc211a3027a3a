#!/usr/bin/env bats
# A container without a mount namespace of its own (runtime-tools'
# linux_ns_itype: no namespaces at all), or joining berth's own by path.
# Its mounts go into the host's mount table, so berth puts them all beneath
# one private copy of the rootfs mounted over it: nothing propagates, the
# host's / keeps its propagation (runc makes it rslave), the init enters the
# rootfs by chroot (pivot_root would move the host's root), exec chroots into
# the init's root, and delete or a failed create leaves nothing mounted.

load helpers

# root_propagation — the optional fields (shared:N, master:N...) of the
# caller's / mount, or "private".
root_propagation() {
	awk '$5 == "/" { o = ""; for (i = 7; $i != "-"; i++) o = o " " $i; print (o == "" ? "private" : o) }' \
		/proc/self/mountinfo | tail -n 1
}

# no_namespaces — the config shares every namespace with the host.
no_namespaces() {
	update_config 'del(.hostname) | del(.domainname) | .linux.namespaces = []'
}

@test "host mount ns: with no namespaces the process is in every one of the host's, chrooted into its rootfs" {
	no_namespaces
	echo "in-rootfs" >"$BUNDLE/rootfs/marker"
	set_cmd 'for t in pid net ipc uts mnt cgroup; do echo "$t $(readlink /proc/self/ns/$t)"; done; cat /marker; grep -c . /proc/self/mountinfo >/dev/null && echo proc-mounted'
	local before
	before="$(root_propagation)"
	run_container
	[ "$status" -eq 0 ] || fail "container failed ($status): $output" "$stderr"
	local t
	for t in pid net ipc uts mnt cgroup; do
		grep -Fqx "$t $(host_ns "$t")" <<<"$output" || fail "$t namespace is not the host's: $output"
	done
	grep -qx in-rootfs <<<"$output" || fail "the process is not in its rootfs: $output"
	grep -qx proc-mounted <<<"$output" || fail "no /proc in the container: $output"
	[ "$(root_propagation)" = "$before" ] || fail "the host's / changed propagation: $before -> $(root_propagation)"
	[ -z "$(mounts_under "$BUNDLE/rootfs")" ] || fail "left mounted: $(mounts_under "$BUNDLE/rootfs")"
}

@test "host mount ns: the mounts sit beneath one private mount while it runs; exec gets its root; delete detaches them" {
	no_namespaces
	echo "in-rootfs" >"$BUNDLE/rootfs/marker"
	set_args sleep "$LONG"
	start_ctr c1
	local rootfs="$BUNDLE/rootfs" line
	# Exactly one mount on the rootfs path (berth's copy), the config's mounts beneath it,
	# none of them shared: nothing made there reaches another mount (a slave, like the
	# binds of the host's cgroup hierarchies, only receives).
	[ "$(awk -v p="$rootfs" '$5 == p' /proc/self/mountinfo | wc -l)" -eq 1 ] ||
		fail "not one mount on the rootfs: $(grep -F " $rootfs " /proc/self/mountinfo)"
	for sub in proc dev dev/pts sys; do
		grep -qF " $rootfs/$sub " /proc/self/mountinfo || fail "no $sub beneath the rootfs"
	done
	while read -r line; do
		[[ "$line" != *" shared:"* ]] || fail "propagates: $line"
	done < <(awk -v p="$rootfs" '$5 == p || index($5, p "/") == 1' /proc/self/mountinfo)
	# exec: the host's mount namespace, the container's root.
	run rt exec c1 sh -c 'cat /marker; readlink /proc/self/ns/mnt'
	[ "$status" -eq 0 ] || fail "exec failed: $output"
	[ "${lines[0]}" = in-rootfs ] || fail "exec is not in the container's root: $output"
	[ "${lines[1]}" = "$(host_ns mnt)" ]
	# Also from another mount namespace, where joining the init's would give the host's root.
	run unshare -m --propagation private "$RUNTIME" --root "$ROOT" exec c1 cat /marker
	[ "$status" -eq 0 ] && [ "$output" = in-rootfs ] || fail "exec from another mount namespace: $output"
	rt delete -f c1
	[ -z "$(mounts_under "$rootfs")" ] || fail "delete left mounted: $(mounts_under "$rootfs")"
}

@test "host mount ns: a create that fails half way leaves nothing mounted" {
	no_namespaces
	# The last mount's source is missing: the init fails after the others are made.
	update_config '.mounts += [{"destination": "/data", "type": "bind", "source": "/nonexistent/berth-src", "options": ["bind"]}]'
	run rt create --bundle "$BUNDLE" c2
	[ "$status" -ne 0 ]
	[[ "$output" == *nonexistent* ]] || fail "unexpected error: $output"
	[ -z "$(mounts_under "$BUNDLE/rootfs")" ] || fail "left mounted: $(mounts_under "$BUNDLE/rootfs")"
	[ -z "$(state_entries)" ]
}

@test "host mount ns: berth's own mount namespace joined by path is never pivoted" {
	# In a throwaway mount namespace, so that a runtime that pivots there moves only the
	# root of this test's shell. The config joins it by path, and the shell checks its
	# own root afterwards.
	update_config '.linux.namespaces |= map(if .type == "mount" then .path = "/proc/self/ns/mnt" else . end)'
	set_args true
	run unshare -m --propagation private bash -c '
		timeout --kill-after=5 "$1" "$2" --root "$3" run --bundle "$4" c3 </dev/null || exit 1
		[ -x /usr/bin/jq ] && [ -d "$4/rootfs/bin" ] && echo root-intact' \
		sh "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE"
	[ "$status" -eq 0 ] || fail "failed ($status): $output"
	[[ "$output" == *root-intact* ]] || fail "the namespace's root moved: $output"
}

@test "host mount ns: a user namespace without a mount namespace is refused" {
	is_berth || skip "berth's message"
	update_config '.linux.namespaces = [{type: "user"}, {type: "pid"}]
		| .linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
		| del(.hostname)'
	run_container
	[ "$status" -ne 0 ]
	[[ "$stderr" == *".linux.namespaces"*"needs a mount namespace"* ]] || fail "unexpected error: $stderr"
}

@test "host mount ns: beneath a shared /, the container's mounts stay private" {
	# / is private on this host; here berth runs in a mount namespace whose mounts are all
	# shared, and a slave namespace of it (held by a sleep) would receive any propagation.
	no_namespaces
	set_args sleep "$LONG"
	run unshare -m --propagation shared bash -c '
		rt() { timeout --kill-after=5 "$1" "$2" --root "$3" "${@:5}"; }
		unshare -m --propagation slave sleep 60 & peer=$!
		sleep 0.3
		rt "$@" create --bundle "$4" c4 </dev/null >/dev/null 2>&1 || { kill $peer; echo create-failed; exit 1; }
		awk -v p="$4/rootfs" "\$5 == p || index(\$5, p \"/\") == 1" /proc/self/mountinfo
		echo "peer: $(awk -v p="$4/rootfs" "index(\$5, p \"/\") == 1" /proc/$peer/mountinfo | wc -l)"
		rt "$@" delete -f c4
		echo "after: $(awk -v p="$4/rootfs" "\$5 == p || index(\$5, p \"/\") == 1" /proc/self/mountinfo | wc -l)"
		kill $peer' \
		sh "$RT_TIMEOUT" "$RUNTIME" "$ROOT" "$BUNDLE"
	[ "$status" -eq 0 ] || fail "failed ($status): $output"
	grep -qF " $BUNDLE/rootfs/proc " <<<"$output" || fail "no /proc beneath the rootfs: $output"
	! grep " shared:" <<<"$output" || fail "a container mount propagates: $output"
	grep -qx "peer: 0" <<<"$output" || fail "mounts reached the peer namespace: $output"
	grep -qx "after: 0" <<<"$output" || fail "delete left mounts: $output"
}
