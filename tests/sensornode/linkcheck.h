#pragma once
// Test-side view of the device link for the sensor-node tests: frame encoding/collection with
// Portal::Protocol, and signature checks with OpenSSL (Portal::Crypto::Es256PublicKey) over a
// Sig_structure assembled here byte by byte from RFC 9052 §4.4, not by the code under test.
// GatewaySession plays the gateway and the portal in the attach exchange with OpenSSL
// (attachcrypto.h), so the device's FirmwareCrypto ECDH, HKDF and HMAC meet an independent
// implementation.

#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/protocol/attachexchange.h>
#include <portal-core/protocol/cose.h>
#include <portal-core/protocol/frame.h>
#include <portal-core/protocol/messages.h>

#include <QByteArray>
#include <QElapsedTimer>
#include <QIODevice>
#include <QList>
#include <QRandomGenerator>
#include <QString>

#include <cstring>

#include <optional>

namespace LinkCheck {

namespace P = Portal::Protocol;

struct LinkFrame
{
    uint8_t type; // for a frame opened by a GatewaySession: without the sealed flag
    uint16_t seq;
    QByteArray payload;
    bool sealed = false;  // it came sealed and its seal checked out
    uint32_t counter = 0; // its link counter, when sealed
};

inline P::ByteView viewOf(const QByteArray &bytes)
{
    return P::makeByteView(reinterpret_cast<const uint8_t *>(bytes.constData()),
                           size_t(bytes.size()));
}

inline QByteArray bytesOf(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), int(size));
}

inline QByteArray frameBytes(uint8_t type, uint16_t seq, const QByteArray &payload)
{
    uint8_t frame[P::kMaxFrameBytes];
    const P::FrameEncodeResult encoded =
        P::encodeFrame(type, seq, reinterpret_cast<const uint8_t *>(payload.constData()),
                       size_t(payload.size()), frame, sizeof frame);
    if (encoded.error != P::FrameEncodeError::None)
        return QByteArray();
    return bytesOf(frame, encoded.size);
}

template<typename Message>
QByteArray messageFrame(const Message &message, uint16_t seq)
{
    P::Payload payload;
    if (message.encode(payload) != P::MessageError::None)
        return QByteArray();
    return frameBytes(uint8_t(Message::kType), seq, bytesOf(payload.bytes, payload.size));
}

inline Portal::Crypto::ByteView cryptoView(const QByteArray &bytes)
{
    return Portal::Crypto::ByteView(reinterpret_cast<const uint8_t *>(bytes.constData()),
                                    size_t(bytes.size()));
}

inline const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

// The tests' device-authority key (one per test process) and its 65-byte point.
inline const Portal::Crypto::PrivateKey &testAuthority()
{
    static const Portal::Crypto::PrivateKey key =
        std::move(*Portal::Crypto::PrivateKey::generateP256());
    return key;
}

inline QByteArray pointOf(const Portal::Crypto::PrivateKey &key)
{
    const auto point = key.publicKeyUncompressedPoint();
    return QByteArray(reinterpret_cast<const char *>(point.data()), int(point.size()));
}

inline QByteArray testAuthorityPoint()
{
    return pointOf(testAuthority());
}

// The gateway's (and portal's) side of one attach exchange and of the sealed link after it.
class GatewaySession
{
public:
    GatewaySession() { restart(); }

    // A fresh challenge and G; forgets any link.
    void restart()
    {
        m_gatewayKey.emplace(std::move(*Portal::Crypto::PrivateKey::generateP256()));
        m_challenge.resize(16);
        for (char &byte : m_challenge)
            byte = char(QRandomGenerator::global()->generate());
        m_mac.reset();
        m_deviceKey.clear();
        txCounter = 0;
        rxCounter = 0;
    }

    P::AttachChallengeMessage challenge() const
    {
        P::AttachChallengeMessage message;
        std::memcpy(message.challenge, m_challenge.constData(), 16);
        std::memcpy(message.gatewayKey, pointOf(*m_gatewayKey).constData(), 65);
        return message;
    }
    QByteArray challengeBytes() const { return m_challenge; }

