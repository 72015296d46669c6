#include "novaclient.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>
#include <QTimer>

namespace Portal::Cloud::OpenStack {

namespace {

constexpr int kMaxNameChars = 255;
constexpr int kMaxTags = 50;
constexpr int kMaxTagChars = 60;
constexpr int kMaxMetadataEntries = 128;
constexpr int kMaxMetadataChars = 255;
constexpr int kMaxUserDataBytes = 48 * 1024;
constexpr int kMaxConsoleLines = 10000;

QString versionString(int minor)
{
    return QStringLiteral("2.%1").arg(minor);
}

// "2.93" → 93; anything else → -1.
int minorOf(const QString &version)
{
    const QStringList parts = version.split(QLatin1Char('.'));
    if (parts.size() != 2 || parts.at(0) != QLatin1String("2"))
        return -1;
    bool ok = false;
    const int minor = parts.at(1).toInt(&ok);
    return ok && minor >= 0 && minor < 1000 ? minor : -1;
}

} // namespace

struct NovaClient::Wait
{
    QString serverId;
    QString targetStatus;
    QPointer<QObject> context;
    Callback<Server> callback;
    QElapsedTimer elapsed;
    int timeoutMs = 0;
    QString lastStatus;
    QString lastTaskState;
    bool seen = false;
};

NovaClient::NovaClient(OpenStackSession *session, QObject *parent)
    : QObject(parent), m_session(session)
{
}

QString NovaClient::microversion() const
{
    return m_microversion ? versionString(m_microversion) : QString();
}

void NovaClient::negotiate(QObject *context, Callback<QString> callback)
{
    if (m_microversion) {
        const QString version = microversion();
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(
            this,
            [guard, version, callback] {
                if (guard)
                    callback(version);
            },
            Qt::QueuedConnection);
        return;
    }
    ServiceRequest request;
    request.serviceType = QStringLiteral("compute");
    request.path = QStringLiteral("/");
    request.what = QStringLiteral("nova: version document");
    m_session->call(request, context, [this, callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        const QJsonObject version =
            answer->json.object().value(QLatin1String("version")).toObject();
        const int maximum = minorOf(version.value(QLatin1String("version")).toString());
        const int minimum = minorOf(version.value(QLatin1String("min_version")).toString());
        if (maximum < kMinimumMicroversion || minimum > kPreferredMicroversion) {
            callback(makeError(
                "nova.microversion_unsupported",
                "the compute API offers microversions " +
                    version.value(QLatin1String("min_version")).toString().left(8).toStdString() +
                    " to " +
                    version.value(QLatin1String("version")).toString().left(8).toStdString() +
                    "; the portal needs 2." + std::to_string(kMinimumMicroversion) + " or newer"));
            return;
        }
        m_microversion = std::min(maximum, kPreferredMicroversion);
        callback(microversion());
    });
}

void NovaClient::compute(ServiceRequest request, QObject *context,
                         OpenStackSession::AnswerCallback callback)
{
    QPointer<QObject> guard(context);
    negotiate(context, [this, request, guard, callback](const Result<QString> &version) mutable {
        if (!version) {
            callback(version.error());
            return;
        }
        request.serviceType = QStringLiteral("compute");
        request.headers.append({"OpenStack-API-Version", "compute " + version->toLatin1()});
        request.headers.append({"X-OpenStack-Nova-API-Version", version->toLatin1()});
        m_session->call(request, guard, callback);
    });
}

void NovaClient::listFlavors(QObject *context, Callback<QList<Flavor>> callback)
{
    ServiceRequest request;
    request.path = QStringLiteral("/flavors/detail");
    request.what = QStringLiteral("nova: list flavors");
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        QList<Flavor> flavors;
        for (const QJsonValue &value :
             answer->json.object().value(QLatin1String("flavors")).toArray()) {
            const QJsonObject object = value.toObject();
            Flavor flavor;
            flavor.id = object.value(QLatin1String("id")).toString();
            flavor.name = object.value(QLatin1String("name")).toString();
            flavor.vcpus = object.value(QLatin1String("vcpus")).toInt();
            flavor.ramMb = object.value(QLatin1String("ram")).toInt();
            flavor.diskGb = object.value(QLatin1String("disk")).toInt();
            if (!flavor.id.isEmpty())
                flavors.append(flavor);
        }
        callback(flavors);
    });
}

