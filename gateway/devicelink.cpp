#include "devicelink.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/signedreading.h>
#include <portal-core/protocol/attachexchange.h>

#include <QDateTime>
#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSerialPort>
#include <QTcpSocket>

#include <cstring>

Q_LOGGING_CATEGORY(lcLink, "portal.gateway.link")

namespace Portal::Gateway {

namespace {

constexpr int kReconnectMs = 1000;
// An exchange the portal or the device left unfinished this long is dropped at the next HELLO.
constexpr qint64 kExchangeTimeoutMs = 30'000;
constexpr qint64 kAttachAgainIntervalMs = 60'000;

QString text(const char *data, size_t size)
{
    return QString::fromUtf8(data, qsizetype(size));
}

} // namespace

std::optional<LinkAddress> LinkAddress::parse(const QString &text)
{
    LinkAddress address;
    if (text.startsWith(QLatin1String("tcp:"))) {
        const QString rest = text.mid(4);
        const qsizetype colon = rest.lastIndexOf(QLatin1Char(':'));
        bool ok = false;
        const uint port = rest.mid(colon + 1).toUInt(&ok);
        if (colon <= 0 || !ok || port == 0 || port > 65535)
            return std::nullopt;
        address.kind = Kind::Tcp;
        address.host = rest.left(colon);
        address.port = quint16(port);
        return address;
    }
    if (text.startsWith(QLatin1String("serial:"))) {
        const QString rest = text.mid(7);
        const qsizetype at = rest.indexOf(QLatin1Char('@'));
        address.kind = Kind::Serial;
        address.serialPath = at < 0 ? rest : rest.left(at);
        if (at >= 0) {
            bool ok = false;
            address.baudRate = rest.mid(at + 1).toInt(&ok);
            if (!ok || address.baudRate <= 0)
                return std::nullopt;
        }
        if (address.serialPath.isEmpty())
            return std::nullopt;
        return address;
    }
    return std::nullopt;
}

QString LinkAddress::toString() const
{
    if (kind == Kind::Tcp)
        return QStringLiteral("tcp:%1:%2").arg(host).arg(port);
    return QStringLiteral("serial:%1@%2").arg(serialPath).arg(baudRate);
}

DeviceLink::DeviceLink(LinkAddress address, ReadingSink sink, QObject *parent)
    : QObject(parent), m_address(std::move(address)), m_sink(std::move(sink))
{
    m_reconnect.setSingleShot(true);
    m_reconnect.setInterval(kReconnectMs);
    connect(&m_reconnect, &QTimer::timeout, this, &DeviceLink::connectLink);
}

DeviceLink::~DeviceLink() = default;

void DeviceLink::start()
{
    connectLink();
}

LinkCounters DeviceLink::counters() const
{
    LinkCounters counters = m_counters;
    const auto &drops = m_reader.drops();
    counters.framesDropped =
        drops.oversize + drops.badCobs + drops.badCrc + drops.badVersion + drops.tooShort;
    return counters;
}

void DeviceLink::connectLink()
{
    m_reader.reset();
    if (m_address.kind == LinkAddress::Kind::Tcp) {
        auto socket = std::make_unique<QTcpSocket>();
        connect(socket.get(), &QTcpSocket::readyRead, this, &DeviceLink::onReadyRead);
        connect(socket.get(), &QTcpSocket::disconnected, this, &DeviceLink::onLinkLost,
                Qt::QueuedConnection);
        connect(
            socket.get(), &QTcpSocket::errorOccurred, this, [this] { onLinkLost(); },
            Qt::QueuedConnection);
        socket->connectToHost(m_address.host, m_address.port);
        m_io = std::move(socket);
        return;
    }
    auto port = std::make_unique<QSerialPort>(m_address.serialPath);
    port->setBaudRate(m_address.baudRate);
    port->setDataBits(QSerialPort::Data8);
    port->setParity(QSerialPort::NoParity);
    port->setStopBits(QSerialPort::OneStop);
    port->setFlowControl(QSerialPort::NoFlowControl);
    connect(port.get(), &QSerialPort::readyRead, this, &DeviceLink::onReadyRead);
    connect(
        port.get(), &QSerialPort::errorOccurred, this,
        [this](QSerialPort::SerialPortError error) {
            if (error != QSerialPort::NoError && error != QSerialPort::TimeoutError)
                onLinkLost();
        },
        Qt::QueuedConnection);
    if (!port->open(QIODevice::ReadWrite)) {
        qCWarning(lcLink) << "cannot open" << m_address.serialPath << ":" << port->errorString();
        m_reconnect.start();
        return;
    }
    m_io = std::move(port);
}

void DeviceLink::onLinkLost()
{
    if (!m_io)
        return;
    qCInfo(lcLink).noquote() << "link" << m_address.toString() << "lost; reconnecting";
    m_io.release()->deleteLater();
    const bool wasAttached = m_attached;
    m_attached = false;
    m_mac.reset();
    m_exchange = Exchange::None;
    m_gatewayKey.reset();
    if (wasAttached)
        emit detached();
    m_reconnect.start();
}

void DeviceLink::onReadyRead()
{
    // Bounded reads: the FrameReader never holds more than one frame.
    while (m_io && m_io->bytesAvailable() > 0) {
        const QByteArray chunk = m_io->read(4096);
        const auto *data = reinterpret_cast<const uint8_t *>(chunk.constData());
        size_t offset = 0;
        while (offset < size_t(chunk.size())) {
            offset += m_reader.feed(data + offset, size_t(chunk.size()) - offset);
            if (m_reader.hasFrame())
                handleFrame(m_reader.frame());
        }
    }
    if (!m_versionLogged && m_reader.drops().badVersion > 0) {
        m_versionLogged = true;
        qCWarning(lcLink).noquote()
            << "link" << m_address.toString()
            << "carries frames of another device-link version (this gateway speaks version"
            << Protocol::kLinkVersion << "); they are dropped and counted - flash the device's"
            << "new firmware (avrdude -D keeps its EEPROM)";
    }
}

bool DeviceLink::sendPayload(Protocol::MessageType type, const Protocol::Payload &payload)
{
    if (!m_io)
        return false;
    uint8_t frame[Protocol::kMaxFrameBytes];
    Protocol::FrameEncodeResult encoded;
    if (m_attached && m_mac && Protocol::isSealedType(uint8_t(type))) {
        if (m_txCounter == 0xFFFFFFFFu)
            return false; // exhausted: the device attaches again after its resends
        encoded = Protocol::encodeSealedFrame(
            uint8_t(type), m_seq++, payload.bytes, payload.size, ++m_txCounter,
            Protocol::LinkDirection::GatewayToDevice, *m_mac, frame, sizeof frame);
    } else {
        encoded = Protocol::encodeFrame(uint8_t(type), m_seq++, payload.bytes, payload.size, frame,
                                        sizeof frame);
    }
    if (encoded.size == 0)
        return false;
    return m_io->write(reinterpret_cast<const char *>(frame), qint64(encoded.size)) ==
           qint64(encoded.size);
}

template<typename Message>
bool DeviceLink::send(const Message &message)
{
    Protocol::Payload payload{};
    if (message.encode(payload) != Protocol::MessageError::None)
        return false;
    return sendPayload(Message::kType, payload);
}

void DeviceLink::sendError(Protocol::ErrorCode code, quint16 refersToSeq)
{
    ++m_counters.messagesRefused;
    Protocol::ErrorMessage error{};
    error.code = code;
    error.refersToSeq = refersToSeq;
    send(error);
}

void DeviceLink::dropSealFailure(const char *why, quint16 seq)
{
    ++m_counters.sealFailures;
    qCWarning(lcLink).noquote() << "dropped a frame (seq" << seq << ") on" << m_address.toString()
                                << ":" << why;
}

void DeviceLink::handleFrame(const Protocol::Frame &frame)
{
    if (frame.type & Protocol::kSealedTypeFlag) {
        handleSealed(frame);
        return;
    }
    switch (Protocol::MessageType(frame.type)) {
    case Protocol::MessageType::Hello:
        handleHello(frame);
        return;
    case Protocol::MessageType::AttachProof:
        handleAttachProof(frame);
        return;
    case Protocol::MessageType::Reading:
    case Protocol::MessageType::CommandStatus:
    case Protocol::MessageType::Ack:
    case Protocol::MessageType::Error:
        // Unsealed: an attached device seals these, so this came from someone else. A device
        // that is not attached gets BadState for a READING and attaches again.
        if (m_attached)
            dropSealFailure("unsealed frame on an attached link", frame.seq);
        else if (Protocol::MessageType(frame.type) == Protocol::MessageType::Reading)
            sendError(Protocol::ErrorCode::BadState, frame.seq);
        return;
    default:
        sendError(Protocol::ErrorCode::UnknownMessageType, frame.seq);
        return;
    }
}

void DeviceLink::handleSealed(const Protocol::Frame &frame)
{
    if (!m_attached || !m_mac) {
        // A device that still holds a link key while this gateway holds none (it restarted).
        sendError(Protocol::ErrorCode::BadState, frame.seq);
        return;
    }
    Protocol::OpenedFrame opened{};
    switch (Protocol::openSealedFrame(frame, Protocol::LinkDirection::DeviceToGateway, *m_mac,
                                      m_rxCounter, opened)) {
    case Protocol::SealError::None:
        break;
    case Protocol::SealError::Replayed:
        dropSealFailure("replayed counter", frame.seq);
        return;
    case Protocol::SealError::BadTag:
    case Protocol::SealError::TooShort:
    case Protocol::SealError::NotSealed:
        dropSealFailure("bad tag", frame.seq);
        return;
    }
    m_rxCounter = opened.counter;
    switch (Protocol::MessageType(opened.type)) {
    case Protocol::MessageType::Reading:
        handleReading(opened.seq, opened.message);
        return;
    case Protocol::MessageType::CommandStatus:
        handleCommandStatus(opened.seq, opened.message);
        return;
    case Protocol::MessageType::Ack:
    case Protocol::MessageType::Error:
        return;
    default:
        sendError(Protocol::ErrorCode::UnknownMessageType, opened.seq);
        return;
    }
}

void DeviceLink::handleHello(const Protocol::Frame &frame)
{
    Protocol::HelloMessage hello{};
    if (hello.decode(frame.payload) != Protocol::MessageError::None) {
        sendError(Protocol::ErrorCode::Malformed, frame.seq);
        return;
    }
    // The device repeats HELLO until a challenge arrives; one exchange at a time, and a
    // stuck one (the portal did not answer) is dropped after kExchangeTimeoutMs.
    if (m_exchange != Exchange::None &&
        QDateTime::currentMSecsSinceEpoch() - m_exchangeStartedMs < kExchangeTimeoutMs)
        return;
    m_attachWanted = true; // until an ATTACH_ACCEPT, also while a resumed link is up
    DeviceIdentity &identity = m_pendingIdentity;
    identity.deviceId = QByteArray(reinterpret_cast<const char *>(hello.deviceId),
                                   qsizetype(Protocol::kDeviceIdBytes));
    identity.publicKey = QByteArray(reinterpret_cast<const char *>(hello.publicKey),
                                    qsizetype(Protocol::kPublicKeyBytes));
    identity.firmwareVersion = text(hello.firmwareVersion.data, hello.firmwareVersion.size);
    identity.vendor = text(hello.classAttributes.vendor.data, hello.classAttributes.vendor.size);
    identity.type = text(hello.classAttributes.type.data, hello.classAttributes.type.size);
    identity.subscriber =
        text(hello.classAttributes.subscriber.data, hello.classAttributes.subscriber.size);
    startExchange();
}

void DeviceLink::restartAttach()
{
    if (m_exchange != Exchange::None || !m_attachWanted || m_pendingIdentity.deviceId.isEmpty() ||
        !m_io)
        return;
    startExchange();
}

void DeviceLink::attachAgain()
{
    // At most once a minute: a device the portal keeps failing (revoked) must not be kept
    // signing proofs, which costs an AVR seconds each.
    const qint64 nowMs = QDateTime::currentMSecsSinceEpoch();
    if (m_exchange != Exchange::None || !m_io ||
        (m_lastAttachAgainMs != 0 && nowMs - m_lastAttachAgainMs < kAttachAgainIntervalMs))
        return;
    m_lastAttachAgainMs = nowMs;
    if (m_attached)
        m_pendingIdentity = m_identity;
    if (m_pendingIdentity.deviceId.isEmpty())
        return;
    qCInfo(lcLink) << "attaching device" << m_pendingIdentity.deviceId.toHex() << "on"
                   << m_address.toString() << "again";
    startExchange();
}

void DeviceLink::startExchange()
{
    auto key = Crypto::PrivateKey::generateP256();
    if (!key) {
        qCWarning(lcLink) << "cannot make an ephemeral key:" << key.error().message.c_str();
        return;
    }
    const auto point = key->publicKeyUncompressedPoint();
    m_gatewayKey.emplace(std::move(*key));
    m_gatewayPoint =
        QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()));
    m_challenge.clear();
    m_deviceKey.clear();
    m_exchange = Exchange::WaitingForChallenge;
    m_exchangeStartedMs = QDateTime::currentMSecsSinceEpoch();
    emit attachRequested(m_pendingIdentity, m_gatewayPoint);
}

