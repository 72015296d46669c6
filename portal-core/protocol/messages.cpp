#include "messages.h"

#include "cbor.h"

namespace Portal {
namespace Protocol {

constexpr MessageType HelloMessage::kType;
constexpr MessageType AttachChallengeMessage::kType;
constexpr MessageType AttachProofMessage::kType;
constexpr MessageType AttachAcceptMessage::kType;
constexpr MessageType ReadingMessage::kType;
constexpr MessageType CommandMessage::kType;
constexpr MessageType CommandStatusMessage::kType;
constexpr MessageType AckMessage::kType;
constexpr MessageType ErrorMessage::kType;
constexpr MessageType ProvInfoRequestMessage::kType;
constexpr MessageType ProvInfoResponseMessage::kType;
constexpr MessageType ProvSetConfigMessage::kType;
constexpr MessageType ProvGenKeyRequestMessage::kType;
constexpr MessageType ProvGenKeyResponseMessage::kType;
constexpr MessageType ProvTestReadingRequestMessage::kType;
constexpr MessageType ProvTestReadingResponseMessage::kType;
constexpr MessageType ProvSetAuthorityMessage::kType;

namespace {

constexpr uint8_t kSec1Uncompressed = 0x04;

// Keys shared by the messages that carry them.
constexpr uint8_t kKeyVendor = 3;
constexpr uint8_t kKeyType = 4;
constexpr uint8_t kKeySubscriber = 5;

uint32_t keyBit(uint8_t key)
{
    return static_cast<uint32_t>(1) << key;
}

MessageError fromCbor(CborError error)
{
    switch (error) {
    case CborError::None:
        return MessageError::None;
    case CborError::WrongType:
        return MessageError::WrongType;
    case CborError::InvalidUtf8:
    case CborError::StringTooLong:
    case CborError::OutOfRange:
        return MessageError::OutOfRange;
    default:
        return MessageError::MalformedCbor;
    }
}

template<size_t Capacity>
bool isValidText(const BoundedText<Capacity> &text)
{
    return text.size <= Capacity &&
           isValidUtf8(reinterpret_cast<const uint8_t *>(text.data), text.size);
}

bool isValidClassAttributes(const ClassAttributes &attributes)
{
    return isValidText(attributes.vendor) && isValidText(attributes.type) &&
           isValidText(attributes.subscriber);
}

// Writes into a Payload; all writes after the first overflow fail (CborWriter is sticky).
class MapEncoder
{
public:
    MapEncoder(Payload &payload, uint8_t pairs)
        : m_payload(payload), m_writer(payload.bytes, kMaxPayloadBytes)
    {
        m_writer.beginMap(pairs);
    }
    void unsignedField(uint8_t key, uint64_t value)
    {
        m_writer.writeUnsigned(key);
        m_writer.writeUnsigned(value);
    }
    void intField(uint8_t key, int64_t value)
    {
        m_writer.writeUnsigned(key);
        m_writer.writeInt(value);
    }
    void bytesField(uint8_t key, const uint8_t *data, size_t size)
    {
        m_writer.writeUnsigned(key);
        m_writer.writeBytes(data, size);
    }
    template<size_t Capacity>
    void textField(uint8_t key, const BoundedText<Capacity> &text)
    {
        m_writer.writeUnsigned(key);
        m_writer.writeText(text.data, text.size);
    }
    void classAttributes(const ClassAttributes &attributes)
    {
        textField(kKeyVendor, attributes.vendor);
        textField(kKeyType, attributes.type);
        textField(kKeySubscriber, attributes.subscriber);
    }
    MessageError finish()
    {
        if (!m_writer.ok())
            return MessageError::BufferTooSmall;
        m_payload.size = m_writer.size();
        return MessageError::None;
    }

private:
    Payload &m_payload;
    CborWriter m_writer;
};

// Walks one payload map: keys are unsigned, below 32, each at most once.
class MapDecoder
{
public:
    explicit MapDecoder(ByteView payload) : m_reader(payload.data, payload.size) {}

