#pragma once
// Sizes of the device link (DESIGN §4.1), shared by host, gateway and firmware. Every buffer of
// the protocol library is sized from these, so a frame that fits them needs no heap anywhere.

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

// The version byte at the start of every frame body. A reader drops other versions.
constexpr uint8_t kLinkVersion = 2;

// Largest CBOR payload of one frame.
constexpr size_t kMaxPayloadBytes = 200;

// Body = version(1) type(1) seq(2, big-endian) payload crc16(2, big-endian).
constexpr size_t kBodyHeaderBytes = 4;
constexpr size_t kCrcBytes = 2;
constexpr size_t kMinBodyBytes = kBodyHeaderBytes + kCrcBytes; // 6: empty payload
constexpr size_t kMaxBodyBytes = kBodyHeaderBytes + kMaxPayloadBytes + kCrcBytes; // 206

// COBS adds one code byte per started run of 254 data bytes (at least one).
constexpr size_t cobsMaxEncodedBytes(size_t decodedBytes)
{
    return decodedBytes + decodedBytes / 254 + 1;
}

constexpr size_t kMaxEncodedBodyBytes = cobsMaxEncodedBytes(kMaxBodyBytes); // 207
// A complete frame on the wire: encoded body plus the 0x00 delimiter.
constexpr size_t kMaxFrameBytes = kMaxEncodedBodyBytes + 1; // 208

constexpr uint8_t kFrameDelimiter = 0x00;

static_assert(kMaxFrameBytes == 208, "frame bound changed: update docs/protocol.md");

} // namespace Protocol
} // namespace Portal
