#pragma once
// The NAF as a service a program hosts (iot-portald): the Ua HTTPS listener (server
// certificate by the operator CA) feeding a NafEngine, and the Zn client towards the BSF.

#include "nafengine.h"
#include "znclient.h"

#include <portal-core/base/result.h>
#include <portal-core/http/httpserver.h>

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace Portal::Gba {

struct NafServiceConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 port = 0;
    QString nafFqdn = QStringLiteral("naf.lab.example");
    QString tlsCertificatePath; // Ua server certificate (operator CA)
    QString tlsKeyPath;
    QUrl znUrl;                // https://…/zn of the BSF
    QString znCertificatePath; // the NAF's Zn client certificate (operator CA)
    QString znKeyPath;
    QString operatorCaPath; // trust anchor for the BSF
    QString portalCaCertificatePath;
    QString portalCaKeyPath; // signs gateway client certificates
    QUrl portalApiUrl;       // told to enrolled gateways
};

class NafService : public QObject
{
    Q_OBJECT
public:
    NafService(NafServiceConfig config, NafEngine::BindGateway bindGateway,
               QObject *parent = nullptr);
    ~NafService() override;

    // Errors: `naf.config` (unreadable certificate, key or CA), `http.*`.
    Result<quint16> start();
    const NafEngine *engine() const { return m_engine.get(); }

private:
    NafServiceConfig m_config;
    NafEngine::BindGateway m_bindGateway;
    std::unique_ptr<ZnClient> m_zn;
    std::unique_ptr<NafEngine> m_engine;
    std::unique_ptr<Http::HttpServer> m_server;
};

} // namespace Portal::Gba
