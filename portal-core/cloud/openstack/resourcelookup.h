#pragma once
// Names → ids for what a server create needs besides a flavor: Glance images (GET
// /v2/images?name=) and Neutron networks (GET /v2.0/networks?name=); and the names of images,
// networks, security groups (Neutron) and key pairs (Nova) for the template editor's pickers. A
// name matches exactly; an id is accepted too. More than one match is an error (Glance and Neutron
// allow duplicate names; the portal refuses to guess).
//
// Errors: `glance.image_not_found`, `neutron.network_not_found` (name the missing thing),
// `glance.ambiguous`, `neutron.ambiguous`, and the session's `openstack.*`.

#include "openstacksession.h"

namespace Portal::Cloud::OpenStack {

struct NamedResource
{
    QString id;
    QString name;
    QString status; // image: active, queued, …; network: ACTIVE, DOWN, …
};

class ResourceLookup final : public QObject
{
    Q_OBJECT
public:
    using Callback = std::function<void(const Result<NamedResource> &)>;

    explicit ResourceLookup(OpenStackSession *session, QObject *parent = nullptr);

    void findImage(const QString &nameOrId, QObject *context, Callback callback);
    void findNetwork(const QString &nameOrId, QObject *context, Callback callback);

    // The names a template may choose from (for pickers), sorted, without duplicates; at most
    // kMaxListedNames (the first the cloud answers), each at most 255 characters.
    enum class Listing { Images, Networks, SecurityGroups, KeyPairs }; // kSources' order
    static constexpr int kMaxListedNames = 1000;
    using NamesCallback = std::function<void(const Result<QStringList> &)>;
    void listNames(Listing listing, QObject *context, NamesCallback callback);

private:
    void find(const QString &serviceType, const QString &collectionPath, const QString &collection,
              const QString &nameOrId, const std::string &kind, const std::string &module,
              QObject *context, Callback callback);

    OpenStackSession *m_session;
};

} // namespace Portal::Cloud::OpenStack
