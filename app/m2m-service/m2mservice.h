#pragma once
// iot-m2m-service's request handling (DESIGN §2.1, §4.2, §4.5; docs/api.md "M2M service"):
// the oneM2M resource tree under /m2m, the admin API under /admin/v1, and the command
// WebSockets. Single-threaded: everything runs on the event loop of the HttpServer that feeds
// it, so a request is finished before the next one starts.
//
// Who may do what:
// - the portal's admin identity (DESIGN §7.1: a TLS client certificate from --admin-client-ca,
//   the admin CA, with a typed name urn:iot-portal:admin:<name> and the admin-only policy; the
//   CN decides nothing): the admin API, and every oneM2M operation as `Cportal-admin`;
// - a device's gateway (`Authorization: Bearer <credential>` whose SHA-256 the portal pushed):
//   create readings in that device's `data`, retrieve its `commands`, hold its command socket;
// - anyone else: what the stored access-control policies grant to the X-M2M-Origin (policies
//   are CSE-wide: every policy applies to every resource under /m2m). Claiming
//   `Cportal-admin` without the certificate is refused.
// A reading is stored only when its ES256 signature verifies with the key the portal pushed and
// its counter is above the last accepted one (identical resend: acknowledged, not stored again).

#include "m2mstore.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/http/httpmessage.h>
#include <portal-core/onem2m/acp.h>

#include <QHash>
#include <QObject>

#include <map>
#include <memory>
#include <optional>

class QWebSocket;

namespace Portal::M2mService {

inline constexpr qsizetype kMaxReadingBodyBytes = 4 * 1024;
inline constexpr qsizetype kMaxCommandBodyBytes = 4 * 1024;
inline constexpr qsizetype kMaxAdminBodyBytes = 16 * 1024;
inline constexpr qsizetype kMaxWebSocketMessageBytes = 4 * 1024;
// Wrong bearer credentials per peer address before 429 m2m.rate_limited, and the window.
inline constexpr int kMaxAuthenticationFailures = 20;
inline constexpr qint64 kAuthenticationWindowS = 60;
inline constexpr char kAdminOriginator[] = "Cportal-admin";
inline constexpr char kSignedReadingContentInfo[] = "application/cose;cose-type=cose-sign1:0";

struct M2mServiceConfig
{
    QString instanceName = QStringLiteral("m2m");
    // The CA that signs the portal's admin client certificate; without it (plain HTTP) the
    // admin API and the admin originator are refused.
    std::optional<Crypto::Certificate> adminClientCa;
};

class M2mService : public QObject
{
    Q_OBJECT
public:
    // Errors at construction are the store's, when loading the policies.
    static Result<std::unique_ptr<M2mService>> create(M2mStore &store, M2mServiceConfig config);
    ~M2mService() override;

    Http::HttpAnswer handle(const Http::HttpRequest &request);
    // Takes ownership; authorises from the handshake's URL and Authorization header.
    void acceptWebSocket(QWebSocket *socket);
    // Closes every command socket (orderly shutdown).
    void closeWebSockets();

private:
    struct Caller;
    M2mService(M2mStore &store, M2mServiceConfig config);

    Http::HttpAnswer handleAdmin(const Http::HttpRequest &request, const QStringList &segments);
    Http::HttpAnswer handleOneM2M(const Http::HttpRequest &request, const QStringList &segments);
    Http::HttpAnswer createReading(const Http::HttpRequest &request, const DeviceRecord &device);
    Http::HttpAnswer createCommand(const Http::HttpRequest &request, const DeviceRecord &device,
                                   const QString &originator);
    Http::HttpAnswer retrieveInContainer(const DeviceRecord &device, const QString &container,
                                         const QString &child);
    Http::HttpAnswer rejectReading(int status, const char *code, const std::string &message);

    bool isAdminCertificate(const QSslCertificate &certificate) const;
    // The admin name of an admin identity; the refusal says why (identity.* codes).
    Result<std::string> adminIdentity(const QSslCertificate &certificate) const;
    bool bearerMatches(const QByteArray &authorization, const DeviceRecord &device) const;
    const Crypto::Es256PublicKey *publicKey(const DeviceRecord &device);
    bool isRateLimited(const QHostAddress &peer);
    // Counts towards the peer's rate limit and records the row (M2mStore::recordAuthFailure).
    void countAuthenticationFailure(const QHostAddress &peer, const QString &identity,
                                    const char *reason);
    void recordAuthFailure(const QHostAddress &peer, const QString &identity, const char *reason);
    Result<void> reloadPolicies();

    void sendOpenCommands(const QString &deviceId);
    bool sendCommand(QWebSocket *socket, const CommandRecord &command);
    void handleSocketMessage(const QString &deviceId, const QString &message);
    void dropSocket(const QString &deviceId);

    M2mStore &m_store;
    M2mServiceConfig m_config;
    QDateTime m_started;
    QList<OneM2M::AccessControlPolicy> m_policies;
    // Imported keys by device id, with the point they came from (a re-pushed key replaces it).
    std::map<QString, std::pair<QByteArray, Crypto::Es256PublicKey>> m_keys;
    QHash<QString, QWebSocket *> m_sockets;
    struct FailureWindow
    {
        QDateTime start;
        int failures = 0;
    };
    QHash<QString, FailureWindow> m_authenticationFailures; // by peer address
    quint64 m_adminRefusals = 0;
};

} // namespace Portal::M2mService
