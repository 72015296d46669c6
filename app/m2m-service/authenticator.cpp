#include "authenticator.h"

#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/secure.h>

#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcAuth, "portal.m2m.auth")

namespace Portal::M2mService {

namespace {

constexpr qsizetype kMaxBearerBytes = 256;
constexpr qsizetype kMaxFailureWindows = 4096;

} // namespace

Authenticator::Authenticator(M2mStore &store,
                             const std::optional<Crypto::Certificate> &adminClientCa)
    : m_store(store), m_adminClientCa(adminClientCa)
{
}

Result<std::string> Authenticator::adminIdentity(const QSslCertificate &certificate) const
{
    if (!m_adminClientCa)
        return makeError("m2m.admin_requires_tls",
                         "the admin API needs HTTPS with --admin-client-ca");
    if (certificate.isNull())
        return makeError("identity.no_certificate", "no client certificate was presented");
    // The listener only asks for a certificate (gateways have none), so Qt does not verify
    // it; chain, purpose, typed name and the admin policy are checked here against the admin
    // CA alone.
    auto leaf = Crypto::Certificate::fromPem(certificate.toPem().toStdString());
    if (!leaf)
        return leaf.error();
    return Crypto::verifyIdentity(*leaf, *m_adminClientCa, Crypto::ChainPurpose::TlsClient,
                                  Crypto::IdentityType::Admin);
}

bool Authenticator::isAdminCertificate(const QSslCertificate &certificate) const
{
    return !certificate.isNull() && adminIdentity(certificate).ok();
}

bool Authenticator::bearerMatches(const QByteArray &authorization, const DeviceRecord &device)
{
    static const QByteArray scheme = "bearer ";
    if (authorization.size() <= scheme.size() ||
        authorization.size() > scheme.size() + kMaxBearerBytes ||
        authorization.left(scheme.size()).toLower() != scheme)
        return false;
    const QByteArray token = authorization.mid(scheme.size()).trimmed();
    if (token.isEmpty())
        return false;
    const Crypto::Sha256Digest digest = Crypto::sha256(Crypto::ByteView(
        reinterpret_cast<const uint8_t *>(token.constData()), size_t(token.size())));
    const std::string presented = Crypto::toHex(Crypto::ByteView(digest));
    return Crypto::constantTimeEquals(std::string_view(presented),
                                      std::string_view(device.credentialSha256.toStdString()));
}

bool Authenticator::isRateLimited(const QHostAddress &peer)
{
    const auto found = m_failures.constFind(peer.toString());
    if (found == m_failures.constEnd())
        return false;
    if (found->start.secsTo(QDateTime::currentDateTimeUtc()) >= kAuthenticationWindowS) {
        m_failures.remove(peer.toString());
        return false;
    }
    return found->failures >= kMaxAuthenticationFailures;
}

void Authenticator::recordFailure(const QHostAddress &peer, const QString &identity,
                                  const char *reason)
{
    if (auto recorded = m_store.recordAuthFailure(peer.toString(), identity, QLatin1String(reason));
        !recorded)
        qCWarning(lcAuth) << "could not record a failed authentication:"
                          << recorded.error().message.c_str();
}

void Authenticator::countFailure(const QHostAddress &peer, const QString &identity,
                                 const char *reason)
{
    recordFailure(peer, identity, reason);
    // Bounded: a flood from many addresses resets the table instead of growing it.
    if (m_failures.size() > kMaxFailureWindows)
        m_failures.clear();
    const QDateTime now = QDateTime::currentDateTimeUtc();
    FailureWindow &window = m_failures[peer.toString()];
    if (!window.start.isValid() || window.start.secsTo(now) >= kAuthenticationWindowS)
        window = FailureWindow{now, 0};
    ++window.failures;
}

} // namespace Portal::M2mService
