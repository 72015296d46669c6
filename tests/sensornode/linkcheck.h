#pragma once
// Test-side view of the device link for the sensor-node tests: frame encoding/collection with
// Portal::Protocol, and signature checks with OpenSSL (Portal::Crypto::Es256PublicKey) over a
// Sig_structure assembled here byte by byte from RFC 9052 §4.4, not by the code under test.

#include <portal-core/crypto/es256.h>
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
    uint8_t type;
    uint16_t seq;
    QByteArray payload;
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

// Collects complete frames from a byte stream that may arrive in pieces.
class FrameCollector
{
public:
    void append(const QByteArray &bytes)
    {
        size_t offset = 0;
        const uint8_t *data = reinterpret_cast<const uint8_t *>(bytes.constData());
        while (offset < size_t(bytes.size())) {
            offset += m_reader.feed(data + offset, size_t(bytes.size()) - offset);
            if (m_reader.hasFrame()) {
                const P::Frame &frame = m_reader.frame();
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

// ATTACH_PROOF: ES256 over nonce(16) ‖ device id(8), checked with OpenSSL.
inline QString verifyAttachProof(const P::AttachProofMessage &proof, const QByteArray &nonce,
                                 const QByteArray &deviceId, const QByteArray &publicKey)
{
    auto key = Portal::Crypto::Es256PublicKey::fromUncompressedPoint(Portal::Crypto::ByteView(
        reinterpret_cast<const uint8_t *>(publicKey.constData()), size_t(publicKey.size())));
    if (!key)
        return QString::fromStdString(key.error().code);
    const QByteArray message = nonce + deviceId;
    const auto verified = key->verifyRaw(
        Portal::Crypto::ByteView(reinterpret_cast<const uint8_t *>(message.constData()),
                                 size_t(message.size())),
        Portal::Crypto::ByteView(proof.signature, sizeof proof.signature));
    return verified ? QString() : QString::fromStdString(verified.error().code);
}

// The gateway's (or the wizard's) side of a device link over any QIODevice: a TCP socket to
// sensor-node-sim or a serial port (pty) to the AVR image in simavr.
class LinkPeer
{
public:
    explicit LinkPeer(QIODevice &device) : m_device(device) {}

    template<typename Message>
    void send(const Message &message)
    {
        m_device.write(messageFrame(message, m_seq++));
        m_device.waitForBytesWritten(1000);
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
