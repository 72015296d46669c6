#pragma once
// One device attached to the gateway over a byte stream (DESIGN §4.1): a serial port
// (QSerialPort, XBee transparent mode or USB) or, for simulated devices, a TCP connection to
// sensor-node-sim. Reconnects when the link drops.
//
// Attach (device-link version 2, docs/protocol.md "Attach"): HELLO makes the link draw an
// ephemeral P-256 key G and emit attachRequested; the gateway asks the portal for a challenge
// and hands it to challenge(), which sends ATTACH_CHALLENGE (challenge, G). The device's
// ATTACH_PROOF is emitted as proofReceived for the portal to verify; the portal's
// authorisation goes to accept(), which sends ATTACH_ACCEPT and derives the link key from
// ECDH(G, D) (attachcrypto.h). Only then `attached`, and from then on every READING, ACK,
// COMMAND, COMMAND_STATUS and ERROR is sealed (attachexchange.h): a frame with a bad tag, a
// counter not above the last accepted one, or no seal at all is dropped and counted
// (`sealFailures`), never answered. A sealed frame on a link that is not attached is answered
// with an unsealed ERROR BadState, so the device attaches again.
//
// READINGs of an attached
// device are handed to `readingReceived`, which answers whether the reading is durable; only
// then the device gets its ACK. A READING whose signature does not verify with the attached
// key is refused (ERROR, counted, logged) and never queued: the gateway's queue holds only what
// the instance would store, so a forged reading cannot take a genuine one's counter. COMMANDs go
// down, COMMAND_STATUS comes back. Every frame is bounded by the FrameReader (kMaxFrameBytes); bad
// frames are dropped and counted, and frames of another link version are logged once per link.

#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/x509.h>
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
    quint64 attachFailures = 0;  // attach exchanges abandoned (the portal refused, timeouts)
    quint64 readingsAcked = 0;
    quint64 readingsRefused = 0; // a signature that does not verify with the attached key
    quint64 sealFailures = 0;    // bad tag, replayed counter, or unsealed on an attached link
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

    // The attach exchange, driven by the gateway (see above). challenge() and accept() are
    // ignored unless the exchange is at that step; abandonAttach() drops it (the device
    // attaches again from HELLO).
    void challenge(const QByteArray &challenge);
    void accept(const QString &gatewayId, const QByteArray &authorisation);
    void abandonAttach(const QString &why);
    // A new exchange (fresh G, attachRequested) for the device whose HELLO came last and was
    // not answered with an ATTACH_ACCEPT yet, unless one is running; the device answers a new
    // ATTACH_CHALLENGE at any time, also while it waits for an ATTACH_ACCEPT.
    void restartAttach();
    // A new exchange for the device on this link (attached or not) unless one is running or
    // the last one this asked for is less than a minute old: the portal wants its proof again
    // (its placement failed).
    void attachAgain();

signals:
    // HELLO of `identity`; `gatewayKey` is G of this exchange.
    void attachRequested(const Portal::Gateway::DeviceIdentity &identity,
                         const QByteArray &gatewayKey);
    void proofReceived(const QByteArray &deviceId, const QByteArray &challenge,
                       const QByteArray &deviceKey, const QByteArray &signature);
    void attached(const Portal::Gateway::DeviceIdentity &identity);
    void detached();
    void commandStatus(quint32 commandId, int status, qint32 value);

private:
    enum class Exchange { None, WaitingForChallenge, Challenged, Proving };

    void connectLink();
    void onReadyRead();
    void handleFrame(const Protocol::Frame &frame);
    void handleSealed(const Protocol::Frame &frame);
    void handleHello(const Protocol::Frame &frame);
    void handleAttachProof(const Protocol::Frame &frame);
    void startExchange();
    void handleReading(quint16 seq, Protocol::ByteView message);
    void handleCommandStatus(quint16 seq, Protocol::ByteView message);
    template<typename Message>
    bool send(const Message &message);
    bool sendPayload(Protocol::MessageType type, const Protocol::Payload &payload);
    void sendError(Protocol::ErrorCode code, quint16 refersToSeq);
    void dropSealFailure(const char *why, quint16 seq);
    void onLinkLost();

    LinkAddress m_address;
    ReadingSink m_sink;
    std::unique_ptr<QIODevice> m_io;
    Protocol::FrameReader m_reader;
    QTimer m_reconnect;
    quint16 m_seq = 0;
    DeviceIdentity m_identity;
    std::optional<Crypto::Es256PublicKey> m_key; // m_identity.publicKey, once it proved it
    bool m_attached = false;
    LinkCounters m_counters;
    bool m_versionLogged = false;

    // The exchange in progress (at most one per link).
    Exchange m_exchange = Exchange::None;
    qint64 m_exchangeStartedMs = 0;
    DeviceIdentity m_pendingIdentity;
    bool m_attachWanted = false; // a HELLO came that no ATTACH_ACCEPT has answered yet
    qint64 m_lastAttachAgainMs = 0;
    std::optional<Crypto::PrivateKey> m_gatewayKey; // G's private half
    QByteArray m_gatewayPoint;
    QByteArray m_challenge;
    QByteArray m_deviceKey; // D

    // The attached link.
    std::unique_ptr<Crypto::LinkMac> m_mac;
    quint32 m_txCounter = 0;
    quint32 m_rxCounter = 0;
};

} // namespace Portal::Gateway

Q_DECLARE_METATYPE(Portal::Gateway::DeviceIdentity)
