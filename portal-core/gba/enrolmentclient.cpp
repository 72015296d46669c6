#include "enrolmentclient.h"

#include <portal-core/crypto/digest.h>
#include <portal-core/crypto/secure.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QRandomGenerator>
#include <QRegularExpression>
#include <QSslConfiguration>

Q_LOGGING_CATEGORY(lcEnrol, "portal.gba.enrol")

namespace Portal::Gba {

namespace {

std::string errorText(const QByteArray &body)
{
    const QJsonObject error =
        QJsonDocument::fromJson(body).object().value(QStringLiteral("error")).toObject();
    return (error.value(QStringLiteral("code")).toString().left(64) + QStringLiteral(": ") +
            error.value(QStringLiteral("message")).toString().left(200))
        .toStdString();
}

} // namespace

EnrolmentClient::EnrolmentClient(QObject *parent)
    : QObject(parent), m_network(std::make_unique<QNetworkAccessManager>())
{
    m_network->setAutoDeleteReplies(true);
    connect(m_network.get(), &QNetworkAccessManager::finished, this, &EnrolmentClient::onFinished);
}

EnrolmentClient::~EnrolmentClient()
{
    Crypto::secureWipe(m_password.data(), size_t(m_password.size()));
}

void EnrolmentClient::enrol(const EnrolmentRequest &request, const GbaBootstrap &bootstrap,
                            Done done)
{
    Q_ASSERT(!m_done);
    m_done = std::move(done);
    m_request = request;
    m_answeredChallenge = false;
    m_network->setTransferTimeout(request.timeoutMs);
    auto ksNaf = bootstrap.ksNaf(request.nafFqdn, Crypto::kUaHttpDigest);
    if (!ksNaf) {
        finish(ksNaf.error());
        return;
    }
    m_btid = bootstrap.btid;
    m_password = QByteArray(reinterpret_cast<const char *>(ksNaf->data()), 32).toBase64();
    Crypto::secureWipe(ksNaf->data(), ksNaf->size());
    m_body = QJsonDocument(QJsonObject{{QStringLiteral("gatewayId"), request.gatewayId},
                                       {QStringLiteral("csr"), QString::fromUtf8(request.csrPem)}})
                 .toJson(QJsonDocument::Compact);
    post(QByteArray());
}

void EnrolmentClient::post(const QByteArray &authorization)
{
    QNetworkRequest request(m_request.nafUrl);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArray("application/json"));
    request.setAttribute(QNetworkRequest::AuthenticationReuseAttribute, QNetworkRequest::Manual);
    if (!authorization.isEmpty())
        request.setRawHeader("Authorization", authorization);
    if (!m_request.trustedCas.isEmpty()) {
        QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
        tls.setCaCertificates(m_request.trustedCas);
        request.setSslConfiguration(tls);
    }
    m_network->post(request, m_body);
}

void EnrolmentClient::onFinished(QNetworkReply *reply)
{
    if (!m_done)
        return;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    if (status == 0) {
        finish(makeError("enrol.network",
                         "cannot reach the NAF: " + reply->errorString().toStdString()));
        return;
    }
    const QByteArray body = reply->read(kMaxEnrolmentAnswerBytes + 1);
    if (body.size() > kMaxEnrolmentAnswerBytes) {
        finish(makeError("enrol.bad_response", "NAF answer larger than 64 KiB"));
        return;
    }
    if (status == 401 && !m_answeredChallenge) {
        // Several challenges may come (SHA-256 first); Qt joins repeated headers into one
        // value, so split it again at each scheme name; take the first we can parse.
        const QStringList challenges =
            QString::fromLatin1(reply->rawHeader("WWW-Authenticate"))
                .split(QRegularExpression(QStringLiteral("(?:\\n|,)\\s*(?=Digest\\s)")),
                       Qt::SkipEmptyParts);
        for (const QString &value : challenges) {
            auto challenge = Crypto::parseDigestChallenge(value.trimmed().toStdString());
            if (!challenge || challenge->algorithm == Crypto::DigestAlgorithm::AKAv1_MD5)
                continue;
            std::array<quint32, 4> cnonce{};
            QRandomGenerator::system()->generate(cnonce.begin(), cnonce.end());
            const auto credentials = Crypto::answerDigestChallenge(
                *challenge, m_btid.toStdString(),
                Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_password.constData()),
                                 size_t(m_password.size())),
                "POST", m_request.nafUrl.path().toStdString(),
                QByteArray(reinterpret_cast<const char *>(cnonce.data()), sizeof cnonce)
                    .toHex()
                    .toStdString(),
                1,
                Crypto::ByteView(reinterpret_cast<const uint8_t *>(m_body.constData()),
                                 size_t(m_body.size())),
                true);
            auto header = Crypto::serializeDigestCredentials(credentials);
            if (!header)
                break;
            m_answeredChallenge = true;
            post(QByteArray::fromStdString(*header));
            return;
        }
        finish(makeError("enrol.bad_response", "the NAF sent no usable Digest challenge"));
        return;
    }
    if (status == 403 && body.contains("naf.btid_refused")) {
        finish(makeError("enrol.btid_refused", errorText(body)));
        return;
    }
    if (status != 200) {
        finish(makeError("enrol.refused",
                         "NAF answered " + std::to_string(status) + " " + errorText(body)));
        return;
    }
    const QJsonObject object = QJsonDocument::fromJson(body).object();
    Enrolment enrolment;
    enrolment.portalUrl = QUrl(object.value(QStringLiteral("portalUrl")).toString());
    enrolment.portalCaPem = object.value(QStringLiteral("portalCaPem")).toString().toUtf8();
    enrolment.certificatePem = object.value(QStringLiteral("certificatePem")).toString().toUtf8();
    enrolment.notAfter =
        QDateTime::fromString(object.value(QStringLiteral("notAfter")).toString(), Qt::ISODate)
            .toUTC();
    if (!enrolment.portalUrl.isValid() || enrolment.portalCaPem.isEmpty() ||
        QSslCertificate(enrolment.certificatePem).isNull() || !enrolment.notAfter.isValid()) {
        finish(makeError("enrol.bad_response", "malformed enrolment answer"));
        return;
    }
    finish(std::move(enrolment));
}

void EnrolmentClient::finish(Result<Enrolment> result)
{
    Crypto::secureWipe(m_password.data(), size_t(m_password.size()));
    m_password.clear();
    if (!result)
        qCWarning(lcEnrol) << "enrolment failed:" << result.error().message.c_str();
    Done done = std::move(m_done);
    m_done = nullptr;
    done(std::move(result));
}

} // namespace Portal::Gba