void DeviceLink::challenge(const QByteArray &challenge)
{
    if (m_exchange != Exchange::WaitingForChallenge ||
        challenge.size() != qsizetype(Protocol::kAttachChallengeBytes))
        return;
    Protocol::AttachChallengeMessage message{};
    std::memcpy(message.challenge, challenge.constData(), Protocol::kAttachChallengeBytes);
    std::memcpy(message.gatewayKey, m_gatewayPoint.constData(), Protocol::kPublicKeyBytes);
    m_challenge = challenge;
    m_exchange = Exchange::Challenged;
    send(message);
}

void DeviceLink::handleAttachProof(const Protocol::Frame &frame)
{
    Protocol::AttachProofMessage proof{};
    if (proof.decode(frame.payload) != Protocol::MessageError::None) {
        sendError(Protocol::ErrorCode::Malformed, frame.seq);
        return;
    }
    if (m_exchange != Exchange::Challenged) {
        sendError(Protocol::ErrorCode::BadState, frame.seq);
        return;
    }
    m_deviceKey = QByteArray(reinterpret_cast<const char *>(proof.deviceKey),
                             qsizetype(Protocol::kPublicKeyBytes));
    m_exchange = Exchange::Proving;
    emit proofReceived(m_pendingIdentity.deviceId, m_challenge, m_deviceKey,
                       QByteArray(reinterpret_cast<const char *>(proof.signature),
                                  qsizetype(sizeof proof.signature)));
}