    // Checks an ATTACH_PROOF with OpenSSL against the device's key; "" or what failed.
    QString checkProof(const LinkFrame &frame, const QByteArray &deviceId,
                       const QByteArray &publicKey)
    {
        P::AttachProofMessage proof;
        if (frame.type != uint8_t(P::MessageType::AttachProof) ||
            proof.decode(viewOf(frame.payload)) != P::MessageError::None)
            return "not an ATTACH_PROOF";
        auto key = Portal::Crypto::Es256PublicKey::fromUncompressedPoint(cryptoView(publicKey));
        if (!key)
            return QString::fromStdString(key.error().code);
        m_deviceKey = bytesOf(proof.deviceKey, 65);
        const QByteArray gatewayPoint = pointOf(*m_gatewayKey);
        // The proof's signed string, assembled here from docs/protocol.md.
        const QByteArray signedBytes = QByteArray("iot-portal attach proof v2") + m_challenge +
                                       deviceId + gatewayPoint + m_deviceKey;
        const auto verified =
            key->verifyRaw(cryptoView(signedBytes), Portal::Crypto::ByteView(proof.signature, 64));
        return verified ? QString() : QString::fromStdString(verified.error().code);
    }

    // ATTACH_ACCEPT signed with `authority`; derives the link key (after checkProof).
    P::AttachAcceptMessage accept(const QByteArray &deviceId,
                                  const QByteArray &gatewayId = "test-gw",
                                  const Portal::Crypto::PrivateKey &authority = testAuthority())
    {
        P::AttachAcceptMessage message;
        message.gatewayId.assign(gatewayId.constData(), size_t(gatewayId.size()));
        const QByteArray signedBytes = QByteArray("iot-portal attach authorisation v2") + deviceId +
                                       m_challenge + pointOf(*m_gatewayKey) + m_deviceKey +
                                       gatewayId;
        const auto signature = Portal::Crypto::signParts(authority, {cryptoView(signedBytes)});
        std::memcpy(message.authorisation, signature->data(), 64);
        auto linkKey = Portal::Crypto::deriveLinkKey(*m_gatewayKey, cryptoView(m_deviceKey),
                                                     cryptoView(m_challenge));
        if (linkKey)
            m_mac = std::make_unique<Portal::Crypto::LinkMac>(linkKey->view());
        txCounter = 0;
        rxCounter = 0;
        return message;
    }

    bool isOpen() const { return m_mac != nullptr; }

    // A sealed frame to the device, with the next gateway counter (or `counter`).
    QByteArray seal(uint8_t type, uint16_t seq, const QByteArray &message, uint32_t counter = 0)
    {
        uint8_t frame[P::kMaxFrameBytes];
        const P::FrameEncodeResult encoded = P::encodeSealedFrame(
            type, seq, u8(message), size_t(message.size()), counter ? counter : ++txCounter,
            P::LinkDirection::GatewayToDevice, *m_mac, frame, sizeof frame);
        return bytesOf(frame, encoded.size);
    }
    template<typename Message>
    QByteArray sealMessage(const Message &message, uint16_t seq)
    {
        P::Payload payload;
        if (message.encode(payload) != P::MessageError::None)
            return QByteArray();
        return seal(uint8_t(Message::kType), seq, bytesOf(payload.bytes, payload.size));
    }

    // Opens a sealed frame from the device; false (counted in sealFailures) when it fails.
    bool open(const P::Frame &frame, LinkFrame &opened)
    {
        P::OpenedFrame inner;
        if (!m_mac || P::openSealedFrame(frame, P::LinkDirection::DeviceToGateway, *m_mac,
                                         rxCounter, inner) != P::SealError::None) {
            ++sealFailures;
            return false;
        }
        rxCounter = inner.counter;
        opened = {inner.type, inner.seq, bytesOf(inner.message.data, inner.message.size), true,
                  inner.counter};
        return true;
    }

    uint32_t txCounter = 0;
    uint32_t rxCounter = 0;
    uint32_t sealFailures = 0;

private:
    std::optional<Portal::Crypto::PrivateKey> m_gatewayKey;
    QByteArray m_challenge;
    QByteArray m_deviceKey;
    std::unique_ptr<Portal::Crypto::LinkMac> m_mac;
};

// Collects complete frames from a byte stream that may arrive in pieces. With a session,
// sealed frames are opened (their inner type and message kept); a sealed frame that fails is
// kept as it came, flag and all.
class FrameCollector
{
public:
    void setSession(GatewaySession *session) { m_session = session; }

    void append(const QByteArray &bytes)
    {
        size_t offset = 0;
        const uint8_t *data = reinterpret_cast<const uint8_t *>(bytes.constData());
        while (offset < size_t(bytes.size())) {
            offset += m_reader.feed(data + offset, size_t(bytes.size()) - offset);
            if (m_reader.hasFrame()) {
                const P::Frame &frame = m_reader.frame();
                LinkFrame opened;
                if ((frame.type & P::kSealedTypeFlag) && m_session &&
                    m_session->open(frame, opened))
                    m_frames.append(opened);
                else
                    m_frames.append(
                        {frame.type, frame.seq, bytesOf(frame.payload.data, frame.payload.size)});
            }
        }
    }
    QList<LinkFrame> take()
    {
        QList<LinkFrame> frames;
        frames.swap(m_frames);
        return frames;
    }
    const P::FrameDropCounters &drops() const { return m_reader.drops(); }

private:
    P::FrameReader m_reader;
    QList<LinkFrame> m_frames;
    GatewaySession *m_session = nullptr;
};

