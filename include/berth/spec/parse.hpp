// config.json / process.json parsing. Every error names the offending JSON path.
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

#include "berth/spec/config.hpp"
#include "berth/spec/defaults.hpp"

namespace berth::spec {

// Parses config.json text and validates it (see validate.hpp). Throws berth::Error whose
// message is "<source>: <json path>: <problem>", e.g.
//   config.json: .linux.namespaces[2].type: unknown namespace "netwrk"
//   config.json: .linux.resources.memory.limit: expected integer, got string
//   config.json: .root.path: required field missing
//   config.json: invalid JSON: <parser message>
// Unknown fields are ignored; JSON null counts as absent. linux.seccomp is kept as text
// (Linux::seccomp) and checked by parse_seccomp.
Config parse_config(std::string_view text, std::string_view source = config_file_name);
// The same for a text the caller shares: linux.seccomp's slice points into it, no copy.
Config parse_config(std::shared_ptr<const std::string> text, std::string_view source = config_file_name);

// Only the hooks of a config.json (as parse_config would give them): for the stored config,
// read by start and delete for their poststart and poststop hooks. The rest of the text is
// scanned, not parsed (util/json_span.hpp), unless the scan cannot tell where the hooks are.
std::optional<Hooks> parse_config_hooks(std::string_view text, std::string_view source = config_file_name);

// Linux::seccomp's text, parsed and validated; errors name paths under ".linux.seccomp" of
// `source`.
Seccomp parse_seccomp(std::string_view text, std::string_view source = config_file_name);

// The text of <bundle_dir>/config.json: a regular file (a FIFO there is refused without
// blocking) of at most max_config_size bytes. Errors carry the file's path.
inline constexpr size_t max_config_size = 8u << 20;  // runc reads any size; ~100x podman's largest
std::string read_bundle_config(const std::string& bundle_dir);

// read_bundle_config + parse_config.
Config load_config(const std::string& bundle_dir);

// A standalone process object (`berth exec --process FILE`); paths start at "." (".args").
// Validated like config.json's process.
Process parse_process(std::string_view text, std::string_view source);

}  // namespace berth::spec
