#include "nafengine.h"

#include <portal-core/crypto/digest.h>
#include <portal-core/crypto/identity.h>
#include <portal-core/crypto/secure.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QPointer>
#include <QRandomGenerator>
#include <QRegularExpression>

Q_LOGGING_CATEGORY(lcNaf, "portal.gba.naf")

namespace Portal::Gba {

namespace {

const QRegularExpression kGatewayIdPattern(QStringLiteral("^[a-z0-9][a-z0-9-]{0,39}$"));

std::string newNonce()
{
    std::array<quint32, 6> random{};
    QRandomGenerator::system()->generate(random.begin(), random.end());
    return QByteArray(reinterpret_cast<const char *>(random.data()), sizeof random)
        .toBase64()
        .toStdString();
}

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), size_t(bytes.size()));
}

} // namespace

NafEngine::NafEngine(NafConfig config, ZnClient &zn, Crypto::Certificate gatewayCa,
                     Crypto::PrivateKey gatewayCaKey, BindGateway bindGateway, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_zn(zn), m_gatewayCa(std::move(gatewayCa)),
      m_gatewayCaKey(std::move(gatewayCaKey)), m_bindGateway(std::move(bindGateway)),
      m_failures(m_config.maxFailuresPerPeer, m_config.failureWindowMs)
{
}

NafEngine::~NafEngine() = default;

bool NafEngine::isReservedId(const QString &gatewayId) const
{
    if (m_config.reservedIds.contains(gatewayId, Qt::CaseInsensitive))
        return true;
    return std::any_of(
        m_config.reservedIdPrefixes.cbegin(), m_config.reservedIdPrefixes.cend(),
        [&](const QString &prefix) { return gatewayId.startsWith(prefix, Qt::CaseInsensitive); });
}

Http::HttpAnswer NafEngine::challenge(bool stale)
{
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (auto it = m_nonces.begin(); it != m_nonces.end();) {
        if (it->second.expiresAt <= now)
            it = m_nonces.erase(it);
        else
            ++it;
    }
    if (int(m_nonces.size()) >= m_config.maxNonces)
        return Http::jsonError(503, makeError("naf.busy", "too many open challenges; retry"));

    Http::HttpAnswer answer = Http::jsonError(
        401, makeError("naf.authentication_required",
                       "authenticate with Digest: username = B-TID, password = base64(Ks_NAF)"));
    // SHA-256 first (RFC 7616 §3.7); clients such as curl take the first challenge.
    for (const auto algorithm : {Crypto::DigestAlgorithm::SHA256, Crypto::DigestAlgorithm::MD5}) {
        Crypto::DigestChallenge digest;
        digest.realm = realm().toStdString();
        digest.nonce = newNonce();
        digest.algorithm = algorithm;
        digest.qopOptions = {Crypto::DigestQop::AuthInt, Crypto::DigestQop::Auth};
        digest.stale = stale;
        auto header = Crypto::serializeDigestChallenge(digest);
        if (!header)
            return Http::jsonError(500, makeError("naf.internal", header.error().message));
        m_nonces[digest.nonce] = {now.addMSecs(m_config.nonceLifetimeMs), 0};
        answer.headers.append({"WWW-Authenticate", QByteArray::fromStdString(*header)});
    }
    return answer;
}

std::optional<Http::HttpAnswer> NafEngine::refuseRoute(const Http::HttpRequest &request) const
{
    if (request.path != QLatin1String("/naf/v1/enrol"))
        return Http::jsonError(404, makeError("naf.not_found", "the NAF serves /naf/v1/enrol"));
    if (request.method != "POST")
        return Http::jsonError(405, makeError("naf.method_not_allowed", "use POST"));
    if (request.body.size() > kMaxEnrolmentBodyBytes)
        return Http::jsonError(413, makeError("naf.too_large", "enrolment body over 16 KiB"));
    return std::nullopt;
}

Http::HttpAnswer NafEngine::handleAuthenticated(const Http::HttpRequest &request,
                                                const QString &btid, const QString &impi,
                                                const QDateTime &keyExpiresAt)
{
    if (auto refused = refuseRoute(request))
        return std::move(*refused);
    qCDebug(lcNaf) << "PSK-TLS Ua request for B-TID" << btid;
    return enrol(request, impi, keyExpiresAt);
}

void NafEngine::reportAuthFailure(const QString &source, const QString &identity,
                                  const char *reason)
{
    if (m_authFailureSink)
        m_authFailureSink(source, identity, QLatin1String(reason));
}

Http::HttpAnswer NafEngine::failure(const QHostAddress &peer, const QString &btid,
                                    const char *reason, bool stale)
{
    ++m_counters.authenticationFailures;
    reportAuthFailure(peer.toString(), btid, reason);
    const QDateTime now = QDateTime::currentDateTimeUtc();
    m_failures.recordFailure(peer.toString(), now);
    if (!m_failures.isLimited(peer.toString(), now))
        return challenge(stale);
    return rateLimitedAnswer(peer, btid);
}

Http::HttpAnswer NafEngine::rateLimitedAnswer(const QHostAddress &peer, const QString &btid)
{
    ++m_counters.rateLimited;
    reportAuthFailure(peer.toString(), btid, "naf.rate_limited");
    Http::HttpAnswer limited = Http::jsonError(
        429, makeError("naf.rate_limited", "too many failed attempts; try again later"));
    limited.headers.append({"Retry-After", QByteArray::number(m_failures.retryAfterSeconds())});
    return limited;
}

void NafEngine::handleDigest(const Http::HttpRequest &request, Http::HttpServer::Respond respond)
{
    if (auto refused = refuseRoute(request)) {
        respond(std::move(*refused));
        return;
    }
    const QByteArray authorization = request.header("Authorization");
    if (authorization.isEmpty()) {
        respond(challenge(false));
        return;
    }
    const QString peer = request.peerAddress.toString();
    if (m_failures.isLimited(peer, QDateTime::currentDateTimeUtc())) {
        respond(rateLimitedAnswer(request.peerAddress, QString()));
        return;
    }
    auto credentials = Crypto::parseDigestCredentials(toStd(authorization));
    if (!credentials) {
        respond(Http::jsonError(400, credentials.error()));
        return;
    }
    const QString btid = QString::fromStdString(credentials->username);
    const auto nonce = m_nonces.find(credentials->nonce);
    bool ncOk = false;
    const quint32 nc = QByteArray::fromStdString(credentials->nc).toUInt(&ncOk, 16);
    if (nonce == m_nonces.end() || nonce->second.expiresAt <= QDateTime::currentDateTimeUtc()) {
        respond(failure(request.peerAddress, btid,
                        nonce == m_nonces.end() ? "naf.unknown_nonce" : "naf.stale_nonce",
                        nonce != m_nonces.end()));
        return;
    }
    if (credentials->realm != realm().toStdString() ||
        credentials->algorithm == Crypto::DigestAlgorithm::AKAv1_MD5 ||
        credentials->qop == Crypto::DigestQop::None || !ncOk || nc <= nonce->second.lastNc ||
        QString::fromStdString(credentials->uri) != request.path) {
        qCWarning(lcNaf) << "Ua credentials do not match the challenge";
        respond(failure(request.peerAddress, btid, "naf.mismatched_credentials", false));
        return;
    }
    nonce->second.lastNc = nc;

    const QByteArray fqdn = m_config.nafFqdn.toUtf8();
    auto nafId = Crypto::makeNafId(std::string_view(fqdn.constData(), size_t(fqdn.size())),
                                   Crypto::kUaHttpDigest);
    if (!nafId) {
        respond(Http::jsonError(500, makeError("naf.internal", nafId.error().message)));
        return;
    }
    QPointer<NafEngine> self(this);
    m_zn.fetch(btid,
               QByteArray(reinterpret_cast<const char *>(nafId->data()), qsizetype(nafId->size())),
               [self, request, credentials = *credentials, btid, respond](Result<ZnKey> key) {
                   if (!self)
                       return;
                   if (!key) {
                       if (key.error().code == "zn.refused") {
                           ++self->m_counters.btidRefusals;
                           self->reportAuthFailure(request.peerAddress.toString(), btid,
                                                   "naf.btid_refused");
                           respond(Http::jsonError(
                               403, makeError("naf.btid_refused",
                                              "the BSF does not know this B-TID or it expired; "
                                              "bootstrap again")));
                       } else {
                           respond(Http::jsonError(
                               503, makeError("naf.zn_unavailable", key.error().message)));
                       }
                       return;
                   }
                   QByteArray password =
                       QByteArray(reinterpret_cast<const char *>(key->ksNaf.data()), 32).toBase64();
                   const auto verified = Crypto::verifyDigestResponse(
                       credentials,
                       Crypto::ByteView(reinterpret_cast<const uint8_t *>(password.constData()),
                                        size_t(password.size())),
                       toStd(request.method),
                       Crypto::ByteView(reinterpret_cast<const uint8_t *>(request.body.constData()),
                                        size_t(request.body.size())));
                   Crypto::secureWipe(password.data(), size_t(password.size()));
                   if (!verified) {
                       qCWarning(lcNaf) << "Ua Digest response wrong for B-TID" << btid;
                       respond(self->failure(request.peerAddress, btid, "naf.bad_response", false));
                       return;
                   }
                   self->m_failures.clear(request.peerAddress.toString());
                   respond(self->enrol(request, key->impi, key->expiresAt));
               });
}

Http::HttpAnswer NafEngine::enrol(const Http::HttpRequest &request, const QString &impi,
                                  const QDateTime &keyExpiresAt)
{
    const QJsonObject body = QJsonDocument::fromJson(request.body).object();
    const QString gatewayId = body.value(QStringLiteral("gatewayId")).toString();
    const QByteArray csrPem = body.value(QStringLiteral("csr")).toString().toUtf8();
    if (!kGatewayIdPattern.match(gatewayId).hasMatch())
        return Http::jsonError(400, makeError("naf.bad_gateway_id",
                                              "gatewayId is 1 to 40 of [a-z0-9-], starting "
                                              "with a letter or digit"));
    auto csr = Crypto::parseCsr(toStd(csrPem));
    if (!csr)
        return Http::jsonError(400, csr.error());
    if (QString::fromStdString(csr->commonName) != gatewayId)
        return Http::jsonError(400, makeError("naf.bad_csr", "the CSR's CN must be the gatewayId"));
    const qint64 validitySeconds = QDateTime::currentDateTimeUtc().secsTo(keyExpiresAt);
    if (validitySeconds < 1)
        return Http::jsonError(
            403, makeError("naf.btid_refused", "the B-TID expires now; bootstrap again"));
    if (isReservedId(gatewayId)) {
        ++m_counters.idRefusals;
        const Error refused = makeError(
            "naf.reserved_id", "this id names one of the portal's own certificates; choose "
                               "another gateway id");
        qCWarning(lcNaf) << "refused reserved gateway id" << gatewayId << "for" << impi;
        if (m_refusalSink)
            m_refusalSink(gatewayId, impi, refused);
        return Http::jsonError(403, refused);
    }
    if (auto bound = m_bindGateway(gatewayId, impi); !bound) {
        ++m_counters.idRefusals;
        qCWarning(lcNaf) << "refused gateway id" << gatewayId << "for" << impi << ":"
                         << bound.error().code.c_str();
        return Http::jsonError(403, bound.error());
    }

    Crypto::IssueRequest issue;
    issue.issuerCertificate = &m_gatewayCa;
    issue.issuerKey = &m_gatewayCaKey;
    issue.subjectPublicKey = &csr->publicKey;
    issue.commonName = gatewayId.toStdString();
    issue.uris = {Crypto::identityUri(Crypto::IdentityType::Gateway, gatewayId.toStdString())};
    issue.profile = Crypto::CertificateProfile::TlsClient;
    issue.validitySeconds = validitySeconds;
    auto certificate = Crypto::issueCertificate(issue);
    if (!certificate)
        return Http::jsonError(500, makeError("naf.internal", certificate.error().message));

    ++m_counters.enrolments;
    qCInfo(lcNaf) << "enrolled gateway" << gatewayId << "for" << impi << "until"
                  << keyExpiresAt.toString(Qt::ISODate);
    const QJsonObject answer{
        {QStringLiteral("portalUrl"), m_config.portalApiUrl.toString()},
        {QStringLiteral("portalCaPem"), QString::fromUtf8(m_config.portalCaPem)},
        {QStringLiteral("certificatePem"), QString::fromStdString(certificate->toPem())},
        {QStringLiteral("notAfter"),
         QDateTime::fromSecsSinceEpoch(certificate->notAfterUnixSeconds(), Qt::UTC)
             .toString(Qt::ISODate)}};
    return Http::jsonAnswer(200, QJsonDocument(answer));
}

} // namespace Portal::Gba
