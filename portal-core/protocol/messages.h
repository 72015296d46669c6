#pragma once
// The device-link message set (DESIGN §4.1). Message type numbers, CBOR map keys and wire
// error codes are defined here and nowhere else; docs/protocol.md lists them.
//
// Every payload is one CBOR map with small unsigned keys, except READING and
// PROV_TEST_READING_RESPONSE, whose payload is the COSE_Sign1_Tagged message itself (cose.h),
// so it can be forwarded unchanged. Each message struct has:
//   encode(Payload &)  writes canonical CBOR, keys ascending; OutOfRange if a field breaks its
//                      bound (text too long or not UTF-8, enum value unknown).
//   decode(ByteView)   accepts only canonical CBOR with every required key once, no unknown
//                      key, every value of its type and range, nothing after the map. On error
//                      the struct's fields are unspecified.

#include "bytes.h"
#include "cose.h"
#include "limits.h"

#include <stddef.h>
#include <stdint.h>
#include <string.h>

namespace Portal {
namespace Protocol {

enum class MessageType : uint8_t {
    Hello = 0x01,           // device → gateway
    AttachChallenge = 0x02, // gateway → device
    AttachProof = 0x03,     // device → gateway
    Reading = 0x04,         // device → gateway
    Command = 0x05,         // gateway → device
    CommandStatus = 0x06,   // device → gateway
    Ack = 0x07,             // either way
    Error = 0x08,           // either way
    AttachAccept = 0x09,    // gateway → device
    ProvInfoRequest = 0x20, // wizard → device; the rest of 0x2x likewise request/response
    ProvInfoResponse = 0x21,
    ProvSetConfig = 0x22, // answered with ACK or ERROR
    ProvGenKeyRequest = 0x23,
    ProvGenKeyResponse = 0x24,
    ProvTestReadingRequest = 0x25,
    ProvTestReadingResponse = 0x26,
    ProvLock = 0x27,         // answered with ACK or ERROR
    ProvSetAuthority = 0x28, // answered with ACK or ERROR; accepted while locked, once
};

bool isKnownMessageType(uint8_t type);
const char *messageTypeName(MessageType type);

// Codes carried by ERROR (key 1).
enum class ErrorCode : uint8_t {
    Malformed = 1,          // the payload did not decode
    UnknownMessageType = 2, // the frame's type is not one the receiver handles
    UnsupportedVersion = 3,
    NotProvisioned = 4, // the device has no configuration or key yet
    Locked = 5,         // provisioning message after PROV_LOCK
    Busy = 6,           // try again later (e.g. key generation in progress)
    BadState = 7,       // message not valid now (e.g. PROV_LOCK before PROV_GENKEY)
    InvalidArgument = 8,
    Internal = 9, // storage or hardware failure on the sender
};

// Outcome carried by COMMAND_STATUS (key 2).
enum class CommandStatus : uint8_t {
    Done = 0,
    Rejected = 1, // the device refuses (e.g. not allowed in its state)
    UnknownActuator = 2,
    ValueOutOfRange = 3,
    Failed = 4,
};

// Device state in PROV_INFO_RESPONSE (key 3).
enum class ProvisioningState : uint8_t {
    Factory = 0,      // no configuration, no key
    Configured = 1,   // PROV_SET_CONFIG accepted
    KeyGenerated = 2, // PROV_GENKEY done; public key known
    Locked = 3,       // PROV_LOCK done; provisioning messages refused
};

// Capability bits of HELLO / PROV_INFO_RESPONSE.
constexpr uint16_t kCapabilityReadings = 0x0001;
constexpr uint16_t kCapabilityCommands = 0x0002;
constexpr uint16_t kCapabilityProvisioning = 0x0004;

// The portal's single-use attach challenge (attachexchange.h).
constexpr size_t kAttachChallengeBytes = 16;
// Gateway ids as the portal names them ([a-z0-9-]{1,40}).
constexpr size_t kMaxGatewayIdBytes = 40;
constexpr size_t kHostEntropyBytes = 32;
// SEC1 uncompressed point 04 ‖ x ‖ y: what OpenSSL and the portal store import directly.
constexpr size_t kPublicKeyBytes = 65;
constexpr size_t kMaxFirmwareVersionBytes = 16;
constexpr size_t kMaxBoardNameBytes = 16;
constexpr size_t kMaxClassAttributeBytes = 24;
constexpr uint8_t kMinChannel = 11; // IEEE 802.15.4 2.4 GHz channels
constexpr uint8_t kMaxChannel = 26;
constexpr uint32_t kMinReportingIntervalS = 1;
constexpr uint32_t kMaxReportingIntervalS = 86400;

enum class MessageError : uint8_t {
    None = 0,
    BufferTooSmall, // encode: does not fit kMaxPayloadBytes
    MalformedCbor,  // not canonical, well-formed CBOR, or not a map, or trailing bytes
    WrongType,      // a value of the wrong CBOR type
    MissingKey,
    DuplicateKey,
    UnknownKey, // key not defined for this message (unknown keys are never skipped)
    OutOfRange, // value, length or enum outside its bound
    BadReading, // READING payload refused by decodeSignedReading()
};

const char *messageErrorName(MessageError error);

// An encoded message payload, ready for encodeFrame().
struct Payload
{
    uint8_t bytes[kMaxPayloadBytes];
    size_t size;
};

// UTF-8 text of at most Capacity bytes, not NUL-terminated.
template<size_t Capacity>
struct BoundedText
{
    char data[Capacity];
    uint8_t size;

