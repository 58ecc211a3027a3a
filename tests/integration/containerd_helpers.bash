#!/usr/bin/env bash
# Shared by containerd.bats and containerd_systemd.bats.

# build_image TAR — an OCI image archive of the busybox rootfs, one uncompressed layer.
build_image() {
	local out="$1" dir blobs layer cfg man
	dir="$(mktemp -d "$BATS_FILE_TMPDIR/img.XXXXXX")"
	blobs="$dir/blobs/sha256"
	mkdir -p "$blobs"
	tar -C "$(rootfs_template)" -cf "$dir/layer" .
	layer="$(sha256sum "$dir/layer" | cut -d' ' -f1)"
	mv "$dir/layer" "$blobs/$layer"
	printf '{"architecture":"amd64","os":"linux","config":{"Cmd":["sh"],"Env":["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]}}' \
		"$layer" >"$dir/cfg"
	cfg="$(sha256sum "$dir/cfg" | cut -d' ' -f1)"
	printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%s},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar","digest":"sha256:%s","size":%s}]}' \
		"$cfg" "$(stat -c %s "$dir/cfg")" "$layer" "$(stat -c %s "$blobs/$layer")" >"$dir/man"
	mv "$dir/cfg" "$blobs/$cfg"
	man="$(sha256sum "$dir/man" | cut -d' ' -f1)"
	printf '{"schemaVersion":2,"manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%s,"annotations":{"io.containerd.image.name":"localhost/berth-busybox:latest","org.opencontainers.image.ref.name":"latest"}}]}' \
		"$man" "$(stat -c %s "$dir/man")" >"$dir/index.json"
	mv "$dir/man" "$blobs/$man"
	echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
	tar -C "$dir" -cf "$out" oci-layout index.json blobs
}
