#pragma once
// iot-portald: the headless portal service. `serve` (the default) runs the portal API (HTTPS,
// gateway client certificates from the portal CA) over one Portal::Engine with one cloud
// backend: `local` (iot-m2m-service children, the default) or `openstack` (Nova servers in
// the cloud that clouds.yaml / OS_* name); the CLI commands edit the store: `template add`,
// `class add|list`, `device register`, `gateway block|unblock`, `instance list`; `reconcile`
// and `instance reprovision [--noop]` queue an admin request for the leading iot-portald
// (Store::AdminRequest) and print its outcome.
// Exit codes: 0 success, 1 runtime failure, 2 bad usage or config, 3 cannot start (database,
// TLS files, PKI, port).

#include <portal-core/base/result.h>
#include <portal-core/cloud/cloudbackend.h>
#include <portal-core/engine/portalengine.h>
#include <portal-core/gba/nafservice.h>
#include <portal-core/http/httpserver.h>
#include <portal-core/portalapi/portalapi.h>
#include <portal-core/store/store.h>

#include <QHostAddress>
#include <QStringList>

#include <functional>
#include <memory>

namespace Portal::Portald {

enum ExitCode { ExitOk = 0, ExitFailure = 1, ExitUsage = 2, ExitCannotStart = 3 };

struct PortaldConfig
{
    QString database;
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 apiPort = 0;
    QString apiCertificatePath; // portal API server certificate (PEM)
    QString apiKeyPath;
    QString gatewayCaCertificatePath; // gateways' client certificates (the NAF issues them)
    QString gatewayCaKeyPath;
    QString portalCaCertificatePath;
    QString portalCaKeyPath;        // issues instance server certificates
    QString adminCaCertificatePath; // the root instances accept the admin identity from
    QString adminCertificatePath;   // portal-admin client certificate towards instances
    QString adminKeyPath;
    QStringList reservedGatewayIds; // the names of the portal's own certificates
    QString credentialKeyPath;
    QString deviceAuthorityKeyPath; // LabPki's device-authority.key
    QString instancesDir;
    QString m2mServicePath;
    QString cloudBackend = QStringLiteral("local"); // or "openstack"
    QString osCloud; // openstack: the clouds.yaml entry; empty: OS_CLOUD or the only one
    Engine::EngineConfig engine; // engine.configuration: Puppet over SSH
    PortalApi::PortalApiConfig api;
    // The NAF (Ua enrolment) runs when bsfZnUrl is set.
    QUrl bsfZnUrl;
    quint16 nafPort = 0;
    quint16 nafPskPort = 0; // the PSK-TLS Ua listener, served with the NAF
    QString nafFqdn = QStringLiteral("naf.lab.example");
    QString nafCertificatePath; // Ua server certificate and Zn client certificate (operator CA)
    QString nafKeyPath;
    QString nafZnCertificatePath;
    QString nafZnKeyPath;
    QString operatorCaPath;
    QUrl portalApiUrl; // told to enrolled gateways; default https://localhost:<port>/api/v1
};

// Owns everything `serve` runs; each listener is a member, so another (the NAF's) joins as
// one more HttpServer next to the portal API.
// Wraps the cloud backend `serve` builds from its options (another layer around the
// CloudBackend interface); none by default.
using BackendDecorator =
    std::function<std::unique_ptr<Cloud::CloudBackend>(std::unique_ptr<Cloud::CloudBackend>)>;

class PortaldProgram
{
public:
    explicit PortaldProgram(PortaldConfig config, BackendDecorator decorateBackend = {});
    ~PortaldProgram();

    // Errors: store.*, cloud.*, engine.credential_key, http.*.
    Result<void> start();
    void stop();
    quint16 apiPort() const { return m_apiPort; }
    quint16 nafPort() const { return m_nafPort; }       // 0 when the NAF is not served
    quint16 nafPskPort() const { return m_nafPskPort; } // 0 when the NAF is not served

private:
    Result<std::unique_ptr<Cloud::CloudBackend>> makeBackend() const;

    PortaldConfig m_config;
    BackendDecorator m_decorateBackend;
    std::unique_ptr<Store::Store> m_store;
    std::unique_ptr<Cloud::CloudBackend> m_backend;
    std::unique_ptr<Engine::PortalEngine> m_engine;
    std::unique_ptr<PortalApi::PortalApi> m_api;
    std::unique_ptr<Http::HttpServer> m_apiServer;
    std::unique_ptr<Gba::NafService> m_naf;
    quint16 m_apiPort = 0;
    quint16 m_nafPort = 0;
    quint16 m_nafPskPort = 0;
};

int runPortaldProgram(const QStringList &arguments, BackendDecorator decorateBackend = {});

} // namespace Portal::Portald
