#include "bsfengine.h"

#include "bootstrappinginfo.h"

#include <portal-core/crypto/aka.h>
#include <portal-core/crypto/digest.h>
#include <portal-core/crypto/secure.h>

#include <QLoggingCategory>
#include <QRandomGenerator>

#include <cstring>

Q_LOGGING_CATEGORY(lcBsf, "portal.gba.bsf")

namespace Portal::Gba {

struct BsfEngine::PendingChallenge
{
    QString impi;
    Crypto::Rand rand{};
    Crypto::Res xres{};
    Crypto::Ck ck{};
    Crypto::Ik ik{};
    QDateTime expiresAt;

    ~PendingChallenge()
    {
        Crypto::secureWipe(xres.data(), xres.size());
        Crypto::secureWipe(ck.data(), ck.size());
        Crypto::secureWipe(ik.data(), ik.size());
    }
};

namespace {

template<size_t N>
QByteArray bytesOf(const std::array<uint8_t, N> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(N));
}

Crypto::ByteView viewOf(const QByteArray &bytes)
{
    return Crypto::ByteView(reinterpret_cast<const uint8_t *>(bytes.constData()),
                            size_t(bytes.size()));
}

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), size_t(bytes.size()));
}

using Http::jsonError;

} // namespace

ZnAnswer::~ZnAnswer()
{
    Crypto::secureWipe(ksNaf.data(), ksNaf.size());
}

BsfEngine::BsfEngine(HssStore &store, BsfConfig config, Clock clock)
    : m_store(store), m_config(std::move(config)), m_clock(std::move(clock)),
      m_failures(m_config.maxFailuresPerImpi, m_config.failureWindowMs)
{
}

BsfEngine::~BsfEngine() = default;

void BsfEngine::dropExpiredChallenges(const QDateTime &now)
{
    for (auto it = m_pending.begin(); it != m_pending.end();) {
        if (it->second.expiresAt <= now)
            it = m_pending.erase(it);
        else
            ++it;
    }
}

void BsfEngine::recordFailure(const UbRequest &request, const QString &impi, const char *code)
{
    if (auto recorded =
            m_store.recordAuthFailure(request.source, impi, QLatin1String(code), m_clock());
        !recorded)
        qCWarning(lcBsf) << "could not record a failed authentication:"
                         << recorded.error().message.c_str();
}

HttpAnswer BsfEngine::rateLimitedAnswer(const UbRequest &request, const QString &impi)
{
    ++m_counters.rateLimited;
    recordFailure(request, impi, "bsf.rate_limited");
    HttpAnswer answer = jsonError(
        429, makeError("bsf.rate_limited", "too many authentication failures; try again later"));
    answer.headers.append({"Retry-After", QByteArray::number(m_failures.retryAfterSeconds())});
    return answer;
}

HttpAnswer BsfEngine::failure(const UbRequest &request, const QString &impi, const char *code,
                              const char *why)
{
    ++m_counters.authenticationFailures;
    m_failures.recordFailure(impi, m_clock());
    recordFailure(request, impi, code);
    qCWarning(lcBsf) << "Ub authentication failure for" << impi << ":" << why;
    if (m_failures.isLimited(impi, m_clock()))
        return rateLimitedAnswer(request, impi);
    return challenge(request, impi, false);
}

