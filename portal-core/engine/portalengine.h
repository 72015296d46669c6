#pragma once
// The portal engine (DESIGN §5, docs/api.md "Portal API"): device attach and placement,
// the gateway registry and the instance life cycle for one cloud backend; the portal API's
// HTTP adapter (PortalApi::PortalApi) calls its operations. Everything it decides is persisted in
// the store first, so any portald sharing the database can answer any request, and a restarted one
// resumes.
//
// Attach: validate → class (the preregistered device's class, or the best match; none: 422
// `portal.no_class`) → enrolment (preregistered: id and key must exist, another key or a
// revoked device is 403 `portal.enrolment_refused`, audited; open: first attach inserts the
// device, audited) → placement in one store transaction → 202 + Retry-After while the
// instance is not ready or the key is not yet on it; 200 with instanceUrl and credential once
// the instance's admin API accepted the key and the credential's SHA-256. Re-attaching with
// the same key gives the same answer; a failed device is retried on its next attach.
//
// tick() (a timer, every tickMs) drives the rest: the holder of the store's leader lease
// reconciles the backend with the store once (reconcile()), then moves instances requested →
// building → configuring → ready (or failed) as the one table of instancelifecycle.h allows,
// with its per-state timeouts, through the backend and InstanceConfigurator
// (Puppet over SSH, or `skipped`), resumes them after a restart, and does the admin requests
// queued in the store (`reconcile`, `instance.reprovision`, `instance.action`,
// `instance.console`, `device.revoke`: the store first, then the device's instance, the
// request pending until that instance took it); every portald pushes pending devices' keys
// and the access policies to ready instances.
//
// A machine that vanishes (deleted outside the portal) from an instance the store holds as
// configuring or ready is never silently replaced: the instance becomes failed with a reason
// saying so, and its devices fail on their next push (they re-attach to a new instance).

#include "attachexchange.h"
#include "classmatcher.h"
#include "devicecredential.h"
#include "instanceconfigurator.h"
#include "instancelifecycle.h"

#include <portal-core/base/result.h>
#include <portal-core/cloud/cloudbackend.h>
#include <portal-core/store/store.h>

#include <QHash>
#include <QJsonObject>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>

#include <functional>
#include <optional>

class QTimer;

namespace Portal::Engine {

class InstanceAdminClient;
class InstancePusher;

struct EngineConfig
{
    QString ownerTag = QStringLiteral("iot-portal");
    QString leaseHolder; // unique per process; generated when empty
    int leaseTtlS = 15;
    int tickMs = 250;
    // How often the leader copies each ready instance's failed authentications into the
    // portal's: how fresh the audit view of instances is.
    int authFailurePullMs = 30'000;
    ConfiguratorConfig configuration; // Puppet over SSH for the configuring step
    // The time the life cycle's timeouts are measured with; empty: the system clock (UTC).
    std::function<QDateTime()> clock;
    // Signs attach authorisations (LabPki's device-authority.key); null: proofs are refused.
    std::shared_ptr<const Crypto::PrivateKey> deviceAuthority;
};

struct AttachRequest
{
    QString deviceId;
    DeviceAttributes attributes;
    QByteArray publicKey; // 65-byte uncompressed P-256 point
};

// The answer to a verified proof: the device as placed so far, and the authorisation the
// gateway hands the device in ATTACH_ACCEPT.
struct ProvenAttach;

// What one reconciliation found and did. Machines without the portal's owner tag are never
// listed, so never touched.
struct ReconcileReport
{
    QList<qint64> found;    // store instances whose machine the backend lists (adopted by id)
    QList<qint64> waiting;  // requested or building, no machine yet: it is created next
    QList<qint64> vanished; // configuring or ready in the store, no machine: marked failed
    QList<qint64> removed;  // machines with the owner tag that no live store instance wants
    QJsonObject toJson() const;
};

// What the portal API answers about one device.
struct DeviceView
{
    QString deviceId;
    Store::DeviceState state = Store::DeviceState::Pending;
    QString instanceUrl;   // when ready
    QString instanceName;  // when ready: the typed name its server certificate carries
    QByteArray credential; // when ready
    QString reason;        // when failed
};

struct ProvenAttach
{
    DeviceView view;
    QByteArray authorisation; // 64 bytes r ‖ s
};

class PortalEngine : public QObject
{
    Q_OBJECT
public:
    PortalEngine(Store::Store &store, Cloud::CloudBackend &backend, QSslConfiguration adminTls,
                 DeviceCredentials credentials, EngineConfig config, QObject *parent = nullptr);
    ~PortalEngine() override;

    // Starts the tick timer (and runs one tick at once). stop() releases the leader lease.
    void start();
    void stop();
    bool isLeader() const { return m_leader; }

    // A gateway's client certificate was refused (`claimed` names what it presented): counted
    // in the store's failed authentications (Store::recordAuthFailure) and logged.
    void recordRefusedGateway(const QString &source, const QString &claimed, const Error &refusal);
    // Whether an authenticated gateway may be served: a blocked one is refused
    // (`portal.forbidden`) and its request (`what`) audited.
    Result<void> admitGateway(const QString &gatewayId, const QString &what);

