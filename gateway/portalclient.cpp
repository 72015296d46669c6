#include "portalclient.h"

#include "peeridentity.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QTimer>

Q_LOGGING_CATEGORY(lcPortalClient, "portal.gateway.portal")

namespace Portal::Gateway {

namespace {

constexpr int kDefaultRetryMs = 1000;
constexpr int kFirstPollMs = 100;
constexpr int kMaxRetryMs = 10'000;

QString errorCodeOf(const QByteArray &body)
{
    return QJsonDocument::fromJson(body)
        .object()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

std::string errorOf(const QByteArray &body, int status)
{
    const QJsonObject error =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    return "portal answered " + std::to_string(status) + " " +
           error.value(QStringLiteral("code")).toString().left(64).toStdString() + ": " +
           error.value(QStringLiteral("message")).toString().left(200).toStdString();
}

// 401 portal.reenrol: the gateway enrols again (its certificate is from a former issuer).
// portal.certificate: the portal refused the certificate this request presented (it lapsed
// while the request was on its way; the renewal replaces it). portal.challenge_unknown: an
// attach proof's challenge was used or expired (attach again).
Error refusalOf(const QByteArray &body, int status)
{
    const QString code = errorCodeOf(body);
    if (status == 401 && code == QLatin1String("portal.reenrol"))
        return makeError("portal.reenrol", errorOf(body, status));
    if (code == QLatin1String("portal.wrong_identity") ||
        code == QLatin1String("portal.unauthenticated"))
        return makeError("portal.certificate", errorOf(body, status));
    if (code == QLatin1String("portal.challenge_unknown"))
        return makeError("portal.challenge_unknown", errorOf(body, status));
    if (status >= 500)
        return makeError("portal.unreachable", errorOf(body, status));
    return makeError("portal.refused", errorOf(body, status));
}

} // namespace

Result<DevicePlacement> parsePlacement(const QJsonObject &object)
{
    DevicePlacement placement;
    placement.deviceId =
        QByteArray::fromHex(object.value(QStringLiteral("deviceId")).toString().toLatin1());
    placement.state = object.value(QStringLiteral("state")).toString();
    placement.instanceUrl = QUrl(object.value(QStringLiteral("instanceUrl")).toString());
    placement.instanceName = object.value(QStringLiteral("instanceName")).toString().left(200);
    placement.credential = object.value(QStringLiteral("credential")).toString().toLatin1();
    placement.reason = object.value(QStringLiteral("reason")).toString().left(500);
    if (placement.deviceId.size() != 8 ||
        (placement.state != QLatin1String("pending") && placement.state != QLatin1String("ready") &&
         placement.state != QLatin1String("failed")))
        return makeError("portal.bad_response", "placement without deviceId or known state");
    if (placement.state == QLatin1String("ready") &&
        (!placement.instanceUrl.isValid() || placement.instanceName.isEmpty()))
        return makeError("portal.bad_response", "ready placement without instanceUrl or name");
    return placement;
}

PortalClient::PortalClient(QUrl apiUrl, QSslConfiguration tls, QString gatewayId, QObject *parent)
    : QObject(parent), m_apiUrl(std::move(apiUrl)), m_tls(std::move(tls)),
      m_gatewayId(std::move(gatewayId)), m_network(std::make_unique<QNetworkAccessManager>())
{
    m_network->setTransferTimeout(15'000);
}

PortalClient::~PortalClient() = default;

void PortalClient::checkServer(QNetworkReply *reply)
{
    requirePeerIdentity(reply, {Crypto::IdentityType::PortalApi, QString()},
                        [url = m_apiUrl](const QString &presented) {
                            qCWarning(lcPortalClient).noquote()
                                << "refused the server at" << url.toString(QUrl::RemovePath)
                                << ": expected a portal API identity, presented" << presented;
                        });
}

QNetworkRequest PortalClient::request(const QString &path) const
{
    QUrl url = m_apiUrl;
    url.setPath(m_apiUrl.path() + path);
    QNetworkRequest request(url);
    request.setSslConfiguration(m_tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    return request;
}

void PortalClient::requestChallenge(const DeviceIdentity &device, const QByteArray &gatewayKey,
                                    Done<AttachChallenge> done)
{
    const QJsonObject body{
        {QStringLiteral("deviceId"), QString::fromLatin1(device.deviceId.toHex())},
        {QStringLiteral("vendor"), device.vendor},
        {QStringLiteral("type"), device.type},
        {QStringLiteral("subscriber"), device.subscriber},
        {QStringLiteral("publicKey"), QString::fromLatin1(device.publicKey.toBase64())},
        {QStringLiteral("gatewayKey"), QString::fromLatin1(gatewayKey.toBase64())}};
    QNetworkReply *reply = m_network->post(request(QStringLiteral("/devices")),
                                           QJsonDocument(body).toJson(QJsonDocument::Compact));
    checkServer(reply);
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->read(kMaxPortalAnswerBytes + 1);
        if (status == 0) {
            done(makeError("portal.unreachable", reply->errorString().toStdString()));
            return;
        }
        if (status != 202 || answer.size() > kMaxPortalAnswerBytes) {
            done(refusalOf(answer, status));
            return;
        }
        const QJsonObject object = QJsonDocument::fromJson(answer).object();
        AttachChallenge challenge;
        challenge.challenge = QByteArray::fromBase64(
            object.value(QStringLiteral("challenge")).toString().left(64).toLatin1());
        challenge.expires =
            QDateTime::fromString(object.value(QStringLiteral("expires")).toString(), Qt::ISODate);
        if (object.value(QStringLiteral("state")).toString() != QLatin1String("proof_required") ||
            challenge.challenge.size() != 16) {
            done(makeError("portal.bad_response", "attach answer without a 16-byte challenge"));
            return;
        }
        done(challenge);
    });
}

void PortalClient::prove(const QByteArray &deviceId, const QByteArray &challenge,
                         const QByteArray &deviceKey, const QByteArray &signature, int maxWaitMs,
                         std::function<void(const QByteArray &)> authorised,
                         Done<DevicePlacement> done)
{
    const QJsonObject body{
        {QStringLiteral("challenge"), QString::fromLatin1(challenge.toBase64())},
        {QStringLiteral("deviceKey"), QString::fromLatin1(deviceKey.toBase64())},
        {QStringLiteral("signature"), QString::fromLatin1(signature.toBase64())}};
    QNetworkReply *reply = m_network->post(
        request(QStringLiteral("/devices/%1/proof").arg(QString::fromLatin1(deviceId.toHex()))),
        QJsonDocument(body).toJson(QJsonDocument::Compact));
    checkServer(reply);
    const QDateTime deadline = QDateTime::currentDateTimeUtc().addMSecs(maxWaitMs);
    connect(
        reply, &QNetworkReply::finished, this, [this, reply, deviceId, deadline, authorised, done] {
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            const QByteArray answer = reply->peek(kMaxPortalAnswerBytes + 1);
            if (status == 200 || status == 202) {
                const QByteArray authorisation =
                    QByteArray::fromBase64(QJsonDocument::fromJson(answer)
                                               .object()
                                               .value(QStringLiteral("authorisation"))
                                               .toString()
                                               .left(128)
                                               .toLatin1());
                if (authorisation.size() != 64) {
                    reply->deleteLater();
                    done(makeError("portal.bad_response", "proof answer without authorisation"));
                    return;
                }
                authorised(authorisation);
            }
            handlePlacement(reply, deviceId, deadline, done, kFirstPollMs);
        });
}

void PortalClient::placement(const QByteArray &deviceId, int maxWaitMs, Done<DevicePlacement> done)
{
    poll(deviceId, QDateTime::currentDateTimeUtc().addMSecs(maxWaitMs), std::move(done),
         kFirstPollMs);
}

void PortalClient::poll(const QByteArray &deviceId, QDateTime deadline, Done<DevicePlacement> done,
                        int nextDelayMs)
{
    QNetworkReply *reply = m_network->get(
        request(QStringLiteral("/devices/") + QString::fromLatin1(deviceId.toHex())));
    checkServer(reply);
    connect(reply, &QNetworkReply::finished, this,
            [this, reply, deviceId, deadline, done, nextDelayMs] {
                handlePlacement(reply, deviceId, deadline, done, nextDelayMs);
            });
}

void PortalClient::handlePlacement(QNetworkReply *reply, const QByteArray &deviceId,
                                   QDateTime deadline, Done<DevicePlacement> done, int pollDelayMs)
{
    reply->deleteLater();
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->read(kMaxPortalAnswerBytes + 1);
    if (status == 0) {
        done(makeError("portal.unreachable", reply->errorString().toStdString()));
        return;
    }
    if (body.size() > kMaxPortalAnswerBytes) {
        done(makeError("portal.bad_response", "portal answer larger than 256 KiB"));
        return;
    }
    if (status != 200 && status != 202) {
        done(refusalOf(body, status));
        return;
    }
    auto placement = parsePlacement(QJsonDocument::fromJson(body).object());
    if (!placement) {
        done(placement.error());
        return;
    }
    if (placement->state == QLatin1String("ready")) {
        done(std::move(*placement));
        return;
    }
    if (placement->state == QLatin1String("failed")) {
        done(makeError("portal.failed", "placement failed: " + placement->reason.toStdString()));
        return;
    }
    if (QDateTime::currentDateTimeUtc() >= deadline) {
        done(makeError("portal.timeout", "device still pending"));
        return;
    }
    // Retry-After (whole seconds) caps the wait; polls start sooner and back off towards it,
    // because a device whose instance already runs is usually ready within a fraction of it.
    bool ok = false;
    const int retrySeconds = reply->rawHeader("Retry-After").toInt(&ok);
    const int capMs = ok ? qBound(100, retrySeconds * 1000, kMaxRetryMs) : kDefaultRetryMs;
    const int waitMs = qMin(capMs, pollDelayMs);
    QTimer::singleShot(waitMs, this, [this, deviceId, deadline, done, waitMs] {
        poll(deviceId, deadline, done, waitMs * 2);
    });
}

void PortalClient::heartbeat(const GatewayStatus &status, Done<QList<DevicePlacement>> done)
{
    QJsonArray activity;
    for (const DeviceActivityReport &device : status.devices.mid(0, kMaxHeartbeatDevices)) {
        QJsonObject entry{{QStringLiteral("id"), QString::fromLatin1(device.deviceId.toHex())},
                          {QStringLiteral("signature"), device.signature}};
        if (device.lastSeen.isValid())
            entry.insert(QStringLiteral("lastSeen"), device.lastSeen.toString(Qt::ISODateWithMs));
        if (device.lastStored.isValid())
            entry.insert(QStringLiteral("lastReading"),
                         device.lastStored.toString(Qt::ISODateWithMs));
        if (device.lastCounter >= 0)
            entry.insert(QStringLiteral("lastCounter"), device.lastCounter);
        activity.append(entry);
    }
    const QJsonObject body{{QStringLiteral("version"), status.version},
                           {QStringLiteral("deviceCount"), status.deviceCount},
                           {QStringLiteral("queueDepth"), status.queueDepth},
                           {QStringLiteral("btidExpiry"), status.btidExpiry.toString(Qt::ISODate)},
                           {QStringLiteral("devices"), activity}};
    QNetworkReply *reply =
        m_network->post(request(QStringLiteral("/gateways/%1/heartbeat").arg(m_gatewayId)),
                        QJsonDocument(body).toJson(QJsonDocument::Compact));
    checkServer(reply);
    connect(reply, &QNetworkReply::finished, this, [reply, done] {
        reply->deleteLater();
        const int code = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        const QByteArray answer = reply->read(kMaxPortalAnswerBytes + 1);
        if (code == 0) {
            done(makeError("portal.unreachable", reply->errorString().toStdString()));
            return;
        }
        if (code != 200 || answer.size() > kMaxPortalAnswerBytes) {
            done(refusalOf(answer, code));
            return;
        }
        QList<DevicePlacement> placements;
        const QJsonArray devices =
            QJsonDocument::fromJson(answer).object().value(QStringLiteral("devices")).toArray();
        for (const QJsonValue &device : devices) {
            auto placement = parsePlacement(device.toObject());
            if (placement)
                placements.append(*placement);
        }
        done(placements);
    });
}

} // namespace Portal::Gateway