void DeviceLink::accept(const QString &gatewayId, const QByteArray &authorisation)
{
    if (m_exchange != Exchange::Proving || !m_gatewayKey ||
        authorisation.size() != qsizetype(Protocol::kEs256SignatureBytes))
        return;
    const QByteArray gateway = gatewayId.toUtf8();
    Protocol::AttachAcceptMessage message{};
    if (!message.gatewayId.assign(gateway.constData(), size_t(gateway.size()))) {
        abandonAttach(QStringLiteral("gateway id too long for ATTACH_ACCEPT"));
        return;
    }
    std::memcpy(message.authorisation, authorisation.constData(), sizeof message.authorisation);
    auto linkKey = Crypto::deriveLinkKey(
        *m_gatewayKey,
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_deviceKey.constData()),
                         size_t(m_deviceKey.size())),
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_challenge.constData()),
                         size_t(m_challenge.size())));
    if (!linkKey) {
        abandonAttach(QString::fromStdString(linkKey.error().message));
        return;
    }
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_pendingIdentity.publicKey.constData()),
                         size_t(m_pendingIdentity.publicKey.size())));
    if (!key) {
        abandonAttach(QStringLiteral("the device's key is not a P-256 point"));
        return;
    }
    // ATTACH_ACCEPT itself is unsealed: the device verifies the portal's signature on it.
    const bool wasAttached = m_attached;
    m_attached = false;
    send(message);
    const bool sameDevice = wasAttached && m_identity.deviceId == m_pendingIdentity.deviceId;
    if (wasAttached && !sameDevice)
        emit detached();
    m_identity = m_pendingIdentity;
    m_key.emplace(std::move(*key));
    m_mac = std::make_unique<Crypto::LinkMac>(linkKey->view());
    m_txCounter = 0;
    m_rxCounter = 0;
    m_attached = true;
    m_attachWanted = false;
    m_exchange = Exchange::None;
    m_gatewayKey.reset();
    qCInfo(lcLink) << "device" << m_identity.deviceId.toHex() << "attached on"
                   << m_address.toString() << "(possession proven to the portal)";
    if (!sameDevice)
        emit attached(m_identity);
}

