#include "faultinjectingbackend.h"

#include <csignal>

namespace Portal::Testing {

KillAfterServerCreate::KillAfterServerCreate(std::unique_ptr<Cloud::CloudBackend> inner,
                                             QString ownerTag)
    : m_inner(std::move(inner)), m_ownerTag(std::move(ownerTag))
{
    // Checked before the signal is passed on, so the engine never hears of the server.
    connect(m_inner.get(), &Cloud::CloudBackend::statusChanged, this, [this](qint64 instanceId) {
        killIfCreated();
        emit statusChanged(instanceId);
    });
}

Result<void> KillAfterServerCreate::create(const Cloud::InstanceSpec &spec)
{
    auto created = m_inner->create(spec);
    if (created)
        m_created.append(spec.instanceId);
    return created;
}

Cloud::InstanceStatus KillAfterServerCreate::status(qint64 instanceId) const
{
    killIfCreated();
    return m_inner->status(instanceId);
}

Result<QList<qint64>> KillAfterServerCreate::listByOwner(const QString &ownerTag) const
{
    killIfCreated();
    return m_inner->listByOwner(ownerTag);
}

void KillAfterServerCreate::killIfCreated() const
{
    if (m_created.isEmpty())
        return;
    auto listed = m_inner->listByOwner(m_ownerTag);
    if (!listed)
        return;
    for (qint64 instanceId : m_created) {
        if (listed->contains(instanceId)) {
            qWarning("test fault point: SIGKILL once the cloud lists the server of instance %lld",
                     static_cast<long long>(instanceId));
            ::raise(SIGKILL);
        }
    }
}

} // namespace Portal::Testing