    MessageError begin()
    {
        if (m_reader.enterMap(m_pairs) != CborError::None)
            return MessageError::MalformedCbor;
        return MessageError::None;
    }

    // `more` false once all pairs are read.
    MessageError nextKey(uint8_t &key, bool &more)
    {
        more = m_readPairs < m_pairs;
        if (!more)
            return MessageError::None;
        ++m_readPairs;
        uint64_t rawKey = 0;
        const CborError error = m_reader.readUnsigned(rawKey);
        if (error == CborError::WrongType)
            return MessageError::UnknownKey;
        if (error != CborError::None)
            return MessageError::MalformedCbor;
        if (rawKey >= 32)
            return MessageError::UnknownKey;
        key = static_cast<uint8_t>(rawKey);
        if (m_seen & keyBit(key))
            return MessageError::DuplicateKey;
        m_seen |= keyBit(key);
        return MessageError::None;
    }

    MessageError fixedBytes(uint8_t *out, size_t size)
    {
        ByteView bytes;
        const CborError error = m_reader.readBytes(bytes);
        if (error != CborError::None)
            return fromCbor(error);
        if (bytes.size != size)
            return MessageError::OutOfRange;
        memcpy(out, bytes.data, size);
        return MessageError::None;
    }

    template<size_t Capacity>
    MessageError text(BoundedText<Capacity> &out)
    {
        TextView view;
        const CborError error = m_reader.readText(view);
        if (error != CborError::None)
            return fromCbor(error);
        return out.assign(view.data, view.size) ? MessageError::None : MessageError::OutOfRange;
    }

    // A negative integer counts as out of range, not as the wrong type.
    MessageError unsignedInRange(uint64_t low, uint64_t high, uint64_t &value)
    {
        bool negative = false;
        const CborError error = m_reader.readInteger(negative, value);
        if (error != CborError::None)
            return fromCbor(error);
        if (negative)
            return MessageError::OutOfRange;
        return value >= low && value <= high ? MessageError::None : MessageError::OutOfRange;
    }

    MessageError intInRange(int64_t low, int64_t high, int64_t &value)
    {
        const CborError error = m_reader.readInt(value);
        if (error != CborError::None)
            return fromCbor(error);
        return value >= low && value <= high ? MessageError::None : MessageError::OutOfRange;
    }

    MessageError classAttribute(uint8_t key, ClassAttributes &attributes)
    {
        if (key == kKeyVendor)
            return text(attributes.vendor);
        if (key == kKeyType)
            return text(attributes.type);
        return text(attributes.subscriber);
    }

    // Checks the map is complete and nothing follows it; `required` is a set of keyBit()s.
    MessageError end(uint32_t required)
    {
        if (m_reader.leaveContainer() != CborError::None || m_reader.finish() != CborError::None)
            return MessageError::MalformedCbor;
        if ((m_seen & required) != required)
            return MessageError::MissingKey;
        return MessageError::None;
    }