void NovaClient::findFlavor(const QString &nameOrId, QObject *context, Callback<Flavor> callback)
{
    listFlavors(context, [nameOrId, callback](const Result<QList<Flavor>> &flavors) {
        if (!flavors) {
            callback(flavors.error());
            return;
        }
        QStringList names;
        for (const Flavor &flavor : *flavors) {
            if (flavor.name == nameOrId) {
                callback(flavor);
                return;
            }
            names.append(flavor.name);
        }
        for (const Flavor &flavor : *flavors) {
            if (flavor.id == nameOrId) {
                callback(flavor);
                return;
            }
        }
        callback(makeError(
            "nova.flavor_not_found",
            "no flavor named " + nameOrId.left(kMaxNameChars).toStdString() +
                " (the cloud has: " + names.join(QStringLiteral(", ")).toStdString() + ")"));
    });
}

Result<void> NovaClient::validate(const ServerCreateRequest &request)
{
    const auto invalid = [](const std::string &what) {
        return makeError("nova.invalid_request", what);
    };
    if (request.name.isEmpty() || request.name.size() > kMaxNameChars)
        return invalid("the server name must have 1 to 255 characters");
    if (request.imageId.isEmpty())
        return invalid("no image given");
    if (request.flavorId.isEmpty())
        return invalid("no flavor given");
    if (request.networks == ServerCreateRequest::Networks::Listed && request.networkIds.isEmpty())
        return invalid("no network given (say none or auto to create without one)");
    if (request.tags.size() > kMaxTags)
        return invalid("more than 50 tags");
    for (const QString &tag : request.tags) {
        if (tag.isEmpty() || tag.size() > kMaxTagChars || tag.contains(QLatin1Char('/')) ||
            tag.contains(QLatin1Char(',')))
            return invalid("a tag must have 1 to 60 characters and no '/' or ','");
    }
    if (request.metadata.size() > kMaxMetadataEntries)
        return invalid("more than 128 metadata entries");
    for (auto it = request.metadata.cbegin(); it != request.metadata.cend(); ++it) {
        if (it.key().isEmpty() || it.key().size() > kMaxMetadataChars ||
            it.value().size() > kMaxMetadataChars)
            return invalid("metadata keys need 1 to 255 characters, values at most 255");
    }
    if (request.userData.size() > kMaxUserDataBytes)
        return invalid("user data is larger than 48 KiB");
    return {};
}

void NovaClient::createServer(const ServerCreateRequest &create, QObject *context,
                              Callback<Server> callback)
{
    auto valid = validate(create);
    if (!valid) {
        const Error error = valid.error();
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(
            this,
            [guard, error, callback] {
                if (guard)
                    callback(error);
            },
            Qt::QueuedConnection);
        return;
    }
    QJsonObject server{{QStringLiteral("name"), create.name},
                       {QStringLiteral("imageRef"), create.imageId},
                       {QStringLiteral("flavorRef"), create.flavorId}};
    switch (create.networks) {
    case ServerCreateRequest::Networks::None:
        server.insert(QStringLiteral("networks"), QStringLiteral("none"));
        break;
    case ServerCreateRequest::Networks::Auto:
        server.insert(QStringLiteral("networks"), QStringLiteral("auto"));
        break;
    case ServerCreateRequest::Networks::Listed: {
        QJsonArray networks;
        for (const QString &id : create.networkIds)
            networks.append(QJsonObject{{QStringLiteral("uuid"), id}});
        server.insert(QStringLiteral("networks"), networks);
        break;
    }
    }
    if (!create.keyName.isEmpty())
        server.insert(QStringLiteral("key_name"), create.keyName);
    if (!create.securityGroups.isEmpty()) {
        QJsonArray groups;
        for (const QString &group : create.securityGroups)
            groups.append(QJsonObject{{QStringLiteral("name"), group}});
        server.insert(QStringLiteral("security_groups"), groups);
    }
    if (!create.userData.isEmpty())
        server.insert(QStringLiteral("user_data"), QString::fromLatin1(create.userData.toBase64()));
    if (!create.tags.isEmpty())
        server.insert(QStringLiteral("tags"), QJsonArray::fromStringList(create.tags));
    if (!create.metadata.isEmpty()) {
        QJsonObject metadata;
        for (auto it = create.metadata.cbegin(); it != create.metadata.cend(); ++it)
            metadata.insert(it.key(), it.value());
        server.insert(QStringLiteral("metadata"), metadata);
    }

    ServiceRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/servers");
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("server"), server}})
                       .toJson(QJsonDocument::Compact);
    request.idempotent = false;
    request.what = QStringLiteral("nova: create server ") + create.name;
    const QString name = create.name;
    compute(request, context, [callback, name](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        const QJsonObject created = answer->json.object().value(QLatin1String("server")).toObject();
        Server accepted;
        accepted.id = created.value(QLatin1String("id")).toString();
        accepted.name = name;
        accepted.status = QStringLiteral("BUILD");
        if (accepted.id.isEmpty()) {
            callback(makeError("nova.bad_answer", "create server answered without a server id"));
            return;
        }
        callback(accepted);
    });
}

