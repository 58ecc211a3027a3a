#!/usr/bin/env bats
# `events`: --stats prints one object in runc's format (the fields containerd's runc shim and
# other clients decode), the stream reports an OOM kill as the kernel notifies it and ends
# with the container.

load helpers

setup() {
	common_setup
	update_config '.linux.resources.memory = {"limit": 67108864} | .linux.resources.pids = {"limit": 20}'
}

@test "events --stats: one runc-format stats object with the container's figures" {
	set_args sleep "$LONG"
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt events --stats "$id"
	[ "$status" -eq 0 ]
	echo "$output"
	# The shape containerd's types (runc's types/events.go) decode: type, id, data.
	jq -e --arg id "$id" '.type == "stats" and .id == $id' <<<"$output"
	jq -e '.data.memory.usage.limit == 67108864 and (.data.memory.usage.usage | type == "number")
		and (.data.memory.usage.failcnt | type == "number") and (.data.memory.raw | type == "object")' <<<"$output"
	jq -e '.data.pids.current >= 1 and .data.pids.limit == 20' <<<"$output"
	jq -e '.data.cpu.usage.total > 0 and (.data.cpu.usage.user | type == "number")
		and (.data.cpu.throttling | type == "object")' <<<"$output"
	# runc's (and go-runc's) keys are camelCase here: throttledPeriods, throttledTime.
	if is_berth; then jq -e '.data.cpu.throttling | has("throttledPeriods") and has("throttledTime")' <<<"$output"; fi
	jq -e '(.data.blkio.ioServiceBytesRecursive | type == "array")' <<<"$output"
	rt kill "$id" KILL
	wait_status "$id" stopped
	run --separate-stderr rt events --stats "$id"
	[ "$status" -ne 0 ]
	if is_berth; then [[ "$stderr" == *"container not running"* ]]; fi
}

# The stream waits in poll(2) for the kernel's OOM notification (v1: an eventfd registered
# through cgroup.event_control for memory.oom_control; v2: memory.events) and the init's pidfd:
# the oom event comes at once, not at the next --interval tick, and in between the stream
# sleeps instead of sampling a counter (few context switches).
@test "events: the stream reports an OOM kill at once and ends when the container exits" {
	is_berth || skip "runc 1.1.5's stream goes on after the container exited"
	# dd's 200 MiB buffer is above the 64 MiB limit: the kernel kills dd at ~1 s, sh goes on
	# for 3 s more, then exits.
	set_cmd "sleep 1; dd if=/dev/zero of=/dev/null bs=200M count=1; sleep 3"
	local id ev t0 now oom_at='' cs_oom='' cs_later='' end out="$TESTDIR/events.out"
	id="$(new_id)"
	start_ctr "$id"
	t0=$EPOCHREALTIME
	"$RUNTIME" --root "$ROOT" events --interval 10s "$id" >"$out" 2>"$TESTDIR/events.err" &
	ev=$!
	switches() { awk '/^voluntary_ctxt_switches/ { print $2 }' "/proc/$ev/status" 2>/dev/null; }
	since() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
	while kill -0 "$ev" 2>/dev/null; do
		now=$EPOCHREALTIME
		if [[ -z "$oom_at" ]] && grep -q '"type":"oom"' "$out"; then
			oom_at=$now
			cs_oom="$(switches)"
		elif [[ -n "$oom_at" && -z "$cs_later" ]] && awk -v d="$(since "$oom_at" "$now")" 'BEGIN { exit !(d >= 1.5) }'; then
			cs_later="$(switches)"
		fi
		if awk -v d="$(since "$t0" "$now")" 'BEGIN { exit !(d > 15) }'; then
			kill "$ev"
			fail "the stream did not end with the container"
		fi
		sleep 0.1
	done
	wait "$ev" # its exit status
	end=$EPOCHREALTIME
	cut -c1-200 "$out"
	echo "oom after $(since "$t0" "$oom_at") s, end after $(since "$t0" "$end") s; context switches $cs_oom -> $cs_later"
	grep -q "^{\"type\":\"oom\",\"id\":\"$id\"}\$" "$out"
	# dd is killed ~1 s in; a sampled counter would be seen at the 10 s tick or at the end.
	awk -v d="$(since "$t0" "$oom_at")" 'BEGIN { exit !(d < 2.5) }'
	# Ended by the container's exit (~4 s), not by the OOM kill nor at the next tick.
	awk -v d="$(since "$t0" "$end")" 'BEGIN { exit !(d >= 3.5 && d < 9) }'
	[ "$(grep -c '"type":"stats"' "$out")" -eq 1 ] # the first one; the next is due at 10 s
	# Asleep in poll between the OOM and the exit: sampling every 200 ms would switch ~8 times.
	[[ -n "$cs_oom" && -n "$cs_later" ]]
	[ $((cs_later - cs_oom)) -le 2 ]
}