HttpAnswer BsfEngine::challenge(const UbRequest &request, const QString &impi, bool stale)
{
    const QDateTime now = m_clock();
    dropExpiredChallenges(now);
    if (int(m_pending.size()) >= m_config.maxPendingChallenges)
        return jsonError(503, makeError("bsf.busy", "too many open challenges; try again"));

    auto subscriber = m_store.subscriber(impi);
    if (!subscriber) {
        if (subscriber.error().code == "hss.unknown_subscriber") {
            recordFailure(request, impi, "bsf.unknown_subscriber");
            return jsonError(403, makeError("bsf.unknown_subscriber",
                                            "this IMPI is not a subscriber of this BSF"));
        }
        qCWarning(lcBsf) << "HSS read failed:" << subscriber.error().message.c_str();
        return jsonError(500, makeError("bsf.internal", "subscriber store unavailable"));
    }
    auto sqn = m_store.allocateSqn(impi);
    if (!sqn)
        return jsonError(500, makeError("bsf.internal", sqn.error().message));

    PendingChallenge pending;
    pending.impi = impi;
    QRandomGenerator::system()->generate(pending.rand.begin(), pending.rand.end());
    const Crypto::Milenage milenage(subscriber->k, subscriber->opc);
    auto vector = Crypto::buildAuthenticationVector(milenage, pending.rand, *sqn, subscriber->amf);
    if (!vector)
        return jsonError(500, makeError("bsf.internal", vector.error().message));
    pending.xres = vector->xres;
    pending.ck = vector->ck;
    pending.ik = vector->ik;
    pending.expiresAt = now.addMSecs(m_config.challengeLifetimeMs);

    const QByteArray nonce = (bytesOf(pending.rand) + bytesOf(vector->autn)).toBase64();
    Crypto::DigestChallenge digest;
    digest.realm = m_config.domain.toStdString();
    digest.nonce = toStd(nonce);
    digest.algorithm = Crypto::DigestAlgorithm::AKAv1_MD5;
    digest.qopOptions = {Crypto::DigestQop::AuthInt};
    digest.stale = stale;
    auto header = Crypto::serializeDigestChallenge(digest);
    if (!header)
        return jsonError(500, makeError("bsf.internal", header.error().message));

    m_pending.emplace(nonce, std::move(pending));
    ++m_counters.challenges;
    HttpAnswer answer =
        jsonError(401, makeError("bsf.authentication_required", "answer the AKA challenge"));
    answer.headers.append({"WWW-Authenticate", QByteArray::fromStdString(*header)});
    return answer;
}

