#pragma once
// Small text encodings of the simulator's files and output: lowercase hex, standard base64
// (RFC 4648 §4, padded), and the backslash escaping of state-file values.

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace Portal::SensorNodeSim {

std::string toHex(const uint8_t *data, size_t size);
// Exactly `size` bytes from 2·size hex digits (either case); nullopt otherwise.
std::optional<std::vector<uint8_t>> fromHex(std::string_view text, size_t size);

std::string toBase64(const uint8_t *data, size_t size);
// Standard padded base64 (at most 4096 characters); nullopt for anything else.
std::optional<std::vector<uint8_t>> fromBase64(std::string_view text);

// "\\" → "\\\\", newline → "\\n", carriage return → "\\r": a value stays on one line.
std::string escapeValue(std::string_view value);
// Inverse of escapeValue; nullopt for any other escape or a trailing backslash.
std::optional<std::string> unescapeValue(std::string_view text);

} // namespace Portal::SensorNodeSim