    bool seen(uint8_t key) const { return (m_seen & keyBit(key)) != 0; }

private:
    CborReader m_reader;
    uint32_t m_pairs = 0;
    uint32_t m_readPairs = 0;
    uint32_t m_seen = 0;
};

#define PORTAL_PROTOCOL_RETURN_IF_ERROR(expression)                                                \
    do {                                                                                           \
        const MessageError portalError_ = (expression);                                            \
        if (portalError_ != MessageError::None)                                                    \
            return portalError_;                                                                   \
    } while (0)

} // namespace

bool isKnownMessageType(uint8_t type)
{
    return (type >= static_cast<uint8_t>(MessageType::Hello) &&
            type <= static_cast<uint8_t>(MessageType::AttachAccept)) ||
           (type >= static_cast<uint8_t>(MessageType::ProvInfoRequest) &&
            type <= static_cast<uint8_t>(MessageType::ProvSetAuthority));
}

const char *messageTypeName(MessageType type)
{
    switch (type) {
    case MessageType::Hello:
        return "HELLO";
    case MessageType::AttachChallenge:
        return "ATTACH_CHALLENGE";
    case MessageType::AttachProof:
        return "ATTACH_PROOF";
    case MessageType::Reading:
        return "READING";
    case MessageType::Command:
        return "COMMAND";
    case MessageType::CommandStatus:
        return "COMMAND_STATUS";
    case MessageType::Ack:
        return "ACK";
    case MessageType::Error:
        return "ERROR";
    case MessageType::AttachAccept:
        return "ATTACH_ACCEPT";
    case MessageType::ProvInfoRequest:
        return "PROV_INFO_REQUEST";
    case MessageType::ProvInfoResponse:
        return "PROV_INFO_RESPONSE";
    case MessageType::ProvSetConfig:
        return "PROV_SET_CONFIG";
    case MessageType::ProvGenKeyRequest:
        return "PROV_GENKEY_REQUEST";
    case MessageType::ProvGenKeyResponse:
        return "PROV_GENKEY_RESPONSE";
    case MessageType::ProvTestReadingRequest:
        return "PROV_TEST_READING_REQUEST";
    case MessageType::ProvTestReadingResponse:
        return "PROV_TEST_READING_RESPONSE";
    case MessageType::ProvLock:
        return "PROV_LOCK";
    case MessageType::ProvSetAuthority:
        return "PROV_SET_AUTHORITY";
    }
    return "UNKNOWN";
}

const char *messageErrorName(MessageError error)
{
    switch (error) {
    case MessageError::None:
        return "message.none";
    case MessageError::BufferTooSmall:
        return "message.buffer_too_small";
    case MessageError::MalformedCbor:
        return "message.malformed_cbor";
    case MessageError::WrongType:
        return "message.wrong_type";
    case MessageError::MissingKey:
        return "message.missing_key";
    case MessageError::DuplicateKey:
        return "message.duplicate_key";
    case MessageError::UnknownKey:
        return "message.unknown_key";
    case MessageError::OutOfRange:
        return "message.out_of_range";
    case MessageError::BadReading:
        return "message.bad_reading";
    }
    return "message.unknown";
}

// ---- HELLO

MessageError HelloMessage::encode(Payload &payload) const
{
    if (!isValidText(firmwareVersion) || !isValidClassAttributes(classAttributes) ||
        publicKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 7);
    encoder.bytesField(1, deviceId, kDeviceIdBytes);
    encoder.textField(2, firmwareVersion);
    encoder.classAttributes(classAttributes);
    encoder.unsignedField(6, capabilities);
    encoder.bytesField(7, publicKey, kPublicKeyBytes);
    return encoder.finish();
}

MessageError HelloMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(deviceId, kDeviceIdBytes));
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.text(firmwareVersion));
            break;
        case kKeyVendor:
        case kKeyType:
        case kKeySubscriber:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.classAttribute(key, classAttributes));
            break;
        case 6:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFF, number));
            capabilities = static_cast<uint16_t>(number);
            break;
        case 7:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(publicKey, kPublicKeyBytes));
            if (publicKey[0] != kSec1Uncompressed)
                return MessageError::OutOfRange;
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(0xFE); // keys 1..7
}

// ---- ATTACH_CHALLENGE / ATTACH_PROOF: one fixed-size byte string under key 1

namespace {

MessageError encodeSingleBytes(Payload &payload, const uint8_t *data, size_t size)
{
    MapEncoder encoder(payload, 1);
    encoder.bytesField(1, data, size);
    return encoder.finish();
}

MessageError decodeSingleBytes(ByteView payload, uint8_t *out, size_t size)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        if (key != 1)
            return MessageError::UnknownKey;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(out, size));
    }
    return decoder.end(keyBit(1));
}

} // namespace

MessageError AttachChallengeMessage::encode(Payload &payload) const
{
    if (gatewayKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 2);
    encoder.bytesField(1, challenge, kAttachChallengeBytes);
    encoder.bytesField(2, gatewayKey, kPublicKeyBytes);
    return encoder.finish();
}

