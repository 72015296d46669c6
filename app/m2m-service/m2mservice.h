#pragma once
// iot-m2m-service's request handling (DESIGN §2.1, §4.2, §4.5; docs/api.md "M2M service"):
// the oneM2M resource tree under /m2m and the admin API under /admin/v1, with the callers'
// authentication in Authenticator and the command WebSockets in CommandChannel.
// Single-threaded: everything runs on the event loop of the HttpServer that feeds it, so a
// request is finished before the next one starts.
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

#include "authenticator.h"
#include "commandchannel.h"
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

    const Crypto::Es256PublicKey *publicKey(const DeviceRecord &device);
    Result<void> reloadPolicies();

    M2mStore &m_store;
    M2mServiceConfig m_config;
    QDateTime m_started;
    QList<OneM2M::AccessControlPolicy> m_policies;
    // Imported keys by device id, with the point they came from (a re-pushed key replaces it).
    std::map<QString, std::pair<QByteArray, Crypto::Es256PublicKey>> m_keys;
    quint64 m_adminRefusals = 0;
    Authenticator m_authenticator;              // after m_store and m_config, which it uses
    std::unique_ptr<CommandChannel> m_commands; // owns the sockets
};

} // namespace Portal::M2mService
