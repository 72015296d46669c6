#include "devicelink.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/signedreading.h>

#include <QLoggingCategory>
#include <QRandomGenerator>
#include <QSerialPort>
#include <QTcpSocket>

#include <cstring>

Q_LOGGING_CATEGORY(lcLink, "portal.gateway.link")

namespace Portal::Gateway {

namespace {

constexpr int kReconnectMs = 1000;

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
    m_nonce.clear();
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
}

template<typename Message>
bool DeviceLink::send(const Message &message)
{
    if (!m_io)
        return false;
    Protocol::Payload payload{};
    if (message.encode(payload) != Protocol::MessageError::None)
        return false;
    uint8_t frame[Protocol::kMaxFrameBytes];
    const auto encoded = Protocol::encodeFrame(uint8_t(Message::kType), m_seq++, payload.bytes,
                                               payload.size, frame, sizeof frame);
    if (encoded.size == 0)
        return false;
    return m_io->write(reinterpret_cast<const char *>(frame), qint64(encoded.size)) ==
           qint64(encoded.size);
}

void DeviceLink::sendError(Protocol::ErrorCode code, quint16 refersToSeq)
{
    ++m_counters.messagesRefused;
    Protocol::ErrorMessage error{};
    error.code = code;
    error.refersToSeq = refersToSeq;
    send(error);
}

void DeviceLink::handleFrame(const Protocol::Frame &frame)
{
    switch (Protocol::MessageType(frame.type)) {
    case Protocol::MessageType::Hello:
        handleHello(frame);
        return;
    case Protocol::MessageType::AttachProof:
        handleAttachProof(frame);
        return;
    case Protocol::MessageType::Reading:
        handleReading(frame);
        return;
    case Protocol::MessageType::CommandStatus:
        handleCommandStatus(frame);
        return;
    case Protocol::MessageType::Ack:
    case Protocol::MessageType::Error:
        return;
    default:
        sendError(Protocol::ErrorCode::UnknownMessageType, frame.seq);
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
    const QByteArray deviceId(reinterpret_cast<const char *>(hello.deviceId),
                              qsizetype(Protocol::kDeviceIdBytes));
    if (m_attached && deviceId != m_identity.deviceId) {
        m_attached = false;
        emit detached();
    }
    m_identity.deviceId = deviceId;
    m_identity.publicKey = QByteArray(reinterpret_cast<const char *>(hello.publicKey),
                                      qsizetype(Protocol::kPublicKeyBytes));
    m_identity.firmwareVersion = text(hello.firmwareVersion.data, hello.firmwareVersion.size);
    m_identity.vendor = text(hello.classAttributes.vendor.data, hello.classAttributes.vendor.size);
    m_identity.type = text(hello.classAttributes.type.data, hello.classAttributes.type.size);
    m_identity.subscriber =
        text(hello.classAttributes.subscriber.data, hello.classAttributes.subscriber.size);

    Protocol::AttachChallengeMessage challenge{};
    QRandomGenerator::system()->generate(reinterpret_cast<quint32 *>(challenge.nonce),
                                         reinterpret_cast<quint32 *>(challenge.nonce) +
                                             Protocol::kAttachNonceBytes / 4);
    m_nonce = QByteArray(reinterpret_cast<const char *>(challenge.nonce),
                         qsizetype(Protocol::kAttachNonceBytes));
    send(challenge);
}

void DeviceLink::handleAttachProof(const Protocol::Frame &frame)
{
    Protocol::AttachProofMessage proof{};
    if (proof.decode(frame.payload) != Protocol::MessageError::None || m_nonce.isEmpty()) {
        sendError(m_nonce.isEmpty() ? Protocol::ErrorCode::BadState
                                    : Protocol::ErrorCode::Malformed,
                  frame.seq);
        return;
    }
    uint8_t input[Protocol::kAttachProofInputBytes];
    Protocol::buildAttachProofInput(
        reinterpret_cast<const uint8_t *>(m_nonce.constData()),
        reinterpret_cast<const uint8_t *>(m_identity.deviceId.constData()), input);
    m_nonce.clear(); // single use
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_identity.publicKey.constData()),
                         size_t(m_identity.publicKey.size())));
    if (!key || !key->verifyRaw(Crypto::ByteView(input, sizeof input),
                                Crypto::ByteView(proof.signature, sizeof proof.signature))) {
        ++m_counters.attachFailures;
        qCWarning(lcLink) << "attach proof does not verify for device"
                          << m_identity.deviceId.toHex();
        sendError(Protocol::ErrorCode::InvalidArgument, frame.seq);
        return;
    }
    m_key.emplace(std::move(*key));
    Protocol::AckMessage ack{};
    ack.ackedSeq = frame.seq;
    send(ack);
    const bool wasAttached = m_attached;
    m_attached = true;
    qCInfo(lcLink) << "device" << m_identity.deviceId.toHex() << "proved its key on"
                   << m_address.toString();
    if (!wasAttached)
        emit attached(m_identity);
}

void DeviceLink::handleReading(const Protocol::Frame &frame)
{
    if (!m_attached || !m_key) {
        sendError(Protocol::ErrorCode::BadState, frame.seq);
        return;
    }
    Protocol::ReadingMessage reading{};
    if (reading.decode(frame.payload) != Protocol::MessageError::None ||
        std::memcmp(reading.reading.deviceId, m_identity.deviceId.constData(),
                    Protocol::kDeviceIdBytes) != 0) {
        sendError(Protocol::ErrorCode::Malformed, frame.seq);
        return;
    }
    uint8_t deviceId[Protocol::kDeviceIdBytes];
    std::memcpy(deviceId, m_identity.deviceId.constData(), sizeof deviceId);
    if (auto verified = Crypto::verifySignedReading(
            Crypto::ByteView(frame.payload.data, frame.payload.size), *m_key, deviceId);
        !verified) {
        ++m_counters.readingsRefused;
        qCWarning(lcLink).noquote() << "refused reading" << reading.reading.counter << "of device"
                                    << m_identity.deviceId.toHex() << ":"
                                    << QString::fromStdString(verified.error().message);
        sendError(Protocol::ErrorCode::InvalidArgument, frame.seq);
        return;
    }
    // Forwarded unchanged: the bytes the device signed, as it sent them.
    const QByteArray message(reinterpret_cast<const char *>(frame.payload.data),
                             qsizetype(frame.payload.size));
    if (!m_sink(m_identity.deviceId, reading.reading.counter, message))
        return; // not durable: no ACK, the device resends
    Protocol::AckMessage ack{};
    ack.ackedSeq = frame.seq;
    ack.hasReadingCounter = true;
    ack.readingCounter = reading.reading.counter;
    if (send(ack))
        ++m_counters.readingsAcked;
}

void DeviceLink::handleCommandStatus(const Protocol::Frame &frame)
{
    Protocol::CommandStatusMessage status{};
    if (status.decode(frame.payload) != Protocol::MessageError::None) {
        sendError(Protocol::ErrorCode::Malformed, frame.seq);
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