template<typename Message>
bool decodeAs(const LinkFrame &frame, Message &message)
{
    return frame.type == uint8_t(Message::kType) &&
           message.decode(viewOf(frame.payload)) == P::MessageError::None;
}

// ["Signature1", h'a10126', h'', payload] in CBOR (payloads here are < 256 bytes).
inline QByteArray sigStructureOf(const QByteArray &payload)
{
    QByteArray bytes = QByteArray::fromHex("846a5369676e61747572653143a1012640");
    if (payload.size() < 24) {
        bytes.append(char(0x40 + payload.size()));
    } else {
        bytes.append(char(0x58));
        bytes.append(char(payload.size()));
    }
    return bytes + payload;
}

// Parses a COSE_Sign1_Tagged reading and checks its ES256 signature with OpenSSL. Returns an
// empty string on success, else what failed.
inline QString verifySignedReading(const QByteArray &sign1, const QByteArray &publicKey,
                                   P::SignedReading &reading)
{
    P::CoseSign1View view;
    const P::CoseError parsed = P::decodeSignedReading(
        reinterpret_cast<const uint8_t *>(sign1.constData()), size_t(sign1.size()), view, reading);
    if (parsed != P::CoseError::None)
        return QString("COSE: ") + P::coseErrorName(parsed);
    auto key = Portal::Crypto::Es256PublicKey::fromUncompressedPoint(Portal::Crypto::ByteView(
        reinterpret_cast<const uint8_t *>(publicKey.constData()), size_t(publicKey.size())));
    if (!key)
        return QString::fromStdString(key.error().code);
    const QByteArray toBeSigned = sigStructureOf(bytesOf(view.payload.data, view.payload.size));
    const auto verified = key->verifyRaw(
        Portal::Crypto::ByteView(reinterpret_cast<const uint8_t *>(toBeSigned.constData()),
                                 size_t(toBeSigned.size())),
        Portal::Crypto::ByteView(view.signature.data, view.signature.size));
    return verified ? QString() : QString::fromStdString(verified.error().code);
}

// The gateway's (or the wizard's) side of a device link over any QIODevice: a TCP socket to
// sensor-node-sim or a serial port (pty) to the AVR image in simavr.
class LinkPeer
{
public:
    explicit LinkPeer(QIODevice &device) : m_device(device) { m_collector.setSession(&session); }

    // Sealed once the session's link is open and the type is one that is sealed.
    template<typename Message>
    void send(const Message &message)
    {
        if (session.isOpen() && P::isSealedType(uint8_t(Message::kType)))
            m_device.write(session.sealMessage(message, m_seq++));
        else
            m_device.write(messageFrame(message, m_seq++));
        m_device.waitForBytesWritten(1000);
    }

    // HELLO (from `deviceId`) → ATTACH_CHALLENGE → checked ATTACH_PROOF → ATTACH_ACCEPT; the
    // link is sealed from then on. "" or what failed. The device signs and, after the
    // ACCEPT, verifies and runs ECDH: slow on the AVR, hence the timeout.
    QString attach(const QByteArray &deviceId, const QByteArray &publicKey, int signTimeoutMs)
    {
        session.restart();
        send(session.challenge());
        const std::optional<LinkFrame> proof = waitFor(P::MessageType::AttachProof, signTimeoutMs);
        if (!proof)
            return "no ATTACH_PROOF";
        const QString checked = session.checkProof(*proof, deviceId, publicKey);
        if (!checked.isEmpty())
            return checked;
        send(session.accept(deviceId));
        return QString();
    }
    void sendRaw(const QByteArray &bytes)
    {
        m_device.write(bytes);
        m_device.waitForBytesWritten(1000);
    }

    // The next frame from the device, or nullopt after timeoutMs.
    std::optional<LinkFrame> next(int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (m_pending.isEmpty()) {
            const int left = timeoutMs - int(timer.elapsed());
            if (left <= 0)
                return std::nullopt;
            if (m_device.bytesAvailable() == 0 && !m_device.waitForReadyRead(left))
                return std::nullopt;
            m_collector.append(m_device.readAll());
            m_pending += m_collector.take();
        }
        return m_pending.takeFirst();
    }

