#pragma once
// The `openstack` backend (DESIGN §5): an instance is a Nova server named
// <ownerTag>-instance-<id>, carrying the server tag ownerTag (list calls filter by it) and
// metadata portal_owner, portal_instance_id, portal_class, portal_template,
// portal_admin_port and portal_client_token (a random token per create call, so a server found
// after a crash can be told apart from one this process created), and portal_ssh_host_key
// when the spec brings a host key: the key then goes to the server in its user data as a
// cloud-init `ssh_keys` part (MIME multipart beside the template's own user data), and the
// status reports the public key from the metadata, also for an adopted server.
//
// Template spec keys: image, flavor, network (name or id; network "none" attaches none) are
// required; keyName, securityGroups (array of names), userData (cloud-init text), class and
// adminPort (the service's HTTPS port on the server, default kDefaultAdminPort) are optional.
//
// create() first lists the servers tagged ownerTag: one already carrying the instance id is
// adopted (crash safety: never a second server). Otherwise image, flavor and network are
// looked up in one go and a create is sent only when all exist; else the instance is Failed
// with a reason naming every missing one. Servers are then followed by listing ownerTag every
// pollIntervalMs: BUILD (and other transitional states) → Building, ACTIVE → Running at
// https://<first address>:<adminPort>, SHUTOFF → Stopped, ERROR → Failed with
// Nova's fault, gone → Missing. listByOwner() answers from that list and fails with
// `cloud.not_ready` until it has been read once.
//
// Errors: the factory: `cloud.config` (bad owner tag, CA bundle). create():
// `cloud.invalid_template` (a required key missing, a value of the wrong type or over Nova's
// bounds), `cloud.owner_mismatch` (spec's ownerTag is
// not the backend's), `cloud.shut_down` (also remove()). Reasons of Failed: the missing
// resources (`glance.image_not_found`, `nova.flavor_not_found`, `neutron.network_not_found`
// messages joined), Nova's fault, or the create call's `openstack.*` error (quota exceeded, …).
// listByOwner(): `cloud.not_ready`, `cloud.owner_mismatch`.
//
// Test-only address mapping: with PORTAL_TEST_INSTANCE_ENDPOINT=host:port every
// ACTIVE server is reached at https://host:port instead of its own address (Nova's fake
// driver runs no VM, so a test points it at a local iot-m2m-service); logged as such.

#include "../cloudbackend.h"
#include "cloudsconfig.h"
#include "novaclient.h"

#include <QHash>
#include <QPointer>
#include <QSet>

#include <memory>
#include <optional>

class QTimer;

namespace Portal::Cloud::OpenStack {
class KeystoneClient;
class OpenStackSession;
class ResourceLookup;
} // namespace Portal::Cloud::OpenStack

namespace Portal::Cloud {

struct OpenStackBackendConfig
{
    OpenStack::CloudConfig cloud;
    QString ownerTag; // the portal's mark: a Nova server tag (≤ 60 chars, no '/' or ',')
    int pollIntervalMs = 2000;
    int buildTimeoutMs = 300000; // BUILD for longer than this is Failed
};

class OpenStackBackend final : public CloudBackend
{
    Q_OBJECT
public:
    static constexpr int kDefaultAdminPort = 8443;

    // Errors: `cloud.config` (owner tag empty or not a valid server tag, bad TLS bundle).
    static Result<std::unique_ptr<OpenStackBackend>> create(OpenStackBackendConfig config,
                                                            QObject *parent = nullptr);
    ~OpenStackBackend() override;

    QString name() const override { return QStringLiteral("openstack"); }
    Result<void> create(const InstanceSpec &spec) override;
    Result<void> remove(qint64 instanceId) override;
    InstanceStatus status(qint64 instanceId) const override;
    Result<QList<qint64>> listByOwner(const QString &ownerTag) const override;
    void shutdown() override;
    bool acceptsSshHostKey() const override { return true; }
    // The user data a server is created with: the template's userData and, with a host key,
    // the cloud-config part that installs it (multipart/mixed when both are there).
    static QByteArray userData(const QByteArray &templateUserData, const QByteArray &hostPrivateKey,
                               const QString &hostPublicKey);
    // Nova's start/stop/reboot and console log on the instance's server. Errors:
    // `cloud.not_found` (no server known for the instance), `cloud.shut_down`, and Nova's
    // `openstack.*` (e.g. 409 `openstack.conflict` when the server's state forbids it).
    void act(qint64 instanceId, Action action, QObject *context, Done done) override;
    void consoleLog(qint64 instanceId, int lastLines, QObject *context,
                    std::function<void(const Result<QString> &)> done) override;

    // For tests: the Nova server id of an instance (empty when none is known).
    QString serverId(qint64 instanceId) const;

private:
    struct Instance;
    OpenStackBackend(OpenStackBackendConfig config,
                     std::unique_ptr<OpenStack::KeystoneClient> keystone, QObject *parent);
    void resolveAndCreate(const std::shared_ptr<Instance> &instance);
    void sendCreate(const std::shared_ptr<Instance> &instance,
                    const OpenStack::ServerCreateRequest &request);
    void poll();
    void applyServer(Instance &instance, const OpenStack::Server &server);
    void setState(Instance &instance, InstanceStatus::State state,
                  const QString &reason = QString());
    void deleteServer(const QString &serverId);
    // Why an admin action on the instance (whose server is `server`) cannot be sent, if so.
    std::optional<Error> refusal(qint64 instanceId, const QString &server) const;

    OpenStackBackendConfig m_config;
    std::unique_ptr<OpenStack::KeystoneClient> m_keystone;
    std::unique_ptr<OpenStack::OpenStackSession> m_session;
    std::unique_ptr<OpenStack::NovaClient> m_nova;
    std::unique_ptr<OpenStack::ResourceLookup> m_lookup;
    QPointer<QObject> m_callbacks; // every callback's context: deleted by shutdown()
    QTimer *m_timer = nullptr;
    bool m_polling = false;
    bool m_listed = false;
    QHash<qint64, std::shared_ptr<Instance>> m_instances;
    QHash<qint64, QString> m_listedServers; // instance id → server id, from the last list
    QSet<QString> m_deleting;               // server ids deleted, ignored until gone from lists
    quint64 m_pollSerial = 0;
};

} // namespace Portal::Cloud
