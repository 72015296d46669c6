#pragma once
// The portal API over HTTP (docs/api.md "Portal API"), an adapter around PortalEngine's
// operations: routing, the gateway's client certificate, body bounds, JSON in and out, and
// the status code of each error. The engine decides; this only translates.
//
// Authentication (DESIGN §7.1): only a certificate of the gateway CA with a gateway typed
// name is a gateway. None is 401 `portal.unauthenticated`; one of the former issuer without a
// typed name (a gateway enrolled before the gateway CA) is 401 `portal.reenrol`, so the
// gateway enrols again; anything else is 403 `portal.wrong_identity`. Each refusal is counted
// through PortalEngine::recordRefusedGateway.

#include <portal-core/engine/portalengine.h>
#include <portal-core/http/httpmessage.h>

#include <memory>

namespace Portal::Crypto {
class Certificate;
}

namespace Portal::PortalApi {

inline constexpr qsizetype kMaxRequestBytes = 16 * 1024;
// A heartbeat of kMaxHeartbeatDevices activity lines is about 120 KiB.
inline constexpr qsizetype kMaxHeartbeatBytes = 192 * 1024;
inline constexpr int kMaxHeartbeatDevices = 1000;

struct PortalApiConfig
{
    QByteArray gatewayCaPem; // empty: every gateway request is refused
    // The issuer of gateway certificates before the gateway CA existed (the portal CA).
    QByteArray legacyGatewayCaPem;
    int retryAfterS = 1; // told to a gateway whose device is still pending
};

class PortalApi
{
public:
    PortalApi(Engine::PortalEngine &engine, PortalApiConfig config);
    ~PortalApi();
    PortalApi(const PortalApi &) = delete;
    PortalApi &operator=(const PortalApi &) = delete;

    Http::HttpAnswer handle(const Http::HttpRequest &request);

private:
    Engine::PortalEngine &m_engine;
    PortalApiConfig m_config;
    // The two CA certificates, parsed once; null when absent or unreadable.
    std::unique_ptr<const Crypto::Certificate> m_gatewayCa;
    std::unique_ptr<const Crypto::Certificate> m_legacyGatewayCa;
};

} // namespace Portal::PortalApi
