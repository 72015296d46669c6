#pragma once
// The BSF's protocol logic (TS 33.220, TS 24.109, RFC 3310), free of any transport:
// Ub — HTTP Digest AKA with AKAv1-MD5 and qop auth-int, AUTS resynchronisation, B-TID issue;
// Zn — Ks_NAF for (B-TID, NAF_Id). The HTTP adapter in app/bsf feeds it requests.
//
// Rules it enforces: a nonce is single-use and expires after challengeLifetimeMs; a wrong
// response or a stale nonce is a counted failure and gets a fresh challenge; more than
// maxFailuresPerImpi failures in failureWindowMs turn an IMPI away with 429 until the window
// passes; an expired or unknown B-TID is refused on Zn. Every refusal of a claimed IMPI is
// also a row of the HSS store's failed authentications (`iot-bsf audit`). Not thread-safe.

#include "hssstore.h"

#include <portal-core/base/result.h>
#include <portal-core/crypto/gbakdf.h>
#include <portal-core/http/failurelimiter.h>
#include <portal-core/http/httpmessage.h>

#include <QByteArray>
#include <QDateTime>
#include <QList>
#include <QPair>

#include <functional>
#include <map>

namespace Portal::Gba {

struct BsfConfig
{
    QString domain = QStringLiteral("bsf.lab.example"); // Digest realm and B-TID suffix
    int challengeLifetimeMs = 60'000;
    int keyLifetimeS = 3600;
    int maxPendingChallenges = 10'000;
    int maxFailuresPerImpi = 5;
    int failureWindowMs = 60'000;
};

struct UbRequest
{
    QByteArray method;
    QByteArray uri;
    QByteArray authorization; // the Authorization header value, empty when absent
    QByteArray body;
    QString source; // the peer address, for the failed-authentication rows
};

using Http::HttpAnswer;

struct ZnAnswer
{
    Crypto::KsNaf ksNaf{};
    QDateTime expiresAt;
    QString impi;

    ~ZnAnswer();
};

struct BsfCounters
{
    quint64 challenges = 0;
    quint64 bootstraps = 0;
    quint64 authenticationFailures = 0; // wrong response, bad AUTS, stale or reused nonce
    quint64 resynchronisations = 0;
    quint64 rateLimited = 0;
    quint64 znAnswers = 0;
    quint64 znRefusals = 0;
};

class BsfEngine
{
public:
    using Clock = std::function<QDateTime()>;

    BsfEngine(HssStore &store, BsfConfig config, Clock clock = &QDateTime::currentDateTimeUtc);
    ~BsfEngine();

    HttpAnswer handleUb(const UbRequest &request);
    // Errors: `bsf.unknown_btid`, `bsf.btid_expired`, `bsf.bad_naf_id`, `bsf.internal`.
    Result<ZnAnswer> handleZn(const QString &btid, const QByteArray &nafId);

    const BsfCounters &counters() const { return m_counters; }
    const BsfConfig &config() const { return m_config; }

private:
    struct PendingChallenge;

    HttpAnswer challenge(const UbRequest &request, const QString &impi, bool stale);
    // A counted failure: limited per IMPI, and a row in the HSS store's auth_failures.
    HttpAnswer failure(const UbRequest &request, const QString &impi, const char *code,
                       const char *why);
    HttpAnswer rateLimitedAnswer(const UbRequest &request, const QString &impi);
    void recordFailure(const UbRequest &request, const QString &impi, const char *code);
    void dropExpiredChallenges(const QDateTime &now);

    HssStore &m_store;
    BsfConfig m_config;
    Clock m_clock;
    std::map<QByteArray, PendingChallenge> m_pending; // by nonce
    Http::FailureLimiter m_failures;                  // per IMPI
    BsfCounters m_counters;
};

} // namespace Portal::Gba
