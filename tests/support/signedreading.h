#pragma once
// A device as tests make it (random P-256 key from firmware/crypto, a bearer credential) and
// its readings signed the way the device firmware signs them: Portal::Protocol payload and
// Sig_structure, SHA-256, RFC 6979 ECDSA, COSE_Sign1_Tagged (checked against cose-js in
// tests/interop/tst_cosesign1.cpp). Header-only: tests that include it link
// Portal::Protocol and Portal::FirmwareCrypto.

#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/sha256.h>
#include <portal-core/protocol/cose.h>

#include <QByteArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QString>

#include <cstring>

namespace Portal::Testing {

inline const uint8_t *bytes(const QByteArray &array)
{
    return reinterpret_cast<const uint8_t *>(array.constData());
}

struct Device
{
    QByteArray id;         // 8 bytes
    QByteArray privateKey; // 32 bytes
    QByteArray publicKey;  // 65 bytes, 04 ‖ x ‖ y
    QByteArray credential; // bearer token
};

inline Device makeDevice(const QString &hexId)
{
    Device device;
    device.id = QByteArray::fromHex(hexId.toLatin1());
    uint8_t publicKey[64];
    do {
        device.privateKey = QByteArray(32, '\0');
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(device.privateKey.data()),
                                              8);
    } while (!FirmwareCrypto::derivePublicKey(bytes(device.privateKey), publicKey));
    device.publicKey =
        QByteArray(1, '\x04') + QByteArray(reinterpret_cast<const char *>(publicKey), 64);
    QByteArray token(32, '\0');
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(token.data()), 8);
    device.credential =
        token.toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
    return device;
}

// ES256 r ‖ s by the device's key over `message` (SHA-256 first), as the firmware signs.
inline QByteArray signEs256(const Device &device, const QByteArray &message)
{
    uint8_t hash[32];
    FirmwareCrypto::Sha256::hash(bytes(message), size_t(message.size()), hash);
    uint8_t signature[64];
    if (!FirmwareCrypto::sign(bytes(device.privateKey), hash, signature))
        return {};
    return QByteArray(reinterpret_cast<const char *>(signature), 64);
}

// What the firmware does for each reading: payload, Sig_structure, SHA-256, RFC 6979 ECDSA,
// COSE_Sign1_Tagged (as tests/interop/tst_cosesign1.cpp, checked there against cose-js).
inline QByteArray signReading(const Device &device, quint32 counter, qint32 value,
                              const QByteArray &kid = QByteArray())
{
    Protocol::SignedReading reading{};
    std::memcpy(reading.deviceId, device.id.constData(), Protocol::kDeviceIdBytes);
    reading.counter = counter;
    reading.sensorIndex = 0;
    reading.value = value;
    reading.scaleExponent = -1;
    std::memcpy(reading.unit, "Cel", 3);
    reading.unitSize = 3;
    uint8_t payload[Protocol::kMaxReadingPayloadBytes];
    size_t payloadSize = 0;
    if (Protocol::encodeReadingPayload(reading, payload, sizeof payload, payloadSize) !=
        Protocol::CoseError::None)
        return {};
    uint8_t toBeSigned[Protocol::kMaxSigStructureBytes];
    size_t toBeSignedSize = 0;
    if (Protocol::buildSigStructure(payload, payloadSize, toBeSigned, sizeof toBeSigned,
                                    toBeSignedSize) != Protocol::CoseError::None)
        return {};
    uint8_t hash[32];
    FirmwareCrypto::Sha256::hash(toBeSigned, toBeSignedSize, hash);
    uint8_t signature[64];
    if (!FirmwareCrypto::sign(bytes(device.privateKey), hash, signature))
        return {};
    const QByteArray kidBytes = kid.isEmpty() ? device.id : kid;
    uint8_t message[Protocol::kMaxSign1Bytes];
    size_t messageSize = 0;
    if (Protocol::encodeSign1Tagged(bytes(kidBytes), payload, payloadSize, signature, message,
                                    sizeof message, messageSize) != Protocol::CoseError::None)
        return {};
    return QByteArray(reinterpret_cast<const char *>(message), qsizetype(messageSize));
}

inline QByteArray readingBody(const QByteArray &cose)
{
    return QJsonDocument(
               QJsonObject{
                   {QStringLiteral("m2m:cin"),
                    QJsonObject{{QStringLiteral("cnf"),
                                 QStringLiteral("application/cose;cose-type=cose-sign1:0")},
                                {QStringLiteral("con"), QString::fromLatin1(cose.toBase64())}}}})
        .toJson(QJsonDocument::Compact);
}

} // namespace Portal::Testing
