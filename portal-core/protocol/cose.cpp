#include "cose.h"

#include "cbor.h"

#include <string.h>

namespace Portal {
namespace Protocol {

namespace {

constexpr uint64_t kCoseSign1Tag = 18;
constexpr int64_t kHeaderAlg = 1;
constexpr int64_t kHeaderKid = 4;
const uint8_t kProtectedEs256[] = {0xA1, 0x01, 0x26}; // {1: -7}
const char kSignature1Context[] = "Signature1";

enum ReadingKey : uint8_t {
    kKeyDeviceId = 1,
    kKeyCounter = 2,
    kKeySensorIndex = 3,
    kKeyValue = 4,
    kKeyScaleExponent = 5,
    kKeyUnit = 6,
};
constexpr uint8_t kAllReadingKeys = 0x7E; // bits 1..6

CoseError fromCbor(CborError error)
{
    return error == CborError::WrongType ? CoseError::WrongType : CoseError::MalformedCbor;
}

CoseError readBoundedInt(CborReader &reader, int64_t low, int64_t high, int64_t &value)
{
    CborType type;
    CborError error = reader.peekType(type);
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (type != CborType::Unsigned && type != CborType::Negative)
        return CoseError::WrongType;
    error = reader.readInt(value);
    if (error == CborError::OutOfRange)
        return CoseError::OutOfRange;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (value < low || value > high)
        return CoseError::OutOfRange;
    return CoseError::None;
}

} // namespace

const char *coseErrorName(CoseError error)
{
    switch (error) {
    case CoseError::None:
        return "cose.none";
    case CoseError::BufferTooSmall:
        return "cose.buffer_too_small";
    case CoseError::MalformedCbor:
        return "cose.malformed_cbor";
    case CoseError::NotTagged:
        return "cose.not_tagged";
    case CoseError::WrongStructure:
        return "cose.wrong_structure";
    case CoseError::BadProtected:
        return "cose.bad_protected";
    case CoseError::BadUnprotected:
        return "cose.bad_unprotected";
    case CoseError::BadSignatureSize:
        return "cose.bad_signature_size";
    case CoseError::PayloadTooLarge:
        return "cose.payload_too_large";
    case CoseError::MissingKey:
        return "cose.missing_key";
    case CoseError::DuplicateKey:
        return "cose.duplicate_key";
    case CoseError::UnknownKey:
        return "cose.unknown_key";
    case CoseError::WrongType:
        return "cose.wrong_type";
    case CoseError::OutOfRange:
        return "cose.out_of_range";
    case CoseError::KidMismatch:
        return "cose.kid_mismatch";
    }
    return "cose.unknown";
}

CoseError encodeReadingPayload(const SignedReading &reading, uint8_t *output, size_t outputCapacity,
                               size_t &size)
{
    if (reading.unitSize > kMaxUnitBytes ||
        !isValidUtf8(reinterpret_cast<const uint8_t *>(reading.unit), reading.unitSize))
        return CoseError::OutOfRange;
    CborWriter writer(output, outputCapacity);
    writer.beginMap(6);
    writer.writeUnsigned(kKeyDeviceId);
    writer.writeBytes(reading.deviceId, kDeviceIdBytes);
    writer.writeUnsigned(kKeyCounter);
    writer.writeUnsigned(reading.counter);
    writer.writeUnsigned(kKeySensorIndex);
    writer.writeUnsigned(reading.sensorIndex);
    writer.writeUnsigned(kKeyValue);
    writer.writeInt(reading.value);
    writer.writeUnsigned(kKeyScaleExponent);
    writer.writeInt(reading.scaleExponent);
    writer.writeUnsigned(kKeyUnit);
    writer.writeText(reading.unit, reading.unitSize);
    if (!writer.ok())
        return CoseError::BufferTooSmall;
    size = writer.size();
    return CoseError::None;
}

CoseError decodeReadingPayload(const uint8_t *payload, size_t payloadSize, SignedReading &reading)
{
    if (payloadSize > kMaxReadingPayloadBytes)
        return CoseError::PayloadTooLarge;
    CborReader reader(payload, payloadSize);
    uint32_t pairs = 0;
    CborError cborError = reader.enterMap(pairs);
    if (cborError != CborError::None)
        return fromCbor(cborError);
    uint8_t seenKeys = 0;
    for (uint32_t i = 0; i < pairs; ++i) {
        uint64_t key = 0;
        cborError = reader.readUnsigned(key);
        if (cborError == CborError::WrongType)
            return CoseError::UnknownKey;
        if (cborError != CborError::None)
            return CoseError::MalformedCbor;
        if (key < kKeyDeviceId || key > kKeyUnit)
            return CoseError::UnknownKey;
        const uint8_t bit = static_cast<uint8_t>(1u << key);
        if (seenKeys & bit)
            return CoseError::DuplicateKey;
        seenKeys |= bit;

        int64_t number = 0;
        CoseError error = CoseError::None;
        switch (key) {
        case kKeyDeviceId: {
            ByteView id;
            cborError = reader.readBytes(id);
            if (cborError != CborError::None)
                return fromCbor(cborError);
            if (id.size != kDeviceIdBytes)
                return CoseError::OutOfRange;
            memcpy(reading.deviceId, id.data, kDeviceIdBytes);
            break;
        }
        case kKeyCounter:
            error = readBoundedInt(reader, 0, 0xFFFFFFFFll, number);
            reading.counter = static_cast<uint32_t>(number);
            break;
        case kKeySensorIndex:
            error = readBoundedInt(reader, 0, 0xFF, number);
            reading.sensorIndex = static_cast<uint8_t>(number);
            break;
        case kKeyValue:
            error = readBoundedInt(reader, -2147483647ll - 1, 2147483647ll, number);
            reading.value = static_cast<int32_t>(number);
            break;
        case kKeyScaleExponent:
            error = readBoundedInt(reader, -128, 127, number);
            reading.scaleExponent = static_cast<int8_t>(number);
            break;
        default: {
            TextView unit;
            cborError = reader.readText(unit);
            if (cborError == CborError::InvalidUtf8)
                return CoseError::OutOfRange;
            if (cborError != CborError::None)
                return fromCbor(cborError);
            if (unit.size > kMaxUnitBytes)
                return CoseError::OutOfRange;
            memcpy(reading.unit, unit.data, unit.size);
            reading.unitSize = static_cast<uint8_t>(unit.size);
            break;
        }
        }
        if (error != CoseError::None)
            return error;
    }
    if (reader.leaveContainer() != CborError::None || reader.finish() != CborError::None)
        return CoseError::MalformedCbor;
    if (seenKeys != kAllReadingKeys)
        return CoseError::MissingKey;
    return CoseError::None;
}

CoseError buildSigStructure(const uint8_t *payload, size_t payloadSize, uint8_t *output,
                            size_t outputCapacity, size_t &size)
{
    CborWriter writer(output, outputCapacity);
    writer.beginArray(4);
    writer.writeText(kSignature1Context, sizeof(kSignature1Context) - 1);
    writer.writeBytes(kProtectedEs256, sizeof(kProtectedEs256));
    writer.writeBytes(0, 0); // external_aad
    writer.writeBytes(payload, payloadSize);
    if (!writer.ok())
        return CoseError::BufferTooSmall;
    size = writer.size();
    return CoseError::None;
}

CoseError encodeSign1Tagged(const uint8_t kid[kDeviceIdBytes], const uint8_t *payload,
                            size_t payloadSize, const uint8_t signature[kEs256SignatureBytes],
                            uint8_t *output, size_t outputCapacity, size_t &size)
{
    CborWriter writer(output, outputCapacity);
    writer.writeTag(kCoseSign1Tag);
    writer.beginArray(4);
    writer.writeBytes(kProtectedEs256, sizeof(kProtectedEs256));
    writer.beginMap(1);
    writer.writeInt(kHeaderKid);
    writer.writeBytes(kid, kDeviceIdBytes);
    writer.writeBytes(payload, payloadSize);
    writer.writeBytes(signature, kEs256SignatureBytes);
    if (!writer.ok())
        return CoseError::BufferTooSmall;
    size = writer.size();
    return CoseError::None;
}

CoseError parseSign1Tagged(const uint8_t *message, size_t messageSize, CoseSign1View &view)
{
    static_assert(kHeaderAlg == 1, "protected header is {1: -7}");
    CborReader reader(message, messageSize);
    CborType type;
    if (reader.peekType(type) != CborError::None)
        return CoseError::MalformedCbor;
    uint64_t tag = 0;
    if (type != CborType::Tag || reader.readTag(tag) != CborError::None || tag != kCoseSign1Tag)
        return CoseError::NotTagged;

    uint32_t count = 0;
    CborError error = reader.enterArray(count);
    if (error == CborError::WrongType)
        return CoseError::WrongStructure;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (count != 4)
        return CoseError::WrongStructure;

    error = reader.readBytes(view.protectedHeader);
    if (error == CborError::WrongType)
        return CoseError::WrongStructure;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (view.protectedHeader.size != sizeof(kProtectedEs256) ||
        memcmp(view.protectedHeader.data, kProtectedEs256, sizeof(kProtectedEs256)) != 0)
        return CoseError::BadProtected;

    uint32_t pairs = 0;
    error = reader.enterMap(pairs);
    if (error == CborError::WrongType)
        return CoseError::WrongStructure;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (pairs != 1)
        return CoseError::BadUnprotected;
    int64_t label = 0;
    error = reader.readInt(label);
    if (error != CborError::None && error != CborError::WrongType && error != CborError::OutOfRange)
        return CoseError::MalformedCbor;
    if (error != CborError::None || label != kHeaderKid)
        return CoseError::BadUnprotected;
    error = reader.readBytes(view.kid);
    if (error != CborError::None && error != CborError::WrongType)
        return CoseError::MalformedCbor;
    if (error != CborError::None || view.kid.size != kDeviceIdBytes)
        return CoseError::BadUnprotected;
    if (reader.leaveContainer() != CborError::None)
        return CoseError::MalformedCbor;

    error = reader.readBytes(view.payload);
    if (error == CborError::WrongType)
        return CoseError::WrongStructure;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (view.payload.size > kMaxReadingPayloadBytes)
        return CoseError::PayloadTooLarge;

    error = reader.readBytes(view.signature);
    if (error == CborError::WrongType)
        return CoseError::WrongStructure;
    if (error != CborError::None)
        return CoseError::MalformedCbor;
    if (view.signature.size != kEs256SignatureBytes)
        return CoseError::BadSignatureSize;

    if (reader.leaveContainer() != CborError::None || reader.finish() != CborError::None)
        return CoseError::MalformedCbor;
    return CoseError::None;
}

CoseError decodeSignedReading(const uint8_t *message, size_t messageSize, CoseSign1View &view,
                              SignedReading &reading)
{
    CoseError error = parseSign1Tagged(message, messageSize, view);
    if (error != CoseError::None)
        return error;
    error = decodeReadingPayload(view.payload.data, view.payload.size, reading);
    if (error != CoseError::None)
        return error;
    if (memcmp(view.kid.data, reading.deviceId, kDeviceIdBytes) != 0)
        return CoseError::KidMismatch;
    return CoseError::None;
}

} // namespace Protocol
} // namespace Portal
