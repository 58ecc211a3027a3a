#!/usr/bin/env bats
# berth-unpack against images built here from busybox-static (mkimage.py): trees compared file
# by file with `umoci unpack` of the same image, hostile layers aimed at decoys beside the
# bundle, digests, platforms, the converted config.json, and `berth run` of the result.

bats_require_minimum_version 1.5.0

load companion_helpers

setup() {
	TESTDIR="$(mktemp -d /tmp/berth-unpack-test.XXXXXX)"
	chmod 755 "$TESTDIR"
	L="$TESTDIR/layout"
	DECOY="$TESTDIR/decoy"
	mkdir -p "$DECOY"
	echo "host secret" >"$DECOY/secret"
	CID="bu$$-$BATS_TEST_NUMBER"
}

teardown() {
	"$RUNTIME" --root "$TESTDIR/state" delete -f "$CID" >/dev/null 2>&1 || true
	rm -rf "$TESTDIR"
}

# mkimage TAG IMAGE-JSON: one image in $L.
mkimage() {
	python3 "$COMPANION_DIR/mkimage.py" - <<<"{\"layout\": \"$L\", \"tag\": \"$1\", \"image\": $2}"
}

# unpack_and_compare TAG: berth-unpack and umoci unpack of $L:TAG, trees compared.
unpack_and_compare() {
	"$BERTH_UNPACK" "$L:$1" "$TESTDIR/berth" || return 1
	umoci unpack --image "$L:$1" "$TESTDIR/umoci" >/dev/null || return 1
	python3 "$COMPANION_DIR/treecmp.py" "$TESTDIR/berth/rootfs" "$TESTDIR/umoci/rootfs"
}

decoy_untouched() {
	[ "$(ls -A "$DECOY")" = "secret" ] || { ls -laR "$DECOY" >&2; return 1; }
	[ "$(cat "$DECOY/secret")" = "host secret" ] || return 1
	[ "$(stat -c %h "$DECOY/secret")" = 1 ] || { echo "decoy got a hard link" >&2; return 1; }
}

BUSYBOX_LAYER='{"entries": [{"busybox": true}]}'

@test "a busybox image unpacks to umoci's tree, and berth runs the bundle unmodified" {
	mkimage t "{\"config\": {\"Cmd\": [\"sh\", \"-c\", \"echo hello from \$WHO in \$(pwd)\"], \"Env\": [\"WHO=image\"], \"WorkingDir\": \"/bin\"}, \"layers\": [$BUSYBOX_LAYER]}"
	run unpack_and_compare t
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"0 differences"* ]]
	run "$RUNTIME" --root "$TESTDIR/state" run --bundle "$TESTDIR/berth" "$CID"
	[ "$status" -eq 0 ]
	[ "$output" = "hello from image in /bin" ]
}