MessageError AttachChallengeMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        if (key == 1) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(challenge, kAttachChallengeBytes));
        } else if (key == 2) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(gatewayKey, kPublicKeyBytes));
            if (gatewayKey[0] != kSec1Uncompressed)
                return MessageError::OutOfRange;
        } else {
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(keyBit(1) | keyBit(2));
}

MessageError AttachProofMessage::encode(Payload &payload) const
{
    if (deviceKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 2);
    encoder.bytesField(1, deviceKey, kPublicKeyBytes);
    encoder.bytesField(2, signature, kEs256SignatureBytes);
    return encoder.finish();
}

MessageError AttachProofMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        if (key == 1) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(deviceKey, kPublicKeyBytes));
            if (deviceKey[0] != kSec1Uncompressed)
                return MessageError::OutOfRange;
        } else if (key == 2) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(signature, kEs256SignatureBytes));
        } else {
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(keyBit(1) | keyBit(2));
}

MessageError AttachAcceptMessage::encode(Payload &payload) const
{
    if (gatewayId.size == 0 || !isValidText(gatewayId))
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 2);
    encoder.textField(1, gatewayId);
    encoder.bytesField(2, authorisation, kEs256SignatureBytes);
    return encoder.finish();
}

MessageError AttachAcceptMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        if (key == 1) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.text(gatewayId));
            if (gatewayId.size == 0)
                return MessageError::OutOfRange;
        } else if (key == 2) {
            PORTAL_PROTOCOL_RETURN_IF_ERROR(
                decoder.fixedBytes(authorisation, kEs256SignatureBytes));
        } else {
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(keyBit(1) | keyBit(2));
}

// ---- READING / PROV_TEST_READING_RESPONSE

MessageError SignedReadingMessage::encode(Payload &payload) const
{
    if (sign1.size > kMaxPayloadBytes)
        return MessageError::BufferTooSmall;
    CoseSign1View parsedView;
    SignedReading parsedReading;
    if (decodeSignedReading(sign1.data, sign1.size, parsedView, parsedReading) != CoseError::None)
        return MessageError::BadReading;
    memcpy(payload.bytes, sign1.data, sign1.size);
    payload.size = sign1.size;
    return MessageError::None;
}

MessageError SignedReadingMessage::decode(ByteView payload)
{
    if (decodeSignedReading(payload.data, payload.size, view, reading) != CoseError::None)
        return MessageError::BadReading;
    sign1 = payload;
    return MessageError::None;
}

// ---- COMMAND / COMMAND_STATUS

MessageError CommandMessage::encode(Payload &payload) const
{
    MapEncoder encoder(payload, 3);
    encoder.unsignedField(1, commandId);
    encoder.unsignedField(2, actuatorIndex);
    encoder.intField(3, value);
    return encoder.finish();
}

namespace {

constexpr int64_t kInt32Min = -2147483647ll - 1;
constexpr int64_t kInt32Max = 2147483647ll;

// COMMAND and COMMAND_STATUS share the layout {1: u32, 2: u8 (≤ second bound), 3: int32}.
MessageError decodeCommandLayout(ByteView payload, uint64_t secondMax, uint32_t &first,
                                 uint8_t &second, int32_t &third)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        int64_t signedNumber = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFFFFFFu, number));
            first = static_cast<uint32_t>(number);
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, secondMax, number));
            second = static_cast<uint8_t>(number);
            break;
        case 3:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.intInRange(kInt32Min, kInt32Max, signedNumber));
            third = static_cast<int32_t>(signedNumber);
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(keyBit(1) | keyBit(2) | keyBit(3));
}

} // namespace

MessageError CommandMessage::decode(ByteView payload)
{
    return decodeCommandLayout(payload, 0xFF, commandId, actuatorIndex, value);
}

MessageError CommandStatusMessage::encode(Payload &payload) const
{
    if (static_cast<uint8_t>(status) > static_cast<uint8_t>(CommandStatus::Failed))
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 3);
    encoder.unsignedField(1, commandId);
    encoder.unsignedField(2, static_cast<uint8_t>(status));
    encoder.intField(3, value);
    return encoder.finish();
}

