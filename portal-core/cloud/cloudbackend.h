#pragma once
// Where instances run (DESIGN §5): a backend creates, deletes and reports the machines that
// host an instance's iot-m2m-service. The engine persists the life cycle in the store and asks
// the backend; a backend keeps what it needs to find its machines again after a restart
// (ownership tags), so reconciliation never leaves an orphan or a duplicate.

#include <portal-core/base/result.h>

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QString>

namespace Portal::Cloud {

struct InstanceSpec
{
    qint64 instanceId = 0;
    QString ownerTag; // the portal's mark on everything it creates
    QString templateName;
    QJsonObject templateSpec;
};

struct InstanceStatus
{
    enum class State { Missing, Building, Running, Failed };
    State state = State::Missing;
    QString url; // https://127.0.0.1:port once Running
    int port = 0;
    QString dataDir;
    QString reason; // set when Failed
};

class CloudBackend : public QObject
{
    Q_OBJECT
public:
    using QObject::QObject;
    ~CloudBackend() override = default;

    virtual QString name() const = 0; // "local", "openstack"
    // Starts creating (or resumes an instance this backend already holds). Asynchronous: the
    // state moves on through status() and statusChanged. Errors are immediate refusals.
    virtual Result<void> create(const InstanceSpec &spec) = 0;
    // Stops and removes the instance (data kept where the backend keeps data).
    virtual Result<void> remove(qint64 instanceId) = 0;
    virtual InstanceStatus status(qint64 instanceId) const = 0;
    // Instance ids this backend finds carrying ownerTag (including stopped ones).
    virtual Result<QList<qint64>> listByOwner(const QString &ownerTag) const = 0;
    // Stops supervising without deleting anything (orderly shutdown of the portal).
    virtual void shutdown() = 0;

signals:
    void statusChanged(qint64 instanceId);
};

} // namespace Portal::Cloud