@test "three layers: a deleted file, an opaque directory and a replaced entry match umoci" {
	mkimage t "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [
		{\"entries\": [{\"busybox\": true}, {\"path\": \"etc/motd\", \"text\": \"hi\"},
			{\"path\": \"d\", \"type\": \"dir\"}, {\"path\": \"d/a\", \"text\": \"a\"}, {\"path\": \"d/sub\", \"type\": \"dir\"},
			{\"path\": \"d/sub/b\", \"text\": \"b\"}, {\"path\": \"keep\", \"type\": \"dir\"}, {\"path\": \"keep/x\", \"text\": \"x\"},
			{\"path\": \"swap\", \"type\": \"dir\"}, {\"path\": \"swap/inner\", \"text\": \"i\"}]},
		{\"entries\": [{\"path\": \"etc/.wh.motd\", \"text\": \"\"}, {\"path\": \"d\", \"type\": \"dir\", \"mode\": \"0750\"},
			{\"path\": \"d/.wh..wh..opq\", \"text\": \"\"}, {\"path\": \"d/c\", \"text\": \"c\"},
			{\"path\": \"swap\", \"text\": \"now a file\"}]},
		{\"compression\": \"none\", \"entries\": [{\"path\": \"new\", \"type\": \"dir\"}, {\"path\": \"new/f\", \"text\": \"f\", \"mode\": \"0600\"}]}]}"
	run unpack_and_compare t
	echo "$output"
	[ "$status" -eq 0 ]
	[ ! -e "$TESTDIR/berth/rootfs/etc/motd" ]
	[ "$(ls "$TESTDIR/berth/rootfs/d")" = "c" ]
	[ "$(cat "$TESTDIR/berth/rootfs/swap")" = "now a file" ]
	[ "$(cat "$TESTDIR/berth/rootfs/keep/x")" = "x" ]
}

@test "a hard link to a lower layer's file, setuid bits and owners match umoci" {
	mkimage t "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [
		{\"entries\": [{\"busybox\": true}, {\"path\": \"data\", \"type\": \"dir\", \"uid\": 1000, \"gid\": 1000, \"mode\": \"0750\"},
			{\"path\": \"data/orig\", \"text\": \"shared\", \"uid\": 1000, \"gid\": 50},
			{\"path\": \"tmp\", \"type\": \"dir\", \"mode\": \"01777\"}]},
		{\"entries\": [{\"path\": \"data/link\", \"type\": \"hardlink\", \"target\": \"data/orig\"},
			{\"path\": \"bin/suid\", \"from\": \"/bin/busybox\", \"mode\": \"04755\", \"uid\": 0},
			{\"path\": \"bin/sgid\", \"text\": \"x\", \"mode\": \"02711\", \"gid\": 50},
			{\"path\": \"dev\", \"type\": \"dir\"}, {\"path\": \"dev/null\", \"type\": \"char\", \"major\": 1, \"minor\": 3},
			{\"path\": \"dev/fifo\", \"type\": \"fifo\", \"mode\": \"0620\"}]}]}"
	run unpack_and_compare t
	echo "$output"
	[ "$status" -eq 0 ]
	[ "$(stat -c %i "$TESTDIR/berth/rootfs/data/orig")" = "$(stat -c %i "$TESTDIR/berth/rootfs/data/link")" ]
	[ "$(stat -c '%a %u' "$TESTDIR/berth/rootfs/bin/suid")" = "4755 0" ]
	[ "$(stat -c '%t:%T %F' "$TESTDIR/berth/rootfs/dev/null")" = "1:3 character special file" ]
}

@test "xattrs, security.capability included, are kept as umoci keeps them" {
	mkimage t "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [{\"busybox\": true},
		{\"path\": \"bin/ping\", \"from\": \"/bin/busybox\", \"mode\": \"0755\",
		 \"xattrs_hex\": {\"security.capability\": \"0100000200200000000000000000000000000000\"}},
		{\"path\": \"etc/tagged\", \"text\": \"x\", \"xattrs\": {\"user.berth.test\": \"value\"}}]}]}"
	run unpack_and_compare t
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$(getcap "$TESTDIR/berth/rootfs/bin/ping")" == *"cap_net_raw=ep"* ]]
	python3 -c 'import os,sys; assert os.getxattr(sys.argv[1], "user.berth.test") == b"value"' "$TESTDIR/berth/rootfs/etc/tagged"
}

@test "zstd, gzip and uncompressed layers of the same content give the same tree" {
	for c in gzip zstd none; do
		mkimage "$c" "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"compression\": \"$c\", \"entries\": [{\"busybox\": true}, {\"path\": \"f\", \"text\": \"same\"}]}]}"
		"$BERTH_UNPACK" "$L:$c" "$TESTDIR/$c"
	done
	python3 "$COMPANION_DIR/treecmp.py" "$TESTDIR/gzip/rootfs" "$TESTDIR/zstd/rootfs"
	python3 "$COMPANION_DIR/treecmp.py" "$TESTDIR/gzip/rootfs" "$TESTDIR/none/rootfs"
	jq -r '.layers[0].mediaType' "$L/blobs/sha256/$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "zstd") | .digest' "$L/index.json" | cut -d: -f2)" | grep -q 'tar+zstd'
}

@test "a multi-platform index: this host's image by default, --platform picks another, no match lists them" {
	python3 "$COMPANION_DIR/mkimage.py" - <<EOF
{"layout": "$L", "tag": "multi", "index": [
  {"platform": "linux/amd64", "config": {"Cmd": ["sh"]}, "layers": [{"entries": [{"busybox": true}, {"path": "arch", "text": "amd64"}]}]},
  {"platform": "linux/arm64/v8", "config": {"Cmd": ["sh"]}, "layers": [{"entries": [{"busybox": true}, {"path": "arch", "text": "arm64"}]}]},
  {"platform": "linux/arm/v7", "config": {"Cmd": ["sh"]}, "layers": [{"entries": [{"path": "arch", "text": "armv7"}]}]}]}
EOF
	"$BERTH_UNPACK" "$L:multi" "$TESTDIR/host"
	[ "$(cat "$TESTDIR/host/rootfs/arch")" = "amd64" ]
	[ "$(jq -r '.annotations["org.opencontainers.image.architecture"]' "$TESTDIR/host/config.json")" = "amd64" ]
	"$BERTH_UNPACK" --platform linux/arm64 "$L:multi" "$TESTDIR/arm64"
	[ "$(cat "$TESTDIR/arm64/rootfs/arch")" = "arm64" ]
	"$BERTH_UNPACK" --platform linux/arm/v7 "$L:multi" "$TESTDIR/arm"
	[ "$(cat "$TESTDIR/arm/rootfs/arch")" = "armv7" ]
	run "$BERTH_UNPACK" --platform linux/s390x "$L:multi" "$TESTDIR/none"
	[ "$status" -eq 1 ]
	[[ "$output" == *"linux/s390x"*"linux/amd64"*"linux/arm64/v8"* ]]
	[ ! -e "$TESTDIR/none" ]
}

@test "hostile names: .. is refused, an absolute name stays in the rootfs, nothing reaches the decoy" {
	mkimage up "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [{\"path\": \"../../decoy/escape\", \"text\": \"x\"}]}]}"
	run "$BERTH_UNPACK" "$L:up" "$TESTDIR/b1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"entry ../../decoy/escape: path ../../decoy/escape leaves the rootfs; refusing the layer"* ]]
	[ ! -e "$TESTDIR/b1" ]
	decoy_untouched

	mkimage abs "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [{\"path\": \"$DECOY/abs\", \"text\": \"x\"}]}]}"
	"$BERTH_UNPACK" "$L:abs" "$TESTDIR/b2"
	[ "$(cat "$TESTDIR/b2/rootfs$DECOY/abs")" = "x" ]
	decoy_untouched
}

@test "hostile symlinks: a -> host dir, then a/x; up -> ../../..; both land inside the rootfs" {
	mkimage sym "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [
		{\"entries\": [{\"path\": \"a\", \"type\": \"symlink\", \"target\": \"$DECOY\"},
		               {\"path\": \"up\", \"type\": \"symlink\", \"target\": \"../../../../../../..\"}]},
		{\"entries\": [{\"path\": \"a/x\", \"text\": \"through a\"}, {\"path\": \"up${DECOY}/y\", \"text\": \"through up\"},
		               {\"path\": \"a/.wh.secret\", \"text\": \"\"}, {\"path\": \"a/secret\", \"text\": \"overwritten?\"}]}]}"
	"$BERTH_UNPACK" "$L:sym" "$TESTDIR/b"
	decoy_untouched
	[ "$(cat "$TESTDIR/b/rootfs$DECOY/x")" = "through a" ]
	[ "$(cat "$TESTDIR/b/rootfs$DECOY/y")" = "through up" ]
	[ "$(cat "$TESTDIR/b/rootfs$DECOY/secret")" = "overwritten?" ]
	# umoci confines the same way.
	umoci unpack --image "$L:sym" "$TESTDIR/u" >/dev/null
	python3 "$COMPANION_DIR/treecmp.py" "$TESTDIR/b/rootfs" "$TESTDIR/u/rootfs"
	decoy_untouched
}

@test "hostile hard links to host files are refused" {
	mkimage abs "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [{\"path\": \"h\", \"type\": \"hardlink\", \"target\": \"$DECOY/secret\"}]}]}"
	run "$BERTH_UNPACK" "$L:abs" "$TESTDIR/b1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"hard link to ${DECOY#/}/secret: no such file in the rootfs"* ]]
	mkimage rel "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [{\"path\": \"h\", \"type\": \"hardlink\", \"target\": \"../decoy/secret\"}]}]}"
	run "$BERTH_UNPACK" "$L:rel" "$TESTDIR/b2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"hard link target ../decoy/secret leaves the rootfs"* ]]
	mkimage via "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"entries\": [
		{\"path\": \"s\", \"type\": \"symlink\", \"target\": \"$DECOY\"}, {\"path\": \"h\", \"type\": \"hardlink\", \"target\": \"s/secret\"}]}]}"
	run "$BERTH_UNPACK" "$L:via" "$TESTDIR/b3"
	[ "$status" -eq 1 ]
	[[ "$output" == *"hard link to s/secret: no such file in the rootfs"* ]]
	[ ! -e "$TESTDIR/b1" ] && [ ! -e "$TESTDIR/b2" ] && [ ! -e "$TESTDIR/b3" ]
	decoy_untouched
}

@test "a wrong diff_id, a changed blob and a truncated blob are refused and leave no bundle" {
	mkimage diff "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"wrong_diff_id\": true, \"entries\": [{\"path\": \"f\", \"text\": \"x\"}]}]}"
	run "$BERTH_UNPACK" "$L:diff" "$TESTDIR/b1"
	[ "$status" -eq 1 ]
	[[ "$output" == *"the image config's diff_id is sha256:"* ]]
	[ ! -e "$TESTDIR/b1" ]

	digest=$(mkimage raw "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [{\"compression\": \"none\", \"entries\": [{\"path\": \"f\", \"text\": \"AAAA\"}]}]}")
	layer=$(jq -r '.layers[0].digest' "$L/blobs/sha256/${digest#sha256:}")
	blob="$L/blobs/sha256/${layer#sha256:}"
	chmod u+w "$blob"
	python3 - "$blob" <<'EOF'
import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
i = b.index(b"AAAA")
b[i] = ord("B")
open(p, "wb").write(b)
EOF
	run "$BERTH_UNPACK" "$L:raw" "$TESTDIR/b2"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer $layer: content does not match its digest"* ]]
	[ ! -e "$TESTDIR/b2" ]

	truncate -s 100 "$blob"
	run "$BERTH_UNPACK" "$L:raw" "$TESTDIR/b3"
	[ "$status" -eq 1 ]
	[[ "$output" == *"layer $layer: blob is 100 bytes, the manifest says"* ]]
	[ ! -e "$TESTDIR/b3" ]
}

@test "config.json from the image config: args, env, cwd, annotations, volumes, terminal" {
	mkimage t '{"platform": "linux/amd64", "config": {"Entrypoint": ["/bin/busybox"], "Cmd": ["echo", "hi"],
		"Env": ["A=1", "B=two words"], "WorkingDir": "srv", "StopSignal": "SIGQUIT",
		"ExposedPorts": {"80/tcp": {}, "53/udp": {}}, "Volumes": {"/data": {}},
		"Labels": {"org.opencontainers.image.os": "label wins", "com.example.k": "v"}},
		"layers": [{"entries": [{"busybox": true}]}]}'
	"$BERTH_UNPACK" "$L:t" "$TESTDIR/b"
	c="$TESTDIR/b/config.json"
	[ "$(jq -c .process.args "$c")" = '["/bin/busybox","echo","hi"]' ]
	[ "$(jq -c .process.env "$c")" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=1","B=two words"]' ]
	[ "$(jq -r .process.cwd "$c")" = "/srv" ]
	[ "$(jq -r .process.terminal "$c")" = "false" ]
	[ "$(jq -r .root.readonly "$c")" = "false" ]
	[ "$(jq -r '.annotations["org.opencontainers.image.stopSignal"]' "$c")" = "SIGQUIT" ]
	[ "$(jq -r '.annotations["org.opencontainers.image.exposedPorts"]' "$c")" = "53/udp,80/tcp" ]
	[ "$(jq -r '.annotations["org.opencontainers.image.os"]' "$c")" = "label wins" ]
	[ "$(jq -r '.annotations["com.example.k"]' "$c")" = "v" ]
	[ "$(jq -c '.mounts[] | select(.destination == "/data") | [.type, .options]' "$c")" = '["tmpfs",["nosuid","nodev","mode=755"]]' ]
	# The rest is berth spec's default: the same namespaces, masks and device rules.
	"$RUNTIME" spec --bundle "$TESTDIR"
	[ "$(jq -c .linux "$c")" = "$(jq -c .linux "$TESTDIR/config.json")" ]

	"$BERTH_UNPACK" --tty --no-volumes "$L:t" "$TESTDIR/tty" 2>"$TESTDIR/err"
	grep -q "image volumes left out of config.json (--no-volumes): /data" "$TESTDIR/err"
	[ "$(jq -r .process.terminal "$TESTDIR/tty/config.json")" = "true" ]
	[ "$(jq -r '.process.env[-1]' "$TESTDIR/tty/config.json")" = "TERM=xterm" ]
	[ "$(jq '[.mounts[] | select(.destination == "/data")] | length' "$TESTDIR/tty/config.json")" = 0 ]

	mkimage path '{"config": {"Cmd": ["sh"], "Env": ["PATH=/opt/bin"]}, "layers": []}'
	"$BERTH_UNPACK" "$L:path" "$TESTDIR/p"
	[ "$(jq -c .process.env "$TESTDIR/p/config.json")" = '["PATH=/opt/bin"]' ]

	mkimage nothing '{"config": {"Env": ["A=1"]}, "layers": []}'
	run "$BERTH_UNPACK" "$L:nothing" "$TESTDIR/n"
	[ "$status" -eq 1 ]
	[[ "$output" == *".config: neither Entrypoint nor Cmd"* ]]
}

@test "the image's User resolves through its /etc/passwd and /etc/group, and the container sees it" {
	mkimage app '{"config": {"Cmd": ["id"], "User": "app"}, "layers": [{"entries": [{"busybox": true}]}]}'
	"$BERTH_UNPACK" "$L:app" "$TESTDIR/b"
	[ "$(jq -c .process.user "$TESTDIR/b/config.json")" = '{"uid":1000,"gid":1000,"additionalGids":[10,50]}' ]
	run "$RUNTIME" --root "$TESTDIR/state" run --bundle "$TESTDIR/b" "$CID"
	[ "$status" -eq 0 ]
	[[ "$output" == "uid=1000(app) gid=1000(app) groups="*"10(wheel)"*"50(staff)"* ]]

	for spec in "app:staff 1000 50 null" "1000:77 1000 77 null" "nobody 65534 65534 null" "daemon 1 1 null"; do
		set -- $spec
		mkimage u "{\"config\": {\"Cmd\": [\"id\"], \"User\": \"$1\"}, \"layers\": [{\"entries\": [{\"busybox\": true}]}]}"
		"$BERTH_UNPACK" --force "$L:u" "$TESTDIR/u"
		[ "$(jq -c '[.process.user.uid, .process.user.gid, .process.user.additionalGids]' "$TESTDIR/u/config.json")" = "[$2,$3,$4]" ]
	done

	mkimage ghost '{"config": {"Cmd": ["id"], "User": "ghost"}, "layers": [{"entries": [{"busybox": true}]}]}'
	run "$BERTH_UNPACK" "$L:ghost" "$TESTDIR/g"
	[ "$status" -eq 1 ]
	[[ "$output" == *"user ghost: no such user in the image's /etc/passwd"* ]]
	[ ! -e "$TESTDIR/g" ]
}

@test "--uid-map/--gid-map shift owners on disk and go into config.json with a user namespace" {
	mkimage t '{"config": {"Cmd": ["sh"]}, "layers": [{"entries": [{"busybox": true}, {"path": "home", "type": "dir", "uid": 1000, "gid": 50}]}]}'
	"$BERTH_UNPACK" --uid-map 0:100000:65536 --gid-map 0:200000:65536 "$L:t" "$TESTDIR/b"
	[ "$(stat -c '%u:%g' "$TESTDIR/b/rootfs/bin/busybox")" = "100000:200000" ]
	[ "$(stat -c '%u:%g' "$TESTDIR/b/rootfs/home")" = "101000:200050" ]
	[ "$(jq -c '.linux.uidMappings' "$TESTDIR/b/config.json")" = '[{"containerID":0,"hostID":100000,"size":65536}]' ]
	[ "$(jq -c '.linux.gidMappings' "$TESTDIR/b/config.json")" = '[{"containerID":0,"hostID":200000,"size":65536}]' ]
	jq -e '.linux.namespaces | map(.type) | index("user")' "$TESTDIR/b/config.json" >/dev/null
	run "$BERTH_UNPACK" --uid-map 0:100000:10 --gid-map 0:200000:65536 "$L:t" "$TESTDIR/small"
	[ "$status" -eq 1 ]
	[[ "$output" == *"owner uid 1000 of home is outside the --uid-map ranges"* ]]
	run "$BERTH_UNPACK" --uid-map 0:1:1 "$L:t" "$TESTDIR/half"
	[ "$status" -eq 1 ]
	[[ "$output" == *"--uid-map and --gid-map go together"* ]]
}

@test "unprivileged: no chown, device nodes skipped with a warning, a rootless config" {
	mkimage t '{"config": {"Cmd": ["sh"]}, "layers": [{"entries": [{"busybox": true}, {"path": "dev", "type": "dir"},
		{"path": "dev/sda", "type": "block", "major": 8, "minor": 0}, {"path": "owned", "text": "x", "uid": 1000}]}]}'
	chmod -R a+rX "$L"
	mkdir "$TESTDIR/out" && chown 65534:65534 "$TESTDIR/out"
	run setpriv --reuid=65534 --regid=65534 --clear-groups "$BERTH_UNPACK" "$L:t" "$TESTDIR/out/b"
	echo "$output"
	[ "$status" -eq 0 ]
	[[ "$output" == *"device dev/sda (8:0) skipped"* ]]
	[ ! -e "$TESTDIR/out/b/rootfs/dev/sda" ]
	[ "$(stat -c %u "$TESTDIR/out/b/rootfs/owned")" = 65534 ]
	[ "$(jq -c '.linux.uidMappings' "$TESTDIR/out/b/config.json")" = '[{"containerID":0,"hostID":65534,"size":1}]' ]
}

@test "a non-empty bundle needs --force; a tag that is not there lists the tags" {
	mkimage t "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [$BUSYBOX_LAYER]}"
	mkimage other "{\"config\": {\"Cmd\": [\"sh\"]}, \"layers\": [$BUSYBOX_LAYER]}"
	"$BERTH_UNPACK" "$L:t" "$TESTDIR/b"
	echo stale >"$TESTDIR/b/rootfs/stale"
	run "$BERTH_UNPACK" "$L:t" "$TESTDIR/b"
	[ "$status" -eq 1 ]
	[[ "$output" == *"bundle $TESTDIR/b is not empty; --force replaces its rootfs and config.json"* ]]
	"$BERTH_UNPACK" --force "$L:t" "$TESTDIR/b"
	[ ! -e "$TESTDIR/b/rootfs/stale" ]
	run "$BERTH_UNPACK" "$L:missing" "$TESTDIR/m"
	[ "$status" -eq 1 ]
	[[ "$output" == *"no image tagged missing in $L (tags: t, other)"* ]]
	run "$BERTH_UNPACK" "$L" "$TESTDIR/m"
	[ "$status" -eq 1 ]
	[[ "$output" == *"holds 2 images"* ]]
	digest=$(jq -r '.manifests[0].digest' "$L/index.json")
	"$BERTH_UNPACK" "$L@$digest" "$TESTDIR/d"
	[ -x "$TESTDIR/d/rootfs/bin/busybox" ]
	# --config-only rewrites config.json of an unpacked bundle, reading its users.
	rm "$TESTDIR/d/config.json"
	"$BERTH_UNPACK" --config-only "$L:t" "$TESTDIR/d"
	[ -s "$TESTDIR/d/config.json" ]
}