MessageError CommandStatusMessage::decode(ByteView payload)
{
    uint8_t rawStatus = 0;
    const MessageError error = decodeCommandLayout(
        payload, static_cast<uint8_t>(CommandStatus::Failed), commandId, rawStatus, value);
    status = static_cast<CommandStatus>(rawStatus);
    return error;
}

// ---- ACK / ERROR

MessageError AckMessage::encode(Payload &payload) const
{
    MapEncoder encoder(payload, hasReadingCounter ? 2 : 1);
    encoder.unsignedField(1, ackedSeq);
    if (hasReadingCounter)
        encoder.unsignedField(2, readingCounter);
    return encoder.finish();
}

MessageError AckMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFF, number));
            ackedSeq = static_cast<uint16_t>(number);
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFFFFFFu, number));
            readingCounter = static_cast<uint32_t>(number);
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    hasReadingCounter = decoder.seen(2);
    if (!hasReadingCounter)
        readingCounter = 0;
    return decoder.end(keyBit(1));
}

MessageError ErrorMessage::encode(Payload &payload) const
{
    if (static_cast<uint8_t>(code) == 0)
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 2);
    encoder.unsignedField(1, static_cast<uint8_t>(code));
    encoder.unsignedField(2, refersToSeq);
    return encoder.finish();
}

MessageError ErrorMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(1, 0xFF, number));
            code = static_cast<ErrorCode>(number);
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFF, number));
            refersToSeq = static_cast<uint16_t>(number);
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(keyBit(1) | keyBit(2));
}

// ---- PROV_INFO

MessageError ProvInfoRequestMessage::encode(Payload &payload) const
{
    MapEncoder encoder(payload, 0);
    return encoder.finish();
}

MessageError ProvInfoRequestMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    uint8_t key = 0;
    bool more = false;
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
    if (more)
        return MessageError::UnknownKey;
    return decoder.end(0);
}

MessageError ProvInfoResponseMessage::encode(Payload &payload) const
{
    if (!isValidText(firmwareVersion) || !isValidText(board) ||
        static_cast<uint8_t>(state) > static_cast<uint8_t>(ProvisioningState::Locked) ||
        (hasPublicKey && publicKey[0] != kSec1Uncompressed))
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, hasPublicKey ? 7 : 6);
    encoder.bytesField(1, deviceId, kDeviceIdBytes);
    encoder.textField(2, firmwareVersion);
    encoder.unsignedField(3, static_cast<uint8_t>(state));
    encoder.unsignedField(4, capabilities);
    if (hasPublicKey)
        encoder.bytesField(5, publicKey, kPublicKeyBytes);
    encoder.textField(6, board);
    encoder.unsignedField(7, hasAuthority ? 1 : 0);
    return encoder.finish();
}

MessageError ProvInfoResponseMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(deviceId, kDeviceIdBytes));
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.text(firmwareVersion));
            break;
        case 3:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(
                0, static_cast<uint8_t>(ProvisioningState::Locked), number));
            state = static_cast<ProvisioningState>(number);
            break;
        case 4:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFF, number));
            capabilities = static_cast<uint16_t>(number);
            break;
        case 5:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(publicKey, kPublicKeyBytes));
            if (publicKey[0] != kSec1Uncompressed)
                return MessageError::OutOfRange;
            break;
        case 6:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.text(board));
            break;
        case 7:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 1, number));
            hasAuthority = number == 1;
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    hasPublicKey = decoder.seen(5);
    return decoder.end(keyBit(1) | keyBit(2) | keyBit(3) | keyBit(4) | keyBit(6) | keyBit(7));
}

// ---- PROV_SET_CONFIG

