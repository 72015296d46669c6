#include "frame.h"

#include "cobs.h"
#include "crc16.h"

#include <string.h>

namespace Portal {
namespace Protocol {

namespace {

FrameEncodeResult encodeFailure(FrameEncodeError error)
{
    FrameEncodeResult result = {error, 0};
    return result;
}

void increment(uint32_t &counter)
{
    if (counter != 0xFFFFFFFFu)
        ++counter;
}

} // namespace

FrameEncodeResult encodeFrame(uint8_t type, uint16_t seq, const uint8_t *payload,
                              size_t payloadSize, uint8_t *output, size_t outputCapacity)
{
    return encodeFrameParts(type, seq, payload, payloadSize, nullptr, 0, output, outputCapacity);
}

FrameEncodeResult encodeFrameParts(uint8_t type, uint16_t seq, const uint8_t *payload,
                                   size_t payloadSize, const uint8_t *trailer, size_t trailerSize,
                                   uint8_t *output, size_t outputCapacity)
{
    if (payloadSize > kMaxPayloadBytes || trailerSize > kMaxPayloadBytes - payloadSize)
        return encodeFailure(FrameEncodeError::PayloadTooLarge);
    uint8_t body[kMaxBodyBytes];
    body[0] = kLinkVersion;
    body[1] = type;
    body[2] = static_cast<uint8_t>(seq >> 8);
    body[3] = static_cast<uint8_t>(seq & 0xFF);
    if (payloadSize > 0)
        memcpy(body + kBodyHeaderBytes, payload, payloadSize);
    if (trailerSize > 0)
        memcpy(body + kBodyHeaderBytes + payloadSize, trailer, trailerSize);
    const size_t crcOffset = kBodyHeaderBytes + payloadSize + trailerSize;
    const uint16_t crc = crc16CcittFalse(body, crcOffset);
    body[crcOffset] = static_cast<uint8_t>(crc >> 8);
    body[crcOffset + 1] = static_cast<uint8_t>(crc & 0xFF);
    const size_t bodySize = crcOffset + kCrcBytes;

    if (outputCapacity < 1)
        return encodeFailure(FrameEncodeError::OutputTooSmall);
    const CobsResult encoded = cobsEncode(body, bodySize, output, outputCapacity - 1);
    if (encoded.error != CobsError::None)
        return encodeFailure(FrameEncodeError::OutputTooSmall);
    output[encoded.size] = kFrameDelimiter;
    FrameEncodeResult result = {FrameEncodeError::None, encoded.size + 1};
    return result;
}

FrameReader::FrameReader()
    : m_encodedSize(0), m_overflowed(false), m_hasFrame(false), m_drops(), m_delivered(0)
{
    m_frame.version = 0;
    m_frame.type = 0;
    m_frame.seq = 0;
    m_frame.payload = makeByteView(m_buffer, 0);
}

void FrameReader::reset()
{
    m_encodedSize = 0;
    m_overflowed = false;
    m_hasFrame = false;
}

bool FrameReader::feed(uint8_t byte)
{
    m_hasFrame = false;
    if (byte == kFrameDelimiter) {
        if (m_overflowed) {
            increment(m_drops.oversize);
        } else if (m_encodedSize > 0) {
            m_hasFrame = finishFrame();
        }
        m_encodedSize = 0;
        m_overflowed = false;
        return m_hasFrame;
    }
    if (m_overflowed)
        return false;
    if (m_encodedSize >= kMaxEncodedBodyBytes) {
        m_overflowed = true;
        return false;
    }
    m_buffer[m_encodedSize++] = byte;
    return false;
}

size_t FrameReader::feed(const uint8_t *data, size_t size)
{
    m_hasFrame = false;
    for (size_t i = 0; i < size; ++i) {
        if (feed(data[i]))
            return i + 1;
    }
    return size;
}

bool FrameReader::finishFrame()
{
    uint8_t *const body = m_buffer;
    const CobsResult decoded = cobsDecode(m_buffer, m_encodedSize, body, kMaxBodyBytes);
    if (decoded.error == CobsError::OutputTooSmall) {
        increment(m_drops.oversize);
        return false;
    }
    if (decoded.error != CobsError::None) {
        increment(m_drops.badCobs);
        return false;
    }
    if (decoded.size < kMinBodyBytes) {
        increment(m_drops.tooShort);
        return false;
    }
    const size_t crcOffset = decoded.size - kCrcBytes;
    const uint16_t expectedCrc = crc16CcittFalse(body, crcOffset);
    const uint16_t receivedCrc =
        static_cast<uint16_t>((static_cast<uint16_t>(body[crcOffset]) << 8) | body[crcOffset + 1]);
    if (expectedCrc != receivedCrc) {
        increment(m_drops.badCrc);
        return false;
    }
    if (body[0] != kLinkVersion) {
        increment(m_drops.badVersion);
        return false;
    }
    m_frame.version = body[0];
    m_frame.type = body[1];
    m_frame.seq = static_cast<uint16_t>((static_cast<uint16_t>(body[2]) << 8) | body[3]);
    m_frame.payload = makeByteView(body + kBodyHeaderBytes, crcOffset - kBodyHeaderBytes);
    increment(m_delivered);
    return true;
}

} // namespace Protocol
} // namespace Portal
