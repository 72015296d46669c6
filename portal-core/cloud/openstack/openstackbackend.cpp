#include "openstackbackend.h"

#include "keystoneclient.h"
#include "openstacksession.h"
#include "resourcelookup.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QTimer>
#include <QUrl>
#include <QUuid>

namespace Portal::Cloud {

using namespace OpenStack;

namespace {

const QString kOwnerKey = QStringLiteral("portal_owner");
const QString kInstanceIdKey = QStringLiteral("portal_instance_id");
const QString kClassKey = QStringLiteral("portal_class");
const QString kTemplateKey = QStringLiteral("portal_template");
const QString kClientTokenKey = QStringLiteral("portal_client_token");
const QString kAdminPortKey = QStringLiteral("portal_admin_port");
const QString kSshHostKeyKey = QStringLiteral("portal_ssh_host_key");

Error templateError(const QString &message)
{
    return makeError("cloud.invalid_template", message.toStdString());
}

bool isTransitional(const QString &novaStatus)
{
    static const QStringList transitional = {
        QStringLiteral("BUILD"),     QStringLiteral("REBOOT"),  QStringLiteral("HARD_REBOOT"),
        QStringLiteral("REBUILD"),   QStringLiteral("RESIZE"),  QStringLiteral("VERIFY_RESIZE"),
        QStringLiteral("MIGRATING"), QStringLiteral("PASSWORD")};
    return transitional.contains(novaStatus);
}

// The request with stand-ins for the ids not looked up yet, so its other bounds (name, tags,
// metadata, user data) can be checked before anything is sent.
ServerCreateRequest boundsProbe(ServerCreateRequest request)
{
    request.name = request.name.isEmpty() ? QStringLiteral("probe") : request.name;
    request.imageId = QStringLiteral("probe");
    request.flavorId = QStringLiteral("probe");
    request.networks = ServerCreateRequest::Networks::None;
    return request;
}

} // namespace

struct OpenStackBackend::Instance
{
    InstanceSpec spec;
    QString imageName;
    QString flavorName;
    QString networkName; // "none": no network
    ServerCreateRequest request;
    int adminPort = kDefaultAdminPort;
    bool creating = false; // lookups or the create call in flight
    QString serverId;
    quint64 serverKnownAtPoll = 0; // lists sent before this may not show the server yet
    QElapsedTimer building;
    InstanceStatus status;
};

Result<std::unique_ptr<OpenStackBackend>> OpenStackBackend::create(OpenStackBackendConfig config,
                                                                   QObject *parent)
{
    ServerCreateRequest probe = boundsProbe(ServerCreateRequest());
    probe.tags = {config.ownerTag};
    if (config.ownerTag.isEmpty() || !NovaClient::validate(probe))
        return makeError(
            "cloud.config",
            "the owner tag must be a Nova server tag (1-60 characters, no '/' or ',')");
    auto keystone = KeystoneClient::create(config.cloud);
    if (!keystone)
        return makeError("cloud.config", keystone.error().message);
    return std::unique_ptr<OpenStackBackend>(
        new OpenStackBackend(std::move(config), std::move(*keystone), parent));
}

OpenStackBackend::OpenStackBackend(OpenStackBackendConfig config,
                                   std::unique_ptr<KeystoneClient> keystone, QObject *parent)
    : CloudBackend(parent), m_config(std::move(config)), m_keystone(std::move(keystone)),
      m_session(std::make_unique<OpenStackSession>(m_keystone.get())),
      m_nova(std::make_unique<NovaClient>(m_session.get())),
      m_lookup(std::make_unique<ResourceLookup>(m_session.get())), m_callbacks(new QObject(this)),
      m_timer(new QTimer(this))
{
    connect(m_timer, &QTimer::timeout, this, &OpenStackBackend::poll);
    m_timer->start(m_config.pollIntervalMs);
    QTimer::singleShot(0, this, &OpenStackBackend::poll);
}

OpenStackBackend::~OpenStackBackend()
{
    shutdown();
}

Result<void> OpenStackBackend::create(const InstanceSpec &spec)
{
    if (!m_callbacks)
        return makeError("cloud.shut_down", "the openstack backend has been shut down");
    if (spec.ownerTag != m_config.ownerTag)
        return makeError("cloud.owner_mismatch", "this backend creates servers for owner tag " +
                                                     m_config.ownerTag.toStdString());
    if (auto existing = m_instances.value(spec.instanceId);
        existing && (existing->creating || !existing->serverId.isEmpty()))
        return {};

    auto instance = std::make_shared<Instance>();
    instance->spec = spec;
    const QJsonObject &templateSpec = spec.templateSpec;
    QStringList missingKeys;
    for (const char *key : {"image", "flavor", "network"}) {
        if (templateSpec.value(QLatin1String(key)).toString().isEmpty())
            missingKeys.append(QLatin1String(key));
    }
    if (!missingKeys.isEmpty())
        return templateError(QStringLiteral("template %1 lacks %2")
                                 .arg(spec.templateName, missingKeys.join(QStringLiteral(", "))));
    instance->imageName = templateSpec.value(QStringLiteral("image")).toString();
    instance->flavorName = templateSpec.value(QStringLiteral("flavor")).toString();
    instance->networkName = templateSpec.value(QStringLiteral("network")).toString();

    ServerCreateRequest &request = instance->request;
    request.name = QStringLiteral("%1-instance-%2").arg(m_config.ownerTag).arg(spec.instanceId);
    request.keyName = templateSpec.value(QStringLiteral("keyName")).toString();
    const QJsonValue groups = templateSpec.value(QStringLiteral("securityGroups"));
    if (!groups.isUndefined() && !groups.isArray())
        return templateError(QStringLiteral("securityGroups must be an array of names"));
    for (const QJsonValue &group : groups.toArray()) {
        if (!group.isString() || group.toString().isEmpty())
            return templateError(QStringLiteral("securityGroups must be an array of names"));
        request.securityGroups.append(group.toString());
    }
    request.userData = userData(templateSpec.value(QStringLiteral("userData")).toString().toUtf8(),
                                spec.sshHostPrivateKey, spec.sshHostPublicKey);
    const QJsonValue port = templateSpec.value(QStringLiteral("adminPort"));
    if (!port.isUndefined()) {
        const int adminPort = port.toInt(0);
        if (adminPort < 1 || adminPort > 65535)
            return templateError(QStringLiteral("adminPort must be a port number"));
        instance->adminPort = adminPort;
    }
    request.tags = {m_config.ownerTag};
    request.metadata = {
        {kOwnerKey, m_config.ownerTag},
        {kInstanceIdKey, QString::number(spec.instanceId)},
        {kClassKey, templateSpec.value(QStringLiteral("class")).toString()},
        {kTemplateKey, spec.templateName},
        {kClientTokenKey, QUuid::createUuid().toString(QUuid::WithoutBraces)},
        {kAdminPortKey, QString::number(instance->adminPort)},
    };
    if (!spec.sshHostPublicKey.isEmpty()) {
        request.metadata.insert(kSshHostKeyKey, spec.sshHostPublicKey);
        instance->status.sshHostPublicKey = spec.sshHostPublicKey;
    }
    if (auto valid = NovaClient::validate(boundsProbe(request)); !valid)
        return templateError(QString::fromStdString(valid.error().message));

    instance->creating = true;
    instance->building.start();
    m_instances.insert(spec.instanceId, instance);
    setState(*instance, InstanceStatus::State::Building);
    resolveAndCreate(instance);
    return {};
}

QByteArray OpenStackBackend::userData(const QByteArray &templateUserData,
                                      const QByteArray &hostPrivateKey,
                                      const QString &hostPublicKey)
{
    if (hostPrivateKey.isEmpty() || hostPublicKey.isEmpty())
        return templateUserData;
    // cloud-init: replace the image's host keys with the portal's, make no others.
    QByteArray hostKeyPart = "#cloud-config\n"
                             "ssh_deletekeys: true\n"
                             "ssh_genkeytypes: []\n"
                             "ssh_keys:\n"
                             "  ed25519_private: |\n";
    for (const QByteArray &line : hostPrivateKey.trimmed().split('\n'))
        hostKeyPart += "    " + line + '\n';
    hostKeyPart += "  ed25519_public: " + hostPublicKey.toUtf8() + '\n';
    if (templateUserData.trimmed().isEmpty())
        return hostKeyPart;
    const QByteArray boundary =
        "==iot-portal-" + QUuid::createUuid().toString(QUuid::Id128).toLatin1() + "==";
    const QByteArray templateType = templateUserData.startsWith("#cloud-config")
                                        ? "text/cloud-config"
                                    : templateUserData.startsWith("#!")       ? "text/x-shellscript"
                                    : templateUserData.startsWith("#include") ? "text/x-include-url"
                                                                              : "text/plain";
    const auto part = [&](const QByteArray &type, const QByteArray &name,
                          const QByteArray &content) {
        return "--" + boundary + "\nContent-Type: " + type +
               "; charset=\"utf-8\"\nMIME-Version: 1.0\n"
               "Content-Disposition: attachment; filename=\"" +
               name + "\"\n\n" + content + (content.endsWith('\n') ? "" : "\n");
    };
    return "Content-Type: multipart/mixed; boundary=\"" + boundary + "\"\nMIME-Version: 1.0\n\n" +
           part(templateType, "template-user-data", templateUserData) +
           part("text/cloud-config", "iot-portal-host-key.cfg", hostKeyPart) + "--" + boundary +
           "--\n";
}

void OpenStackBackend::resolveAndCreate(const std::shared_ptr<Instance> &instance)
{
    const auto current = [this, instance] {
        return m_instances.value(instance->spec.instanceId) == instance;
    };
    const auto fail = [this, instance, current](const Error &error) {
        if (!current())
            return;
        instance->creating = false;
        setState(*instance, InstanceStatus::State::Failed, QString::fromStdString(error.message));
    };
    // A server that already carries this instance id (created before a crash) is adopted.
    m_nova->listServers(
        m_config.ownerTag, m_callbacks,
        [this, instance, current, fail](const Result<QList<Server>> &servers) {
            if (!current())
                return;
            if (!servers)
                return fail(servers.error());
            for (const Server &server : *servers) {
                if (server.metadata.value(kInstanceIdKey) ==
                        QString::number(instance->spec.instanceId) &&
                    !m_deleting.contains(server.id)) {
                    instance->creating = false;
                    instance->serverId = server.id;
                    instance->serverKnownAtPoll = m_pollSerial;
                    applyServer(*instance, server);
                    return;
                }
            }
            struct Lookups
            {
                int pending = 3;
                QStringList missing;
                QList<Error> failures;
            };
            auto lookups = std::make_shared<Lookups>();
            const auto finish = [this, instance, current, fail, lookups] {
                if (--lookups->pending > 0 || !current())
                    return;
                if (!lookups->missing.isEmpty())
                    return fail(
                        makeError("cloud.template_unresolved",
                                  QStringLiteral("template %1 names what the cloud lacks: %2")
                                      .arg(instance->spec.templateName,
                                           lookups->missing.join(QStringLiteral("; ")))
                                      .toStdString()));
                if (!lookups->failures.isEmpty())
                    return fail(lookups->failures.first());
                sendCreate(instance, instance->request);
            };
            const auto record = [lookups](const Error &error, bool notFound) {
                if (notFound)
                    lookups->missing.append(QString::fromStdString(error.message));
                else
                    lookups->failures.append(error);
            };
            m_lookup->findImage(instance->imageName, m_callbacks,
                                [instance, record, finish](const Result<NamedResource> &image) {
                                    if (image)
                                        instance->request.imageId = image->id;
                                    else
                                        record(image.error(),
                                               image.error().code == "glance.image_not_found");
                                    finish();
                                });
            m_nova->findFlavor(instance->flavorName, m_callbacks,
                               [instance, record, finish](const Result<Flavor> &flavor) {
                                   if (flavor)
                                       instance->request.flavorId = flavor->id;
                                   else
                                       record(flavor.error(),
                                              flavor.error().code == "nova.flavor_not_found");
                                   finish();
                               });
            if (instance->networkName == QLatin1String("none")) {
                instance->request.networks = ServerCreateRequest::Networks::None;
                QTimer::singleShot(0, m_callbacks, finish);
                return;
            }
            m_lookup->findNetwork(instance->networkName, m_callbacks,
                                  [instance, record, finish](const Result<NamedResource> &network) {
                                      if (network)
                                          instance->request.networkIds = {network->id};
                                      else
                                          record(network.error(), network.error().code ==
                                                                      "neutron.network_not_found");
                                      finish();
                                  });
        });
}

void OpenStackBackend::sendCreate(const std::shared_ptr<Instance> &instance,
                                  const ServerCreateRequest &request)
{
    m_nova->createServer(request, m_callbacks, [this, instance](const Result<Server> &server) {
        if (m_instances.value(instance->spec.instanceId) != instance) {
            // Removed while the create was in flight: the server must not outlive it.
            if (server)
                deleteServer(server->id);
            return;
        }
        instance->creating = false;
        if (!server) {
            setState(*instance, InstanceStatus::State::Failed,
                     QString::fromStdString(server.error().message));
            return;
        }
        instance->serverId = server->id;
        instance->serverKnownAtPoll = m_pollSerial;
        applyServer(*instance, *server);
    });
}

void OpenStackBackend::poll()
{
    if (m_polling || !m_callbacks)
        return;
    m_polling = true;
    const quint64 serial = ++m_pollSerial;
    m_nova->listServers(
        m_config.ownerTag, m_callbacks, [this, serial](const Result<QList<Server>> &servers) {
            m_polling = false;
            if (!servers)
                return; // the next tick asks again; statuses keep their last value
            QHash<qint64, QString> listed;
            QSet<QString> stillDeleting;
            for (const Server &server : *servers) {
                if (m_deleting.contains(server.id)) {
                    stillDeleting.insert(server.id);
                    continue;
                }
                bool isNumber = false;
                const qint64 instanceId =
                    server.metadata.value(kInstanceIdKey).toLongLong(&isNumber);
                if (!isNumber || server.metadata.value(kOwnerKey) != m_config.ownerTag)
                    continue;
                listed.insert(instanceId, server.id);
                auto instance = m_instances.value(instanceId);
                if (!instance) {
                    // Ours but unknown to this process (made before a restart): adopted.
                    instance = std::make_shared<Instance>();
                    instance->spec.instanceId = instanceId;
                    instance->spec.ownerTag = m_config.ownerTag;
                    instance->spec.templateName = server.metadata.value(kTemplateKey);
                    instance->adminPort = server.metadata.value(kAdminPortKey).toInt() > 0
                                              ? server.metadata.value(kAdminPortKey).toInt()
                                              : kDefaultAdminPort;
                    instance->serverId = server.id;
                    instance->building.start();
                    m_instances.insert(instanceId, instance);
                }
                if (!instance->creating && instance->serverId == server.id)
                    applyServer(*instance, server);
            }
            m_deleting = stillDeleting;
            const auto instances = m_instances;
            for (auto it = instances.cbegin(); it != instances.cend(); ++it) {
                const Instance &instance = **it;
                if (instance.creating || instance.serverId.isEmpty() ||
                    instance.serverKnownAtPoll >= serial ||
                    listed.value(it.key()) == instance.serverId)
                    continue;
                qWarning("openstack backend: server %s of instance %lld vanished",
                         qPrintable(instance.serverId), static_cast<long long>(it.key()));
                m_instances.remove(it.key());
                emit statusChanged(it.key());
            }
            m_listedServers = listed;
            m_listed = true;
        });
}

void OpenStackBackend::applyServer(Instance &instance, const Server &server)
{
    using State = InstanceStatus::State;
    if (const QString hostKey = server.metadata.value(kSshHostKeyKey); !hostKey.isEmpty())
        instance.status.sshHostPublicKey = hostKey;
    if (server.status == QLatin1String("ACTIVE")) {
        QString address;
        for (const QStringList &addresses : server.addresses) {
            if (!addresses.isEmpty()) {
                address = addresses.first();
                break;
            }
        }
        if (address.isEmpty()) {
            setState(instance, State::Failed,
                     QStringLiteral("server is ACTIVE without an address"));
            return;
        }
        instance.status.port = instance.adminPort;
        instance.status.url = QStringLiteral("https://%1:%2")
                                  .arg(address.contains(QLatin1Char(':'))
                                           ? QLatin1Char('[') + address + QLatin1Char(']')
                                           : address)
                                  .arg(instance.adminPort);
        if (const QString endpoint = qEnvironmentVariable("PORTAL_TEST_INSTANCE_ENDPOINT");
            !endpoint.isEmpty()) {
            const QUrl mapped(QStringLiteral("https://") + endpoint);
            if (instance.status.state != State::Running)
                qWarning("openstack backend: test-only: server %s (%s) is reached at %s",
                         qPrintable(server.id), qPrintable(address), qPrintable(endpoint));
            instance.status.url = mapped.toString(QUrl::RemovePath);
            instance.status.port = mapped.port();
        }
        setState(instance, State::Running);
    } else if (server.status == QLatin1String("ERROR")) {
        setState(instance, State::Failed,
                 QStringLiteral("server %1 is in ERROR: %2")
                     .arg(server.id, server.faultMessage.isEmpty()
                                         ? QStringLiteral("no fault given")
                                         : server.faultMessage));
    } else if (server.status == QLatin1String("SHUTOFF")) {
        setState(instance, State::Stopped,
                 QStringLiteral("server %1 is stopped (SHUTOFF)").arg(server.id));
    } else if (isTransitional(server.status)) {
        if (server.status == QLatin1String("BUILD") &&
            instance.building.elapsed() > m_config.buildTimeoutMs)
            setState(instance, State::Failed,
                     QStringLiteral("server %1 still in BUILD after %2 s")
                         .arg(server.id)
                         .arg(m_config.buildTimeoutMs / 1000));
        else
            setState(instance, State::Building);
    } else {
        setState(instance, State::Failed,
                 QStringLiteral("server %1 is %2").arg(server.id, server.status));
    }
}

void OpenStackBackend::setState(Instance &instance, InstanceStatus::State state,
                                const QString &reason)
{
    if (state != InstanceStatus::State::Running) {
        instance.status.url.clear();
        instance.status.port = 0;
    }
    if (instance.status.state == state && instance.status.reason == reason &&
        state != InstanceStatus::State::Running)
        return;
    instance.status.state = state;
    instance.status.reason = reason;
    emit statusChanged(instance.spec.instanceId);
}

Result<void> OpenStackBackend::remove(qint64 instanceId)
{
    if (!m_callbacks)
        return makeError("cloud.shut_down", "the openstack backend has been shut down");
    const auto instance = m_instances.take(instanceId);
    QString serverId = instance ? instance->serverId : QString();
    if (serverId.isEmpty())
        serverId = m_listedServers.value(instanceId);
    m_listedServers.remove(instanceId);
    if (!serverId.isEmpty())
        deleteServer(serverId);
    if (instance || !serverId.isEmpty())
        emit statusChanged(instanceId);
    return {};
}

void OpenStackBackend::deleteServer(const QString &serverId)
{
    m_deleting.insert(serverId);
    m_nova->deleteServer(serverId, m_callbacks, [serverId](const Result<NovaClient::Done> &done) {
        if (!done && done.error().code != "openstack.not_found")
            qWarning("openstack backend: deleting server %s failed: %s", qPrintable(serverId),
                     done.error().message.c_str());
    });
}

InstanceStatus OpenStackBackend::status(qint64 instanceId) const
{
    const auto instance = m_instances.value(instanceId);
    return instance ? instance->status : InstanceStatus();
}

Result<QList<qint64>> OpenStackBackend::listByOwner(const QString &ownerTag) const
{
    if (ownerTag != m_config.ownerTag)
        return makeError("cloud.owner_mismatch", "this backend lists servers of owner tag " +
                                                     m_config.ownerTag.toStdString());
    if (!m_listed)
        return makeError("cloud.not_ready", "the servers have not been listed from Nova yet");
    QList<qint64> ids = m_listedServers.keys();
    std::sort(ids.begin(), ids.end());
    return ids;
}

std::optional<Error> OpenStackBackend::refusal(qint64 instanceId, const QString &server) const
{
    if (!m_callbacks)
        return makeError("cloud.shut_down", "the openstack backend has been shut down");
    if (server.isEmpty())
        return makeError("cloud.not_found",
                         "no server is known for instance " + std::to_string(instanceId));
    return std::nullopt;
}

void OpenStackBackend::act(qint64 instanceId, Action action, QObject *context, Done done)
{
    const QString server = serverId(instanceId);
    if (auto refused = refusal(instanceId, server)) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done), error = *refused] { done(error); },
            Qt::QueuedConnection);
        return;
    }
    auto answered = [this, done = std::move(done)](const Result<NovaClient::Done> &result) {
        QTimer::singleShot(0, this, &OpenStackBackend::poll); // follow the new state at once
        if (result)
            done({});
        else
            done(result.error());
    };
    switch (action) {
    case Action::Start:
        m_nova->startServer(server, context, answered);
        break;
    case Action::Stop:
        m_nova->stopServer(server, context, answered);
        break;
    case Action::SoftReboot:
    case Action::HardReboot:
        m_nova->rebootServer(server, action == Action::HardReboot, context, answered);
        break;
    }
}

void OpenStackBackend::consoleLog(qint64 instanceId, int lastLines, QObject *context,
                                  std::function<void(const Result<QString> &)> done)
{
    const QString server = serverId(instanceId);
    if (auto refused = refusal(instanceId, server)) {
        QMetaObject::invokeMethod(
            context, [done = std::move(done), error = *refused] { done(error); },
            Qt::QueuedConnection);
        return;
    }
    m_nova->consoleLog(server, lastLines, context, std::move(done));
}

QString OpenStackBackend::serverId(qint64 instanceId) const
{
    const auto instance = m_instances.value(instanceId);
    return instance ? instance->serverId : QString();
}

void OpenStackBackend::shutdown()
{
    m_timer->stop();
    delete m_callbacks.data();
}

} // namespace Portal::Cloud