void DeviceLink::abandonAttach(const QString &why)
{
    if (m_exchange == Exchange::None)
        return;
    ++m_counters.attachFailures;
    qCWarning(lcLink).noquote() << "attach of device" << m_pendingIdentity.deviceId.toHex() << "on"
                                << m_address.toString() << "abandoned:" << why;
    m_exchange = Exchange::None;
    m_gatewayKey.reset();
}

void DeviceLink::handleReading(quint16 seq, Protocol::ByteView message)
{
    Protocol::ReadingMessage reading{};
    if (reading.decode(message) != Protocol::MessageError::None ||
        std::memcmp(reading.reading.deviceId, m_identity.deviceId.constData(),
                    Protocol::kDeviceIdBytes) != 0) {
        sendError(Protocol::ErrorCode::Malformed, seq);
        return;
    }
    uint8_t deviceId[Protocol::kDeviceIdBytes];
    std::memcpy(deviceId, m_identity.deviceId.constData(), sizeof deviceId);
    if (auto verified = Crypto::verifySignedReading(Crypto::ByteView(message.data, message.size),
                                                    *m_key, deviceId);
        !verified) {
        ++m_counters.readingsRefused;
        qCWarning(lcLink).noquote() << "refused reading" << reading.reading.counter << "of device"
                                    << m_identity.deviceId.toHex() << ":"
                                    << QString::fromStdString(verified.error().message);
        sendError(Protocol::ErrorCode::InvalidArgument, seq);
        return;
    }
    // Forwarded unchanged: the bytes the device signed, as it sent them.
    const QByteArray bytes(reinterpret_cast<const char *>(message.data), qsizetype(message.size));
    if (!m_sink(m_identity.deviceId, reading.reading.counter, bytes))
        return; // not durable: no ACK, the device resends
    Protocol::AckMessage ack{};
    ack.ackedSeq = seq;
    ack.hasReadingCounter = true;
    ack.readingCounter = reading.reading.counter;
    if (send(ack))
        ++m_counters.readingsAcked;
}

void DeviceLink::handleCommandStatus(quint16 seq, Protocol::ByteView message)
{
    Protocol::CommandStatusMessage status{};
    if (status.decode(message) != Protocol::MessageError::None) {
        sendError(Protocol::ErrorCode::Malformed, seq);
        return;
    }
    emit commandStatus(status.commandId, int(status.status), status.value);
}

bool DeviceLink::sendCommand(quint32 commandId, quint8 actuator, qint32 value)
{
    if (!m_attached)
        return false;
    Protocol::CommandMessage command{};
    command.commandId = commandId;
    command.actuatorIndex = actuator;
    command.value = value;
    return send(command);
}

} // namespace Portal::Gateway
