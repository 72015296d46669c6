#pragma once
// The NAF (TS 33.220 §4.5.3, TS 24.109 §5.3) acting as the oneM2M enrolment function
// (DESIGN §1 step 2–4): a gateway authenticates over Ua with HTTP Digest — realm
// `3GPP-bootstrapping@<NAF FQDN>`, username = B-TID, password = base64(Ks_NAF) — the NAF
// fetches Ks_NAF from the BSF over Zn, and answers a CSR with a gateway client certificate
// signed by the gateway CA (DESIGN §7.1: CN = gateway id for logs, SAN URI
// urn:iot-portal:gateway:<id>, the only name anything checks) that expires with the B-TID,
// plus where the portal is and the portal CA that its API and the instances present.
//
// Rules: nonces are random, expire after nonceLifetimeMs and accept only increasing nc; an
// unknown or expired B-TID is refused with 403 so the gateway bootstraps again; an id equal to
// a name of the portal's own certificates is refused (403 `naf.reserved_id`); a gateway id
// stays bound to the first IMPI that enrolled it, and an IMPI binds as many ids as the
// operator allows it (BindGateway); more than maxFailuresPerPeer failed Digest
// attempts from one address within failureWindowMs get 429. Not thread-safe.

#include "znclient.h"

#include <portal-core/crypto/x509.h>
#include <portal-core/http/failurelimiter.h>
#include <portal-core/http/httpserver.h>

#include <QDateTime>
#include <QObject>
#include <QUrl>

#include <functional>
#include <map>
#include <optional>

namespace Portal::Gba {

inline constexpr qsizetype kMaxEnrolmentBodyBytes = 16 * 1024;

struct NafConfig
{
    QString nafFqdn = QStringLiteral("naf.lab.example");
    int nonceLifetimeMs = 60'000;
    int maxNonces = 10'000;
    int maxFailuresPerPeer = 10;  // Digest failures per client address …
    int failureWindowMs = 60'000; // … within this window before 429 naf.rate_limited
    QUrl portalApiUrl;            // given to enrolled gateways
    QByteArray portalCaPem;       // given to enrolled gateways as their trust anchor for the portal
    // Ids never issued to a gateway: the names of the portal's own certificates (exact), and
    // every id starting with one of reservedIdPrefixes (instance names are instance-<n>).
    QStringList reservedIds;
    QStringList reservedIdPrefixes = {QStringLiteral("instance-")};
};

struct NafCounters
{
    quint64 enrolments = 0;
    quint64 authenticationFailures = 0;
    quint64 btidRefusals = 0;
    quint64 idRefusals = 0; // reserved, taken or beyond the IMPI's allowance
    quint64 rateLimited = 0;
};

class NafEngine : public QObject
{
    Q_OBJECT
public:
    // Records gatewayId → IMPI on first enrolment; refuses another IMPI for a bound id
    // (`naf.gateway_taken`) and a new id for an IMPI that has all it may have
    // (`naf.impi_bound`). Supplied by the portal's store, which also audits the refusal.
    using BindGateway = std::function<Result<void>(const QString &gatewayId, const QString &impi)>;
    // Told of every refused enrolment of an authenticated subscriber (reserved id).
    using RefusalSink =
        std::function<void(const QString &gatewayId, const QString &impi, const Error &reason)>;

    // Told of every failed authentication on Ua (Digest, and PSK-TLS through the listener):
    // the peer address, what it claimed (a B-TID, or "" before it named one) and the code.
    using AuthFailureSink =
        std::function<void(const QString &source, const QString &identity, const QString &reason)>;

    NafEngine(NafConfig config, ZnClient &zn, Crypto::Certificate gatewayCa,
              Crypto::PrivateKey gatewayCaKey, BindGateway bindGateway, QObject *parent = nullptr);
    void setRefusalSink(RefusalSink sink) { m_refusalSink = std::move(sink); }
    void setAuthFailureSink(AuthFailureSink sink) { m_authFailureSink = std::move(sink); }
    void reportAuthFailure(const QString &source, const QString &identity, const char *reason);
    ~NafEngine() override;

    // The Ua HTTP Digest listener's handler: POST /naf/v1/enrol.
    void handleDigest(const Http::HttpRequest &request, Http::HttpServer::Respond respond);

    // The PSK-TLS Ua listener's handler (TS 33.222 §5.4): the TLS handshake already proved
    // knowledge of Ks_NAF for `btid`, whose Zn answer named `impi` and `keyExpiresAt`; no
    // Digest is asked. Same route, bounds and answers as handleDigest otherwise.
    Http::HttpAnswer handleAuthenticated(const Http::HttpRequest &request, const QString &btid,
                                         const QString &impi, const QDateTime &keyExpiresAt);

    const NafCounters &counters() const { return m_counters; }
    QString realm() const { return QStringLiteral("3GPP-bootstrapping@") + m_config.nafFqdn; }

private:
    struct NonceState
    {
        QDateTime expiresAt;
        quint32 lastNc = 0;
    };

    Http::HttpAnswer challenge(bool stale);
    // Counts a failed Digest attempt from peer; the answer is a fresh challenge, or 429 once the
    // peer exceeded its failures in the window.
    Http::HttpAnswer failure(const QHostAddress &peer, const QString &btid, const char *reason,
                             bool stale);
    Http::HttpAnswer rateLimitedAnswer(const QHostAddress &peer, const QString &btid);
    // 404 / 405 / 413 for what is not an enrolment request; nullopt for one.
    std::optional<Http::HttpAnswer> refuseRoute(const Http::HttpRequest &request) const;
    Http::HttpAnswer enrol(const Http::HttpRequest &request, const QString &impi,
                           const QDateTime &keyExpiresAt);

    NafConfig m_config;
    ZnClient &m_zn;
    bool isReservedId(const QString &gatewayId) const;

    Crypto::Certificate m_gatewayCa;
    Crypto::PrivateKey m_gatewayCaKey;
    BindGateway m_bindGateway;
    RefusalSink m_refusalSink;
    AuthFailureSink m_authFailureSink;
    std::map<std::string, NonceState> m_nonces;
    Http::FailureLimiter m_failures; // per client address
    NafCounters m_counters;
};

} // namespace Portal::Gba
