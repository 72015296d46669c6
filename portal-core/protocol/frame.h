#pragma once
// Device-link frames (DESIGN §4.1): COBS(version type seq(BE16) payload crc16(BE16)) 0x00.
// The CRC (crc16.h) covers version, type, seq and payload.

#include "bytes.h"
#include "limits.h"

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

enum class FrameEncodeError : uint8_t {
    None = 0,
    PayloadTooLarge, // payload longer than kMaxPayloadBytes
    OutputTooSmall,  // output capacity below what this frame needs (kMaxFrameBytes always fits)
};

struct FrameEncodeResult
{
    FrameEncodeError error;
    size_t size; // bytes written including the trailing 0x00; 0 on error
};

// Writes one complete frame with version kLinkVersion into `output`. `payload` may be null
// when `payloadSize` is 0. Uses kMaxBodyBytes of stack.
FrameEncodeResult encodeFrame(uint8_t type, uint16_t seq, const uint8_t *payload,
                              size_t payloadSize, uint8_t *output, size_t outputCapacity);
// The same with the frame's payload given as payload ‖ trailer (either may be empty), so a
// caller that appends a few bytes (a sealed frame's counter and tag) needs no copy of its own.
FrameEncodeResult encodeFrameParts(uint8_t type, uint16_t seq, const uint8_t *payload,
                                   size_t payloadSize, const uint8_t *trailer, size_t trailerSize,
                                   uint8_t *output, size_t outputCapacity);

// A frame delivered by FrameReader. `payload` points into the reader and stays valid until
// the next call to feed().
struct Frame
{
    uint8_t version;
    uint8_t type;
    uint16_t seq;
    ByteView payload;
};

// Why frames were dropped, each counted once per dropped frame. Counters saturate.
struct FrameDropCounters
{
    uint32_t oversize;   // more than kMaxEncodedBodyBytes before the next 0x00
    uint32_t badCobs;    // the encoded body is not valid COBS
    uint32_t badCrc;     // CRC mismatch
    uint32_t badVersion; // CRC fine, version byte is not kLinkVersion
    uint32_t tooShort;   // decoded body shorter than kMinBodyBytes
};

// Byte-stream frame reader. Feed it whatever arrives; it hands out each complete valid frame
// and resynchronises at every 0x00, so garbage costs at most the frame it hits. Empty frames
// (0x00 0x00) are idle fill, not drops. Memory: fixed, about 240 bytes (the body is decoded in
// place); no input can make it read or write outside its buffer or loop.
class FrameReader
{
public:
    FrameReader();

    // Consumes one byte; returns true when it completed a valid frame (see frame()).
    bool feed(uint8_t byte);

    // Consumes bytes up to and including the first one that completes a valid frame and
    // returns how many it consumed; check hasFrame() after each call and call again with the
    // rest.
    size_t feed(const uint8_t *data, size_t size);

    // Whether the last feed completed a frame; cleared by the next feed.
    bool hasFrame() const { return m_hasFrame; }
    // The frame completed by the last feed; meaningful only while hasFrame().
    const Frame &frame() const { return m_frame; }

    const FrameDropCounters &drops() const { return m_drops; }
    uint32_t framesDelivered() const { return m_delivered; }

    // Forgets any partial frame (as if a 0x00 arrived without counting it). Counters stay.
    void reset();

private:
    bool finishFrame();

    // Collects the encoded body; a complete one is decoded in place, so the payload view of a
    // delivered frame points here too and is overwritten by the next byte fed.
    uint8_t m_buffer[kMaxEncodedBodyBytes];
    size_t m_encodedSize;
    bool m_overflowed;
    bool m_hasFrame;
    Frame m_frame;
    FrameDropCounters m_drops;
    uint32_t m_delivered;
};

} // namespace Protocol
} // namespace Portal
