#include "resourcelookup.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QPointer>

namespace Portal::Cloud::OpenStack {

namespace {

constexpr int kMaxNameChars = 255;

NamedResource toResource(const QJsonObject &object)
{
    return NamedResource{object.value(QLatin1String("id")).toString(),
                         object.value(QLatin1String("name")).toString(),
                         object.value(QLatin1String("status")).toString()};
}

} // namespace

ResourceLookup::ResourceLookup(OpenStackSession *session, QObject *parent)
    : QObject(parent), m_session(session)
{
}

void ResourceLookup::findImage(const QString &nameOrId, QObject *context, Callback callback)
{
    find(QStringLiteral("image"), QStringLiteral("/v2/images"), QStringLiteral("images"), nameOrId,
         "image", "glance", context, std::move(callback));
}

void ResourceLookup::findNetwork(const QString &nameOrId, QObject *context, Callback callback)
{
    find(QStringLiteral("network"), QStringLiteral("/v2.0/networks"), QStringLiteral("networks"),
         nameOrId, "network", "neutron", context, std::move(callback));
}

void ResourceLookup::listNames(Listing listing, QObject *context, NamesCallback callback)
{
    struct Source
    {
        const char *serviceType;
        const char *path;
        const char *collection;
    };
    static constexpr Source kSources[] = {
        {"image", "/v2/images", "images"},
        {"network", "/v2.0/networks", "networks"},
        {"network", "/v2.0/security-groups", "security_groups"},
        {"compute", "/os-keypairs", "keypairs"},
    };
    const Source &source = kSources[int(listing)];
    ServiceRequest request;
    request.serviceType = QLatin1String(source.serviceType);
    request.path = QLatin1String(source.path);
    const QString collection = QLatin1String(source.collection);
    if (listing != Listing::KeyPairs)
        request.query.addQueryItem(QStringLiteral("limit"), QString::number(kMaxListedNames));
    request.what = QStringLiteral("list ") + collection;
    m_session->call(request, context, [collection, callback](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        QStringList names;
        for (const QJsonValue &entry : answer->json.object().value(collection).toArray()) {
            if (names.size() == kMaxListedNames)
                break;
            QJsonObject object = entry.toObject();
            // Nova wraps each as {"keypair": {"name": …}}.
            if (object.contains(QLatin1String("keypair")))
                object = object.value(QLatin1String("keypair")).toObject();
            const QString name = object.value(QLatin1String("name")).toString();
            if (!name.isEmpty() && name.size() <= kMaxNameChars)
                names.append(name);
        }
        names.sort();
        names.removeDuplicates();
        callback(names);
    });
}

void ResourceLookup::find(const QString &serviceType, const QString &collectionPath,
                          const QString &collection, const QString &nameOrId,
                          const std::string &kind, const std::string &module, QObject *context,
                          Callback callback)
{
    const std::string shownName = nameOrId.left(kMaxNameChars).toStdString();
    if (nameOrId.isEmpty() || nameOrId.size() > kMaxNameChars) {
        const Error error = makeError(module + ".invalid_request",
                                      "an " + kind + " name needs 1 to 255 characters");
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
    ServiceRequest byName;
    byName.serviceType = serviceType;
    byName.path = collectionPath;
    byName.query.addQueryItem(QStringLiteral("name"), nameOrId);
    byName.what = QString::fromStdString(module + ": find " + kind);
    QPointer<QObject> guard(context);
    m_session->call(byName, context, [=](const Result<ServiceAnswer> &answer) {
        if (!answer) {
            callback(answer.error());
            return;
        }
        const QJsonArray found = answer->json.object().value(collection).toArray();
        if (found.size() > 1) {
            callback(makeError(module + ".ambiguous", std::to_string(found.size()) + " " + kind +
                                                          "s are named " + shownName));
            return;
        }
        if (found.size() == 1) {
            callback(toResource(found.first().toObject()));
            return;
        }
        // Not a name: perhaps an id.
        ServiceRequest byId;
        byId.serviceType = serviceType;
        byId.path = collectionPath + QLatin1Char('/') +
                    QString::fromLatin1(QUrl::toPercentEncoding(nameOrId));
        byId.what = byName.what;
        m_session->call(byId, guard, [=](const Result<ServiceAnswer> &idAnswer) {
            const Error missing = makeError(module + "." + kind + "_not_found",
                                            "the cloud has no " + kind + " named " + shownName);
            if (!idAnswer) {
                // Glance answers 400/404 for a malformed id, Neutron 404: both mean "no such".
                const std::string &code = idAnswer.error().code;
                callback(code == "openstack.not_found" || code == "openstack.bad_request"
                             ? missing
                             : idAnswer.error());
                return;
            }
            QJsonObject object = idAnswer->json.object();
            // Neutron wraps one network as {"network": {…}}; Glance answers the image itself.
            if (object.contains(QLatin1String("network")))
                object = object.value(QLatin1String("network")).toObject();
            NamedResource resource = toResource(object);
            if (resource.id.isEmpty())
                callback(missing);
            else
                callback(resource);
        });
    });
}

} // namespace Portal::Cloud::OpenStack