MessageError ProvSetConfigMessage::encode(Payload &payload) const
{
    if (channel < kMinChannel || channel > kMaxChannel ||
        reportingIntervalS < kMinReportingIntervalS ||
        reportingIntervalS > kMaxReportingIntervalS || !isValidClassAttributes(classAttributes) ||
        authorityKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    MapEncoder encoder(payload, 7);
    encoder.unsignedField(1, panId);
    encoder.unsignedField(2, channel);
    encoder.classAttributes(classAttributes);
    encoder.unsignedField(6, reportingIntervalS);
    encoder.bytesField(7, authorityKey, kPublicKeyBytes);
    return encoder.finish();
}

MessageError ProvSetConfigMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        uint64_t number = 0;
        switch (key) {
        case 1:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFFFF, number));
            panId = static_cast<uint16_t>(number);
            break;
        case 2:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(
                decoder.unsignedInRange(kMinChannel, kMaxChannel, number));
            channel = static_cast<uint8_t>(number);
            break;
        case kKeyVendor:
        case kKeyType:
        case kKeySubscriber:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.classAttribute(key, classAttributes));
            break;
        case 6:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(
                decoder.unsignedInRange(kMinReportingIntervalS, kMaxReportingIntervalS, number));
            reportingIntervalS = static_cast<uint32_t>(number);
            break;
        case 7:
            PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.fixedBytes(authorityKey, kPublicKeyBytes));
            if (authorityKey[0] != kSec1Uncompressed)
                return MessageError::OutOfRange;
            break;
        default:
            return MessageError::UnknownKey;
        }
    }
    return decoder.end(0xFE); // keys 1..7
}

// ---- PROV_GENKEY / PROV_TEST_READING_REQUEST / PROV_LOCK

MessageError ProvGenKeyRequestMessage::encode(Payload &payload) const
{
    return encodeSingleBytes(payload, hostEntropy, kHostEntropyBytes);
}

MessageError ProvGenKeyRequestMessage::decode(ByteView payload)
{
    return decodeSingleBytes(payload, hostEntropy, kHostEntropyBytes);
}

MessageError ProvGenKeyResponseMessage::encode(Payload &payload) const
{
    if (publicKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    return encodeSingleBytes(payload, publicKey, kPublicKeyBytes);
}

MessageError ProvGenKeyResponseMessage::decode(ByteView payload)
{
    const MessageError error = decodeSingleBytes(payload, publicKey, kPublicKeyBytes);
    if (error != MessageError::None)
        return error;
    return publicKey[0] == kSec1Uncompressed ? MessageError::None : MessageError::OutOfRange;
}

MessageError ProvTestReadingRequestMessage::encode(Payload &payload) const
{
    MapEncoder encoder(payload, 1);
    encoder.unsignedField(1, sensorIndex);
    return encoder.finish();
}

MessageError ProvTestReadingRequestMessage::decode(ByteView payload)
{
    MapDecoder decoder(payload);
    PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.begin());
    for (;;) {
        uint8_t key = 0;
        bool more = false;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.nextKey(key, more));
        if (!more)
            break;
        if (key != 1)
            return MessageError::UnknownKey;
        uint64_t number = 0;
        PORTAL_PROTOCOL_RETURN_IF_ERROR(decoder.unsignedInRange(0, 0xFF, number));
        sensorIndex = static_cast<uint8_t>(number);
    }
    return decoder.end(keyBit(1));
}

MessageError ProvSetAuthorityMessage::encode(Payload &payload) const
{
    if (authorityKey[0] != kSec1Uncompressed)
        return MessageError::OutOfRange;
    return encodeSingleBytes(payload, authorityKey, kPublicKeyBytes);
}

MessageError ProvSetAuthorityMessage::decode(ByteView payload)
{
    const MessageError error = decodeSingleBytes(payload, authorityKey, kPublicKeyBytes);
    if (error != MessageError::None)
        return error;
    return authorityKey[0] == kSec1Uncompressed ? MessageError::None : MessageError::OutOfRange;
}

MessageError ProvLockMessage::encode(Payload &payload) const
{
    return encodeSingleBytes(payload, deviceId, kDeviceIdBytes);
}

MessageError ProvLockMessage::decode(ByteView payload)
{
    return decodeSingleBytes(payload, deviceId, kDeviceIdBytes);
}

} // namespace Protocol
} // namespace Portal

#undef PORTAL_PROTOCOL_RETURN_IF_ERROR
