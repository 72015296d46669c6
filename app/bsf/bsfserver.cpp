#include "bsfserver.h"

#include <portal-core/crypto/secure.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>

Q_LOGGING_CATEGORY(lcBsfServer, "portal.bsf.server")

namespace Portal::Bsf {

namespace {

Http::HttpAnswer error(int status, const char *code, const char *message)
{
    return Http::jsonError(status, makeError(code, message));
}

// True when the certificate names the FQDN (SAN DNS entry, or CN when it has no SAN).
bool certificateNames(const QSslCertificate &certificate, const QString &fqdn)
{
    const auto names = certificate.subjectAlternativeNames().values(QSsl::DnsEntry);
    if (!names.isEmpty())
        return names.contains(fqdn, Qt::CaseInsensitive);
    return certificate.subjectInfo(QSslCertificate::CommonName).contains(fqdn, Qt::CaseInsensitive);
}

} // namespace

BsfServer::BsfServer(Gba::BsfEngine &engine, BsfServerConfig config, QObject *parent)
    : QObject(parent), m_engine(engine), m_config(std::move(config))
{
}

BsfServer::~BsfServer() = default;

Http::HttpAnswer BsfServer::handleUb(const Http::HttpRequest &request)
{
    if (request.path != QLatin1String("/"))
        return error(404, "bsf.not_found", "the BSF serves Ub at / only");
    if (request.method != "GET")
        return error(405, "bsf.method_not_allowed", "Ub accepts GET / only");
    return m_engine.handleUb({request.method, "/", request.header("Authorization"), request.body,
                              request.peerAddress.toString()});
}

Http::HttpAnswer BsfServer::handleZn(const Http::HttpRequest &request)
{
    if (request.path != QLatin1String("/zn"))
        return error(404, "bsf.not_found", "the BSF serves Zn at /zn only");
    if (request.method != "POST")
        return error(405, "bsf.method_not_allowed", "Zn accepts POST /zn only");
    if (request.body.size() > kMaxZnRequestBytes)
        return error(413, "bsf.too_large", "Zn request larger than 2 KiB");
    const QJsonObject object = QJsonDocument::fromJson(request.body).object();
    const QString btid = object.value(QStringLiteral("btid")).toString();
    const QByteArray nafId =
        QByteArray::fromBase64(object.value(QStringLiteral("nafId")).toString().toLatin1(),
                               QByteArray::AbortOnBase64DecodingErrors);
    if (btid.isEmpty() || nafId.size() <= 5)
        return error(400, "bsf.bad_request", "send JSON {btid, nafId (base64 of FQDN ‖ 5 octets)}");
    const QString nafFqdn = QString::fromUtf8(nafId.chopped(5));
    if (request.peerCertificate.isNull() || !certificateNames(request.peerCertificate, nafFqdn)) {
        qCWarning(lcBsfServer) << "Zn refused: client certificate does not name" << nafFqdn;
        return error(403, "bsf.naf_not_authorised",
                     "the client certificate does not name this NAF_Id's FQDN");
    }
    auto answer = m_engine.handleZn(btid, nafId);
    if (!answer) {
        const std::string &code = answer.error().code;
        const int status = code == "bsf.internal" ? 500 : code == "bsf.bad_naf_id" ? 400 : 404;
        return Http::jsonError(status, answer.error());
    }
    QByteArray ksNaf = QByteArray(reinterpret_cast<const char *>(answer->ksNaf.data()),
                                  qsizetype(answer->ksNaf.size()))
                           .toBase64();
    const QJsonObject reply{
        {QStringLiteral("ksNaf"), QString::fromLatin1(ksNaf)},
        {QStringLiteral("lifetime"), answer->expiresAt.toUTC().toString(Qt::ISODate)},
        {QStringLiteral("impi"), answer->impi}};
    Crypto::secureWipe(ksNaf.data(), size_t(ksNaf.size()));
    return Http::jsonAnswer(200, QJsonDocument(reply));
}

Result<void> BsfServer::start()
{
    const bool tls = !m_config.tlsCertificatePath.isEmpty();
    std::optional<QSslConfiguration> ubTls;
    if (tls) {
        auto configuration = Http::makeServerTlsConfiguration(
            {m_config.tlsCertificatePath, m_config.tlsKeyPath, {}});
        if (!configuration)
            return configuration.error();
        ubTls = *configuration;
    }
    m_ub = std::make_unique<Http::HttpServer>(
        [this](const Http::HttpRequest &request) { return handleUb(request); });
    auto ubPort = m_ub->listen(m_config.listenAddress, m_config.ubPort, ubTls);
    if (!ubPort)
        return ubPort.error();
    m_ubPort = *ubPort;
    qCInfo(lcBsfServer).noquote() << "Ub listening on" << m_config.listenAddress.toString()
                                  << "port" << m_ubPort << (tls ? "(https)" : "(http)");

    if (!tls || m_config.znClientCaPath.isEmpty()) {
        qCInfo(lcBsfServer) << "Zn not served: it needs --tls-cert, --tls-key and --zn-client-ca";
        return {};
    }
    auto znTls = Http::makeServerTlsConfiguration(
        {m_config.tlsCertificatePath, m_config.tlsKeyPath, {m_config.znClientCaPath}});
    if (!znTls)
        return znTls.error();
    m_zn = std::make_unique<Http::HttpServer>(
        [this](const Http::HttpRequest &request) { return handleZn(request); });
    auto znPort = m_zn->listen(m_config.listenAddress, m_config.znPort, *znTls);
    if (!znPort)
        return znPort.error();
    m_znPort = *znPort;
    qCInfo(lcBsfServer).noquote() << "Zn listening on" << m_config.listenAddress.toString()
                                  << "port" << m_znPort << "(https, client certificate required)";
    return {};
}

} // namespace Portal::Bsf