    static constexpr size_t capacity() { return Capacity; }
    // False (and unchanged) if `text` does not fit.
    bool assign(const char *text, size_t textSize)
    {
        if (textSize > Capacity)
            return false;
        if (textSize > 0)
            memcpy(data, text, textSize);
        size = static_cast<uint8_t>(textSize);
        return true;
    }
    bool equals(const char *text, size_t textSize) const
    {
        return textSize == size && (size == 0 || memcmp(data, text, size) == 0);
    }
};

typedef BoundedText<kMaxFirmwareVersionBytes> FirmwareVersionText;
typedef BoundedText<kMaxBoardNameBytes> BoardNameText;
typedef BoundedText<kMaxClassAttributeBytes> ClassAttributeText;
typedef BoundedText<kMaxGatewayIdBytes> GatewayIdText;

// Matched by the portal's device classes (DESIGN §5). Keys 3, 4, 5 wherever they appear.
struct ClassAttributes
{
    ClassAttributeText vendor;
    ClassAttributeText type;
    ClassAttributeText subscriber;
};

// {1: device id bstr(8), 2: fw version text(≤16), 3: vendor, 4: type, 5: subscriber
//  (text ≤24 each), 6: capabilities u16, 7: public key bstr(65, 04‖x‖y)}
struct HelloMessage
{
    static constexpr MessageType kType = MessageType::Hello;
    uint8_t deviceId[kDeviceIdBytes];
    FirmwareVersionText firmwareVersion;
    ClassAttributes classAttributes;
    uint16_t capabilities;
    uint8_t publicKey[kPublicKeyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: challenge bstr(16), 2: gateway's ephemeral P-256 key G bstr(65, 04‖x‖y)}
struct AttachChallengeMessage
{
    static constexpr MessageType kType = MessageType::AttachChallenge;
    uint8_t challenge[kAttachChallengeBytes];
    uint8_t gatewayKey[kPublicKeyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: device's ephemeral P-256 key D bstr(65), 2: signature bstr(64)}: ES256 r‖s with the
// device key over attachProofParts() (attachexchange.h).
struct AttachProofMessage
{
    static constexpr MessageType kType = MessageType::AttachProof;
    uint8_t deviceKey[kPublicKeyBytes];
    uint8_t signature[kEs256SignatureBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: gateway id text(1..40), 2: authorisation bstr(64)}: the portal's ES256 r‖s with the
// device-authority key over attachAuthorisationParts().
struct AttachAcceptMessage
{
    static constexpr MessageType kType = MessageType::AttachAccept;
    GatewayIdText gatewayId;
    uint8_t authorisation[kEs256SignatureBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// Payload = COSE_Sign1_Tagged bytes. encode copies `sign1`; decode sets `sign1` to the
// payload view (valid while it is), and fills `view` and `reading` (kid == device id checked).
struct SignedReadingMessage
{
    ByteView sign1;
    CoseSign1View view;
    SignedReading reading;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

struct ReadingMessage : SignedReadingMessage
{
    static constexpr MessageType kType = MessageType::Reading;
};

// {1: command id u32, 2: actuator index u8, 3: value int32}
struct CommandMessage
{
    static constexpr MessageType kType = MessageType::Command;
    uint32_t commandId;
    uint8_t actuatorIndex;
    int32_t value;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: command id u32, 2: status u8 (CommandStatus), 3: value int32 (actuator's value now)}
struct CommandStatusMessage
{
    static constexpr MessageType kType = MessageType::CommandStatus;
    uint32_t commandId;
    CommandStatus status;
    int32_t value;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: acked frame seq u16, 2: reading counter u32 (only when acknowledging a READING; the
// counter, not the seq, identifies a resent reading)}
struct AckMessage
{
    static constexpr MessageType kType = MessageType::Ack;
    uint16_t ackedSeq;
    bool hasReadingCounter;
    uint32_t readingCounter;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: code u8 (ErrorCode, 1..255; unknown codes are kept), 2: seq of the refused frame u16}
struct ErrorMessage
{
    static constexpr MessageType kType = MessageType::Error;
    ErrorCode code;
    uint16_t refersToSeq;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {} (empty map)
struct ProvInfoRequestMessage
{
    static constexpr MessageType kType = MessageType::ProvInfoRequest;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: device id bstr(8), 2: fw version text(≤16), 3: state u8 (ProvisioningState),
//  4: capabilities u16, 5: public key bstr(65) — present once a key exists,
//  6: board text(≤16), e.g. "mega2560" or "host-sim", 7: has the authority key u8 (0/1)}
struct ProvInfoResponseMessage
{
    static constexpr MessageType kType = MessageType::ProvInfoResponse;
    uint8_t deviceId[kDeviceIdBytes];
    FirmwareVersionText firmwareVersion;
    ProvisioningState state;
    uint16_t capabilities;
    bool hasPublicKey;
    uint8_t publicKey[kPublicKeyBytes];
    BoardNameText board;
    bool hasAuthority; // key 7, u8 0/1: the device holds the portal's device-authority key

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: PAN id u16, 2: channel u8 (11..26), 3: vendor, 4: type, 5: subscriber,
//  6: reporting interval s u32 (1..86400), 7: the portal's device-authority public key
//  bstr(65, 04‖x‖y)}
struct ProvSetConfigMessage
{
    static constexpr MessageType kType = MessageType::ProvSetConfig;
    uint16_t panId;
    uint8_t channel;
    ClassAttributes classAttributes;
    uint32_t reportingIntervalS;
    uint8_t authorityKey[kPublicKeyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: host entropy bstr(32)}; the device mixes it with its own before generating the key.
struct ProvGenKeyRequestMessage
{
    static constexpr MessageType kType = MessageType::ProvGenKeyRequest;
    uint8_t hostEntropy[kHostEntropyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: public key bstr(65), first byte 0x04}
struct ProvGenKeyResponseMessage
{
    static constexpr MessageType kType = MessageType::ProvGenKeyResponse;
    uint8_t publicKey[kPublicKeyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: sensor index u8}
struct ProvTestReadingRequestMessage
{
    static constexpr MessageType kType = MessageType::ProvTestReadingRequest;
    uint8_t sensorIndex;

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// Same payload as READING; not queued or acknowledged like one.
struct ProvTestReadingResponseMessage : SignedReadingMessage
{
    static constexpr MessageType kType = MessageType::ProvTestReadingResponse;
};

// {1: device id bstr(8)}: the device locks only if the id is its own.
struct ProvLockMessage
{
    static constexpr MessageType kType = MessageType::ProvLock;
    uint8_t deviceId[kDeviceIdBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

// {1: the portal's device-authority public key bstr(65)}: for a device provisioned before
// device-link version 2, which holds none. Accepted once, also while locked.
struct ProvSetAuthorityMessage
{
    static constexpr MessageType kType = MessageType::ProvSetAuthority;
    uint8_t authorityKey[kPublicKeyBytes];

    MessageError encode(Payload &payload) const;
    MessageError decode(ByteView payload);
};

} // namespace Protocol
} // namespace Portal
