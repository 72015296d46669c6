#pragma once
// Test-only FAKE: a CloudBackend whose machines are entries in a map that the test moves from
// state to state itself (setStatus), for fast tests of the engine's rules without a machine.
// Nothing runs on it; the process-level tests use LocalBackend and the OpenStack lab.

#include <portal-core/cloud/cloudbackend.h>

#include <QMap>

namespace Portal::Testing {

class FakeCloudBackend final : public Cloud::CloudBackend
{
public:
    QString name() const override { return QStringLiteral("local"); }
    Result<void> create(const Cloud::InstanceSpec &spec) override
    {
        m_created.append(spec.instanceId);
        if (!m_machines.contains(spec.instanceId))
            m_machines[spec.instanceId].state = Cloud::InstanceStatus::State::Building;
        return {};
    }
    Result<void> remove(qint64 instanceId) override
    {
        m_machines.remove(instanceId);
        return {};
    }
    Cloud::InstanceStatus status(qint64 instanceId) const override
    {
        return m_machines.value(instanceId);
    }
    Result<QList<qint64>> listByOwner(const QString &) const override { return m_machines.keys(); }
    void shutdown() override {}

    // Moves a machine (creating it when absent) and tells the engine, as a real backend does.
    void setStatus(qint64 instanceId, const Cloud::InstanceStatus &status)
    {
        m_machines[instanceId] = status;
        emit statusChanged(instanceId);
    }
    const QList<qint64> &created() const { return m_created; }

private:
    QMap<qint64, Cloud::InstanceStatus> m_machines;
    QList<qint64> m_created;
};

} // namespace Portal::Testing