    // Skips frames of other types (HELLO repeats, readings) until one of `type` arrives.
    std::optional<LinkFrame> waitFor(P::MessageType type, int timeoutMs = 5000)
    {
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < timeoutMs) {
            std::optional<LinkFrame> frame = next(timeoutMs - int(timer.elapsed()));
            if (!frame)
                return std::nullopt;
            if (frame->type == uint8_t(type))
                return frame;
        }
        return std::nullopt;
    }

    const P::FrameDropCounters &drops() const { return m_collector.drops(); }

    GatewaySession session;

private:
    QIODevice &m_device;
    FrameCollector m_collector;
    QList<LinkFrame> m_pending;
    uint16_t m_seq = 1;
};

struct ProvisioningRequest
{
    QByteArray deviceIdHex; // the factory id the device must report
    QByteArray board;       // the board it must report
    QByteArray vendor;
    QByteArray type;
    QByteArray subscriber;
    uint32_t reportingIntervalS = 1;
    int signTimeoutMs = 60000; // PROV_GENKEY and PROV_TEST_READING sign on the device
    QByteArray authorityKey = testAuthorityPoint(); // the portal's, 65 bytes
};

// PROV_INFO → PROV_SET_CONFIG → PROV_GENKEY → PROV_TEST_READING (verified with OpenSSL) →
// PROV_LOCK, the wizard's sequence. Returns the public key (65 bytes), or empty with
// `failure` set.
inline QByteArray provisionOverLink(LinkPeer &wizard, const ProvisioningRequest &request,
                                    QString &failure)
{
    wizard.send(P::ProvInfoRequestMessage());
    std::optional<LinkFrame> frame = wizard.waitFor(P::MessageType::ProvInfoResponse, 10000);
    P::ProvInfoResponseMessage info;
    if (!frame || !decodeAs(*frame, info))
        return failure = "no PROV_INFO_RESPONSE", QByteArray();
    if (info.state != P::ProvisioningState::Factory ||
        !info.board.equals(request.board.constData(), size_t(request.board.size())) ||
        bytesOf(info.deviceId, 8).toHex() != request.deviceIdHex)
        return failure = "unexpected PROV_INFO_RESPONSE", QByteArray();

    P::ProvSetConfigMessage config;
    config.panId = 0x1234;
    config.channel = 15;
    if (!config.classAttributes.vendor.assign(request.vendor.constData(),
                                              size_t(request.vendor.size())) ||
        !config.classAttributes.type.assign(request.type.constData(),
                                            size_t(request.type.size())) ||
        !config.classAttributes.subscriber.assign(request.subscriber.constData(),
                                                  size_t(request.subscriber.size())))
        return failure = "class attributes too long", QByteArray();
    config.reportingIntervalS = request.reportingIntervalS;
    if (request.authorityKey.size() != 65)
        return failure = "the authority key is not 65 bytes", QByteArray();
    std::memcpy(config.authorityKey, request.authorityKey.constData(), 65);
    wizard.send(config);
    frame = wizard.next(10000);
    if (!frame || frame->type != uint8_t(P::MessageType::Ack))
        return failure = "PROV_SET_CONFIG not acknowledged", QByteArray();

    P::ProvGenKeyRequestMessage genKey;
    for (uint8_t &byte : genKey.hostEntropy)
        byte = uint8_t(QRandomGenerator::global()->generate());
    wizard.send(genKey);
    frame = wizard.next(request.signTimeoutMs);
    P::ProvGenKeyResponseMessage keyResponse;
    if (!frame || !decodeAs(*frame, keyResponse))
        return failure = "no PROV_GENKEY_RESPONSE", QByteArray();
    const QByteArray publicKey = bytesOf(keyResponse.publicKey, 65);

    P::ProvTestReadingRequestMessage testReading;
    testReading.sensorIndex = 0;
    wizard.send(testReading);
    frame = wizard.next(request.signTimeoutMs);
    P::SignedReading reading;
    if (!frame || frame->type != uint8_t(P::MessageType::ProvTestReadingResponse))
        return failure = "no PROV_TEST_READING_RESPONSE", QByteArray();
    failure = verifySignedReading(frame->payload, publicKey, reading);
    if (!failure.isEmpty())
        return QByteArray();

    P::ProvLockMessage lock;
    std::memcpy(lock.deviceId, QByteArray::fromHex(request.deviceIdHex).constData(), 8);
    wizard.send(lock);
    frame = wizard.next(10000);
    if (!frame || frame->type != uint8_t(P::MessageType::Ack))
        return failure = "PROV_LOCK not acknowledged", QByteArray();
    return publicKey;
}

} // namespace LinkCheck
