#include "nafservice.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSslKey>

Q_LOGGING_CATEGORY(lcNafService, "portal.gba.naf")

namespace Portal::Gba {

namespace {

Result<QByteArray> readFile(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("naf.config", "cannot read " + path.toStdString() + ": " +
                                           file.errorString().toStdString());
    return file.read(256 * 1024);
}

} // namespace

NafService::NafService(NafServiceConfig config, NafEngine::BindGateway bindGateway, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_bindGateway(std::move(bindGateway))
{
}

NafService::~NafService() = default;

Result<quint16> NafService::start()
{
    auto operatorCa = readFile(m_config.operatorCaPath);
    auto znCertificate = readFile(m_config.znCertificatePath);
    auto znKey = readFile(m_config.znKeyPath);
    auto portalCaPem = readFile(m_config.portalCaCertificatePath);
    auto gatewayCaPem = readFile(m_config.gatewayCaCertificatePath);
    auto gatewayCaKeyPem = readFile(m_config.gatewayCaKeyPath);
    for (const auto *file :
         {&operatorCa, &znCertificate, &znKey, &portalCaPem, &gatewayCaPem, &gatewayCaKeyPem}) {
        if (!*file)
            return file->error();
    }
    ZnClientConfig znConfig;
    znConfig.znUrl = m_config.znUrl;
    znConfig.tls = QSslConfiguration::defaultConfiguration();
    znConfig.tls.setCaCertificates(QSslCertificate::fromData(*operatorCa));
    znConfig.tls.setLocalCertificate(QSslCertificate(*znCertificate));
    znConfig.tls.setPrivateKey(QSslKey(*znKey, QSsl::Ec));
    if (znConfig.tls.caCertificates().isEmpty() || znConfig.tls.localCertificate().isNull() ||
        znConfig.tls.privateKey().isNull())
        return makeError("naf.config", "the Zn certificate, key or operator CA is not PEM");
    m_zn = std::make_unique<ZnClient>(znConfig);

    auto gatewayCa = Crypto::Certificate::fromPem(gatewayCaPem->toStdString());
    if (!gatewayCa)
        return gatewayCa.error();
    auto gatewayCaKey = Crypto::PrivateKey::fromPem(gatewayCaKeyPem->toStdString());
    if (!gatewayCaKey)
        return gatewayCaKey.error();
    NafConfig nafConfig;
    nafConfig.nafFqdn = m_config.nafFqdn;
    nafConfig.portalApiUrl = m_config.portalApiUrl;
    nafConfig.portalCaPem = *portalCaPem;
    nafConfig.reservedIds = m_config.reservedIds;
    m_engine = std::make_unique<NafEngine>(nafConfig, *m_zn, std::move(*gatewayCa),
                                           std::move(*gatewayCaKey), m_bindGateway);
    m_engine->setRefusalSink(m_refusalSink);
    m_engine->setAuthFailureSink(m_authFailureSink);

    auto tls =
        Http::makeServerTlsConfiguration({m_config.tlsCertificatePath, m_config.tlsKeyPath, {}});
    if (!tls)
        return tls.error();
    m_server = std::make_unique<Http::HttpServer>(Http::HttpServer::AsyncHandler(
        [this](const Http::HttpRequest &request, Http::HttpServer::Respond respond) {
            m_engine->handleDigest(request, std::move(respond));
        }));
    auto port = m_server->listen(m_config.listenAddress, m_config.port, *tls);
    if (!port)
        return port.error();
    qCInfo(lcNafService).noquote()
        << "NAF (Ua, HTTP Digest) listening on" << m_config.listenAddress.toString() << "port"
        << *port << "as" << m_config.nafFqdn;
    if (m_config.servePskTls) {
        NafPskListenerConfig pskConfig;
        pskConfig.listenAddress = m_config.listenAddress;
        pskConfig.port = m_config.pskPort;
        pskConfig.nafFqdn = m_config.nafFqdn;
        m_pskListener = std::make_unique<NafPskListener>(pskConfig, *m_zn, *m_engine);
        auto pskPort = m_pskListener->start();
        if (!pskPort)
            return pskPort.error();
        m_pskPort = *pskPort;
    }
    return *port;
}

} // namespace Portal::Gba
