#pragma once
// The one pusher of desired state to instances (issue: devices a gateway cannot fake): what
// the store says each ready instance must hold, pushed and retried until the instance
// acknowledges. Every portald runs it on each tick (pushAll); every push is idempotent.
// - Revocations: a device of a blocked gateway, or of one whose certificate lapsed more than
//   kLapsedGatewayGraceMs ago without a renewal, is revoked on its instance, then failed with
//   a new credential epoch; a revoked device is told again to an instance that becomes ready.
// - Removals: a detached device is dropped by the instance it was on (Store device removals).
// - Pending devices: the key and credential SHA-256 (and the counter floor) of each pending
//   device, after which it is ready.
// - Access policies: the store's set, whenever it differs from what the instance was given.
// A device has at most one push of its own in flight (isPushing).

#include "devicecredential.h"
#include "instanceadminclient.h"

#include <portal-core/store/store.h>

#include <QHash>
#include <QObject>
#include <QSet>

#include <functional>

namespace Portal::Engine {

class InstancePusher : public QObject
{
    Q_OBJECT
public:
    using Audit = std::function<void(const QString &actor, const QString &action,
                                     const QString &subject, const QString &detail)>;
    using Clock = std::function<QDateTime()>;
    static constexpr qint64 kLapsedGatewayGraceMs = 10 * 60 * 1000;

    InstancePusher(Store::Store &store, InstanceAdminClient &admin,
                   const DeviceCredentials &credentials, Audit audit, Clock clock,
                   QObject *parent = nullptr);

    void pushAll();
    // pushDeviceRemovals on the next turn of the event loop (after a detach).
    void pushRemovalsSoon();
    // An instance that became ready may hold keys the store revoked meanwhile: told again.
    void tellRevokedDevices(const Store::Instance &instance);
    // An admin's revocation of one device on its ready instance; `done` has the instance's
    // answer. isPushing(device) meanwhile.
    void pushRevoked(const Store::Device &device, const Store::Instance &instance,
                     InstanceAdminClient::Done done);
    bool isPushing(const QString &deviceId) const { return m_pushing.contains(deviceId); }

private:
    void revokeUntrustedGatewaysDevices();
    void failDevice(Store::Device device, const QString &reason);
    void pushDeviceRemovals();
    void pushPendingDevices();
    void pushPolicies();

    Store::Store &m_store;
    InstanceAdminClient &m_admin;
    const DeviceCredentials &m_credentials;
    Audit m_audit;
    Clock m_clock;
    QSet<QString> m_pushing;  // devices whose key, credential or revocation is on its way
    QSet<QString> m_revoking; // devices of untrusted gateways whose revocation is on its way
    QSet<QString> m_removing; // "<device id>/<instance id>" removals on their way
    QHash<qint64, QByteArray> m_policiesPushed; // instance id → digest of the policies it holds
    QSet<qint64> m_policiesPushing;
};

} // namespace Portal::Engine