Result<Server> NovaClient::parseServer(const QJsonObject &object)
{
    Server server;
    server.id = object.value(QLatin1String("id")).toString();
    if (server.id.isEmpty())
        return makeError("nova.bad_answer", "a server without an id");
    server.name = object.value(QLatin1String("name")).toString();
    server.status = object.value(QLatin1String("status")).toString();
    server.taskState = object.value(QLatin1String("OS-EXT-STS:task_state")).toString();
    server.faultMessage =
        object.value(QLatin1String("fault")).toObject().value(QLatin1String("message")).toString();
    for (const QJsonValue &tag : object.value(QLatin1String("tags")).toArray())
        server.tags.append(tag.toString());
    const QJsonObject metadata = object.value(QLatin1String("metadata")).toObject();
    for (auto it = metadata.begin(); it != metadata.end(); ++it)
        server.metadata.insert(it.key(), it.value().toString());
    const QJsonObject addresses = object.value(QLatin1String("addresses")).toObject();
    for (auto it = addresses.begin(); it != addresses.end(); ++it) {
        QStringList list;
        for (const QJsonValue &address : it.value().toArray())
            list.append(address.toObject().value(QLatin1String("addr")).toString());
        server.addresses.insert(it.key(), list);
    }
    return server;
}

void NovaClient::listServers(const QString &tag, QObject *context, Callback<QList<Server>> callback)
{
    ServiceRequest request;
    request.path = QStringLiteral("/servers/detail");
    if (!tag.isEmpty())
        request.query.addQueryItem(QStringLiteral("tags"), tag);
    request.what = QStringLiteral("nova: list servers");
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        QList<Server> servers;
        for (const QJsonValue &value :
             answer->json.object().value(QLatin1String("servers")).toArray()) {
            auto server = parseServer(value.toObject());
            if (!server) {
                callback(server.error());
                return;
            }
            servers.append(*server);
        }
        callback(servers);
    });
}

void NovaClient::showServer(const QString &serverId, QObject *context, Callback<Server> callback)
{
    ServiceRequest request;
    request.path =
        QStringLiteral("/servers/") + QString::fromLatin1(QUrl::toPercentEncoding(serverId));
    request.what = QStringLiteral("nova: show server ") + serverId.left(64);
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        callback(parseServer(answer->json.object().value(QLatin1String("server")).toObject()));
    });
}

void NovaClient::deleteServer(const QString &serverId, QObject *context, Callback<Done> callback)
{
    ServiceRequest request;
    request.method = "DELETE";
    request.path =
        QStringLiteral("/servers/") + QString::fromLatin1(QUrl::toPercentEncoding(serverId));
    request.what = QStringLiteral("nova: delete server ") + serverId.left(64);
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer)
            callback(answer.error());
        else
            callback(Done{});
    });
}

void NovaClient::action(const QString &serverId, const QJsonObject &body, const QString &what,
                        QObject *context, Callback<Done> callback)
{
    ServiceRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/servers/") +
                   QString::fromLatin1(QUrl::toPercentEncoding(serverId)) +
                   QStringLiteral("/action");
    request.body = QJsonDocument(body).toJson(QJsonDocument::Compact);
    request.what = QStringLiteral("nova: ") + what + QLatin1Char(' ') + serverId.left(64);
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer)
            callback(answer.error());
        else
            callback(Done{});
    });
}

