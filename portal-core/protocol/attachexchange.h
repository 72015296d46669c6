#pragma once
// The attach exchange and the authenticated link of device-link version 2 (docs/protocol.md
// "Attach" and "Sealed frames"), defined once for the device, the gateway and the portal.
//
// What each side signs or MACs is listed here as parts, fed in order to a hash or MAC without
// being concatenated, so the device needs no buffer for them. Every signed or MACed string
// starts with its own context label, so none can be taken for a COSE Sig_structure (which
// starts with a CBOR array head) or for another message.
//
// Sealed frames: a READING, ACK, COMMAND, COMMAND_STATUS or ERROR sent on an attached link
// has kSealedTypeFlag set in its type byte, and its payload is message ‖ counter(4, BE) ‖
// tag(16): the first 16 bytes of HMAC-SHA-256(link key, direction ‖ version ‖ type ‖ seq(2)
// ‖ message ‖ counter). Counters start at 1 after each attach, per direction, and a receiver
// accepts only a counter above the last one it accepted.

#include "bytes.h"
#include "frame.h"
#include "limits.h"
#include "messages.h"

#include <stddef.h>
#include <stdint.h>

namespace Portal {
namespace Protocol {

// The labels, ASCII, signed or MACed without a terminating NUL.
extern const char kAttachProofLabel[];         // "iot-portal attach proof v2"
extern const char kAttachAuthorisationLabel[]; // "iot-portal attach authorisation v2"
extern const char kLinkKeyInfo[];              // "iot-portal link key v2" (HKDF info)

constexpr size_t kLinkKeyBytes = 32;
constexpr size_t kLinkCounterBytes = 4;
constexpr size_t kLinkTagBytes = 16;
constexpr size_t kSealBytes = kLinkCounterBytes + kLinkTagBytes;
// The largest message a sealed frame carries.
constexpr size_t kMaxSealedMessageBytes = kMaxPayloadBytes - kSealBytes; // 180
constexpr uint8_t kSealedTypeFlag = 0x80;

static_assert(kMaxSign1Bytes <= kMaxSealedMessageBytes, "a sealed READING must fit a frame");

enum class LinkDirection : uint8_t { DeviceToGateway = 1, GatewayToDevice = 2 };

// Up to 7 byte ranges, in order.
struct SignedParts
{
    ByteView part[7];
    uint8_t count;
};

// ATTACH_PROOF: label ‖ challenge(16) ‖ device id(8) ‖ G(65) ‖ D(65), signed by the device key.
SignedParts attachProofParts(const uint8_t challenge[kAttachChallengeBytes],
                             const uint8_t deviceId[kDeviceIdBytes],
                             const uint8_t gatewayKey[kPublicKeyBytes],
                             const uint8_t deviceKey[kPublicKeyBytes]);

// ATTACH_ACCEPT: label ‖ device id(8) ‖ challenge(16) ‖ G(65) ‖ D(65) ‖ gateway id (1..40
// bytes), signed by the portal's device-authority key.
SignedParts attachAuthorisationParts(const uint8_t deviceId[kDeviceIdBytes],
                                     const uint8_t challenge[kAttachChallengeBytes],
                                     const uint8_t gatewayKey[kPublicKeyBytes],
                                     const uint8_t deviceKey[kPublicKeyBytes],
                                     const char *gatewayId, size_t gatewayIdSize);

// HMAC-SHA-256 keyed with one link key, as a table of functions that the device and the gateway
// each fill with their own crypto (FirmwareCrypto, OpenSSL). Not a virtual class: the firmware
// is built without RTTI and the host library that calls it with, which a sanitizer's vptr check
// cannot reconcile.
struct LinkMac
{
    void *context;
    void (*begin)(void *context);
    void (*update)(void *context, const uint8_t *data, size_t size);
    void (*finish)(void *context, uint8_t tag[32]);
};

// Whether frames of this (unsealed) type are sealed on an attached link.
bool isSealedType(uint8_t type);

// Encodes a sealed frame of `type` (without the flag; a type for which isSealedType holds).
// PayloadTooLarge when `messageSize` exceeds kMaxSealedMessageBytes. Stack: one frame body
// (kMaxBodyBytes) and a 32-byte tag.
FrameEncodeResult encodeSealedFrame(uint8_t type, uint16_t seq, const uint8_t *message,
                                    size_t messageSize, uint32_t counter, LinkDirection direction,
                                    const LinkMac &mac, uint8_t *output, size_t outputCapacity);

enum class SealError : uint8_t {
    None = 0,
    NotSealed, // the type byte lacks kSealedTypeFlag
    TooShort,  // payload shorter than kSealBytes
    BadTag,    // the tag does not match (constant-time comparison)
    Replayed,  // tag fine, counter not above the last accepted one
};

struct OpenedFrame
{
    uint8_t type; // without the flag
    uint16_t seq;
    uint32_t counter;
    ByteView message; // points into the frame's payload
};

// Checks a frame's seal; on None the caller accepts `opened` and records its counter as the
// new last accepted one. `lastCounter` is the last accepted counter (0: none yet).
SealError openSealedFrame(const Frame &frame, LinkDirection direction, const LinkMac &mac,
                          uint32_t lastCounter, OpenedFrame &opened);

} // namespace Protocol
} // namespace Portal
