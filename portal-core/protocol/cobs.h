#pragma once
// Consistent Overhead Byte Stuffing (Cheshire & Baker, 1999): removes every 0x00 from a byte
// string so 0x00 can delimit frames. The delimiter itself is not part of these functions.
// Encoding of n bytes needs at most cobsMaxEncodedBytes(n) (limits.h); a run of 254 non-zero
// bytes at the very end is not followed by an extra 0x01 code (the shortest form).

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

enum class CobsError : uint8_t {
    None = 0,
    OutputTooSmall, // the output capacity cannot hold the result
    ZeroInInput,    // decode: the encoded input contains a 0x00 byte
    TruncatedBlock, // decode: a code byte announces more bytes than remain, or input is empty
};

struct CobsResult
{
    CobsError error;
    size_t size; // bytes written to the output; 0 on error
};

// Encodes `inputSize` bytes into `output` (capacity `outputCapacity`). Input and output must
// not overlap. Never writes past `outputCapacity`.
CobsResult cobsEncode(const uint8_t *input, size_t inputSize, uint8_t *output,
                      size_t outputCapacity);

// Decodes one encoded block (without its 0x00 delimiter). `output` may equal `input` (in-place
// decoding: every byte is written at or before a position already read); other overlaps are
// not allowed. Never reads past `inputSize` nor writes past `outputCapacity`.
CobsResult cobsDecode(const uint8_t *input, size_t inputSize, uint8_t *output,
                      size_t outputCapacity);

} // namespace Protocol
} // namespace Portal
