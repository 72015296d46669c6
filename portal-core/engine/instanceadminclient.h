#pragma once
// The portal engine's client for an instance's admin API (docs/api.md, "Admin API"): HTTPS
// with the portal-admin client certificate, the portal CA as the only trust anchor.
// Asynchronous; each call ends in exactly one callback on the caller's thread. Answers are
// bounded (only the status is used, but for the auth-failure rows). Errors:
// `engine.instance_unreachable` (TLS or network), `engine.instance_refused` (an HTTP status other
// than the expected ones).

#include <portal-core/base/authfailure.h>
#include <portal-core/base/result.h>

#include <QObject>
#include <QSslConfiguration>
#include <QString>

#include <functional>

class QNetworkAccessManager;

namespace Portal::Engine {

class InstanceAdminClient : public QObject
{
    Q_OBJECT
public:
    using Done = std::function<void(Result<void>)>;

    InstanceAdminClient(QSslConfiguration adminTls, QObject *parent = nullptr);

    // PUT /admin/v1/devices/{id} {"publicKey", "credentialSha256", "revoked", "counterFloor"
    // (when >= 0: the instance refuses readings at or below it)}; 200/201 is ok.
    void putDevice(const QString &instanceUrl, const QString &deviceId, const QByteArray &publicKey,
                   const QString &credentialSha256, bool revoked, Done done,
                   qint64 counterFloor = -1);
    // DELETE /admin/v1/devices/{id}; 204 and 404 are ok.
    void deleteDevice(const QString &instanceUrl, const QString &deviceId, Done done);

    // PUT /admin/v1/policies/{name} with the {"m2m:acp": …} document; 200/201 is ok.
    void putPolicy(const QString &instanceUrl, const QString &name, const QByteArray &document,
                   Done done);
    // DELETE /admin/v1/policies/{name}; 204 and 404 are ok.
    void deletePolicy(const QString &instanceUrl, const QString &name, Done done);

    using AuthFailuresDone = std::function<void(Result<QList<AuthFailure>>)>;
    // GET /admin/v1/auth-failures?since=ms: the instance's failed authentications changed
    // after sinceMs (-1: all). The answer is bounded (kMaxAuthFailuresAnswerBytes); a row that
    // does not parse fails the whole answer (`engine.instance_bad_answer`).
    void fetchAuthFailures(const QString &instanceUrl, qint64 sinceMs, AuthFailuresDone done);

private:
    QSslConfiguration m_adminTls;
    QNetworkAccessManager *m_network;
};

} // namespace Portal::Engine
