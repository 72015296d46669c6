#pragma once
// iot-bsf's network side: Ub (HTTPS, or plain HTTP on loopback for tests) and Zn (HTTPS that
// requires a client certificate from the CA that signs NAF Zn certificates; a NAF may fetch
// Ks_NAF only for a NAF_Id whose FQDN its certificate names), both feeding one BsfEngine.

#include <portal-core/base/result.h>
#include <portal-core/gba/bsfengine.h>
#include <portal-core/http/httpserver.h>

#include <QHostAddress>
#include <QObject>

#include <memory>

namespace Portal::Bsf {

inline constexpr qsizetype kMaxZnRequestBytes = 2048;

struct BsfServerConfig
{
    QHostAddress listenAddress = QHostAddress::LocalHost;
    quint16 ubPort = 0;
    quint16 znPort = 0;
    QString tlsCertificatePath; // server certificate for Ub and Zn (PEM)
    QString tlsKeyPath;
    QString znClientCaPath; // Zn runs only with TLS and this CA
};

class BsfServer : public QObject
{
    Q_OBJECT
public:
    BsfServer(Gba::BsfEngine &engine, BsfServerConfig config, QObject *parent = nullptr);
    ~BsfServer() override;

    // Errors: `http.tls_config`, `http.listen_failed`, `http.insecure`.
    Result<void> start();
    quint16 ubPort() const { return m_ubPort; }
    quint16 znPort() const { return m_znPort; } // 0 when Zn is not served

private:
    Http::HttpAnswer handleUb(const Http::HttpRequest &request);
    Http::HttpAnswer handleZn(const Http::HttpRequest &request);

    Gba::BsfEngine &m_engine;
    BsfServerConfig m_config;
    std::unique_ptr<Http::HttpServer> m_ub;
    std::unique_ptr<Http::HttpServer> m_zn;
    quint16 m_ubPort = 0;
    quint16 m_znPort = 0;
};

} // namespace Portal::Bsf
