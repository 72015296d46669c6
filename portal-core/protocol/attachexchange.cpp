#include "attachexchange.h"

#include <string.h>

namespace Portal {
namespace Protocol {

const char kAttachProofLabel[] = "iot-portal attach proof v2";
const char kAttachAuthorisationLabel[] = "iot-portal attach authorisation v2";
const char kLinkKeyInfo[] = "iot-portal link key v2";

namespace {

ByteView labelView(const char *label)
{
    return makeByteView(reinterpret_cast<const uint8_t *>(label), strlen(label));
}

void writeBigEndian32(uint8_t out[4], uint32_t value)
{
    out[0] = uint8_t(value >> 24);
    out[1] = uint8_t(value >> 16);
    out[2] = uint8_t(value >> 8);
    out[3] = uint8_t(value);
}

// The 4 header bytes and the counter around the message, as the MAC sees them.
void computeTag(LinkDirection direction, uint8_t typeByte, uint16_t seq, const uint8_t *message,
                size_t messageSize, const uint8_t counter[4], const LinkMac &mac, uint8_t tag[32])
{
    const uint8_t header[5] = {uint8_t(direction), kLinkVersion, typeByte, uint8_t(seq >> 8),
                               uint8_t(seq)};
    mac.begin(mac.context);
    mac.update(mac.context, header, sizeof header);
    if (messageSize > 0)
        mac.update(mac.context, message, messageSize);
    mac.update(mac.context, counter, kLinkCounterBytes);
    mac.finish(mac.context, tag);
}

} // namespace

SignedParts attachProofParts(const uint8_t challenge[kAttachChallengeBytes],
                             const uint8_t deviceId[kDeviceIdBytes],
                             const uint8_t gatewayKey[kPublicKeyBytes],
                             const uint8_t deviceKey[kPublicKeyBytes])
{
    SignedParts parts;
    parts.part[0] = labelView(kAttachProofLabel);
    parts.part[1] = makeByteView(challenge, kAttachChallengeBytes);
    parts.part[2] = makeByteView(deviceId, kDeviceIdBytes);
    parts.part[3] = makeByteView(gatewayKey, kPublicKeyBytes);
    parts.part[4] = makeByteView(deviceKey, kPublicKeyBytes);
    parts.count = 5;
    return parts;
}

SignedParts attachAuthorisationParts(const uint8_t deviceId[kDeviceIdBytes],
                                     const uint8_t challenge[kAttachChallengeBytes],
                                     const uint8_t gatewayKey[kPublicKeyBytes],
                                     const uint8_t deviceKey[kPublicKeyBytes],
                                     const char *gatewayId, size_t gatewayIdSize)
{
    SignedParts parts;
    parts.part[0] = labelView(kAttachAuthorisationLabel);
    parts.part[1] = makeByteView(deviceId, kDeviceIdBytes);
    parts.part[2] = makeByteView(challenge, kAttachChallengeBytes);
    parts.part[3] = makeByteView(gatewayKey, kPublicKeyBytes);
    parts.part[4] = makeByteView(deviceKey, kPublicKeyBytes);
    parts.part[5] = makeByteView(reinterpret_cast<const uint8_t *>(gatewayId), gatewayIdSize);
    parts.count = 6;
    return parts;
}

bool isSealedType(uint8_t type)
{
    return type == uint8_t(MessageType::Reading) || type == uint8_t(MessageType::Command) ||
           type == uint8_t(MessageType::CommandStatus) || type == uint8_t(MessageType::Ack) ||
           type == uint8_t(MessageType::Error);
}

FrameEncodeResult encodeSealedFrame(uint8_t type, uint16_t seq, const uint8_t *message,
                                    size_t messageSize, uint32_t counter, LinkDirection direction,
                                    const LinkMac &mac, uint8_t *output, size_t outputCapacity)
{
    if (messageSize > kMaxSealedMessageBytes) {
        FrameEncodeResult result = {FrameEncodeError::PayloadTooLarge, 0};
        return result;
    }
    uint8_t trailer[kSealBytes];
    writeBigEndian32(trailer, counter);
    const uint8_t typeByte = uint8_t(type | kSealedTypeFlag);
    uint8_t tag[32];
    computeTag(direction, typeByte, seq, message, messageSize, trailer, mac, tag);
    memcpy(trailer + kLinkCounterBytes, tag, kLinkTagBytes);
    return encodeFrameParts(typeByte, seq, message, messageSize, trailer, sizeof trailer, output,
                            outputCapacity);
}

SealError openSealedFrame(const Frame &frame, LinkDirection direction, const LinkMac &mac,
                          uint32_t lastCounter, OpenedFrame &opened)
{
    if ((frame.type & kSealedTypeFlag) == 0)
        return SealError::NotSealed;
    if (frame.payload.size < kSealBytes)
        return SealError::TooShort;
    const size_t messageSize = frame.payload.size - kSealBytes;
    const uint8_t *trailer = frame.payload.data + messageSize;
    uint8_t tag[32];
    computeTag(direction, frame.type, frame.seq, frame.payload.data, messageSize, trailer, mac,
               tag);
    uint8_t difference = 0;
    for (size_t i = 0; i < kLinkTagBytes; ++i)
        difference |= uint8_t(tag[i] ^ trailer[kLinkCounterBytes + i]);
    if (difference != 0)
        return SealError::BadTag;
    const uint32_t counter = (uint32_t(trailer[0]) << 24) | (uint32_t(trailer[1]) << 16) |
                             (uint32_t(trailer[2]) << 8) | uint32_t(trailer[3]);
    if (counter <= lastCounter)
        return SealError::Replayed;
    opened.type = uint8_t(frame.type & ~kSealedTypeFlag);
    opened.seq = frame.seq;
    opened.counter = counter;
    opened.message = makeByteView(frame.payload.data, messageSize);
    return SealError::None;
}

} // namespace Protocol
} // namespace Portal
