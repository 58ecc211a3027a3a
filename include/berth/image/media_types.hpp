// Media types of OCI image-spec and of Docker's image manifest v2 schema 2.
#pragma once
#include <string_view>

namespace berth::image::media_type {

inline constexpr std::string_view oci_manifest = "application/vnd.oci.image.manifest.v1+json";
inline constexpr std::string_view oci_index = "application/vnd.oci.image.index.v1+json";
inline constexpr std::string_view oci_config = "application/vnd.oci.image.config.v1+json";
inline constexpr std::string_view oci_layer_tar = "application/vnd.oci.image.layer.v1.tar";
inline constexpr std::string_view oci_layer_gzip = "application/vnd.oci.image.layer.v1.tar+gzip";
inline constexpr std::string_view oci_layer_zstd = "application/vnd.oci.image.layer.v1.tar+zstd";
inline constexpr std::string_view oci_layer_nondist_tar = "application/vnd.oci.image.layer.nondistributable.v1.tar";
inline constexpr std::string_view oci_layer_nondist_gzip = "application/vnd.oci.image.layer.nondistributable.v1.tar+gzip";
inline constexpr std::string_view oci_layer_nondist_zstd = "application/vnd.oci.image.layer.nondistributable.v1.tar+zstd";
inline constexpr std::string_view oci_empty = "application/vnd.oci.empty.v1+json";

inline constexpr std::string_view docker_manifest = "application/vnd.docker.distribution.manifest.v2+json";
inline constexpr std::string_view docker_manifest_list = "application/vnd.docker.distribution.manifest.list.v2+json";
inline constexpr std::string_view docker_config = "application/vnd.docker.container.image.v1+json";
inline constexpr std::string_view docker_layer_gzip = "application/vnd.docker.image.rootfs.diff.tar.gzip";
inline constexpr std::string_view docker_layer_foreign_gzip = "application/vnd.docker.image.rootfs.foreign.diff.tar.gzip";

// An index / manifest list.
constexpr bool is_index(std::string_view mt) { return mt == oci_index || mt == docker_manifest_list; }
// A single-platform image manifest.
constexpr bool is_manifest(std::string_view mt) { return mt == oci_manifest || mt == docker_manifest; }

enum class Compression { none, gzip, zstd, unknown };
// How a layer blob of this media type is compressed ("+gzip"/".gzip", "+zstd", plain ".tar").
Compression layer_compression(std::string_view mt);

}  // namespace berth::image::media_type
