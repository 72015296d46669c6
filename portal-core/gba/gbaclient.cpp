#include "gbaclient.h"

#include "bootstrappinginfo.h"

#include <portal-core/crypto/digest.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QSslConfiguration>

#include <cstring>

Q_LOGGING_CATEGORY(lcGbaClient, "portal.gba.client")

namespace Portal::Gba {

namespace {

template<size_t N>
QByteArray bytesOf(const std::array<uint8_t, N> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(N));
}

std::string newCnonce()
{
    std::array<quint32, 4> random{};
    QRandomGenerator::system()->generate(random.begin(), random.end());
    return QByteArray(reinterpret_cast<const char *>(random.data()), sizeof random)
        .toHex()
        .toStdString();
}

// The JSON error the BSF sends, or the HTTP reason when there is none.
std::string refusalMessage(int status, const QByteArray &body)
{
    const QJsonObject error =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    const QString message = error.value(QStringLiteral("message")).toString();
    const QString code = error.value(QStringLiteral("code")).toString();
    return "BSF answered " + std::to_string(status) +
           (code.isEmpty() ? std::string() : " " + code.left(64).toStdString()) +
           (message.isEmpty() ? std::string() : ": " + message.left(200).toStdString());
}

} // namespace

GbaBootstrap::~GbaBootstrap()
{
    Crypto::secureWipe(ks.data(), ks.size());
}

Result<Crypto::KsNaf> GbaBootstrap::ksNaf(const QString &nafFqdn,
                                          const Crypto::UaProtocolId &protocolId) const
{
    const QByteArray fqdn = nafFqdn.toUtf8();
    auto nafId =
        Crypto::makeNafId(std::string_view(fqdn.constData(), size_t(fqdn.size())), protocolId);
    if (!nafId)
        return nafId.error();
    const QByteArray impiUtf8 = impi.toUtf8();
    return Crypto::deriveKsNaf(ks, rand,
                               std::string_view(impiUtf8.constData(), size_t(impiUtf8.size())),
                               Crypto::ByteView(*nafId));
}

GbaClient::GbaClient(GbaClientConfig config, SoftUsim &usim, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_usim(usim),
      m_network(std::make_unique<QNetworkAccessManager>())
{
    m_network->setAutoDeleteReplies(true);
    m_network->setTransferTimeout(m_config.timeoutMs);
    connect(m_network.get(), &QNetworkAccessManager::finished, this, &GbaClient::onFinished);
}

GbaClient::~GbaClient()
{
    Crypto::secureWipe(m_ck.data(), m_ck.size());
    Crypto::secureWipe(m_ik.data(), m_ik.size());
}

void GbaClient::bootstrap(Done done)
{
    Q_ASSERT(!m_done);
    m_done = std::move(done);
    m_resynchronised = false;
    Crypto::DigestCredentials initial;
    initial.username = m_usim.impi().toStdString();
    initial.realm = m_config.bsfUrl.host().toStdString();
    initial.uri = "/";
    initial.algorithm = Crypto::DigestAlgorithm::AKAv1_MD5;
    auto header = Crypto::serializeDigestCredentials(initial);
    if (!header) {
        finish(header.error());
        return;
    }
    send(QByteArray::fromStdString(*header));
}

void GbaClient::send(const QByteArray &authorization)
{
    QNetworkRequest request(m_config.bsfUrl);
    request.setRawHeader("Authorization", authorization);
    request.setHeader(QNetworkRequest::UserAgentHeader, m_config.userAgent);
    request.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    request.setAttribute(QNetworkRequest::CacheLoadControlAttribute,
                         QNetworkRequest::AlwaysNetwork);
    if (!m_config.trustedCas.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(m_config.trustedCas);
        request.setSslConfiguration(tls);
    }
    m_network->get(request);
}

void GbaClient::onFinished(QNetworkReply *reply)
{
    if (!m_done)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        finish(makeError("gba.network", "cannot reach the BSF at " +
                                            m_config.bsfUrl.toDisplayString().toStdString() + ": " +
                                            reply->errorString().toStdString()));
        return;
    }
    const QByteArray body = reply->read(kMaxUbResponseBytes + 1);
    if (body.size() > kMaxUbResponseBytes) {
        finish(makeError("gba.bad_response", "BSF response larger than 16 KiB"));
        return;
    }
    if (status == 401 && reply->hasRawHeader("WWW-Authenticate")) {
        answerChallenge(reply->rawHeader("WWW-Authenticate"));
        return;
    }
    if (status != 200) {
        finish(makeError("gba.refused", refusalMessage(status, body)));
        return;
    }
    auto info = parseBootstrappingInfo(body);
    if (!info) {
        finish(info.error());
        return;
    }
    GbaBootstrap result;
    result.btid = info->btid;
    result.lifetime = info->lifetime;
    result.impi = m_usim.impi();
    result.rand = m_rand;
    result.ks = Crypto::makeKs(m_ck, m_ik);
    qCInfo(lcGbaClient) << "bootstrapped with B-TID" << result.btid << "until"
                        << result.lifetime.toString(Qt::ISODate);
    finish(std::move(result));
}

