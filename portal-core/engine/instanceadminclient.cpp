#include "instanceadminclient.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkAccessManager>
#include <QNetworkReply>

namespace Portal::Engine {

namespace {

constexpr int kTimeoutMs = 10000;
// kMaxAuthFailureRows rows of at most ~500 bytes each as JSON.
constexpr qint64 kMaxAuthFailuresAnswerBytes = 6 * 1024 * 1024;

void finishReply(QNetworkReply *reply, std::initializer_list<int> okStatuses,
                 const InstanceAdminClient::Done &done)
{
    QObject::connect(
        reply, &QNetworkReply::finished, reply, [reply, okStatuses = QList<int>(okStatuses), done] {
            reply->deleteLater();
            const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
            if (status == 0) {
                done(makeError("engine.instance_unreachable", reply->errorString().toStdString()));
                return;
            }
            if (!okStatuses.contains(status)) {
                done(makeError("engine.instance_refused",
                               "instance admin API answered HTTP " + std::to_string(status)));
                return;
            }
            done(Result<void>());
        });
}

} // namespace

InstanceAdminClient::InstanceAdminClient(QSslConfiguration adminTls, QObject *parent)
    : QObject(parent), m_adminTls(std::move(adminTls)), m_network(new QNetworkAccessManager(this))
{
}

void InstanceAdminClient::putDevice(const QString &instanceUrl, const QString &deviceId,
                                    const QByteArray &publicKey, const QString &credentialSha256,
                                    bool revoked, Done done, qint64 counterFloor)
{
    QNetworkRequest request(QUrl(instanceUrl + QStringLiteral("/admin/v1/devices/") + deviceId));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    QJsonObject body{{QStringLiteral("publicKey"), QString::fromLatin1(publicKey.toBase64())},
                     {QStringLiteral("credentialSha256"), credentialSha256},
                     {QStringLiteral("revoked"), revoked}};
    if (counterFloor >= 0)
        body.insert(QStringLiteral("counterFloor"), counterFloor);
    finishReply(m_network->put(request, QJsonDocument(body).toJson(QJsonDocument::Compact)),
                {200, 201}, done);
}

void InstanceAdminClient::deleteDevice(const QString &instanceUrl, const QString &deviceId,
                                       Done done)
{
    QNetworkRequest request(QUrl(instanceUrl + QStringLiteral("/admin/v1/devices/") + deviceId));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    finishReply(m_network->deleteResource(request), {204, 404}, done);
}

void InstanceAdminClient::putPolicy(const QString &instanceUrl, const QString &name,
                                    const QByteArray &document, Done done)
{
    QNetworkRequest request(QUrl(instanceUrl + QStringLiteral("/admin/v1/policies/") + name));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    finishReply(m_network->put(request, document), {200, 201}, done);
}

void InstanceAdminClient::deletePolicy(const QString &instanceUrl, const QString &name, Done done)
{
    QNetworkRequest request(QUrl(instanceUrl + QStringLiteral("/admin/v1/policies/") + name));
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    finishReply(m_network->deleteResource(request), {204, 404}, done);
}

void InstanceAdminClient::fetchAuthFailures(const QString &instanceUrl, qint64 sinceMs,
                                            AuthFailuresDone done)
{
    QUrl url(instanceUrl + QStringLiteral("/admin/v1/auth-failures"));
    url.setQuery(QStringLiteral("since=%1").arg(sinceMs));
    QNetworkRequest request(url);
    request.setSslConfiguration(m_adminTls);
    request.setTransferTimeout(kTimeoutMs);
    QNetworkReply *reply = m_network->get(request);
    // Bounded while it arrives, not after: an instance is not trusted to answer small.
    QObject::connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received) {
        if (received > kMaxAuthFailuresAnswerBytes)
            reply->abort();
    });
    QObject::connect(reply, &QNetworkReply::finished, reply, [reply, done] {
        reply->deleteLater();
        const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
        if (status == 0) {
            done(makeError("engine.instance_unreachable", reply->errorString().toStdString()));
            return;
        }
        if (status != 200) {
            done(makeError("engine.instance_refused",
                           "instance admin API answered HTTP " + std::to_string(status)));
            return;
        }
        const QByteArray body = reply->read(kMaxAuthFailuresAnswerBytes + 1);
        const QJsonDocument document = QJsonDocument::fromJson(body);
        const QJsonValue array = document.object().value(QStringLiteral("authFailures"));
        if (body.size() > kMaxAuthFailuresAnswerBytes || !array.isArray() ||
            array.toArray().size() > kMaxAuthFailureRows) {
            done(makeError("engine.instance_bad_answer",
                           "auth-failures answer is not a bounded {\"authFailures\": [...]}"));
            return;
        }
        QList<AuthFailure> rows;
        for (const QJsonValue &value : array.toArray()) {
            auto row = authFailureFromJson(value.toObject());
            if (!row) {
                done(makeError("engine.instance_bad_answer", row.error().message));
                return;
            }
            rows.append(std::move(*row));
        }
        done(std::move(rows));
    });
}

} // namespace Portal::Engine
