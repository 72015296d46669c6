#pragma once
// One device attached to the gateway over a byte stream (DESIGN §4.1): a serial port
// (QSerialPort, XBee transparent mode or USB) or, for simulated devices, a TCP connection to
// sensor-node-sim. Reconnects when the link drops.
//
// HELLO → ATTACH_CHALLENGE (fresh 16-byte nonce) → ATTACH_PROOF, verified with the public key
// the device announced (proof of possession); only then `attached`. READINGs of an attached
// device are handed to `readingReceived`, which answers whether the reading is durable; only
// then the device gets its ACK. A READING whose signature does not verify with the attached
// key is refused (ERROR, counted, logged) and never queued: the gateway's queue holds only what
// the instance would store, so a forged reading cannot take a genuine one's counter. COMMANDs go
// down, COMMAND_STATUS comes back. Every frame is bounded by the FrameReader (kMaxFrameBytes); bad
// frames are dropped and counted.

#include <portal-core/crypto/es256.h>
#include <portal-core/protocol/frame.h>
#include <portal-core/protocol/messages.h>

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QTimer>

#include <functional>
#include <memory>
#include <optional>

class QIODevice;

namespace Portal::Gateway {

struct DeviceIdentity
{
    QByteArray deviceId;  // 8 bytes
    QByteArray publicKey; // 65 bytes, 04 ‖ x ‖ y
    QString firmwareVersion;
    QString vendor;
    QString type;
    QString subscriber;
};

// "tcp:127.0.0.1:4711" or "serial:/dev/ttyUSB0[@115200]".
struct LinkAddress
{
    enum class Kind { Tcp, Serial } kind = Kind::Tcp;
    QString host;
    quint16 port = 0;
    QString serialPath;
    qint32 baudRate = 115200;

    static std::optional<LinkAddress> parse(const QString &text);
    QString toString() const;
};

struct LinkCounters
{
    quint64 framesDropped = 0;   // FrameReader drops (oversize, COBS, CRC, version, short)
    quint64 messagesRefused = 0; // well-framed but undecodable or unexpected
    quint64 attachFailures = 0;  // ATTACH_PROOF that does not verify
    quint64 readingsAcked = 0;
    quint64 readingsRefused = 0; // a signature that does not verify with the attached key
};

class DeviceLink : public QObject
{
    Q_OBJECT
public:
    // Returns true when the reading is durable (then the device gets its ACK).
    using ReadingSink =
        std::function<bool(const QByteArray &deviceId, quint32 counter, const QByteArray &message)>;

    DeviceLink(LinkAddress address, ReadingSink sink, QObject *parent = nullptr);
    ~DeviceLink() override;

    void start();
    const LinkAddress &address() const { return m_address; }
    bool isAttached() const { return m_attached; }
    const DeviceIdentity &identity() const { return m_identity; }
    LinkCounters counters() const;

    // False when no device is attached or the link is down.
    bool sendCommand(quint32 commandId, quint8 actuator, qint32 value);

signals:
    void attached(const Portal::Gateway::DeviceIdentity &identity);
    void detached();
    void commandStatus(quint32 commandId, int status, qint32 value);

private:
    void connectLink();
    void onReadyRead();
    void handleFrame(const Protocol::Frame &frame);
    void handleHello(const Protocol::Frame &frame);
    void handleAttachProof(const Protocol::Frame &frame);
    void handleReading(const Protocol::Frame &frame);
    void handleCommandStatus(const Protocol::Frame &frame);
    template<typename Message>
    bool send(const Message &message);
    void sendError(Protocol::ErrorCode code, quint16 refersToSeq);
    void onLinkLost();

    LinkAddress m_address;
    ReadingSink m_sink;
    std::unique_ptr<QIODevice> m_io;
    Protocol::FrameReader m_reader;
    QTimer m_reconnect;
    quint16 m_seq = 0;
    DeviceIdentity m_identity;
    std::optional<Crypto::Es256PublicKey> m_key; // m_identity.publicKey, once it proved it
    QByteArray m_nonce;
    bool m_attached = false;
    LinkCounters m_counters;
};

} // namespace Portal::Gateway

Q_DECLARE_METATYPE(Portal::Gateway::DeviceIdentity)