HttpAnswer BsfEngine::handleUb(const UbRequest &request)
{
    if (request.authorization.isEmpty())
        return jsonError(400, makeError("bsf.missing_identity",
                                        "send Authorization: Digest with username = IMPI"));
    auto credentials = Crypto::parseDigestCredentials(toStd(request.authorization));
    if (!credentials)
        return jsonError(400, credentials.error());
    const QString impi = QString::fromStdString(credentials->username);
    if (impi.isEmpty())
        return jsonError(400, makeError("bsf.missing_identity", "username (IMPI) is empty"));
    if (m_failures.isLimited(impi, m_clock()))
        return rateLimitedAnswer(request, impi);
    if (credentials->nonce.empty())
        return challenge(request, impi, false);

    // Single use: whatever happens next, this nonce is spent.
    const QDateTime now = m_clock();
    auto found = m_pending.find(QByteArray::fromStdString(credentials->nonce));
    if (found == m_pending.end())
        return failure(request, impi, "bsf.unknown_nonce", "unknown or reused nonce");
    PendingChallenge pending = std::move(found->second);
    m_pending.erase(found);
    if (pending.expiresAt <= now) {
        ++m_counters.authenticationFailures;
        return challenge(request, impi, true);
    }
    if (pending.impi != impi || credentials->realm != m_config.domain.toStdString() ||
        credentials->uri != toStd(request.uri) ||
        credentials->algorithm != Crypto::DigestAlgorithm::AKAv1_MD5 ||
        credentials->qop == Crypto::DigestQop::None)
        return failure(request, impi, "bsf.mismatched_credentials",
                       "credentials do not match the challenge");

    if (credentials->auts) {
        // RFC 3310 §3.4: on a synchronisation failure the response uses an empty password.
        if (!Crypto::verifyDigestResponse(*credentials, Crypto::ByteView(), toStd(request.method),
                                          viewOf(request.body)))
            return failure(request, impi, "bsf.bad_response", "bad response on resynchronisation");
        const QByteArray autsBytes = QByteArray::fromBase64(
            QByteArray::fromStdString(*credentials->auts), QByteArray::AbortOnBase64DecodingErrors);
        Crypto::Auts auts{};
        if (autsBytes.size() != qsizetype(auts.size()))
            return failure(request, impi, "bsf.bad_auts", "AUTS is not 14 bytes");
        std::memcpy(auts.data(), autsBytes.constData(), auts.size());
        auto subscriber = m_store.subscriber(impi);
        if (!subscriber)
            return jsonError(500, makeError("bsf.internal", "subscriber store unavailable"));
        const Crypto::Milenage milenage(subscriber->k, subscriber->opc);
        auto sqnMs = Crypto::recoverSqnMsFromAuts(milenage, pending.rand, auts);
        if (!sqnMs)
            return failure(request, impi, "bsf.bad_auts", "AUTS MAC-S does not verify");
        if (auto resynced = m_store.resynchronise(impi, *sqnMs); !resynced)
            return jsonError(500, makeError("bsf.internal", resynced.error().message));
        ++m_counters.resynchronisations;
        qCInfo(lcBsf) << "SQN resynchronised for" << impi;
        return challenge(request, impi, false);
    }

    if (!Crypto::verifyDigestResponse(*credentials, Crypto::ByteView(pending.xres),
                                      toStd(request.method), viewOf(request.body)))
        return failure(request, impi, "bsf.bad_response", "wrong RES");

    BootstrapSession session;
    session.btid =
        QString::fromLatin1(bytesOf(pending.rand).toBase64()) + QLatin1Char('@') + m_config.domain;
    session.impi = impi;
    session.rand = pending.rand;
    session.ks = Crypto::makeKs(pending.ck, pending.ik);
    session.expiresAt = now.addSecs(m_config.keyLifetimeS);
    session.expiresAt.setTime(session.expiresAt.time().addMSecs(-session.expiresAt.time().msec()));
    if (auto stored = m_store.storeSession(session); !stored)
        return jsonError(500, makeError("bsf.internal", stored.error().message));
    m_failures.clear(impi);
    ++m_counters.bootstraps;
    qCInfo(lcBsf) << "bootstrapped" << impi << "until" << session.expiresAt.toString(Qt::ISODate);

    HttpAnswer answer;
    answer.status = 200;
    answer.contentType = kBootstrappingInfoContentType;
    answer.body = encodeBootstrappingInfo({session.btid, session.expiresAt});
    return answer;
}

Result<ZnAnswer> BsfEngine::handleZn(const QString &btid, const QByteArray &nafId)
{
    if (nafId.size() < 6 || nafId.size() > qsizetype(Crypto::kNafFqdnMaxBytes + 5)) {
        ++m_counters.znRefusals;
        return makeError("bsf.bad_naf_id", "NAF_Id is a NAF FQDN followed by 5 octets");
    }
    auto session = m_store.session(btid);
    if (!session) {
        ++m_counters.znRefusals;
        if (session.error().code == "hss.unknown_btid")
            return makeError("bsf.unknown_btid", "unknown B-TID; the UE must bootstrap again");
        return makeError("bsf.internal", session.error().message);
    }
    if (session->expiresAt <= m_clock()) {
        ++m_counters.znRefusals;
        return makeError("bsf.btid_expired", "the B-TID has expired; the UE must bootstrap again");
    }
    const QByteArray impi = session->impi.toUtf8();
    auto ksNaf =
        Crypto::deriveKsNaf(session->ks, session->rand,
                            std::string_view(impi.constData(), size_t(impi.size())), viewOf(nafId));
    if (!ksNaf) {
        ++m_counters.znRefusals;
        return makeError("bsf.internal", ksNaf.error().message);
    }
    ZnAnswer answer;
    answer.ksNaf = *ksNaf;
    Crypto::secureWipe(ksNaf.value().data(), ksNaf.value().size());
    answer.expiresAt = session->expiresAt;
    answer.impi = session->impi;
    ++m_counters.znAnswers;
    return answer;
}

} // namespace Portal::Gba
