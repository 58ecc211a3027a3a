#!/usr/bin/env bash
# Local registries for the berth-pull tests: Debian's docker-registry on 127.0.0.1, a free port,
# storage in $REGDIR. Started in setup_file, stopped (by pid) in teardown_file.

free_port() {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# wait_http URL: until something answers HTTP there (10 s at most).
wait_http() {
	local i
	for ((i = 0; i < 100; i++)); do
		curl -s -o /dev/null "$1" && return 0
		sleep 0.1
	done
	echo "nothing answers at $1" >&2
	return 1
}

# start_registry NAME [AUTH-YAML]: prints host:port. Logs in $REGDIR/NAME.log. AUTH-YAML is the
# config's "auth:" section (htpasswd_auth, token_auth make one).
start_registry() {
	local name="$1" auth="${2:-}" port
	port="$(free_port)"
	mkdir -p "$REGDIR/$name"
	cat >"$REGDIR/$name.yml" <<-YML
		version: 0.1
		log:
		  level: warn
		  accesslog:
		    disabled: true
		storage:
		  filesystem:
		    rootdirectory: $REGDIR/$name
		http:
		  addr: 127.0.0.1:$port
	YML
	[[ -z "$auth" ]] || echo "$auth" >>"$REGDIR/$name.yml"
	# 3>&-: a daemon must not hold bats' output fd, or bats waits for it
	docker-registry serve "$REGDIR/$name.yml" >"$REGDIR/$name.log" 2>&1 </dev/null 3>&- &
	echo $! >"$REGDIR/$name.pid"
	wait_http "http://127.0.0.1:$port/v2/" || return 1
	echo "127.0.0.1:$port"
}

htpasswd_auth() { # FILE
	printf 'auth:\n  htpasswd:\n    realm: berth-test\n    path: %s\n' "$1"
}

# start_token_server DIR USER:PASS: token_server.py; sets TOKEN_REALM, TOKEN_CERT, TOKEN_LOG.
start_token_server() {
	local dir="$1" i
	python3 "$COMPANION_DIR/token_server.py" "$dir" "$2" >"$dir/token.out" 2>&1 </dev/null 3>&- &
	echo $! >"$dir/token.pid"
	for ((i = 0; i < 100; i++)); do [[ -f "$dir/token.port" ]] && break; sleep 0.1; done
	[[ -f "$dir/token.port" ]] || { cat "$dir/token.out" >&2; return 1; }
	TOKEN_REALM="http://127.0.0.1:$(cat "$dir/token.port")/token"
	TOKEN_CERT="$dir/token.crt"
	TOKEN_LOG="$dir/token.log"
}

token_auth() { # REALM CERT
	printf 'auth:\n  token:\n    realm: %s\n    service: berth-test\n    issuer: berth-token-server\n    rootcertbundle: %s\n' "$1" "$2"
}

# start_fake DIR LAYOUT [ARGS...]: fake_registry.py serving LAYOUT, its pid file, ports and
# request log in DIR. Sets FAKE (host:port of the registry) and FAKE_LOG.
start_fake() {
	local dir="$1" layout="$2" i
	shift 2
	python3 "$COMPANION_DIR/fake_registry.py" "$layout" "$dir/fake.ports" "$dir/fake.log" "$@" >"$dir/fake.out" 2>&1 </dev/null 3>&- &
	echo $! >"$dir/fake.pid"
	for ((i = 0; i < 100; i++)); do [[ -f "$dir/fake.ports" ]] && break; sleep 0.1; done
	FAKE="127.0.0.1:$(cut -d' ' -f1 "$dir/fake.ports")"
	FAKE_LOG="$dir/fake.log"
	wait_http "http://$FAKE/v2/"
}

# stop_pidfiles DIR: kills what DIR/*.pid name and waits for them.
stop_pidfiles() {
	local f pid i
	for f in "$1"/*.pid; do
		[[ -f "$f" ]] || continue
		pid="$(cat "$f")"
		kill "$pid" 2>/dev/null
		for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
		kill -9 "$pid" 2>/dev/null
		rm -f "$f"
	done
}

# push SRC-LAYOUT:TAG REGISTRY/NAME:TAG [SKOPEO-ARGS...]
push() {
	local src="$1" dst="$2"
	shift 2
	skopeo copy --quiet --dest-tls-verify=false "$@" "oci:$src" "docker://$dst" >&2
}

# mkimage_at LAYOUT TAG IMAGE-JSON | mkimage_index LAYOUT TAG [IMAGE-JSON,...]
mkimage_at() {
	python3 "$COMPANION_DIR/mkimage.py" - <<<"{\"layout\": \"$1\", \"tag\": \"$2\", \"image\": $3}" >/dev/null
}
mkimage_index() {
	python3 "$COMPANION_DIR/mkimage.py" - <<<"{\"layout\": \"$1\", \"tag\": \"$2\", \"index\": $3}" >/dev/null
}

# blobs_verified LAYOUT: every blob's content hashes to its name.
blobs_verified() {
	local f n=0
	for f in "$1"/blobs/sha256/*; do
		[[ "$(sha256sum <"$f" | cut -d' ' -f1)" == "$(basename "$f")" ]] || { echo "blob $f does not match its name" >&2; return 1; }
		n=$((n + 1))
	done
	((n > 0))
}

# tagged LAYOUT TAG: the descriptor index.json has for TAG.
tagged() {
	jq -ce --arg t "$2" '[.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == $t)] | last' "$1/index.json"
}

# config_of LAYOUT TAG: the image config of TAG's manifest.
config_of() {
	local m c
	m="$(tagged "$1" "$2" | jq -r .digest)"
	c="$(jq -r .config.digest "$1/blobs/sha256/${m#sha256:}")"
	cat "$1/blobs/sha256/${c#sha256:}"
}
