#pragma once
// Who is calling the M2M service (DESIGN §7.1): the portal's admin identity from its client
// certificate, a device's gateway from the bearer credential whose SHA-256 the portal pushed,
// and the per-address limit on wrong credentials (kMaxAuthenticationFailures within
// kAuthenticationWindowS, then 429). Every refusal is recorded in the store
// (M2mStore::recordAuthFailure), aggregated per minute.

#include "m2mstore.h"

#include <portal-core/crypto/x509.h>

#include <QHash>
#include <QHostAddress>
#include <QSslCertificate>

#include <optional>
#include <string>

namespace Portal::M2mService {

// Wrong bearer credentials per peer address before 429 m2m.rate_limited, and the window.
inline constexpr int kMaxAuthenticationFailures = 20;
inline constexpr qint64 kAuthenticationWindowS = 60;

class Authenticator
{
public:
    // adminClientCa: the admin CA; without it the admin identity is refused (plain HTTP).
    Authenticator(M2mStore &store, const std::optional<Crypto::Certificate> &adminClientCa);

    // The admin name of an admin identity; the refusal says why (`m2m.admin_requires_tls`,
    // identity.* codes).
    Result<std::string> adminIdentity(const QSslCertificate &certificate) const;
    bool isAdminCertificate(const QSslCertificate &certificate) const;
    // `Authorization: Bearer <token>` (at most 256 bytes of token) whose SHA-256 is the
    // device's, compared in constant time.
    static bool bearerMatches(const QByteArray &authorization, const DeviceRecord &device);

    bool isRateLimited(const QHostAddress &peer);
    // Counts towards the peer's limit and records the row.
    void countFailure(const QHostAddress &peer, const QString &identity, const char *reason);
    // Records the row only (a refusal that does not count towards the limit).
    void recordFailure(const QHostAddress &peer, const QString &identity, const char *reason);

private:
    struct FailureWindow
    {
        QDateTime start;
        int failures = 0;
    };

    M2mStore &m_store;
    const std::optional<Crypto::Certificate> &m_adminClientCa;
    QHash<QString, FailureWindow> m_failures; // by peer address, at most 4096
};

} // namespace Portal::M2mService