# runc's network_interfaces (keys as Go names its untagged fields): berth reports the
# interfaces of the container's own network namespace, lo left out as runc leaves it out.
@test "events --stats: network_interfaces has the counters of the container's interfaces but lo" {
	is_berth || skip "runc 1.1.5 lists only interfaces it set up itself (none for an OCI bundle)"
	set_args sleep "$LONG"
	local id pid dev
	id="$(new_id)"
	start_ctr "$id"
	pid="$(pid_of "$id")"
	# A veth pair inside the container's namespace (it goes with it). No IPv6 chatter and a
	# static neighbour: only the three datagrams below move the counters.
	nsenter -t "$pid" -n sh -ec '
		[ ! -e /proc/sys/net/ipv6/conf/default/disable_ipv6 ] || echo 1 >/proc/sys/net/ipv6/conf/default/disable_ipv6
		ip link add bv0 type veth peer name bv1
		ip addr add 10.199.0.1/24 dev bv0
		ip link set bv1 up
		ip link set bv0 up
		ip neigh add 10.199.0.2 lladdr 02:00:00:00:00:02 dev bv0'
	nsenter -t "$pid" -n bash -c 'for i in 1 2 3; do echo hello >/dev/udp/10.199.0.2/9; done'
	run --separate-stderr rt events --stats "$id"
	[ "$status" -eq 0 ]
	dev="$(rt exec "$id" cat /proc/net/dev)" # what the container sees
	echo "$output" | jq -c .data.network_interfaces
	echo "$dev"
	jq -e '.data.network_interfaces | map(.Name) | sort == ["bv0", "bv1"]' <<<"$output"
	jq -e '.data.network_interfaces[] | select(.Name == "bv0") | .TxPackets >= 3 and .TxBytes > 0' <<<"$output"
	local name rxb rxp rxe rxd txb txp txe txd
	for name in bv0 bv1; do
		read -r rxb rxp rxe rxd txb txp txe txd < <(awk -v n="$name:" '$1 == n { print $2, $3, $4, $5, $10, $11, $12, $13 }' <<<"$dev")
		jq -e --arg n "$name" --argjson v "[$rxb,$rxp,$rxe,$rxd,$txb,$txp,$txe,$txd]" '.data.network_interfaces[] | select(.Name == $n)
			| [.RxBytes, .RxPackets, .RxErrors, .RxDropped, .TxBytes, .TxPackets, .TxErrors, .TxDropped] == $v' <<<"$output"
	done
}

@test "events --stats: no network_interfaces for a container in the host's network namespace, as runc" {
	update_config '.linux.namespaces |= map(select(.type != "network"))'
	set_args sleep "$LONG"
	local id
	id="$(new_id)"
	start_ctr "$id"
	run --separate-stderr rt events --stats "$id"
	[ "$status" -eq 0 ]
	jq -e '.data | has("network_interfaces") and .network_interfaces == null' <<<"$output"
}
