#include "instancepusher.h"

#include <QCryptographicHash>
#include <QJsonDocument>
#include <QLoggingCategory>
#include <QTimer>

#include <memory>

Q_LOGGING_CATEGORY(lcPusher, "portal.engine.pusher")

namespace Portal::Engine {

InstancePusher::InstancePusher(Store::Store &store, InstanceAdminClient &admin,
                               const DeviceCredentials &credentials, Audit audit, Clock clock,
                               QObject *parent)
    : QObject(parent), m_store(store), m_admin(admin), m_credentials(credentials),
      m_audit(std::move(audit)), m_clock(std::move(clock))
{
}

void InstancePusher::pushAll()
{
    // Revocations first: a device of a blocked gateway is never pushed as pending meanwhile.
    revokeUntrustedGatewaysDevices();
    pushDeviceRemovals();
    pushPendingDevices();
    pushPolicies();
}

void InstancePusher::pushRemovalsSoon()
{
    QTimer::singleShot(0, this, &InstancePusher::pushDeviceRemovals);
}

void InstancePusher::pushRevoked(const Store::Device &device, const Store::Instance &instance,
                                 InstanceAdminClient::Done done)
{
    m_pushing.insert(device.id);
    m_admin.putDevice(instance.url, device.id, device.publicKey, device.credentialSha256, true,
                      [this, deviceId = device.id, done = std::move(done)](Result<void> pushed) {
                          m_pushing.remove(deviceId);
                          done(std::move(pushed));
                      });
}

void InstancePusher::tellRevokedDevices(const Store::Instance &instance)
{
    // An instance that was failed, re-provisioned or restored may still hold keys the store
    // has revoked meanwhile: it is told again each time it becomes ready.
    auto devices = m_store.devicesOfInstance(instance.id);
    if (!devices)
        return;
    for (const Store::Device &device : *devices) {
        if (!device.revoked || device.credentialSha256.isEmpty())
            continue;
        m_admin.putDevice(instance.url, device.id, device.publicKey, device.credentialSha256, true,
                          [deviceId = device.id](Result<void> pushed) {
                              if (!pushed)
                                  qCWarning(lcPusher)
                                      << "telling a ready instance that" << deviceId
                                      << "is revoked failed:"
                                      << QString::fromStdString(pushed.error().message);
                          });
    }
}

void InstancePusher::pushPolicies()
{
    auto policies = m_store.policies(true);
    auto instances = m_store.instances();
    if (!policies || !instances)
        return;
    QCryptographicHash digest(QCryptographicHash::Sha256);
    QList<QPair<QString, QByteArray>> documents; // name → document, empty when deleted
    for (const Store::AccessPolicy &policy : *policies) {
        const QByteArray document =
            policy.deleted ? QByteArray()
                           : QJsonDocument(policy.document).toJson(QJsonDocument::Compact);
        digest.addData(policy.name.toUtf8() + '\n' + document + '\n');
        documents.append({policy.name, document});
    }
    const QByteArray version = digest.result();
    for (const Store::Instance &instance : *instances) {
        if (instance.state != Store::InstanceState::Ready || instance.url.isEmpty()) {
            m_policiesPushed.remove(instance.id); // it may come back rebuilt, without them
            continue;
        }
        if (m_policiesPushing.contains(instance.id) ||
            m_policiesPushed.value(instance.id) == version)
            continue;
        if (documents.isEmpty()) {
            m_policiesPushed.insert(instance.id, version);
            continue;
        }
        // All of them, then the version is recorded; any failure pushes all again next tick.
        struct Progress
        {
            int left = 0;
            bool failed = false;
        };
        auto progress = std::make_shared<Progress>(Progress{int(documents.size()), false});
        m_policiesPushing.insert(instance.id);
        const qint64 instanceId = instance.id;
        for (const auto &[name, document] : std::as_const(documents)) {
            auto done = [this, progress, instanceId, version, name = name](Result<void> pushed) {
                if (!pushed) {
                    progress->failed = true;
                    qCWarning(lcPusher)
                        << "pushing policy" << name << "to instance" << instanceId
                        << "failed:" << QString::fromStdString(pushed.error().message);
                }
                if (--progress->left > 0)
                    return;
                m_policiesPushing.remove(instanceId);
                if (!progress->failed) {
                    m_policiesPushed.insert(instanceId, version);
                    qCInfo(lcPusher) << "instance" << instanceId << "holds the current policies";
                }
            };
            if (document.isEmpty())
                m_admin.deletePolicy(instance.url, name, done);
            else
                m_admin.putPolicy(instance.url, name, document, done);
        }
    }
}

void InstancePusher::revokeUntrustedGatewaysDevices()
{
    auto devices = m_store.devicesOfUntrustedGateways(m_clock().addMSecs(-kLapsedGatewayGraceMs));
    if (!devices)
        return;
    for (const Store::Device &device : *devices) {
        if (m_pushing.contains(device.id) || m_revoking.contains(device.id))
            continue;
        auto gateway = m_store.findGateway(device.gatewayId);
        const QString reason =
            gateway && gateway->blocked
                ? QStringLiteral("its gateway %1 is blocked; its credential is revoked")
                      .arg(device.gatewayId)
                : QStringLiteral("its gateway %1's certificate lapsed without a renewal; its "
                                 "credential is revoked")
                      .arg(device.gatewayId);
        auto instance = device.instanceId != 0
                            ? m_store.findInstance(device.instanceId)
                            : Result<Store::Instance>(makeError("store.not_found", ""));
        if (device.credentialSha256.isEmpty() || !instance ||
            instance->state == Store::InstanceState::Failed) {
            // No instance holds a live credential of it: nothing to tell anyone.
            failDevice(device, reason);
            continue;
        }
        if (instance->state != Store::InstanceState::Ready)
            continue; // told once the instance is ready
        m_revoking.insert(device.id);
        const QString deviceId = device.id;
        const int epoch = device.credentialEpoch;
        m_admin.putDevice(instance->url, device.id, device.publicKey, device.credentialSha256, true,
                          [this, deviceId, epoch, reason](Result<void> told) {
                              m_revoking.remove(deviceId);
                              if (!told) {
                                  qCWarning(lcPusher).noquote()
                                      << "revoking device" << deviceId << "(gateway blocked):"
                                      << QString::fromStdString(told.error().message)
                                      << "- retried";
                                  return; // a later tick retries until the instance took it
                              }
                              auto current = m_store.findDevice(deviceId);
                              if (current && current->credentialEpoch == epoch &&
                                  current->state != Store::DeviceState::Failed)
                                  failDevice(*current, reason);
                          });
    }
}

void InstancePusher::failDevice(Store::Device device, const QString &reason)
{
    // The credential dies with its epoch: whatever the instance was told, the next attach
    // (after an unblock) gets a new one.
    device.state = Store::DeviceState::Failed;
    device.reason = reason;
    device.credentialSha256.clear();
    device.credentialEpoch += 1;
    if (auto updated = m_store.updateDevice(device); !updated) {
        qCWarning(lcPusher) << "cannot record device" << device.id
                            << "as failed:" << QString::fromStdString(updated.error().message);
        return;
    }
    m_audit(QStringLiteral("portald"), QStringLiteral("device.credential_revoked"),
            QStringLiteral("device:") + device.id, reason);
}

void InstancePusher::pushDeviceRemovals()
{
    auto removals = m_store.deviceRemovals();
    if (!removals)
        return;
    for (const Store::DeviceRemoval &removal : *removals) {
        const QString key =
            removal.deviceId + QLatin1Char('/') + QString::number(removal.instanceId);
        if (m_removing.contains(key))
            continue;
        auto instance = m_store.findInstance(removal.instanceId);
        auto device = m_store.findDevice(removal.deviceId);
        // Gone or failed, the instance serves nobody; placed there again, the device's new
        // push replaces what the instance holds (pushPendingDevices waits for this).
        if ((!instance && instance.error().code == "store.not_found") ||
            (instance && instance->state == Store::InstanceState::Failed) ||
            (device && device->instanceId == removal.instanceId)) {
            (void)m_store.finishDeviceRemoval(removal.deviceId, removal.instanceId);
            continue;
        }
        if (!instance || instance->state != Store::InstanceState::Ready)
            continue;
        m_removing.insert(key);
        const Store::DeviceRemoval told = removal;
        m_admin.deleteDevice(instance->url, removal.deviceId, [this, key, told](Result<void> done) {
            m_removing.remove(key);
            if (!done) {
                qCWarning(lcPusher)
                    << "instance" << told.instanceId << "did not drop device" << told.deviceId
                    << ":" << QString::fromStdString(done.error().message) << "- retried";
                return;
            }
            (void)m_store.finishDeviceRemoval(told.deviceId, told.instanceId);
        });
    }
}

void InstancePusher::pushPendingDevices()
{
    auto pending = m_store.devicesInState(Store::DeviceState::Pending);
    if (!pending)
        return;
    for (const Store::Device &device : *pending) {
        if (device.instanceId == 0 || device.gatewayId.isEmpty() || device.revoked ||
            m_pushing.contains(device.id) ||
            m_removing.contains(device.id + QLatin1Char('/') + QString::number(device.instanceId)))
            continue; // a removal on its way to that instance must land before the new push
        auto instance = m_store.findInstance(device.instanceId);
        if (!instance)
            continue;
        if (instance->state == Store::InstanceState::Failed) {
            Store::Device failed = device;
            failed.state = Store::DeviceState::Failed;
            failed.reason = QStringLiteral("instance failed: ") + instance->reason.left(400);
            (void)m_store.updateDevice(failed);
            m_audit(QStringLiteral("portald"), QStringLiteral("device.failed"),
                    QStringLiteral("device:") + device.id, failed.reason);
            continue;
        }
        if (instance->state != Store::InstanceState::Ready)
            continue;
        const QString credentialSha256 = DeviceCredentials::sha256Hex(
            m_credentials.credential(device.id, device.credentialEpoch));
        m_pushing.insert(device.id);
        const QString deviceId = device.id;
        const qint64 instanceId = device.instanceId;
        const int epoch = device.credentialEpoch;
        m_admin.putDevice(
            instance->url, device.id, device.publicKey, credentialSha256, false,
            [this, deviceId, instanceId, epoch, credentialSha256](Result<void> pushed) {
                m_pushing.remove(deviceId);
                if (!pushed) {
                    qCWarning(lcPusher)
                        << "pushing device" << deviceId
                        << "failed:" << QString::fromStdString(pushed.error().message);
                    return; // retried on a later tick
                }
                // The device may have been detached or moved meanwhile: only the same
                // placement and credential become ready.
                auto current = m_store.findDevice(deviceId);
                if (current && current->revoked) {
                    // Revoked while this push (perhaps another portald's) was on its way: the
                    // instance now holds a key the store refuses, so it is told at once.
                    auto holder = m_store.findInstance(instanceId);
                    if (holder)
                        m_admin.putDevice(holder->url, deviceId, current->publicKey,
                                          credentialSha256, true, [](Result<void>) {});
                    return;
                }
                if (!current || current->instanceId != instanceId ||
                    current->credentialEpoch != epoch ||
                    current->state != Store::DeviceState::Pending)
                    return;
                current->state = Store::DeviceState::Ready;
                current->credentialSha256 = credentialSha256;
                if (auto updated = m_store.updateDevice(*current); !updated)
                    return;
                m_audit(QStringLiteral("portald"), QStringLiteral("device.ready"),
                        QStringLiteral("device:") + deviceId,
                        QStringLiteral("instance %1").arg(instanceId));
            },
            device.counterFloor);
    }
}

} // namespace Portal::Engine
