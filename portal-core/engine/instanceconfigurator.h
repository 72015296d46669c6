#pragma once
// The `configuring` step of an instance's life cycle (DESIGN §5): Puppet over SSH, rendered
// from the instance's VM template, when the template has Puppet content and the portal has
// an SSH target for the instance; otherwise the step is `skipped` (never reported as success).
//
// The engine's own files join the template's: <portalFilesDir>/instance-<id>/portal-ca.pem
// (the portal CA the instance trusts) and devices.json (the ids and public keys placed on the
// instance). portalFilesDir is the template's puppet.portalFilesDir, default /etc/iot-portal.
//
// One run per instance at a time; finished() reports each, with Puppet's log (bounded to its
// last kMaxLogBytes) for the audit entry. Runs are idempotent, so a portal restarted while an
// instance was configuring simply runs it again.

#include <portal-core/provisioning/puppetrun.h>
#include <portal-core/store/store.h>

#include <QObject>

#include <map>
#include <memory>
#include <optional>
#include <set>

namespace Portal::Engine {

struct ConfiguratorConfig
{
    // Every instance is configured through this target (the local backend's machine, or a lab
    // whose servers cannot be reached directly); unset: openstack instances are reached at
    // their own address with sshUser, local ones are skipped.
    std::optional<Provisioning::SshTarget> sshTarget;
    Provisioning::SshTarget instanceDefaults; // user, key, known_hosts for instance addresses
    QString portalCaPem;
    int puppetTimeoutMs = 15 * 60 * 1000;
};

class InstanceConfigurator : public QObject
{
    Q_OBJECT
public:
    static constexpr qsizetype kMaxLogBytes = 64 * 1024;

    enum class Outcome { Skipped, Unchanged, Changed, Failed };

    InstanceConfigurator(Store::Store &store, ConfiguratorConfig config, QObject *parent = nullptr);
    ~InstanceConfigurator() override;

    // Starts configuring (or answers at once through finished() when there is nothing to do).
    // A second call for an instance still running is ignored.
    void configure(const Store::Instance &instance, const QString &backendName);
    bool isConfiguring(qint64 instanceId) const
    {
        return m_runs.count(instanceId) > 0 || m_answering.count(instanceId) > 0;
    }

signals:
    // reason: why skipped or failed; log: the run's steps and output.
    void finished(qint64 instanceId, Portal::Engine::InstanceConfigurator::Outcome outcome,
                  const QString &reason, const QString &log);

private:
    std::optional<Provisioning::SshTarget> targetFor(const Store::Instance &instance,
                                                     const QString &backendName) const;

    Store::Store &m_store;
    ConfiguratorConfig m_config;
    std::map<qint64, std::unique_ptr<Provisioning::PuppetRun>> m_runs;
    std::set<qint64> m_answering; // answered without a run, finished() not emitted yet
};

} // namespace Portal::Engine