void GbaClient::answerChallenge(const QByteArray &wwwAuthenticate)
{
    auto challenge = Crypto::parseDigestChallenge(wwwAuthenticate.toStdString());
    if (!challenge) {
        finish(makeError("gba.bad_response", "BSF challenge: " + challenge.error().message));
        return;
    }
    if (challenge->algorithm != Crypto::DigestAlgorithm::AKAv1_MD5) {
        finish(makeError("gba.bad_response", "BSF challenge is not AKAv1-MD5"));
        return;
    }
    const QByteArray nonce = QByteArray::fromBase64(QByteArray::fromStdString(challenge->nonce),
                                                    QByteArray::AbortOnBase64DecodingErrors);
    Crypto::Autn autn{};
    if (nonce.size() != qsizetype(m_rand.size() + autn.size())) {
        finish(makeError("gba.bad_response", "nonce is not base64(RAND ‖ AUTN)"));
        return;
    }
    std::memcpy(m_rand.data(), nonce.constData(), m_rand.size());
    std::memcpy(autn.data(), nonce.constData() + m_rand.size(), autn.size());

    auto answer = m_usim.authenticate(m_rand, autn);
    if (!answer) {
        if (answer.error().code == "aka.mac_failure")
            finish(makeError("gba.bsf_not_authentic",
                             "the BSF's AUTN does not verify with this USIM: wrong K/OPc, or "
                             "not the operator's BSF"));
        else
            finish(answer.error());
        return;
    }

    const std::string username = m_usim.impi().toStdString();
    const std::string uri =
        m_config.bsfUrl.path().isEmpty() ? std::string("/") : m_config.bsfUrl.path().toStdString();
    Crypto::DigestCredentials credentials;
    if (answer->auts) {
        if (m_resynchronised) {
            finish(makeError("gba.sync_failed", "SQN still out of sync after resynchronisation"));
            return;
        }
        m_resynchronised = true;
        qCInfo(lcGbaClient) << "SQN out of sync; sending AUTS";
        credentials = Crypto::answerDigestChallenge(*challenge, username, Crypto::ByteView(), "GET",
                                                    uri, newCnonce(), 1, {}, true);
        credentials.auts = QByteArray(reinterpret_cast<const char *>(answer->auts->data()),
                                      qsizetype(answer->auts->size()))
                               .toBase64()
                               .toStdString();
    } else {
        const Crypto::UsimAuthentication &authentication = *answer->authentication;
        m_ck = authentication.ck;
        m_ik = authentication.ik;
        credentials = Crypto::answerDigestChallenge(*challenge, username,
                                                    Crypto::ByteView(authentication.res), "GET",
                                                    uri, newCnonce(), 1, {}, true);
    }
    auto header = Crypto::serializeDigestCredentials(credentials);
    if (!header) {
        finish(header.error());
        return;
    }
    send(QByteArray::fromStdString(*header));
}

void GbaClient::finish(Result<GbaBootstrap> result)
{
    Crypto::secureWipe(m_ck.data(), m_ck.size());
    Crypto::secureWipe(m_ik.data(), m_ik.size());
    if (!result)
        qCWarning(lcGbaClient) << "bootstrap failed:" << result.error().message.c_str();
    Done done = std::move(m_done);
    m_done = nullptr;
    done(std::move(result));
}

} // namespace Portal::Gba
