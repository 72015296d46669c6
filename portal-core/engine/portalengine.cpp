#include "portalengine.h"

#include "instanceadminclient.h"
#include "instancelifecycle.h"
#include "instancepusher.h"

#include <portal-core/crypto/es256.h>
#include <portal-core/provisioning/sshsession.h>

#include <QDateTime>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QRegularExpression>
#include <QTimer>
#include <QUuid>

#include <memory>

Q_LOGGING_CATEGORY(lcEngine, "portal.engine")

namespace Portal::Engine {

using InstanceLifeCycle::Event;

namespace {

const char kLeaseName[] = "local-supervisor";

Error portalError(const char *code, std::string message)
{
    return makeError(code, std::move(message));
}

Error internal(const Error &cause)
{
    qCWarning(lcEngine) << "store error:" << QString::fromStdString(cause.code)
                        << QString::fromStdString(cause.message);
    return makeError("portal.internal", "the portal store failed; try again");
}

constexpr int kMaxReasonChars = 480; // the store keeps at most 500

// A reason as the store keeps it: one line of printable text, cut at maxChars.
QString oneLine(QString text, int maxChars)
{
    for (QChar &c : text) {
        if (c.unicode() < 0x20 || c.unicode() == 0x7f)
            c = QLatin1Char(' ');
    }
    return text.size() > maxChars ? text.left(maxChars - 1) + QChar(0x2026) : text;
}

} // namespace

PortalEngine::PortalEngine(Store::Store &store, Cloud::CloudBackend &backend,
                           QSslConfiguration adminTls, DeviceCredentials credentials,
                           EngineConfig config, QObject *parent)
    : QObject(parent), m_store(store), m_backend(backend), m_credentials(std::move(credentials)),
      m_config(std::move(config)), m_admin(new InstanceAdminClient(std::move(adminTls), this)),
      m_configurator(new InstanceConfigurator(store, m_config.configuration, this)),
      m_timer(new QTimer(this)),
      m_pusher(new InstancePusher(
          store, *m_admin, m_credentials,
          [this](const QString &actor, const QString &action, const QString &subject,
                 const QString &detail) { audit(actor, action, subject, detail); },
          [this] { return now(); }, this)),
      m_exchange(store, m_config.deviceAuthority)
{
    connect(m_configurator, &InstanceConfigurator::finished, this, &PortalEngine::onConfigured);
    connect(m_configurator, &InstanceConfigurator::output, this, &PortalEngine::onRunOutput);
    m_progressFlush = new QTimer(this);
    m_progressFlush->setSingleShot(true);
    m_progressFlush->setInterval(kProgressFlushMs);
    connect(m_progressFlush, &QTimer::timeout, this, &PortalEngine::flushProgress);
    if (m_config.leaseHolder.isEmpty())
        m_config.leaseHolder = QUuid::createUuid().toString(QUuid::WithoutBraces);
    m_timer->setInterval(m_config.tickMs);
    connect(m_timer, &QTimer::timeout, this, &PortalEngine::tick);
    connect(&m_backend, &Cloud::CloudBackend::statusChanged, this,
            [this] { QTimer::singleShot(0, this, &PortalEngine::tick); });
}

PortalEngine::~PortalEngine()
{
    stop();
}

void PortalEngine::start()
{
    m_timer->start();
    tick();
}

void PortalEngine::stop()
{
    m_timer->stop();
    if (m_leader) {
        (void)m_store.releaseLease(QLatin1String(kLeaseName), m_config.leaseHolder);
        m_leader = false;
    }
}

void PortalEngine::audit(const QString &actor, const QString &action, const QString &subject,
                         const QString &detail)
{
    if (auto written = m_store.audit(actor, action, subject, detail); !written)
        qCWarning(lcEngine) << "audit entry lost:" << action << subject
                            << QString::fromStdString(written.error().message);
}

void PortalEngine::recordRefusedGateway(const QString &source, const QString &claimed,
                                        const Error &refusal)
{
    if (auto counted =
            m_store.recordAuthFailure(source, claimed, QString::fromStdString(refusal.code));
        !counted)
        qCWarning(lcEngine) << "failed authentication not recorded:"
                            << QString::fromStdString(counted.error().message);
    qCWarning(lcEngine).noquote() << "portal API refused" << claimed << "from" << source << ":"
                                  << QString::fromStdString(refusal.code);
}

Result<void> PortalEngine::admitGateway(const QString &gatewayId, const QString &what)
{
    auto gateway = m_store.findGateway(gatewayId);
    if (gateway && gateway->blocked) {
        audit(QStringLiteral("gateway:") + gatewayId, QStringLiteral("gateway.blocked_request"),
              QStringLiteral("gateway:") + gatewayId, what.left(100));
        return portalError("portal.forbidden", "this gateway is blocked");
    }
    if (!gateway && gateway.error().code != "store.not_found")
        return internal(gateway.error());
    return {};
}

Result<Store::DeviceClass> PortalEngine::classFor(const DeviceAttributes &attributes)
{
    auto classes = m_store.deviceClasses();
    if (!classes)
        return internal(classes.error());
    const auto deviceClass = matchDeviceClass(*classes, attributes);
    if (!deviceClass)
        return portalError("portal.no_class", "no device class matches these attributes");
    return *deviceClass;
}

Result<PortalEngine::Admission> PortalEngine::checkAdmissible(const QString &gatewayId,
                                                              const AttachRequest &request)
{
    const QString actor = QStringLiteral("gateway:") + gatewayId;
    const QString subject = QStringLiteral("device:") + request.deviceId;
    auto existing = m_store.findDevice(request.deviceId);
    if (!existing && existing.error().code != "store.not_found")
        return internal(existing.error());
    if (!existing) {
        auto deviceClass = classFor(request.attributes);
        if (!deviceClass)
            return deviceClass.error();
        if (deviceClass->enrolment == Store::Enrolment::Preregistered) {
            audit(actor, QStringLiteral("device.enrolment_refused"), subject,
                  QStringLiteral("unknown device in preregistered class ") + deviceClass->name);
            return portalError("portal.enrolment_refused",
                               "this device is not registered with the portal");
        }
        return Admission{std::nullopt, *deviceClass};
    }
    if (existing->revoked) {
        audit(actor, QStringLiteral("device.enrolment_refused"), subject,
              QStringLiteral("device revoked"));
        return portalError("portal.enrolment_refused", "this device is revoked");
    }
    if (existing->publicKey != request.publicKey) {
        audit(actor, QStringLiteral("device.enrolment_refused"), subject,
              QStringLiteral("public key differs from the registered one"));
        return portalError("portal.enrolment_refused",
                           "the public key differs from the registered one");
    }
    if (!existing->gatewayId.isEmpty() && existing->gatewayId != gatewayId) {
        audit(actor, QStringLiteral("device.attach_refused"), subject,
              QStringLiteral("attached to gateway ") + existing->gatewayId);
        return portalError("portal.forbidden", "the device is attached to another gateway");
    }
    return Admission{*existing, std::nullopt};
}

Result<Store::Device> PortalEngine::enrol(const QString &gatewayId, const AttachRequest &request)
{
    const QString actor = QStringLiteral("gateway:") + gatewayId;
    const QString subject = QStringLiteral("device:") + request.deviceId;
    auto admission = checkAdmissible(gatewayId, request);
    if (!admission)
        return admission.error();
    if (!admission->existing) {
        const Store::DeviceClass &deviceClass = *admission->newClass;
        Store::Device device;
        device.id = request.deviceId;
        device.publicKey = request.publicKey;
        device.className = deviceClass.name;
        device.gatewayId = gatewayId;
        if (auto inserted = m_store.insertDevice(device); !inserted) {
            if (inserted.error().code != "store.conflict")
                return internal(inserted.error());
            // Attached concurrently through another request: take the existing row's path.
            return enrol(gatewayId, request);
        }
        audit(actor, QStringLiteral("device.trusted_on_first_attach"), subject,
              QStringLiteral("open class ") + deviceClass.name);
        // As stored: a device id that was deleted before starts at a later credential epoch.
        auto stored = m_store.findDevice(device.id);
        if (!stored)
            return internal(stored.error());
        return *stored;
    }
    Store::Device device = *admission->existing;
    bool changed = false;
    if (device.gatewayId.isEmpty()) {
        device.gatewayId = gatewayId;
        changed = true;
        audit(actor, QStringLiteral("device.attach"), subject);
    }
    if (device.state == Store::DeviceState::Failed) {
        // Retry: drop a failed instance so placement finds or creates a working one.
        if (device.instanceId != 0) {
            auto instance = m_store.findInstance(device.instanceId);
            if (!instance || instance->state == Store::InstanceState::Failed)
                device.instanceId = 0;
        }
        device.state = Store::DeviceState::Pending;
        device.reason.clear();
        changed = true;
        audit(actor, QStringLiteral("device.retry"), subject);
    }
    if (changed) {
        if (auto updated = m_store.updateDevice(device); !updated)
            return internal(updated.error());
    }
    return device;
}

Result<AttachChallengeView> PortalEngine::requestAttach(const QString &gatewayId,
                                                        const AttachRequest &request,
                                                        const QByteArray &gatewayKey)
{
    if (auto ensured = m_store.ensureGateway(gatewayId); !ensured)
        return internal(ensured.error());
    if (auto admission = checkAdmissible(gatewayId, request); !admission)
        return admission.error();
    return m_exchange.issue(gatewayId, request, gatewayKey);
}

Result<ProvenAttach> PortalEngine::proveAttach(const QString &gatewayId, const AttachProof &proof)
{
    AttachRequest request;
    auto authorisation = m_exchange.verify(gatewayId, proof, request);
    if (!authorisation) {
        if (authorisation.error().code != "portal.internal")
            audit(QStringLiteral("gateway:") + gatewayId, QStringLiteral("device.proof_refused"),
                  QStringLiteral("device:") + proof.deviceId,
                  QString::fromStdString(authorisation.error().message));
        return authorisation.error();
    }
    auto attached = attach(gatewayId, request);
    if (!attached)
        return attached.error();
    return ProvenAttach{*attached, *authorisation};
}

Result<DeviceView> PortalEngine::attach(const QString &gatewayId, const AttachRequest &request)
{
    if (auto ensured = m_store.ensureGateway(gatewayId); !ensured)
        return internal(ensured.error());
    auto device = enrol(gatewayId, request);
    if (!device)
        return device.error();
    auto deviceClass = m_store.findDeviceClass(device->className);
    if (!deviceClass)
        return internal(deviceClass.error());
    auto placement =
        m_store.placeDevice(device->id, *deviceClass, m_backend.name(), m_config.ownerTag);
    if (!placement)
        return internal(placement.error());
    if (placement->instanceCreated) {
        audit(QStringLiteral("portald"), QStringLiteral("instance.requested"),
              QStringLiteral("instance:%1").arg(placement->instance.id),
              QStringLiteral("class %1, %2")
                  .arg(deviceClass->name, Store::toText(deviceClass->sharing)));
        QTimer::singleShot(0, this, &PortalEngine::tick);
    }
    auto placed = m_store.findDevice(device->id);
    if (!placed)
        return internal(placed.error());
    return view(*placed);
}

Result<DeviceView> PortalEngine::view(const Store::Device &device)
{
    DeviceView result;
    result.deviceId = device.id;
    result.state = device.state;
    if (device.state == Store::DeviceState::Failed)
        result.reason = device.reason;
    if (device.state == Store::DeviceState::Ready) {
        auto instance = m_store.findInstance(device.instanceId);
        if (!instance)
            return internal(instance.error());
        result.instanceUrl = instance->url;
        result.instanceName = Cloud::instanceName(instance->id);
        result.credential = m_credentials.credential(device.id, device.credentialEpoch);
    }
    return result;
}

Result<DeviceView> PortalEngine::device(const QString &gatewayId, const QString &deviceId)
{
    auto device = m_store.findDevice(deviceId);
    if (!device) {
        if (device.error().code == "store.not_found")
            return portalError("portal.not_found", "no such device");
        return internal(device.error());
    }
    if (device->gatewayId.isEmpty())
        return portalError("portal.not_found", "no such device");
    if (device->gatewayId != gatewayId)
        return portalError("portal.forbidden", "the device belongs to another gateway");
    return view(*device);
}

Result<void> PortalEngine::detach(const QString &gatewayId, const QString &deviceId)
{
    auto device = m_store.findDevice(deviceId);
    if (!device) {
        if (device.error().code == "store.not_found")
            return portalError("portal.not_found", "no such device");
        return internal(device.error());
    }
    if (device->gatewayId.isEmpty())
        return portalError("portal.not_found", "no such device");
    if (device->gatewayId != gatewayId)
        return portalError("portal.forbidden", "the device belongs to another gateway");
    auto deviceClass = m_store.findDeviceClass(device->className);
    if (!deviceClass)
        return internal(deviceClass.error());
    // The instance drops it (and its credential) when it acknowledges; until then every tick
    // tells it again (InstancePusher), so one that is down now learns it later.
    if (device->instanceId != 0) {
        if (auto recorded = m_store.addDeviceRemoval(deviceId, device->instanceId); !recorded)
            return internal(recorded.error());
    }
    if (deviceClass->enrolment == Store::Enrolment::Open) {
        if (auto removed = m_store.deleteDevice(deviceId); !removed)
            return internal(removed.error());
    } else {
        // The identity stays registered; the old credential dies with the epoch.
        Store::Device detached = *device;
        detached.gatewayId.clear();
        detached.instanceId = 0;
        detached.state = Store::DeviceState::Pending;
        detached.credentialSha256.clear();
        detached.credentialEpoch += 1;
        detached.reason.clear();
        if (auto updated = m_store.updateDevice(detached); !updated)
            return internal(updated.error());
    }
    audit(QStringLiteral("gateway:") + gatewayId, QStringLiteral("device.detach"),
          QStringLiteral("device:") + deviceId);
    m_pusher->pushRemovalsSoon();
    return {};
}

Result<QList<DeviceView>> PortalEngine::heartbeat(const Store::Gateway &report,
                                                  const QList<Store::DeviceActivity> &activity)
{
    if (auto recorded = m_store.recordHeartbeat(report); !recorded)
        return internal(recorded.error());
    if (auto recorded = m_store.recordDeviceActivity(report.id, activity); !recorded)
        return internal(recorded.error());
    auto devices = m_store.devicesOfGateway(report.id);
    if (!devices)
        return internal(devices.error());
    QList<DeviceView> result;
    for (const Store::Device &device : *devices) {
        DeviceView entry;
        entry.deviceId = device.id;
        entry.state = device.state;
        if (device.state == Store::DeviceState::Ready) {
            if (auto instance = m_store.findInstance(device.instanceId)) {
                entry.instanceUrl = instance->url;
                entry.instanceName = Cloud::instanceName(instance->id);
            }
        }
        result.append(entry);
    }
    return result;
}

void PortalEngine::tick()
{
    if (m_inTick)
        return;
    m_inTick = true;
    auto lease =
        m_store.acquireLease(QLatin1String(kLeaseName), m_config.leaseHolder, m_config.leaseTtlS);
    const bool leader = lease && *lease;
    if (leader != m_leader) {
        qCInfo(lcEngine) << (leader ? "took the leader lease" : "lost the leader lease");
        m_leader = leader;
        m_leaderSince = now();
        m_reconciled = false;
        m_known.clear();
    }
    if (m_leader) {
        // Nothing is created before the store and the cloud have been compared: a machine
        // that vanished while no portal was leading must be marked, not replaced.
        if (!m_reconciled) {
            if (auto report = reconcile(); report) {
                m_reconciled = true;
            } else if (report.error().code != "cloud.not_ready") {
                qCWarning(lcEngine).noquote()
                    << "reconciliation failed:" << QString::fromStdString(report.error().message);
            }
        }
        if (m_reconciled) {
            superviseInstances();
            doAdminRequests();
            pullAuthFailures();
        }
    }
    m_pusher->pushAll();
    m_inTick = false;
}

QJsonObject ReconcileReport::toJson() const
{
    const auto ids = [](const QList<qint64> &list) {
        QJsonArray array;
        for (qint64 id : list)
            array.append(id);
        return array;
    };
    return {{QStringLiteral("found"), ids(found)},
            {QStringLiteral("waiting"), ids(waiting)},
            {QStringLiteral("vanished"), ids(vanished)},
            {QStringLiteral("removed"), ids(removed)}};
}

Result<ReconcileReport> PortalEngine::reconcile()
{
    if (!m_leader)
        return makeError("portal.not_leader", "only the leading iot-portald reconciles");
    auto owned = m_backend.listByOwner(m_config.ownerTag);
    if (!owned)
        return owned.error();
    auto instances = m_store.instances();
    if (!instances)
        return instances.error();
    const QSet<qint64> listed(owned->cbegin(), owned->cend());
    ReconcileReport report;
    QSet<qint64> wanted;
    for (Store::Instance instance : *instances) {
        if (instance.backend != m_backend.name() || instance.state == Store::InstanceState::Failed)
            continue;
        wanted.insert(instance.id);
        if (listed.contains(instance.id)) {
            report.found.append(instance.id);
        } else if (instance.state == Store::InstanceState::Requested ||
                   instance.state == Store::InstanceState::Building) {
            report.waiting.append(instance.id);
        } else if (m_backend.status(instance.id).state == Cloud::InstanceStatus::State::Missing) {
            // Created by this process and not in the backend's last list yet is not vanished:
            // status() then still knows it.
            report.vanished.append(instance.id);
            applyEvent(instance, Event::MachineVanished,
                       QStringLiteral("its %1 machine vanished (deleted outside the "
                                      "portal); not recreated")
                           .arg(m_backend.name()));
        } else {
            report.found.append(instance.id);
        }
    }
    for (qint64 id : *owned) {
        if (!wanted.contains(id)) {
            qCInfo(lcEngine) << "removing instance" << id << "that the store does not want";
            (void)m_backend.remove(id);
            report.removed.append(id);
        }
    }
    const QString summary =
        QString::fromUtf8(QJsonDocument(report.toJson()).toJson(QJsonDocument::Compact));
    qCInfo(lcEngine).noquote() << "reconciled" << m_backend.name() << "with the store:" << summary;
    audit(QStringLiteral("portald"), QStringLiteral("instance.reconciled"),
          QStringLiteral("cloud:") + m_backend.name(), summary);
    return report;
}

void PortalEngine::doAdminRequests()
{
    auto pending = m_store.pendingAdminRequests();
    if (!pending)
        return;
    for (const Store::AdminRequest &request : *pending) {
        if (request.action == QLatin1String("reconcile")) {
            auto report = reconcile();
            if (!report && report.error().code == "cloud.not_ready")
                continue;
            (void)m_store.finishAdminRequest(
                request.id, bool(report),
                report ? QString::fromUtf8(QJsonDocument(report->toJson()).toJson())
                       : QString::fromStdString(report.error().message));
        } else if (request.action == QLatin1String("instance.reprovision")) {
            startReprovision(request);
        } else if (request.action == QLatin1String("device.revoke")) {
            startRevoke(request);
        } else if (request.action == QLatin1String("instance.delete")) {
            deleteInstance(request);
        } else if (request.action == QLatin1String("instance.action") ||
                   request.action == QLatin1String("instance.console")) {
            startMachineRequest(request);
        } else {
            (void)m_store.finishAdminRequest(
                request.id, false,
                QStringLiteral("iot-portald does not know the action %1").arg(request.action));
        }
    }
}

std::optional<Store::Instance> PortalEngine::instanceOfRequest(const Store::AdminRequest &request)
{
    const auto refuse = [&](const QString &why) {
        (void)m_store.finishAdminRequest(request.id, false, why);
        return std::nullopt;
    };
    bool isNumber = false;
    const qint64 id = request.subject.startsWith(QLatin1String("instance:"))
                          ? request.subject.mid(9).toLongLong(&isNumber)
                          : 0;
    if (!isNumber)
        return refuse(
            QStringLiteral("the subject must be instance:<id>, not %1").arg(request.subject));
    auto instance = m_store.findInstance(id);
    if (!instance)
        return refuse(QStringLiteral("no instance %1").arg(id));
    if (instance->backend != m_backend.name())
        return refuse(QStringLiteral("instance %1 runs on the %2 backend, this portal leads %3")
                          .arg(id)
                          .arg(instance->backend, m_backend.name()));
    return *instance;
}

void PortalEngine::deleteInstance(const Store::AdminRequest &request)
{
    auto instance = instanceOfRequest(request);
    if (!instance)
        return;
    if (m_configurator->isConfiguring(instance->id))
        return; // after the current Puppet run, which holds the machine
    const QString subject = QStringLiteral("instance:%1").arg(instance->id);
    if (instance->state != Store::InstanceState::Failed)
        applyEvent(*instance, Event::Deleted,
                   QStringLiteral("deleted by %1").arg(request.requestedBy));
    // The backend forgets the machine now and deletes it in the background; a deletion the
    // cloud loses is caught by the next reconciliation, which removes every owned machine
    // the store no longer has.
    if (auto removed = m_backend.remove(instance->id); !removed) {
        (void)m_store.finishAdminRequest(
            request.id, false,
            QStringLiteral("instance %1 failed, but its machine could not be removed: %2")
                .arg(instance->id)
                .arg(QString::fromStdString(removed.error().message)));
        return;
    }
    if (auto deleted = m_store.deleteInstance(instance->id); !deleted) {
        (void)m_store.finishAdminRequest(
            request.id, false,
            QStringLiteral("the machine of instance %1 was removed, but its row could not be "
                           "deleted: %2")
                .arg(instance->id)
                .arg(QString::fromStdString(deleted.error().message)));
        return;
    }
    audit(request.requestedBy, QStringLiteral("instance.deleted"), subject);
    (void)m_store.finishAdminRequest(
        request.id, true,
        QStringLiteral("instance %1 deleted; its devices are placed anew when their gateways "
                       "attach them again")
            .arg(instance->id));
}

void PortalEngine::startMachineRequest(const Store::AdminRequest &request)
{
    if (m_machineRequests.contains(request.id))
        return; // the cloud has not answered yet
    const auto refuse = [&](const QString &why) {
        (void)m_store.finishAdminRequest(request.id, false, why);
    };
    auto instance = instanceOfRequest(request);
    if (!instance)
        return;
    const qint64 id = instance->id;
    const qint64 requestId = request.id;
    const QString actor = request.requestedBy;
    if (request.action == QLatin1String("instance.console")) {
        const int lines =
            std::clamp(request.options.value(QStringLiteral("lines")).toInt(100), 1, 1000);
        m_machineRequests.insert(requestId);
        m_backend.consoleLog(id, lines, this, [this, requestId](const Result<QString> &log) {
            m_machineRequests.remove(requestId);
            (void)m_store.finishAdminRequest(
                requestId, bool(log),
                log ? log->right(Store::Store::kMaxAuditDetailChars - 100)
                    : QStringLiteral("the cloud did not give the console log: %1")
                          .arg(QString::fromStdString(log.error().message)));
        });
        return;
    }
    static const QHash<QString, Cloud::CloudBackend::Action> actions = {
        {QStringLiteral("start"), Cloud::CloudBackend::Action::Start},
        {QStringLiteral("stop"), Cloud::CloudBackend::Action::Stop},
        {QStringLiteral("reboot"), Cloud::CloudBackend::Action::SoftReboot},
        {QStringLiteral("hard-reboot"), Cloud::CloudBackend::Action::HardReboot}};
    const QString name = request.options.value(QStringLiteral("action")).toString();
    if (!actions.contains(name))
        return refuse(QStringLiteral("the action must be start, stop, reboot or hard-reboot, "
                                     "not %1")
                          .arg(name.left(40)));
    m_machineRequests.insert(requestId);
    m_backend.act(
        id, actions.value(name), this,
        [this, requestId, id, name, actor](const Result<void> &done) {
            m_machineRequests.remove(requestId);
            if (done)
                audit(actor, QStringLiteral("instance.") + name,
                      QStringLiteral("instance:%1").arg(id));
            (void)m_store.finishAdminRequest(
                requestId, bool(done),
                done ? QStringLiteral("the cloud accepted %1 of instance %2").arg(name).arg(id)
                     : QStringLiteral("%1 of instance %2 refused: %3")
                           .arg(name)
                           .arg(id)
                           .arg(QString::fromStdString(done.error().message)));
        });
}

void PortalEngine::startRevoke(const Store::AdminRequest &request)
{
    const QString deviceId =
        request.subject.startsWith(QLatin1String("device:")) ? request.subject.mid(7) : QString();
    if (m_pusher->isPushing(deviceId))
        return; // the instance is being told; finished by that push
    auto device = m_store.findDevice(deviceId);
    if (!device)
        return (void)m_store.finishAdminRequest(
            request.id, false,
            QStringLiteral("no device %1 (the subject must be device:<id>)").arg(request.subject));
    if (!device->revoked) {
        // The store first: from here no attach of this device succeeds, whatever the instance.
        device->revoked = true;
        if (auto updated = m_store.updateDevice(*device); !updated)
            return; // retried on the next tick
        audit(request.requestedBy, QStringLiteral("device.revoked"), request.subject,
              QStringLiteral("instance %1").arg(device->instanceId));
    }
    auto instance = device->instanceId ? m_store.findInstance(device->instanceId)
                                       : Result<Store::Instance>(makeError("store.not_found", ""));
    if (!instance || device->credentialSha256.isEmpty())
        return (void)m_store.finishAdminRequest(
            request.id, true,
            QStringLiteral("device %1 revoked; no instance holds its key").arg(deviceId));
    if (instance->state != Store::InstanceState::Ready) {
        // Told when it is ready again (InstancePusher::tellRevokedDevices); the request does not
        // wait forever, so it cannot hold the queue.
        if (request.requestedAt.secsTo(QDateTime::currentDateTimeUtc()) > kRevokeWaitS)
            (void)m_store.finishAdminRequest(
                request.id, true,
                QStringLiteral("device %1 revoked in the store (attach refused); instance %2 is "
                               "%3 and is told when it is ready again")
                    .arg(deviceId)
                    .arg(instance->id)
                    .arg(Store::toText(instance->state)));
        return;
    }
    const qint64 requestId = request.id;
    const qint64 instanceId = instance->id;
    m_pusher->pushRevoked(
        *device, *instance, [this, requestId, deviceId, instanceId](Result<void> pushed) {
            if (!pushed) {
                // The request stays pending: pushed again on a later tick.
                qCWarning(lcEngine)
                    << "telling instance" << instanceId << "that" << deviceId
                    << "is revoked failed:" << QString::fromStdString(pushed.error().message);
                return;
            }
            (void)m_store.finishAdminRequest(
                requestId, true,
                QStringLiteral("device %1 revoked; instance %2 refuses its "
                               "readings and commands")
                    .arg(deviceId)
                    .arg(instanceId));
        });
}

void PortalEngine::startReprovision(const Store::AdminRequest &request)
{
    for (qint64 requestId : std::as_const(m_requestOfRun)) {
        if (requestId == request.id)
            return; // running
    }
    const auto refuse = [&](const QString &why) {
        (void)m_store.finishAdminRequest(request.id, false, why);
    };
    auto instance = instanceOfRequest(request);
    if (!instance)
        return;
    const qint64 id = instance->id;
    // A failed instance may be re-provisioned once its machine runs again (a fixed template
    // after Puppet failed); success makes it ready.
    const bool running = m_backend.status(id).state == Cloud::InstanceStatus::State::Running;
    if (instance->state != Store::InstanceState::Ready &&
        !(instance->state == Store::InstanceState::Failed && running))
        return refuse(QStringLiteral("instance %1 is %2; only a ready instance, or a failed one "
                                     "whose machine runs, can be re-provisioned")
                          .arg(id)
                          .arg(Store::toText(instance->state)));
    if (!running)
        return refuse(QStringLiteral("instance %1's machine is not running").arg(id));
    if (m_configurator->isConfiguring(id))
        return; // one run per instance: after the current one
    m_requestOfRun.insert(id, request.id);
    const bool noop = request.options.value(QStringLiteral("noop")).toBool();
    audit(request.requestedBy,
          noop ? QStringLiteral("instance.dry_run_requested")
               : QStringLiteral("instance.reprovision_requested"),
          request.subject);
    m_configurator->configure(*instance, m_backend.name(),
                              noop ? InstanceConfigurator::Purpose::DryRun
                                   : InstanceConfigurator::Purpose::Reprovision);
}

void PortalEngine::superviseInstances()
{
    auto instances = m_store.instances();
    if (!instances)
        return;
    for (const Store::Instance &instance : *instances) {
        if (instance.backend == m_backend.name() && instance.state != Store::InstanceState::Failed)
            advanceInstance(instance);
    }
}

void PortalEngine::advanceInstance(Store::Instance instance)
{
    const auto transition = [&](Event event, const QString &reason = QString()) {
        applyEvent(instance, event, reason);
    };
    // Measured from when this process began leading at the earliest, so a restart or a
    // change of leader does not time out what the previous one was doing.
    const QDateTime since = qMax(instance.updatedAt, m_leaderSince);
    if (InstanceLifeCycle::hasTimedOut(instance.state, since, now())) {
        transition(Event::TimedOut,
                   QStringLiteral("%1 for more than %2 min")
                       .arg(Store::toText(instance.state))
                       .arg(InstanceLifeCycle::timeoutMs(instance.state) / 60'000));
        return;
    }
    Cloud::InstanceStatus status = m_backend.status(instance.id);
    if (status.state != Cloud::InstanceStatus::State::Missing)
        m_known.insert(instance.id); // also machines the backend adopted on its own
    if (status.state == Cloud::InstanceStatus::State::Missing && m_known.contains(instance.id) &&
        (instance.state == Store::InstanceState::Configuring ||
         instance.state == Store::InstanceState::Ready)) {
        transition(Event::MachineVanished,
                   QStringLiteral("its %1 machine vanished (deleted outside the portal); not "
                                  "recreated")
                       .arg(m_backend.name()));
        return;
    }
    if (status.state == Cloud::InstanceStatus::State::Missing) {
        m_known.insert(instance.id);
        auto vmTemplate = m_store.findTemplate(instance.templateName);
        Cloud::InstanceSpec spec;
        spec.instanceId = instance.id;
        spec.ownerTag = m_config.ownerTag;
        spec.templateName = instance.templateName;
        spec.templateSpec = vmTemplate ? vmTemplate->spec : QJsonObject();
        // A machine the portal creates gets a host key the portal made, so its first SSH
        // contact needs no trust decision. (An adopted server keeps the key it was given.)
        if (m_backend.acceptsSshHostKey() && instance.state == Store::InstanceState::Requested) {
            if (auto hostKey = Provisioning::generateHostKey()) {
                spec.sshHostPrivateKey = hostKey->privateKey;
                spec.sshHostPublicKey = hostKey->publicKey;
            } else {
                qCWarning(lcEngine).noquote() << "instance" << instance.id << ":"
                                              << QString::fromStdString(hostKey.error().message);
            }
        }
        if (auto created = m_backend.create(spec); !created) {
            transition(Event::MachineFailed, QString::fromStdString(created.error().message));
            return;
        }
        status = m_backend.status(instance.id);
    }
    switch (status.state) {
    case Cloud::InstanceStatus::State::Missing:
    case Cloud::InstanceStatus::State::Building:
        if (instance.state == Store::InstanceState::Requested)
            transition(Event::MachineBuilding);
        return;
    case Cloud::InstanceStatus::State::Failed:
        transition(Event::MachineFailed, status.reason);
        return;
    case Cloud::InstanceStatus::State::Stopped:
        // An admin's stop: the instance keeps its place and state until it runs again.
        return;
    case Cloud::InstanceStatus::State::Running:
        break;
    }
    const bool addressChanged = instance.url != status.url || instance.adminPort != status.port;
    const QString previousUrl = instance.url;
    instance.url = status.url;
    instance.adminPort = status.port;
    instance.dataDir = status.dataDir;
    if (instance.state == Store::InstanceState::Requested ||
        instance.state == Store::InstanceState::Building) {
        transition(Event::MachineRunning);
        recordHostKey(instance, status);
        m_configurator->configure(instance, m_backend.name());
    } else if (instance.state == Store::InstanceState::Configuring) {
        // Resumed after a restart (or a lost leadership): Puppet runs are idempotent.
        if (!m_configurator->isConfiguring(instance.id)) {
            if (addressChanged)
                transition(Event::AddressChanged);
            recordHostKey(instance, status);
            m_configurator->configure(instance, m_backend.name());
        }
    } else if (addressChanged) {
        transition(Event::AddressChanged);
        qCInfo(lcEngine).noquote() << "instance" << instance.id << "now at" << instance.url
                                   << "(was" << (previousUrl.isEmpty() ? "-" : previousUrl) + ')';
    }
}

bool PortalEngine::applyEvent(Store::Instance &instance, Event event, const QString &reason)
{
    const auto next = InstanceLifeCycle::next(instance.state, event);
    if (!next) {
        qCWarning(lcEngine).noquote()
            << "instance" << instance.id << ":" << InstanceLifeCycle::toText(event)
            << "is not a transition of" << Store::toText(instance.state) << "; ignored";
        return false;
    }
    recordInstanceState(instance, *next, reason);
    return true;
}

QDateTime PortalEngine::now() const
{
    return m_config.clock ? m_config.clock() : QDateTime::currentDateTimeUtc();
}

void PortalEngine::recordHostKey(const Store::Instance &instance,
                                 const Cloud::InstanceStatus &status)
{
    auto recorded =
        m_configurator->recordHostKey(instance, m_backend.name(), status.sshHostPublicKey);
    const QString subject = QStringLiteral("instance:%1").arg(instance.id);
    if (!recorded)
        audit(QStringLiteral("portald"), QStringLiteral("instance.host_key_not_recorded"), subject,
              QString::fromStdString(recorded.error().message));
    else if (!recorded->isEmpty())
        audit(QStringLiteral("portald"), QStringLiteral("instance.host_key_recorded"), subject,
              *recorded);
}

void PortalEngine::recordInstanceState(Store::Instance &instance, Store::InstanceState next,
                                       const QString &reason)
{
    const Store::InstanceState previous = instance.state;
    instance.state = next;
    instance.reason = oneLine(reason, kMaxReasonChars);
    if (auto updated = m_store.updateInstance(instance); !updated) {
        qCWarning(lcEngine) << "cannot record instance state:"
                            << QString::fromStdString(updated.error().message);
        return;
    }
    if (previous == next)
        return;
    audit(QStringLiteral("portald"), QStringLiteral("instance.") + Store::toText(next),
          QStringLiteral("instance:%1").arg(instance.id), reason);
    if (next == Store::InstanceState::Ready)
        m_pusher->tellRevokedDevices(instance);
    if (next != Store::InstanceState::Failed)
        return;
    // Its devices fail with it, so gateways learn it (heartbeat, GET device) and their next
    // attach places them on a working instance.
    auto devices = m_store.devicesOfInstance(instance.id);
    if (!devices)
        return;
    for (Store::Device device : *devices) {
        if (device.state == Store::DeviceState::Failed)
            continue;
        device.state = Store::DeviceState::Failed;
        device.reason = QStringLiteral("instance failed: ") + instance.reason.left(400);
        if (m_store.updateDevice(device))
            audit(QStringLiteral("portald"), QStringLiteral("device.failed"),
                  QStringLiteral("device:") + device.id, device.reason);
    }
}

void PortalEngine::onRunOutput(qint64 instanceId, const QString &line)
{
    const qint64 requestId = m_requestOfRun.value(instanceId);
    if (requestId == 0)
        return; // the life cycle's own run: its log goes to the audit entry
    QString &pending = m_unflushedProgress[requestId];
    if (pending.size() < Store::Store::kMaxAdminProgressChars)
        pending += line.left(4096) + QLatin1Char('\n');
    if (!m_progressFlush->isActive())
        m_progressFlush->start();
}

void PortalEngine::flushProgress()
{
    for (auto it = m_unflushedProgress.cbegin(); it != m_unflushedProgress.cend(); ++it) {
        if (auto appended = m_store.appendAdminRequestProgress(it.key(), it.value()); !appended)
            qCWarning(lcEngine) << "cannot record a run's progress:"
                                << QString::fromStdString(appended.error().message);
    }
    m_unflushedProgress.clear();
}

void PortalEngine::onConfigured(qint64 instanceId, InstanceConfigurator::Purpose purpose,
                                InstanceConfigurator::Outcome outcome, const QString &reason,
                                const QString &log)
{
    using Outcome = InstanceConfigurator::Outcome;
    using Purpose = InstanceConfigurator::Purpose;
    if (purpose != Purpose::LifeCycle) {
        flushProgress();
        const qint64 requestId = m_requestOfRun.take(instanceId);
        const bool succeeded = outcome == Outcome::Unchanged || outcome == Outcome::Changed;
        const QString outcomeText =
            outcome == Outcome::Changed
                ? (purpose == Purpose::DryRun ? QStringLiteral("would change")
                                              : QStringLiteral("changed"))
            : outcome == Outcome::Unchanged ? QStringLiteral("unchanged")
            : outcome == Outcome::Skipped   ? QStringLiteral("skipped")
                                            : QStringLiteral("failed");
        const QString subject = QStringLiteral("instance:%1").arg(instanceId);
        audit(QStringLiteral("portald"),
              purpose == Purpose::DryRun ? QStringLiteral("instance.dry_run")
                                         : QStringLiteral("instance.reprovisioned"),
              subject,
              outcomeText + (reason.isEmpty() ? QString() : QStringLiteral(": ") + reason) +
                  QLatin1Char('\n') + log);
        if (requestId != 0)
            (void)m_store.finishAdminRequest(
                requestId, succeeded,
                QString::fromUtf8(
                    QJsonDocument(QJsonObject{{QStringLiteral("outcome"), outcomeText},
                                              {QStringLiteral("reason"), reason},
                                              {QStringLiteral("log"), log}})
                        .toJson()));
        auto instance = m_store.findInstance(instanceId);
        if (purpose == Purpose::Reprovision && succeeded && instance &&
            instance->state == Store::InstanceState::Failed)
            applyEvent(*instance, Event::Reprovisioned);
        return;
    }
    auto instance = m_store.findInstance(instanceId);
    if (!instance || instance->state != Store::InstanceState::Configuring)
        return; // removed or moved on meanwhile
    const QString subject = QStringLiteral("instance:%1").arg(instanceId);
    switch (outcome) {
    case Outcome::Skipped:
        audit(QStringLiteral("portald"), QStringLiteral("instance.puppet_skipped"), subject,
              reason);
        applyEvent(*instance, Event::Configured);
        break;
    case Outcome::Unchanged:
    case Outcome::Changed:
        audit(QStringLiteral("portald"), QStringLiteral("instance.puppet_applied"), subject,
              (outcome == Outcome::Changed ? QStringLiteral("changed\n")
                                           : QStringLiteral("unchanged\n")) +
                  log);
        applyEvent(*instance, Event::Configured);
        break;
    case Outcome::Failed:
        audit(QStringLiteral("portald"), QStringLiteral("instance.puppet_failed"), subject,
              reason + QLatin1Char('\n') + log);
        applyEvent(*instance, Event::ConfiguringFailed,
                   QStringLiteral("configuring failed: ") + reason);
        break;
    }
    QTimer::singleShot(0, this, &PortalEngine::tick);
}

void PortalEngine::pullAuthFailures()
{
    auto instances = m_store.instances();
    if (!instances)
        return;
    const QDateTime now = QDateTime::currentDateTimeUtc();
    for (const Store::Instance &instance : *instances) {
        if (instance.state != Store::InstanceState::Ready || instance.url.isEmpty() ||
            m_authFailuresPulling.contains(instance.id) ||
            m_authFailuresPullAt.value(instance.id, now) > now)
            continue;
        m_authFailuresPulling.insert(instance.id);
        const qint64 instanceId = instance.id;
        // One millisecond back: a row counted again in the newest copied millisecond is not
        // missed; copying a row twice never counts it twice.
        const qint64 sinceMs = m_authFailuresPulledMs.value(instanceId, 0) - 1;
        m_admin->fetchAuthFailures(
            instance.url, sinceMs, [this, instanceId](Result<QList<AuthFailure>> rows) {
                m_authFailuresPulling.remove(instanceId);
                m_authFailuresPullAt.insert(instanceId, QDateTime::currentDateTimeUtc().addMSecs(
                                                            m_config.authFailurePullMs));
                if (!rows) {
                    qCInfo(lcEngine) << "auth failures of instance" << instanceId
                                     << "not pulled:" << rows.error().message.c_str();
                    return;
                }
                if (rows->isEmpty())
                    return;
                if (auto merged = m_store.mergeAuthFailures(Cloud::instanceName(instanceId), *rows);
                    !merged) {
                    qCWarning(lcEngine) << "auth failures of instance" << instanceId
                                        << "not kept:" << merged.error().message.c_str();
                    return;
                }
                qint64 newest = m_authFailuresPulledMs.value(instanceId, -1);
                for (const AuthFailure &row : std::as_const(*rows))
                    newest = std::max(newest, row.last.toMSecsSinceEpoch());
                m_authFailuresPulledMs.insert(instanceId, newest);
            });
    }
}

} // namespace Portal::Engine
