#pragma once
// Keystone v3 authentication (POST /v3/auth/tokens) for one cloud: password or application
// credential, scoped to the configured project (by id, or name + domain) or domain. The token
// (X-Subject-Token) is cached with its expiry and the service catalog that came with it; it is
// renewed when less than renewBeforeExpiry is left, and once when a service rejects it (401,
// see invalidate()). Concurrent callers of token() share one authentication request.
//
// TLS: the cloud's cacert (PEM bundle, at most 1 MiB) replaces the system CAs for every
// request this client's network access manager makes; verify: false disables peer checks.
//
// Errors: `keystone.tls_config` (create: CA bundle unreadable or holds no certificate),
// `keystone.auth_failed` (401: wrong credentials; names the user or credential id, never the
// secret), `keystone.network` (no connection, TLS failure, timeout), `keystone.bad_answer`
// (no X-Subject-Token, body over 4 MiB or not the token document), and the typed
// `openstack.*` errors of openstackerror.h for other statuses. endpoint():
// `keystone.no_token`, `keystone.no_endpoint` (names type, interface and region).

#include "cloudsconfig.h"

#include <QDateTime>
#include <QList>
#include <QObject>
#include <QPointer>
#include <QSslConfiguration>

#include <chrono>
#include <functional>
#include <memory>

class QNetworkAccessManager;
class QNetworkReply;

namespace Portal::Cloud::OpenStack {

struct CatalogEndpoint
{
    QString serviceType; // "compute", "image", "network", "identity", …
    QString serviceName;
    QString interface; // public, internal, admin
    QString region;
    QUrl url;
};

struct KeystoneToken
{
    QByteArray value; // secret: never logged
    QDateTime expiresAtUtc;
    QString userId;
    QString projectId; // empty when domain-scoped
    QList<CatalogEndpoint> catalog;
};

class KeystoneClient final : public QObject
{
    Q_OBJECT
public:
    using TokenCallback = std::function<void(const Result<KeystoneToken> &)>;

    static constexpr qint64 kMaxAnswerBytes = 4 * 1024 * 1024;

    static Result<std::unique_ptr<KeystoneClient>> create(CloudConfig config,
                                                          QObject *parent = nullptr);
    ~KeystoneClient() override;

    const CloudConfig &config() const { return m_config; }
    QNetworkAccessManager *network() const { return m_network; }
    // Applied to every request to this cloud (custom CA bundle, verify mode).
    const QSslConfiguration &tlsConfiguration() const { return m_tls; }

    // Calls back (on this thread, never synchronously) with a token valid for at least
    // renewBeforeExpiry, authenticating when needed. The callback is dropped if context dies.
    void token(QObject *context, TokenCallback callback);
    // A service answered 401 with this token: forget it so the next token() authenticates.
    void invalidate(const QByteArray &rejectedToken);

    // The cloud's endpoint override for that type, else from the cached token's catalog,
    // matching the configured interface and region.
    Result<QUrl> endpoint(const QString &serviceType) const;

    void setRenewBeforeExpiry(std::chrono::seconds margin) { m_renewBeforeExpiry = margin; }
    void setRequestTimeout(std::chrono::milliseconds timeout) { m_requestTimeout = timeout; }
    // How many POST /auth/tokens this client has sent (renewal is observable in tests).
    int authenticationCount() const { return m_authenticationCount; }

private:
    KeystoneClient(CloudConfig config, QSslConfiguration tls, QObject *parent);
    QByteArray authRequestBody() const;
    QUrl tokensUrl() const;
    void authenticate();
    void onAuthFinished(QNetworkReply *reply);
    void finishWaiters(const Result<KeystoneToken> &result);

    struct Waiter
    {
        QPointer<QObject> context;
        TokenCallback callback;
    };

    CloudConfig m_config;
    QSslConfiguration m_tls;
    QNetworkAccessManager *m_network = nullptr;
    std::unique_ptr<KeystoneToken> m_token;
    QList<Waiter> m_waiters;
    bool m_authenticating = false;
    int m_authenticationCount = 0;
    std::chrono::seconds m_renewBeforeExpiry{300};
    std::chrono::milliseconds m_requestTimeout{30000};
};

} // namespace Portal::Cloud::OpenStack
