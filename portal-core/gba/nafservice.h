#pragma once
// The NAF as a service a program hosts (iot-portald): the Ua HTTPS listener (server
// certificate by the operator CA) feeding a NafEngine, the Zn client towards the BSF, and —
// when servePskTls — the PSK-TLS Ua listener (NafPskListener) feeding the same engine.

#include "nafengine.h"
#include "nafpsklistener.h"
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
    QString operatorCaPath;          // trust anchor for the BSF
    QString portalCaCertificatePath; // given to gateways: the portal API's and instances' root
    QString gatewayCaCertificatePath;
    QString gatewayCaKeyPath; // signs gateway client certificates
    QStringList reservedIds;  // NafConfig::reservedIds
    QUrl portalApiUrl;        // told to enrolled gateways
    bool servePskTls = false; // also serve Ua over PSK-TLS (TS 33.222) on pskPort
    quint16 pskPort = 0;
};

class NafService : public QObject
{
    Q_OBJECT
public:
    NafService(NafServiceConfig config, NafEngine::BindGateway bindGateway,
               QObject *parent = nullptr);
    // Before start(): passed to the engine (NafEngine::setRefusalSink).
    void setRefusalSink(NafEngine::RefusalSink sink) { m_refusalSink = std::move(sink); }
    void setAuthFailureSink(NafEngine::AuthFailureSink sink)
    {
        m_authFailureSink = std::move(sink);
    }
    ~NafService() override;

    // Returns the Digest listener's port. Errors: `naf.config` (unreadable certificate, key or
    // CA), `http.*`, and with servePskTls those of NafPskListener::start().
    Result<quint16> start();
    const NafEngine *engine() const { return m_engine.get(); }
    // The PSK-TLS listener's port; 0 when it is not served.
    quint16 pskPort() const { return m_pskPort; }
    const NafPskListener *pskListener() const { return m_pskListener.get(); }

private:
    NafServiceConfig m_config;
    NafEngine::BindGateway m_bindGateway;
    NafEngine::RefusalSink m_refusalSink;
    NafEngine::AuthFailureSink m_authFailureSink;
    std::unique_ptr<ZnClient> m_zn;
    std::unique_ptr<NafEngine> m_engine;
    std::unique_ptr<Http::HttpServer> m_server;
    // Declared last so it stops first: its thread calls into m_zn and m_engine.
    std::unique_ptr<NafPskListener> m_pskListener;
    quint16 m_pskPort = 0;
};

} // namespace Portal::Gba
