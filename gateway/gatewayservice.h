#pragma once
// The gateway daemon's life (DESIGN §1 steps 1–13): bootstrap with GBA, enrol at the NAF for
// a portal client certificate, attach every device that proves its key to the portal, forward
// readings unchanged through the durable queue, relay commands, and send heartbeats. When the B-TID
// — and with it the certificate — lapses, or the NAF refuses it, it bootstraps and enrols again
// without dropping what is queued.

#include "devicelink.h"
#include "deviceuplink.h"
#include "portalclient.h"
#include "readingqueue.h"

#include <portal-core/crypto/x509.h>
#include <portal-core/gba/enrolmentclient.h>
#include <portal-core/gba/gbaclient.h>
#include <portal-core/gba/softusim.h>

#include <QObject>
#include <QPointer>
#include <QTimer>

#include <map>
#include <memory>
#include <optional>
#include <vector>

namespace Portal::Gateway {

struct GatewayConfig
{
    QString gatewayId;
    QString usimPath;
    QString stateDirectory; // queue.sqlite, gateway-key.pem
    QUrl bsfUrl;
    QUrl nafUrl;
    QString nafFqdn = QStringLiteral("naf.lab.example");
    QString operatorCaPath;
    std::vector<LinkAddress> links;
    int heartbeatIntervalMs = 10'000;
    int attachWaitMs = 120'000;
    QString version;
};

struct GatewayCounters
{
    quint64 bootstraps = 0;
    quint64 enrolments = 0;
    quint64 attaches = 0;
};

class GatewayService : public QObject
{
    Q_OBJECT
public:
    explicit GatewayService(GatewayConfig config, QObject *parent = nullptr);
    ~GatewayService() override;

    // Errors: `gateway.state` (state directory, queue or key unusable), `usim.*`,
    // `gateway.config`.
    Result<void> start();
    const GatewayCounters &counters() const { return m_counters; }

signals:
    void enrolled(const QDateTime &notAfter);
    void deviceReady(const QByteArray &deviceId);

private:
    void bootstrap();
    void scheduleBootstrap(int delayMs);
    void reenrol();
    void onBootstrapped(Result<Gba::GbaBootstrap> result);
    void onEnrolled(Result<Gba::Enrolment> result);
    // The attach exchange (devicelink.h) through the portal, then the device's placement.
    void requestChallenge(DeviceLink *link, const DeviceIdentity &identity,
                          const QByteArray &gatewayKey);
    void submitProof(DeviceLink *link, const QByteArray &deviceId, const QByteArray &challenge,
                     const QByteArray &deviceKey, const QByteArray &signature);
    void submitProof(QPointer<DeviceLink> link, const QByteArray &deviceId,
                     const QByteArray &challenge, const QByteArray &deviceKey,
                     const QByteArray &signature, const QDateTime &retryUntil);
    void followPlacement(DeviceLink *link);
    // A new exchange for the link's device after kAttachRetryMs (a transient failure).
    void retryAttach(QPointer<DeviceLink> link);
    void onPlacement(QPointer<DeviceLink> link, const QByteArray &deviceId,
                     Result<DevicePlacement> placement);
    void sendHeartbeat();
    bool acceptReading(const QByteArray &deviceId, quint32 counter, const QByteArray &message);
    DeviceUplink &uplinkFor(const QByteArray &deviceId);

    GatewayConfig m_config;
    std::optional<Gba::SoftUsim> m_usim;
    std::unique_ptr<ReadingQueue> m_queue;
    std::optional<Crypto::PrivateKey> m_key;
    QList<QSslCertificate> m_operatorCa;
    std::unique_ptr<Gba::GbaClient> m_gba;
    std::optional<Gba::GbaBootstrap> m_bootstrap;
    std::unique_ptr<Gba::EnrolmentClient> m_enrolment;
    std::unique_ptr<PortalClient> m_portal;
    QSslConfiguration m_instanceTls;
    std::vector<std::unique_ptr<DeviceLink>> m_links;
    std::map<QByteArray, std::unique_ptr<DeviceUplink>> m_uplinks;
    QTimer m_heartbeat;
    QTimer m_renew;
    int m_bootstrapBackoffMs = 0;
    GatewayCounters m_counters;
};

} // namespace Portal::Gateway
