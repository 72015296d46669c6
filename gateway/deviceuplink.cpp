#include "deviceuplink.h"

#include "peeridentity.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QWebSocket>

Q_LOGGING_CATEGORY(lcUplink, "portal.gateway.uplink")

namespace Portal::Gateway {

namespace {

constexpr int kMinBackoffMs = 250;
constexpr int kMaxBackoffMs = 10'000;
constexpr int kReconnectSocketMs = 2000;
constexpr qint64 kMaxServiceAnswerBytes = 64 * 1024;
constexpr qint64 kMaxCommandMessageBytes = 4096;

QString statusName(int status)
{
    switch (Protocol::CommandStatus(status)) {
    case Protocol::CommandStatus::Done:
        return QStringLiteral("done");
    case Protocol::CommandStatus::UnknownActuator:
        return QStringLiteral("unsupported");
    default:
        return QStringLiteral("failed");
    }
}

} // namespace

DeviceUplink::DeviceUplink(QByteArray deviceId, ReadingQueue &queue, QSslConfiguration tls,
                           QObject *parent)
    : QObject(parent), m_deviceId(std::move(deviceId)), m_queue(queue), m_tls(std::move(tls)),
      m_network(std::make_unique<QNetworkAccessManager>())
{
    m_network->setTransferTimeout(15'000);
    m_retry.setSingleShot(true);
    connect(&m_retry, &QTimer::timeout, this, &DeviceUplink::flush);
    m_reconnectSocket.setSingleShot(true);
    m_reconnectSocket.setInterval(kReconnectSocketMs);
    connect(&m_reconnectSocket, &QTimer::timeout, this, &DeviceUplink::openCommandSocket);
}

DeviceUplink::~DeviceUplink()
{
    if (m_socket)
        m_socket->disconnect(this);
}

void DeviceUplink::setPlacement(const DevicePlacement &placement)
{
    const bool moved = placement.instanceUrl != m_placement.instanceUrl ||
                       placement.instanceName != m_placement.instanceName ||
                       placement.credential != m_placement.credential;
    m_placement = placement;
    if (!moved)
        return;
    qCInfo(lcUplink) << "device" << m_deviceId.toHex() << "served by"
                     << placement.instanceUrl.toString();
    m_backoffMs = 0;
    openCommandSocket();
    flush();
}

void DeviceUplink::setLink(DeviceLink *link)
{
    if (m_link)
        m_link->disconnect(this);
    m_link = link;
    if (link)
        connect(link, &DeviceLink::commandStatus, this, &DeviceUplink::onCommandStatus);
}

void DeviceUplink::flush()
{
    if (m_inFlight || !isReady() || m_retry.isActive())
        return;
    auto head = m_queue.head(m_deviceId);
    if (!head) {
        qCWarning(lcUplink) << "queue read failed:" << head.error().message.c_str();
        retryLater();
        return;
    }
    if (!head->has_value())
        return;
    const QueuedReading &reading = **head;
    QUrl url = m_placement.instanceUrl;
    url.setPath(QStringLiteral("/m2m/%1/data").arg(QString::fromLatin1(m_deviceId.toHex())));
    QNetworkRequest request(url);
    request.setSslConfiguration(m_tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json;ty=4"));
    request.setRawHeader("X-M2M-Origin", "C" + m_deviceId.toHex());
    request.setRawHeader("X-M2M-RI", "r" + QByteArray::number(reading.id));
    request.setRawHeader("Authorization", "Bearer " + m_placement.credential);
    const QJsonObject body{
        {QStringLiteral("m2m:cin"),
         QJsonObject{
             {QStringLiteral("cnf"), QStringLiteral("application/cose;cose-type=cose-sign1:0")},
             {QStringLiteral("con"), QString::fromLatin1(reading.message.toBase64())}}}};
    m_inFlight = true;
    QNetworkReply *reply =
        m_network->post(request, QJsonDocument(body).toJson(QJsonDocument::Compact));
    requirePeerIdentity(reply, {Crypto::IdentityType::Instance, m_placement.instanceName},
                        [this](const QString &presented) { refuseInstance(presented); });
    const qint64 queueId = reading.id;
    const quint32 counter = reading.counter;
    connect(reply, &QNetworkReply::finished, this, [this, reply, queueId, counter] {
        reply->deleteLater();
        m_inFlight = false;
        onPosted(queueId, counter,
                 reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(),
                 reply->read(kMaxServiceAnswerBytes));
    });
}

void DeviceUplink::onPosted(qint64 queueId, quint32 counter, int status, const QByteArray &body)
{
    const QString code = QJsonDocument::fromJson(body)
                             .object()
                             .value(QStringLiteral("error"))
                             .toObject()
                             .value(QStringLiteral("code"))
                             .toString();
    if (status == 200 || status == 201) {
        ++m_counters.delivered;
        m_activity.lastStored = QDateTime::currentDateTimeUtc();
        m_activity.signature = QStringLiteral("verified");
        m_activity.lastCounter = qMax<qint64>(m_activity.lastCounter, counter);
    } else if (status == 409 && code == QLatin1String("m2m.below_floor")) {
        // Another instance accepted this counter before the device moved: delivered already.
        ++m_counters.belowFloor;
        m_activity.lastCounter = qMax<qint64>(m_activity.lastCounter, counter);
        qCInfo(lcUplink) << "reading" << counter << "of" << m_deviceId.toHex()
                         << "was stored before the device moved; dropped";
    } else if (status == 400 || status == 413 || code == QLatin1String("m2m.revoked")) {
        // Refused for good (bad signature, replay, malformed, too large, a revoked device):
        // retrying cannot help.
        ++m_counters.rejected;
        m_activity.signature = code == QLatin1String("m2m.bad_signature")
                                   ? QStringLiteral("bad_signature")
                               : code == QLatin1String("m2m.replay") ? QStringLiteral("replay")
                                                                     : QStringLiteral("refused");
        qCWarning(lcUplink) << "M2M service refused a reading of" << m_deviceId.toHex() << ":"
                            << code;
    } else {
        // 401/403/404 (device or credential not pushed to this instance yet, or revoked), 5xx,
        // or no answer: keep it and retry.
        retryLater();
        return;
    }
    if (auto removed = m_queue.remove(queueId); !removed) {
        retryLater();
        return;
    }
    m_backoffMs = 0;
    flush();
}

void DeviceUplink::refuseInstance(const QString &presented)
{
    ++m_counters.wrongInstance;
    qCWarning(lcUplink).noquote() << "refused the server at" << m_placement.instanceUrl.toString()
                                  << "for device" << m_deviceId.toHex() << ": expected"
                                  << describeExpected(
                                         {Crypto::IdentityType::Instance, m_placement.instanceName})
                                  << "presented" << presented;
}

void DeviceUplink::retryLater()
{
    m_backoffMs = m_backoffMs == 0 ? kMinBackoffMs : qMin(m_backoffMs * 2, kMaxBackoffMs);
    m_retry.start(m_backoffMs);
}

void DeviceUplink::openCommandSocket()
{
    if (m_socket) {
        m_socket->disconnect(this);
        m_socket->abort();
        m_socket.release()->deleteLater();
    }
    if (!isReady())
        return;
    QUrl url = m_placement.instanceUrl;
    url.setScheme(url.scheme() == QLatin1String("https") ? QStringLiteral("wss")
                                                         : QStringLiteral("ws"));
    url.setPath(QStringLiteral("/m2m/%1/commands/ws").arg(QString::fromLatin1(m_deviceId.toHex())));
    QNetworkRequest request(url);
    request.setSslConfiguration(m_tls);
    request.setRawHeader("Authorization", "Bearer " + m_placement.credential);
    m_socket = std::make_unique<QWebSocket>();
    m_socket->setSslConfiguration(m_tls); // QWebSocket ignores the request's TLS settings
    m_socket->setMaxAllowedIncomingMessageSize(kMaxCommandMessageBytes);
    m_socket->setMaxAllowedIncomingFrameSize(kMaxCommandMessageBytes);
    connect(m_socket.get(), &QWebSocket::textMessageReceived, this,
            &DeviceUplink::onCommandMessage);
    connect(m_socket.get(), &QWebSocket::disconnected, this, [this] { m_reconnectSocket.start(); });
    // QWebSocket has no hook between the handshake and the upgrade request, so the typed name
    // is checked once connected: a wrong server is dropped before any command is taken.
    connect(m_socket.get(), &QWebSocket::connected, this, [this] {
        const QString presented =
            peerIdentityMismatch(m_socket->sslConfiguration().peerCertificate(),
                                 {Crypto::IdentityType::Instance, m_placement.instanceName});
        if (presented.isEmpty() || m_socket->sslConfiguration().peerCertificate().isNull())
            return;
        refuseInstance(presented);
        m_socket->abort();
    });
    m_socket->open(request);
}

void DeviceUplink::onCommandMessage(const QString &text)
{
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (message.value(QStringLiteral("type")).toString() != QLatin1String("command"))
        return;
    const double commandId = message.value(QStringLiteral("commandId")).toDouble(-1);
    const int actuator = message.value(QStringLiteral("actuator")).toInt(-1);
    const double value = message.value(QStringLiteral("value")).toDouble(0);
    if (commandId < 0 || commandId > 4294967295.0 || actuator < 0 || actuator > 255 ||
        value < -2147483648.0 || value > 2147483647.0) {
        qCWarning(lcUplink) << "malformed command for" << m_deviceId.toHex();
        return;
    }
    if (!m_link || !m_link->sendCommand(quint32(commandId), quint8(actuator), qint32(value))) {
        const QJsonObject status{{QStringLiteral("type"), QStringLiteral("status")},
                                 {QStringLiteral("commandId"), commandId},
                                 {QStringLiteral("status"), QStringLiteral("failed")},
                                 {QStringLiteral("value"), 0}};
        m_socket->sendTextMessage(
            QString::fromUtf8(QJsonDocument(status).toJson(QJsonDocument::Compact)));
    }
}

void DeviceUplink::onCommandStatus(quint32 commandId, int status, qint32 value)
{
    if (!m_socket)
        return;
    const QJsonObject message{{QStringLiteral("type"), QStringLiteral("status")},
                              {QStringLiteral("commandId"), double(commandId)},
                              {QStringLiteral("status"), statusName(status)},
                              {QStringLiteral("value"), value}};
    m_socket->sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

} // namespace Portal::Gateway