    // The operations behind the routes, for a gateway already authenticated. Errors carry
    // the portal API codes: `portal.invalid`, `portal.no_class`, `portal.enrolment_refused`,
    // `portal.forbidden`, `portal.not_found`, `portal.internal`.
    // The attach exchange: requestAttach checks the device may be attached through this
    // gateway and issues a challenge; proveAttach verifies the device's proof (errors of
    // AttachExchange::verify; a refused proof is audited `device.proof_refused`), then attaches.
    // gatewayKey: the gateway's ephemeral point G of this attach (65 bytes).
    Result<AttachChallengeView> requestAttach(const QString &gatewayId,
                                              const AttachRequest &request,
                                              const QByteArray &gatewayKey);
    Result<ProvenAttach> proveAttach(const QString &gatewayId, const AttachProof &proof);
    // Enrols and places a device whose possession of its key is proven (proveAttach; the
    // engine's tests call it directly).
    Result<DeviceView> attach(const QString &gatewayId, const AttachRequest &request);
    Result<DeviceView> device(const QString &gatewayId, const QString &deviceId);
    Result<void> detach(const QString &gatewayId, const QString &deviceId);
    // activity: what the gateway says of its devices (Store::recordDeviceActivity).
    Result<QList<DeviceView>> heartbeat(const Store::Gateway &report,
                                        const QList<Store::DeviceActivity> &activity = {});

    // Compares the store with the machines the backend finds carrying the owner tag, marks
    // vanished ones, removes unwanted ones, audits `instance.reconciled`. Leader only.
    // Errors: `portal.not_leader`, the backend's (`cloud.not_ready` before its first list).
    Result<ReconcileReport> reconcile();

public slots:
    void tick();

private:
    // The class a new device with these attributes belongs to (`portal.no_class`: none).
    Result<Store::DeviceClass> classFor(const DeviceAttributes &attributes);
    // Whether the device may be attached through this gateway (refusals audited): its row when
    // it exists, else the class a new device would join.
    struct Admission
    {
        std::optional<Store::Device> existing;
        std::optional<Store::DeviceClass> newClass;
    };
    Result<Admission> checkAdmissible(const QString &gatewayId, const AttachRequest &request);
    Result<Store::Device> enrol(const QString &gatewayId, const AttachRequest &request);
    Result<DeviceView> view(const Store::Device &device);
    void superviseInstances();
    void advanceInstance(Store::Instance instance);
    // The host key the portal gave the instance's machine, into the known_hosts it is
    // configured with (audited), before the first SSH contact.
    void recordHostKey(const Store::Instance &instance, const Cloud::InstanceStatus &status);
    // Moves the instance as InstanceLifeCycle::next allows (false, logged: not allowed).
    bool applyEvent(Store::Instance &instance, InstanceLifeCycle::Event event,
                    const QString &reason = QString());
    void recordInstanceState(Store::Instance &instance, Store::InstanceState next,
                             const QString &reason = QString());
    QDateTime now() const;
    void onConfigured(qint64 instanceId, InstanceConfigurator::Purpose purpose,
                      InstanceConfigurator::Outcome outcome, const QString &reason,
                      const QString &log);
    void doAdminRequests();
    // An `instance.reprovision` request ({"noop": bool}); one that must wait (running, or its
    // instance still configuring) stays pending for a later tick.
    void startReprovision(const Store::AdminRequest &request);
    void startRevoke(const Store::AdminRequest &request);
    // The instance an `instance:<id>` request names, when this portal's backend has it;
    // otherwise the request is finished as failed with the reason, and nullopt.
    std::optional<Store::Instance> instanceOfRequest(const Store::AdminRequest &request);
    // How long a revocation waits for the device's instance to be ready before it finishes
    // with that said (the instance is still told when it is ready again).
    static constexpr qint64 kRevokeWaitS = 600;
    // `instance.action` {"action": start|stop|reboot|hard-reboot} and `instance.console`
    // {"lines": 1..1000}: the backend's answer finishes the request.
    void startMachineRequest(const Store::AdminRequest &request);
    // instance.delete: fails the instance (its devices fail with it and are placed anew at
    // their gateway's next attach), removes its machine, then its row.
    void deleteInstance(const Store::AdminRequest &request);
    void onRunOutput(qint64 instanceId, const QString &line);
    void flushProgress();
    // The leader copies each ready instance's failed authentications into the portal's
    // (Store::mergeAuthFailures), every authFailurePullMs, from where it last got to.
    void pullAuthFailures();
    void audit(const QString &actor, const QString &action, const QString &subject,
               const QString &detail = QString());

    Store::Store &m_store;
    Cloud::CloudBackend &m_backend;
    DeviceCredentials m_credentials;
    EngineConfig m_config;
    InstanceAdminClient *m_admin;
    InstanceConfigurator *m_configurator;
    QTimer *m_timer;
    InstancePusher *m_pusher;
    AttachExchange m_exchange;
    QHash<qint64, qint64> m_authFailuresPulledMs;  // instance id → newest last_ms copied
    QHash<qint64, QDateTime> m_authFailuresPullAt; // instance id → next pull (in flight: absent)
    QSet<qint64> m_authFailuresPulling;
    QSet<qint64> m_machineRequests;       // admin requests waiting for the cloud's answer
    QSet<qint64> m_known;                 // instances the backend has had since this process leads
    QHash<qint64, qint64> m_requestOfRun; // instance id → admin request its run answers
    // A run's output not yet in its request's progress: written at most every
    // kProgressFlushMs, so a chatty run costs a few store writes a second.
    QHash<qint64, QString> m_unflushedProgress; // admin request id → lines
    QTimer *m_progressFlush = nullptr;
    static constexpr int kProgressFlushMs = 250;
    bool m_leader = false;
    QDateTime m_leaderSince; // when this process last took the lease
    bool m_reconciled = false;
    bool m_inTick = false;
};

} // namespace Portal::Engine
