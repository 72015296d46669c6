#pragma once
// Test-only: a CloudBackend decorator that kills the process at a fault point, so a test can
// show what a restarted portal does with what the cloud already made. Named for what it is: a
// fault injected into a real backend talking to the real cloud (the OpenStack lab), not a fake.
//
// kill-after-server-create: SIGKILL at the first moment anything asks about an instance after
// the cloud lists a server for it (the inner backend's listByOwner), before the answer reaches
// the engine — so the store still holds the instance as requested or building while Nova has
// made its server.

#include <portal-core/cloud/cloudbackend.h>

#include <memory>

namespace Portal::Testing {

class KillAfterServerCreate final : public Cloud::CloudBackend
{
public:
    KillAfterServerCreate(std::unique_ptr<Cloud::CloudBackend> inner, QString ownerTag);

    QString name() const override { return m_inner->name(); }
    Result<void> create(const Cloud::InstanceSpec &spec) override;
    Result<void> remove(qint64 instanceId) override { return m_inner->remove(instanceId); }
    Cloud::InstanceStatus status(qint64 instanceId) const override;
    Result<QList<qint64>> listByOwner(const QString &ownerTag) const override;
    void shutdown() override { m_inner->shutdown(); }
    bool acceptsSshHostKey() const override { return m_inner->acceptsSshHostKey(); }
    void act(qint64 instanceId, Action action, QObject *context, Done done) override
    {
        m_inner->act(instanceId, action, context, std::move(done));
    }
    void consoleLog(qint64 instanceId, int lastLines, QObject *context,
                    std::function<void(const Result<QString> &)> done) override
    {
        m_inner->consoleLog(instanceId, lastLines, context, std::move(done));
    }

private:
    // Dies here when a server of an instance this process created is listed by the cloud.
    void killIfCreated() const;

    std::unique_ptr<Cloud::CloudBackend> m_inner;
    QString m_ownerTag;
    QList<qint64> m_created;
};

} // namespace Portal::Testing