void NovaClient::startServer(const QString &serverId, QObject *context, Callback<Done> callback)
{
    action(serverId, QJsonObject{{QStringLiteral("os-start"), QJsonValue()}},
           QStringLiteral("start server"), context, std::move(callback));
}

void NovaClient::stopServer(const QString &serverId, QObject *context, Callback<Done> callback)
{
    action(serverId, QJsonObject{{QStringLiteral("os-stop"), QJsonValue()}},
           QStringLiteral("stop server"), context, std::move(callback));
}

void NovaClient::rebootServer(const QString &serverId, bool hard, QObject *context,
                              Callback<Done> callback)
{
    const QJsonObject type{
        {QStringLiteral("type"), hard ? QStringLiteral("HARD") : QStringLiteral("SOFT")}};
    action(serverId, QJsonObject{{QStringLiteral("reboot"), type}}, QStringLiteral("reboot server"),
           context, std::move(callback));
}

void NovaClient::consoleLog(const QString &serverId, int lastLines, QObject *context,
                            Callback<QString> callback)
{
    ServiceRequest request;
    request.method = "POST";
    request.path = QStringLiteral("/servers/") +
                   QString::fromLatin1(QUrl::toPercentEncoding(serverId)) +
                   QStringLiteral("/action");
    const QJsonObject length{
        {QStringLiteral("length"), std::clamp(lastLines, 1, kMaxConsoleLines)}};
    request.body = QJsonDocument(QJsonObject{{QStringLiteral("os-getConsoleOutput"), length}})
                       .toJson(QJsonDocument::Compact);
    request.what = QStringLiteral("nova: console log ") + serverId.left(64);
    compute(request, context, [callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        callback(answer->json.object().value(QLatin1String("output")).toString());
    });
}

void NovaClient::waitForStatus(const QString &serverId, const QString &targetStatus, int timeoutMs,
                               QObject *context, Callback<Server> callback)
{
    auto wait = std::make_shared<Wait>();
    wait->serverId = serverId;
    wait->targetStatus = targetStatus;
    wait->context = context;
    wait->callback = std::move(callback);
    wait->timeoutMs = timeoutMs;
    wait->elapsed.start();
    poll(wait);
}

void NovaClient::poll(const std::shared_ptr<Wait> &wait)
{
    if (!wait->context)
        return;
    showServer(wait->serverId, wait->context, [this, wait](const Result<Server> &server) {
        if (!server) {
            if (server.error().code == "openstack.not_found") {
                if (wait->targetStatus == QLatin1String("DELETED")) {
                    Server gone;
                    gone.id = wait->serverId;
                    gone.status = QStringLiteral("DELETED");
                    emit serverProgress(wait->serverId, gone.status, QString());
                    wait->callback(gone);
                } else {
                    wait->callback(
                        makeError("nova.server_gone", "server " + wait->serverId.toStdString() +
                                                          " vanished while waiting for " +
                                                          wait->targetStatus.toStdString()));
                }
                return;
            }
            wait->callback(server.error());
            return;
        }
        if (!wait->seen || server->status != wait->lastStatus ||
            server->taskState != wait->lastTaskState) {
            wait->seen = true;
            wait->lastStatus = server->status;
            wait->lastTaskState = server->taskState;
            emit serverProgress(wait->serverId, server->status, server->taskState);
        }
        if (server->status == wait->targetStatus && server->taskState.isEmpty()) {
            wait->callback(*server);
            return;
        }
        if (server->status == QLatin1String("ERROR")) {
            wait->callback(makeError("nova.server_error",
                                     "server " + wait->serverId.toStdString() + " went to ERROR: " +
                                         (server->faultMessage.isEmpty()
                                              ? std::string("Nova gave no fault message")
                                              : server->faultMessage.left(400).toStdString())));
            return;
        }
        if (wait->elapsed.elapsed() >= wait->timeoutMs) {
            wait->callback(makeError(
                "nova.timeout",
                "server " + wait->serverId.toStdString() + " not " +
                    wait->targetStatus.toStdString() + " after " + std::to_string(wait->timeoutMs) +
                    " ms (last: " + server->status.toStdString() +
                    (server->taskState.isEmpty() ? std::string()
                                                 : "/" + server->taskState.toStdString()) +
                    ")"));
            return;
        }
        QTimer::singleShot(m_pollIntervalMs, this, [this, wait] { poll(wait); });
    });
}

} // namespace Portal::Cloud::OpenStack
