#pragma once
// Nova (compute API v2.1) for the portal's servers. The first call reads the compute
// endpoint's version document and negotiates a microversion: the highest the cloud offers up
// to kPreferredMicroversion, refused below kMinimumMicroversion (server tags at create need
// 2.52); every call then carries it in OpenStack-API-Version and X-OpenStack-Nova-API-Version.
//
// Bounds checked before any call: server name ≤ 255, tags ≤ 50 of ≤ 60 characters without
// '/' or ',', metadata ≤ 128 entries with keys and values ≤ 255, user data ≤ 48 KiB (≤ 64 KiB
// in base64, Nova's limit).
//
// Errors: `nova.invalid_request` (bounds above), `nova.microversion_unsupported`,
// `nova.flavor_not_found` (names the flavor and lists the ones there are), `nova.bad_answer`,
// `nova.server_error` (the server went to ERROR; carries Nova's fault message),
// `nova.server_gone` (deleted while waited for), `nova.timeout` (waiting), and the session's
// `openstack.*` (bad_request, forbidden, quota_exceeded, not_found, conflict, …).

#include "openstacksession.h"

#include <QMap>
#include <QStringList>

#include <optional>

namespace Portal::Cloud::OpenStack {

struct Flavor
{
    QString id;
    QString name;
    int vcpus = 0;
    int ramMb = 0;
    int diskGb = 0;
};

struct ServerCreateRequest
{
    enum class Networks { Listed, None, Auto };

    QString name;
    QString imageId;  // Glance image UUID
    QString flavorId; // Nova flavor id
    Networks networks = Networks::Listed;
    QStringList networkIds; // Neutron network UUIDs when Listed
    QString keyName;        // empty: none
    QStringList securityGroups;
    QByteArray userData; // raw cloud-init; sent base64
    QStringList tags;
    QMap<QString, QString> metadata;
};

struct Server
{
    QString id;
    QString name;
    QString status;    // ACTIVE, BUILD, SHUTOFF, REBOOT, HARD_REBOOT, ERROR, DELETED, …
    QString taskState; // OS-EXT-STS:task_state, empty when none
    QString faultMessage;
    QStringList tags;
    QMap<QString, QString> metadata;
    QMap<QString, QStringList> addresses; // network name → IP addresses
};

class NovaClient final : public QObject
{
    Q_OBJECT
public:
    static constexpr int kMinimumMicroversion = 52; // 2.52
    static constexpr int kPreferredMicroversion = 87;

    template<typename T>
    using Callback = std::function<void(const Result<T> &)>;
    struct Done
    {
    };

    explicit NovaClient(OpenStackSession *session, QObject *parent = nullptr);

    // "2.87" once negotiated, empty before.
    QString microversion() const;

    void negotiate(QObject *context, Callback<QString> callback);
    void listFlavors(QObject *context, Callback<QList<Flavor>> callback);
    // By name, or by id when no name matches.
    void findFlavor(const QString &nameOrId, QObject *context, Callback<Flavor> callback);
    void createServer(const ServerCreateRequest &request, QObject *context,
                      Callback<Server> callback);
    // tag empty: all servers of the project. Every listed server has its details.
    void listServers(const QString &tag, QObject *context, Callback<QList<Server>> callback);
    void showServer(const QString &serverId, QObject *context, Callback<Server> callback);
    void deleteServer(const QString &serverId, QObject *context, Callback<Done> callback);
    void startServer(const QString &serverId, QObject *context, Callback<Done> callback);
    void stopServer(const QString &serverId, QObject *context, Callback<Done> callback);
    void rebootServer(const QString &serverId, bool hard, QObject *context,
                      Callback<Done> callback);
    void consoleLog(const QString &serverId, int lastLines, QObject *context,
                    Callback<QString> callback);

    // Polls every pollIntervalMs until the server's status is targetStatus (and no task is
    // pending), emitting serverProgress on every change of status or task state. ERROR ends
    // with `nova.server_error`, a vanished server with `nova.server_gone` (or success when
    // targetStatus is "DELETED"), and timeoutMs with `nova.timeout` naming the last state.
    void waitForStatus(const QString &serverId, const QString &targetStatus, int timeoutMs,
                       QObject *context, Callback<Server> callback);
    void setPollInterval(int pollIntervalMs) { m_pollIntervalMs = pollIntervalMs; }

    static Result<Server> parseServer(const QJsonObject &server);
    static Result<void> validate(const ServerCreateRequest &request);

signals:
    void serverProgress(const QString &serverId, const QString &status, const QString &taskState);

private:
    struct Wait;
    void compute(ServiceRequest request, QObject *context, OpenStackSession::AnswerCallback cb);
    void action(const QString &serverId, const QJsonObject &body, const QString &what,
                QObject *context, Callback<Done> callback);
    void poll(const std::shared_ptr<Wait> &wait);

    OpenStackSession *m_session;
    int m_microversion = 0; // minor number; 0 until negotiated
    int m_pollIntervalMs = 500;
};

} // namespace Portal::Cloud::OpenStack
