#!/usr/bin/env bats
# berth-pull against real registries (Debian's docker-registry) on 127.0.0.1: images built here
# from busybox-static (mkimage.py) and pushed with skopeo, pulled with berth-pull, and the
# result read by skopeo and umoci; platforms, Docker schema2, a corrupted blob, an interrupted
# pull resumed, basic auth.

bats_require_minimum_version 1.5.0

load companion_helpers
load registry_helpers

BUSYBOX='{"busybox": true}'

setup_file() {
	REGDIR="$(mktemp -d /tmp/berth-pull-reg.XXXXXX)"
	export REGDIR
	htpasswd -Bbn tester s3cret >"$REGDIR/htpasswd"
	REG="$(start_registry plain)"
	REG_AUTH="$(start_registry auth "$(htpasswd_auth "$REGDIR/htpasswd")")"
	start_token_server "$REGDIR" tester:s3cret
	REG_TOKEN="$(start_registry tokenreg "$(token_auth "$TOKEN_REALM" "$TOKEN_CERT")")"
	export REG REG_AUTH REG_TOKEN TOKEN_LOG TOKEN_REALM
	local src="$REGDIR/src"
	mkimage_at "$src" one "{\"layers\": [{\"entries\": [$BUSYBOX]}]}"
	push "$src:one" "$REG/test/one:v1"
	push "$src:one" "$REG/test/docker:v1" --format v2s2
	push "$src:one" "$REG_AUTH/private/one:v1" --dest-creds tester:s3cret
	push "$src:one" "$REG_TOKEN/private/one:v1" --dest-creds tester:s3cret
	push "$src:one" "$REG_TOKEN/public/one:v1" --dest-creds tester:s3cret
	mkimage_at "$src" multi "{\"layers\": [{\"entries\": [$BUSYBOX]},
		{\"compression\": \"none\", \"entries\": [{\"path\": \"data/random\", \"type\": \"file\", \"size\": 3000000}]},
		{\"compression\": \"zstd\", \"entries\": [{\"path\": \"etc/motd\", \"type\": \"file\", \"text\": \"multi\"}]}]}"
	push "$src:multi" "$REG/test/multi:v1"
	mkimage_index "$src" arch "[
		{\"platform\": \"linux/amd64\", \"layers\": [{\"entries\": [{\"path\": \"platform\", \"type\": \"file\", \"text\": \"amd64\"}]}]},
		{\"platform\": \"linux/arm64\", \"layers\": [{\"entries\": [{\"path\": \"platform\", \"type\": \"file\", \"text\": \"arm64\"}]}]},
		{\"platform\": \"linux/arm/v6\", \"layers\": [{\"entries\": [{\"path\": \"platform\", \"type\": \"file\", \"text\": \"armv6\"}]}]}]"
	push "$src:arch" "$REG/test/arch:v1" --all
	mkimage_at "$src" big "{\"layers\": [{\"compression\": \"none\", \"entries\": [{\"path\": \"big\", \"type\": \"file\", \"size\": 20000000}]}]}"
	push "$src:big" "$REG/test/big:v1"
	mkimage_at "$src" corrupt "{\"layers\": [{\"compression\": \"none\", \"entries\": [{\"path\": \"c\", \"type\": \"file\", \"size\": 100000}]}]}"
	push "$src:corrupt" "$REG/test/corrupt:v1"
}

teardown_file() {
	stop_pidfiles "$REGDIR"
	rm -rf "$REGDIR"
}

setup() {
	OUT="$(mktemp -d /tmp/berth-pull-test.XXXXXX)"
	L="$OUT/layout"
}

teardown() {
	stop_pidfiles "$OUT"
	rm -rf "$OUT"
}

@test "pull a single-layer image: skopeo and umoci read the layout, blobs verified" {
	run "$BERTH_PULL" --plain-http "$REG/test/one:v1" "$L:mine"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Pulled $REG/test/one:v1"* ]]
	want="$(skopeo inspect --tls-verify=false "docker://$REG/test/one:v1" | jq -r .Digest)"
	got="$(skopeo inspect "oci:$L:mine" | jq -r .Digest)"
	[ "$want" = "$got" ]
	[ "$(tagged "$L" mine | jq -r .digest)" = "$want" ]
	blobs_verified "$L"
	[ ! -e "$L/.berth-partial" ]
	umoci unpack --image "$L:mine" "$OUT/bundle" >/dev/null
	[ -x "$OUT/bundle/rootfs/bin/busybox" ]
	# The manifest is kept byte for byte.
	skopeo inspect --raw --tls-verify=false "docker://$REG/test/one:v1" | cmp - "$L/blobs/sha256/${want#sha256:}"
}

@test "the source's tag names the entry when DEST has none; other tags are kept" {
	run "$BERTH_PULL" --plain-http --quiet "$REG/test/one:v1" "$L"
	[ "$status" -eq 0 ]
	[ -z "$output" ]
	run "$BERTH_PULL" --plain-http -q "$REG/test/multi:v1" "$L:other"
	[ "$status" -eq 0 ]
	[ "$(jq '.manifests | length' "$L/index.json")" -eq 2 ]
	[ "$(tagged "$L" v1 | jq -r .digest)" = "$(skopeo inspect "oci:$L:v1" | jq -r .Digest)" ]
	skopeo inspect "oci:$L:other" >/dev/null
	# Pulling a tag again replaces that entry only.
	run "$BERTH_PULL" --plain-http -q "$REG/test/multi:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[ "$(jq '.manifests | length' "$L/index.json")" -eq 2 ]
	[ "$(tagged "$L" v1 | jq -r .digest)" = "$(tagged "$L" other | jq -r .digest)" ]
}

@test "a multi-layer image (gzip, uncompressed, zstd) with one and with four jobs; present blobs are skipped" {
	run "$BERTH_PULL" --plain-http --jobs 1 "$REG/test/multi:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c '^Fetching blob' <<<"$output")" -eq 4 ]
	blobs_verified "$L"
	# umoci reads no zstd layers: the layers are looked at one by one.
	m="$(tagged "$L" v1 | jq -r .digest)"
	mapfile -t layers < <(jq -r '.layers[].digest' "$L/blobs/sha256/${m#sha256:}")
	[ "${#layers[@]}" -eq 3 ]
	tar -tzf "$L/blobs/sha256/${layers[0]#sha256:}" | grep -qx bin/busybox
	[ "$(tar -xOf "$L/blobs/sha256/${layers[1]#sha256:}" data/random | wc -c)" -eq 3000000 ]
	[ "$(zstd -dc <"$L/blobs/sha256/${layers[2]#sha256:}" | tar -xO etc/motd)" = multi ]
	run "$BERTH_PULL" --plain-http "$REG/test/multi:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[ "$(grep -c 'already present' <<<"$output")" -eq 4 ]
	[[ "$output" != *Fetching* ]]
	run "$BERTH_PULL" --plain-http --jobs 4 "$REG/test/multi:v1" "$OUT/l4:v1"
	[ "$status" -eq 0 ]
	diff <(ls "$L/blobs/sha256") <(ls "$OUT/l4/blobs/sha256")
	blobs_verified "$OUT/l4"
}

@test "a Docker schema2 image keeps its media types and digest" {
	run "$BERTH_PULL" --plain-http "$REG/test/docker:v1" "$L:v1"
	[ "$status" -eq 0 ]
	d="$(tagged "$L" v1)"
	[ "$(jq -r .mediaType <<<"$d")" = application/vnd.docker.distribution.manifest.v2+json ]
	want="$(skopeo inspect --tls-verify=false "docker://$REG/test/docker:v1" | jq -r .Digest)"
	[ "$(jq -r .digest <<<"$d")" = "$want" ]
	m="$L/blobs/sha256/${want#sha256:}"
	[ "$(jq -r .layers[0].mediaType "$m")" = application/vnd.docker.image.rootfs.diff.tar.gzip ]
	skopeo inspect "oci:$L:v1" | jq -e '.Os == "linux"'
	blobs_verified "$L"
}

@test "the platform is chosen from a multi-arch index, with arm fallbacks" {
	for p in linux/amd64:amd64 linux/arm64:arm64 linux/arm64/v8:arm64 linux/arm/v7:armv6 linux/arm/v6:armv6; do
		run "$BERTH_PULL" --plain-http --platform "${p%:*}" "$REG/test/arch:v1" "$L:t"
		[ "$status" -eq 0 ]
		umoci unpack --image "$L:t" "$OUT/b" >/dev/null
		[ "$(cat "$OUT/b/rootfs/platform")" = "${p#*:}" ]
		rm -rf "$OUT/b"
	done
	[ "$(tagged "$L" t | jq -r .platform.variant)" = v6 ]
	config_of "$L" t | jq -e '.architecture == "arm"'
	blobs_verified "$L"
}

@test "a single-platform image for another platform is kept, with a warning" {
	run "$BERTH_PULL" --plain-http --platform linux/arm64 "$REG/test/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"Warning: the image is for linux/amd64, not linux/arm64/v8"* ]]
	run "$BERTH_PULL" --plain-http --platform linux/amd64 "$REG/test/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[[ "$output" != *Warning* ]]
}

@test "a platform the index lacks is an error that lists the ones it has" {
	run "$BERTH_PULL" --plain-http --platform linux/s390x "$REG/test/arch:v1" "$L:t"
	[ "$status" -eq 1 ]
	[[ "$output" == *"berth-pull: $REG/test/arch:v1: no manifest for linux/s390x in the index; it has linux/amd64, linux/arm64"*", linux/arm/v6"* ]]
	! jq -e '.manifests[0]' "$L/index.json"
}

@test "--all-platforms keeps the index and every platform's image" {
	run "$BERTH_PULL" --plain-http --all-platforms "$REG/test/arch:v1" "$L:all"
	[ "$status" -eq 0 ]
	want="$(skopeo inspect --raw --tls-verify=false "docker://$REG/test/arch:v1" | sha256sum | cut -d' ' -f1)"
	d="$(tagged "$L" all)"
	[ "$(jq -r .digest <<<"$d")" = "sha256:$want" ]
	[ "$(jq -r .mediaType <<<"$d")" = application/vnd.oci.image.index.v1+json ]
	blobs_verified "$L"
	# skopeo copies every platform out of it, which needs every blob there.
	skopeo copy --quiet --all "oci:$L:all" "oci:$OUT/copy:all"
	[ "$(ls "$L/blobs/sha256" | wc -l)" -eq 10 ]
}

@test "pull by digest, and an unknown tag gives the registry's error" {
	dg="$(skopeo inspect --tls-verify=false "docker://$REG/test/one:v1" | jq -r .Digest)"
	run "$BERTH_PULL" --plain-http "$REG/test/one@$dg" "$L:bydigest"
	[ "$status" -eq 0 ]
	[ "$(tagged "$L" bydigest | jq -r .digest)" = "$dg" ]
	run "$BERTH_PULL" --plain-http "$REG/test/one:nope" "$L:x"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: GET http://$REG/v2/test/one/manifests/nope: 404 Not Found: manifest unknown"* ]]
	run "$BERTH_PULL" --plain-http "$REG/test/Bad" "$L:x"
	[ "$status" -eq 1 ]
	[[ "$output" == *'invalid reference "'* ]]
}

@test "a corrupted blob in the registry is refused and not kept" {
	layer="$(skopeo inspect --raw --tls-verify=false "docker://$REG/test/corrupt:v1" | jq -r '.layers[0].digest')"
	hex="${layer#sha256:}"
	data="$REGDIR/plain/docker/registry/v2/blobs/sha256/${hex:0:2}/$hex/data"
	[ -f "$data" ]
	printf 'XXXX' | dd of="$data" bs=1 seek=5000 conv=notrunc status=none
	run "$BERTH_PULL" --plain-http "$REG/test/corrupt:v1" "$L:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"blob $layer: content does not match, its digest is sha256:"* ]]
	[ ! -e "$L/blobs/sha256/$hex" ]
	! ls "$L/.berth-partial" | grep -q "$hex"
	! jq -e '.manifests[0]' "$L/index.json"
}

@test "an interrupted pull completes on rerun, resuming the partial blob" {
	# The file size limit kills berth-pull (SIGXFSZ) after 4 MiB of the 20 MB layer.
	run bash -c "ulimit -f 4096; exec \"$BERTH_PULL\" --plain-http --jobs 1 \"$REG/test/big:v1\" \"$L:v1\""
	[ "$status" -gt 128 ]
	partial="$(ls "$L"/.berth-partial/sha256-*)"
	[ "$(stat -c %s "$partial")" -eq $((4096 * 1024)) ]
	! jq -e '.manifests[0]' "$L/index.json"
	run "$BERTH_PULL" --plain-http --jobs 1 "$REG/test/big:v1" "$L:v1"
	[ "$status" -eq 0 ]
	[[ "$output" == *"resuming at 4.2 MB"* ]]
	blobs_verified "$L"
	[ ! -e "$L/.berth-partial" ]
	skopeo inspect "oci:$L:v1" >/dev/null
}

@test "basic auth: credentials from --creds, --authfile, REGISTRY_AUTH_FILE and ~/.docker/config.json" {
	run env HOME="$OUT" XDG_RUNTIME_DIR= REGISTRY_AUTH_FILE= "$BERTH_PULL" --plain-http "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: GET http://$REG_AUTH/v2/private/one/manifests/v1: 401 Unauthorized: authentication required"*"(no credentials for $REG_AUTH: see --creds and --authfile)" ]]
	run "$BERTH_PULL" --plain-http --creds tester:wrong "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"401 Unauthorized"* ]]
	run "$BERTH_PULL" --plain-http --creds tester:s3cret "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	auth="$(printf tester:s3cret | base64)"
	echo "{\"auths\": {\"$REG_AUTH\": {\"auth\": \"$auth\"}}}" >"$OUT/auth.json"
	rm -rf "$L"
	run "$BERTH_PULL" --plain-http --authfile "$OUT/auth.json" "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	rm -rf "$L"
	run env REGISTRY_AUTH_FILE="$OUT/auth.json" "$BERTH_PULL" --plain-http "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	rm -rf "$L"
	mkdir -p "$OUT/.docker"
	echo "{\"auths\": {\"http://$REG_AUTH\": {\"auth\": \"$auth\"}}}" >"$OUT/.docker/config.json"
	run env HOME="$OUT" XDG_RUNTIME_DIR= REGISTRY_AUTH_FILE= "$BERTH_PULL" --plain-http "$REG_AUTH/private/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	skopeo inspect "oci:$L:v1" >/dev/null
}

@test "token auth (docker-registry with a token server): anonymous pull where allowed, credentials elsewhere" {
	: >"$TOKEN_LOG"
	run "$BERTH_PULL" --plain-http "$REG_TOKEN/public/one:v1" "$L:pub"
	[ "$status" -eq 0 ]
	jq -se 'length == 1 and .[0].auth == "" and .[0].scope == ["repository:public/one:pull"]' "$TOKEN_LOG"
	run env HOME="$OUT" XDG_RUNTIME_DIR= REGISTRY_AUTH_FILE= "$BERTH_PULL" --plain-http "$REG_TOKEN/private/one:v1" "$L:priv"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: GET http://$REG_TOKEN/v2/private/one/manifests/v1: 401 Unauthorized: authentication required"*"no credentials for $REG_TOKEN"* ]]
	run "$BERTH_PULL" --plain-http --creds tester:nope "$REG_TOKEN/private/one:v1" "$L:priv"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: get a token: GET $TOKEN_REALM?service=berth-test&scope=repository%3Aprivate%2Fone%3Apull: 401 Unauthorized: invalid credentials" ]]
	: >"$TOKEN_LOG"
	run "$BERTH_PULL" --plain-http --creds tester:s3cret "$REG_TOKEN/private/one:v1" "$L:priv"
	[ "$status" -eq 0 ]
	[ "$(jq -s length "$TOKEN_LOG")" -eq 1 ]
	[ "$(skopeo inspect "oci:$L:priv" | jq -r .Digest)" = "$(skopeo inspect "oci:$L:pub" | jq -r .Digest)" ]
	blobs_verified "$L"
}

@test "--tls-verify=false falls back to plain http; without it https is required" {
	run "$BERTH_PULL" --tls-verify=false -q "$REG/test/one:v1" "$L:v1"
	[ "$status" -eq 0 ]
	run "$BERTH_PULL" -q "$REG/test/one:v1" "$OUT/l2:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: GET https://$REG/v2/: "* ]]
}

# fake_registry.py: token auth, redirects to another origin, failures.

@test "bearer token auth: one token for the scope, fetched with the credentials, reused" {
	start_fake "$OUT" "$REGDIR/src" --user tester:s3cret
	run "$BERTH_PULL" --plain-http "$FAKE/test/multi:multi" "$L:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: get a token: GET http://$FAKE/token?service=fake-registry&scope=repository%3Atest%2Fmulti%3Apull: 401 Unauthorized: wrong or missing credentials" ]]
	: >"$FAKE_LOG"
	run "$BERTH_PULL" --plain-http --creds tester:s3cret "$FAKE/test/multi:multi" "$L:v1"
	[ "$status" -eq 0 ]
	blobs_verified "$L"
	skopeo inspect "oci:$L:v1" >/dev/null
	[ "$(jq -s '[.[] | select(.path | startswith("/token"))] | length' "$FAKE_LOG")" -eq 1 ]
	jq -se '[.[] | select(.path | startswith("/token"))][0].auth == "Basic \(("tester:s3cret" | @base64))"' "$FAKE_LOG"
	# Every registry request after the ping carried the token.
	jq -se '[.[] | select(.server == "registry" and (.path | startswith("/v2/test"))) | .auth | startswith("Bearer ")] | all' "$FAKE_LOG"
}

@test "blobs redirected to another origin are fetched without the Authorization header" {
	start_fake "$OUT" "$REGDIR/src"
	run "$BERTH_PULL" --plain-http "$FAKE/test/one:one" "$L:v1"
	[ "$status" -eq 0 ]
	blobs_verified "$L"
	[ "$(jq -s '[.[] | select(.server == "storage")] | length' "$FAKE_LOG")" -eq 2 ]
	jq -se '[.[] | select(.server == "storage") | .auth == ""] | all' "$FAKE_LOG"
	jq -se '[.[] | select(.server == "registry" and (.path | contains("/blobs/"))) | .auth | startswith("Bearer ")] | all' "$FAKE_LOG"
}

@test "503s are retried and a dropped connection resumes with a Range request" {
	start_fake "$OUT" "$REGDIR/src" --fail 2 --drop
	run "$BERTH_PULL" --plain-http --jobs 1 "$FAKE/test/big:big" "$L:v1"
	[ "$status" -eq 0 ]
	blobs_verified "$L"
	skopeo inspect "oci:$L:v1" >/dev/null
	# 2 failures + config + the cut-off layer + its resumption
	[ "$(jq -s '[.[] | select(.server == "storage")] | length' "$FAKE_LOG")" -eq 5 ]
	jq -se '[.[] | select(.server == "storage") | .range] | any(startswith("bytes=") and . != "bytes=0-")' "$FAKE_LOG"
}

@test "a registry that ignores Range sends the whole blob again, and the result is still right" {
	start_fake "$OUT" "$REGDIR/src" --drop --no-range
	run "$BERTH_PULL" --plain-http --jobs 1 "$FAKE/test/big:big" "$L:v1"
	[ "$status" -eq 0 ]
	blobs_verified "$L"
	jq -se '[.[] | select(.server == "storage") | .range] | any(startswith("bytes=") and . != "bytes=0-")' "$FAKE_LOG"
}

@test "an expired token is replaced" {
	start_fake "$OUT" "$REGDIR/src" --expires-in 1
	run "$BERTH_PULL" --plain-http --jobs 1 "$FAKE/test/multi:multi" "$L:v1"
	[ "$status" -eq 0 ]
	# A token that lives a second is renewed before use: more than one was fetched.
	[ "$(jq -s '[.[] | select(.path | startswith("/token"))] | length' "$FAKE_LOG")" -gt 1 ]
}

@test "berth itself links neither libcurl nor OpenSSL" {
	# Positive control: the symbols are seen where they are.
	nm -D "$BERTH_PULL" | grep -q ' U curl_easy_perform'
	if ldd "$RUNTIME" >/dev/null 2>&1; then
		! ldd "$RUNTIME" | grep -E 'libcurl|libcrypto|libssl'
	else
		[ "$(nm "$RUNTIME" | wc -l)" -gt 100 ] # static and not stripped: the symbols tell
		! nm "$RUNTIME" | grep -E ' (curl_easy_|EVP_DigestInit|SSL_CTX_new)'
	fi
}

@test "a manifest that does not match the registry's Docker-Content-Digest is refused" {
	start_fake "$OUT" "$REGDIR/src" --wrong-digest
	run "$BERTH_PULL" --plain-http "$FAKE/test/one:one" "$L:v1"
	[ "$status" -eq 1 ]
	[[ "$output" == "berth-pull: GET http://$FAKE/v2/test/one/manifests/one: Docker-Content-Digest says sha256:0000000000000000000000000000000000000000000000000000000000000000 but the manifest's digest is sha256:"* ]]
	! jq -e '.manifests[0]' "$L/index.json"
}

@test "on a terminal: a status line with the blobs in flight and a total" {
	script -qec "\"$BERTH_PULL\" --plain-http --jobs 1 \"$REG/test/big:v1\" \"$L:v1\"" /dev/null >"$OUT/tty.out"
	grep -q $'\r\e\[Ktotal [0-9.]* [kM]*B/20.0 MB |  [0-9a-f]\{8\} ' "$OUT/tty.out"
	grep -q "Blob sha256:[0-9a-f]\{12\} done (20.0 MB)" "$OUT/tty.out"
	# The status line is gone at the end: the last line is the summary.
	tail -n 1 "$OUT/tty.out" | grep -q '^Pulled '
	blobs_verified "$L"
}
