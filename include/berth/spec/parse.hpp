// config.json / process.json parsing. Every error names the offending JSON path.
#pragma once
#include <string>
#include <string_view>

#include "berth/spec/config.hpp"

namespace berth::spec {

// Parses config.json text and validates it (see validate.hpp). Throws berth::Error whose
// message is "<source>: <json path>: <problem>", e.g.
//   config.json: .linux.namespaces[2].type: unknown namespace "netwrk"
//   config.json: .linux.resources.memory.limit: expected integer, got string
//   config.json: .root.path: required field missing
//   config.json: invalid JSON: <parser message>
// Unknown fields are ignored; JSON null counts as absent.
Config parse_config(std::string_view text, std::string_view source = "config.json");

// Reads <bundle_dir>/config.json and parses it with source name "config.json".
// File errors carry the file's path.
Config load_config(const std::string& bundle_dir);

// A standalone process object (`berth exec --process FILE`); paths start at "." (".args").
// Validated like config.json's process.
Process parse_process(std::string_view text, std::string_view source);

}  // namespace berth::spec
