#include "commandchannel.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkRequest>
#include <QTimer>
#include <QWebSocket>

#include <limits>

Q_LOGGING_CATEGORY(lcCommands, "portal.m2m.commands")

namespace Portal::M2mService {

namespace {

constexpr int kCloseTimeoutMs = 5000;

// Closes with the reason and aborts a peer that does not finish the closing handshake.
void closeSocket(QWebSocket *socket, QWebSocketProtocol::CloseCode code, const QString &why)
{
    socket->close(code, why);
    QTimer::singleShot(kCloseTimeoutMs, socket, [socket] { socket->abort(); });
}

} // namespace

CommandChannel::CommandChannel(M2mStore &store, Authenticator &authenticator, QObject *parent)
    : QObject(parent), m_store(store), m_authenticator(authenticator)
{
}

CommandChannel::~CommandChannel()
{
    closeAll();
}

void CommandChannel::accept(QWebSocket *socket)
{
    socket->setParent(this);
    socket->setMaxAllowedIncomingMessageSize(quint64(kMaxWebSocketMessageBytes));
    socket->setMaxAllowedIncomingFrameSize(quint64(kMaxWebSocketMessageBytes));
    connect(socket, &QWebSocket::disconnected, socket, &QObject::deleteLater);
    auto refuse = [socket](const QString &why) {
        qCInfo(lcCommands).noquote()
            << "command socket from" << socket->peerAddress().toString() << "refused:" << why;
        closeSocket(socket, QWebSocketProtocol::CloseCodePolicyViolated, why);
    };

    const QNetworkRequest handshake = socket->request();
    const QStringList segments = handshake.url().path().split(QLatin1Char('/'), Qt::SkipEmptyParts);
    if (segments.size() != 4 || segments[0] != QLatin1String("m2m") ||
        segments[2] != QLatin1String("commands") || segments[3] != QLatin1String("ws") ||
        !isDeviceId(segments[1]))
        return refuse(QStringLiteral("not a command channel"));
    const QString deviceId = segments[1];
    if (m_authenticator.isRateLimited(socket->peerAddress())) {
        m_authenticator.recordFailure(socket->peerAddress(), deviceId, "m2m.rate_limited");
        return refuse(QStringLiteral("rate limited"));
    }
    auto device = m_store.device(deviceId);
    if (!device || !*device || (*device)->revoked || (*device)->removed)
        return refuse(QStringLiteral("unknown or revoked device"));
    if (!Authenticator::bearerMatches(handshake.rawHeader("Authorization"), **device)) {
        m_authenticator.countFailure(socket->peerAddress(), deviceId, "m2m.unauthenticated");
        return refuse(QStringLiteral("unauthorised"));
    }

    if (QWebSocket *previous = m_sockets.value(deviceId)) {
        disconnect(previous, nullptr, this, nullptr);
        previous->close(QWebSocketProtocol::CloseCodeGoingAway,
                        QStringLiteral("replaced by a newer connection"));
    }
    m_sockets.insert(deviceId, socket);
    connect(socket, &QWebSocket::textMessageReceived, this,
            [this, deviceId](const QString &message) { handleMessage(deviceId, message); });
    connect(socket, &QWebSocket::binaryMessageReceived, this, [socket] {
        socket->close(QWebSocketProtocol::CloseCodeDatatypeNotSupported,
                      QStringLiteral("text frames only"));
    });
    connect(socket, &QWebSocket::disconnected, this, [this, deviceId, socket] {
        if (m_sockets.value(deviceId) == socket)
            m_sockets.remove(deviceId);
    });
    qCInfo(lcCommands).noquote() << "command socket for" << deviceId << "from"
                                 << socket->peerAddress().toString();
    sendOpenCommands(deviceId);
}

bool CommandChannel::send(const QString &deviceId, const CommandRecord &command)
{
    QWebSocket *socket = m_sockets.value(deviceId);
    return socket && sendOn(socket, command);
}

void CommandChannel::sendOpenCommands(const QString &deviceId)
{
    QWebSocket *socket = m_sockets.value(deviceId);
    if (!socket)
        return;
    auto commands = m_store.openCommands(deviceId);
    if (!commands) {
        qCWarning(lcCommands).noquote() << QString::fromStdString(commands.error().message);
        return;
    }
    for (const CommandRecord &command : *commands)
        sendOn(socket, command);
}

bool CommandChannel::sendOn(QWebSocket *socket, const CommandRecord &command)
{
    const QJsonObject message{{QStringLiteral("type"), QStringLiteral("command")},
                              {QStringLiteral("commandId"), command.commandId},
                              {QStringLiteral("actuator"), command.actuator},
                              {QStringLiteral("value"), command.value}};
    const QString text = QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact));
    if (socket->sendTextMessage(text) <= 0)
        return false;
    if (auto marked = m_store.markDelivered(command.commandId); !marked) {
        qCWarning(lcCommands).noquote() << QString::fromStdString(marked.error().message);
        return false;
    }
    return true;
}

void CommandChannel::handleMessage(const QString &deviceId, const QString &message)
{
    if (message.size() > kMaxWebSocketMessageBytes) {
        qCInfo(lcCommands) << "command socket message too large; ignored";
        return;
    }
    const QJsonObject object = QJsonDocument::fromJson(message.toUtf8()).object();
    const QString status = object.value(QStringLiteral("status")).toString();
    // Integers only (toInteger refuses a fraction): an id of 1.. and an int32 value.
    const QJsonValue idField = object.value(QStringLiteral("commandId"));
    const qint64 commandId = idField.toInteger(0);
    const QJsonValue valueField = object.value(QStringLiteral("value"));
    const qint64 value = valueField.toInteger(std::numeric_limits<qint64>::min());
    const bool valueOk = valueField.isUndefined() || (value >= std::numeric_limits<qint32>::min() &&
                                                      value <= std::numeric_limits<qint32>::max());
    const bool knownStatus = status == QLatin1String("done") || status == QLatin1String("failed") ||
                             status == QLatin1String("unsupported");
    if (object.value(QStringLiteral("type")).toString() != QLatin1String("status") ||
        commandId < 1 || commandId > std::numeric_limits<qint64>::max() / 2 || !knownStatus ||
        !valueOk) {
        qCInfo(lcCommands).noquote()
            << "command socket of" << deviceId << "sent a message that is not a status; ignored";
        return;
    }
    auto updated = m_store.setCommandStatus(
        deviceId, commandId, status,
        valueField.isUndefined() ? std::nullopt : std::optional<qint32>(qint32(value)));
    if (!updated)
        qCWarning(lcCommands).noquote() << QString::fromStdString(updated.error().message);
    else if (!*updated)
        qCInfo(lcCommands).noquote()
            << "status for unknown command" << commandId << "of" << deviceId;
    else
        qCInfo(lcCommands).noquote() << "command" << commandId << "of" << deviceId << status;
}

void CommandChannel::drop(const QString &deviceId)
{
    QWebSocket *socket = m_sockets.take(deviceId);
    if (!socket)
        return;
    closeSocket(socket, QWebSocketProtocol::CloseCodePolicyViolated,
                QStringLiteral("device revoked or its credential changed"));
}

void CommandChannel::closeAll()
{
    const QList<QWebSocket *> sockets = findChildren<QWebSocket *>();
    m_sockets.clear();
    for (QWebSocket *socket : sockets) {
        disconnect(socket, nullptr, this, nullptr);
        socket->close(QWebSocketProtocol::CloseCodeGoingAway, QStringLiteral("shutting down"));
        socket->abort();
        delete socket;
    }
}

} // namespace Portal::M2mService
