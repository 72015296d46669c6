#include "templatecheck.h"

#include "connectionspage.h"

#include <portal-core/cloud/openstack/cloudsconfig.h>
#include <portal-core/cloud/openstack/keystoneclient.h>
#include <portal-core/cloud/openstack/novaclient.h>
#include <portal-core/cloud/openstack/openstacksession.h>
#include <portal-core/cloud/openstack/resourcelookup.h>

#include <QJsonArray>

namespace Portal::Gui {

TemplateCloudCheck::TemplateCloudCheck(QString cloudsFile, QString cloudName, QObject *parent)
    : QObject(parent), m_cloudsFile(std::move(cloudsFile)), m_cloudName(std::move(cloudName))
{
}

TemplateCloudCheck::~TemplateCloudCheck() = default;

void TemplateCloudCheck::check(const QJsonObject &spec, Done done)
{
    auto config = loadCloudConfig(m_cloudsFile, m_cloudName);
    if (!config)
        return done(config.error());
    auto keystone = Cloud::OpenStack::KeystoneClient::create(*config, this);
    if (!keystone)
        return done(keystone.error());
    m_keystone = std::move(*keystone);
    m_session = new Cloud::OpenStack::OpenStackSession(m_keystone.get(), this);
    m_lookup = new Cloud::OpenStack::ResourceLookup(m_session, this);
    m_nova = new Cloud::OpenStack::NovaClient(m_session, this);
    m_report = Report();
    m_done = std::move(done);

    const auto record = [this](const QString &what, const QString &name, const Error *error,
                               const QString &detail) {
        m_report.allFound = m_report.allFound && !error;
        m_report.lines.append(
            error
                ? tr("%1 %2: not found: %3").arg(what, name, QString::fromStdString(error->message))
                : tr("%1 %2: found (%3)").arg(what, name, detail));
        finishOne();
    };
    const QString image = spec.value(QStringLiteral("image")).toString();
    const QString flavor = spec.value(QStringLiteral("flavor")).toString();
    const QString network = spec.value(QStringLiteral("network")).toString();
    const QString keyName = spec.value(QStringLiteral("keyName")).toString();
    QStringList groups;
    for (const QJsonValue &group : spec.value(QStringLiteral("securityGroups")).toArray())
        groups.append(group.toString());
    using Listing = Cloud::OpenStack::ResourceLookup::Listing;
    // One step per lookup, flavor list and listing; the key pair and the groups are checked
    // against their listings.
    m_pending = 1 + !image.isEmpty() + !network.isEmpty() + 4;
    const auto listInto = [this](Listing listing, QStringList Report::*into, const QString &what,
                                 const QStringList &wanted) {
        m_lookup->listNames(
            listing, this, [this, into, what, wanted](const Result<QStringList> &names) {
                if (names)
                    m_report.*into = *names;
                for (const QString &name : wanted) {
                    const bool found = names && names->contains(name);
                    m_report.allFound = m_report.allFound && found;
                    m_report.lines.append(
                        found ? tr("%1 %2: found").arg(what, name)
                        : names
                            ? tr("%1 %2: not found: the cloud has %3")
                                  .arg(what, name,
                                       names->isEmpty() ? tr("none")
                                                        : names->join(QStringLiteral(", ")))
                            : tr("%1 %2: not found: %3")
                                  .arg(what, name, QString::fromStdString(names.error().message)));
                }
                finishOne();
            });
    };
    listInto(Listing::Images, &Report::images, tr("image"), {});
    listInto(Listing::Networks, &Report::networks, tr("network"), {});
    listInto(Listing::KeyPairs, &Report::keyPairs, tr("key pair"),
             keyName.isEmpty() ? QStringList() : QStringList{keyName});
    listInto(Listing::SecurityGroups, &Report::securityGroups, tr("security group"), groups);
    if (!image.isEmpty())
        m_lookup->findImage(image, this,
                            [record, image](const Result<Cloud::OpenStack::NamedResource> &found) {
                                record(tr("image"), image, found ? nullptr : &found.error(),
                                       found ? found->status : QString());
                            });
    if (!network.isEmpty() && network != QLatin1String("none"))
        m_lookup->findNetwork(
            network, this, [record, network](const Result<Cloud::OpenStack::NamedResource> &found) {
                record(tr("network"), network, found ? nullptr : &found.error(),
                       found ? found->status : QString());
            });
    else if (!network.isEmpty())
        --m_pending; // "none": no network asked for
    // Flavors: the list for the picker, and the template's among them.
    m_nova->negotiate(this, [this, flavor, record](const Result<QString> &negotiated) {
        if (!negotiated)
            return record(tr("flavor"), flavor, &negotiated.error(), QString());
        m_nova->listFlavors(this, [this, flavor,
                                   record](const Result<QList<Cloud::OpenStack::Flavor>> &flavors) {
            if (!flavors)
                return record(tr("flavor"), flavor, &flavors.error(), QString());
            const Cloud::OpenStack::Flavor *match = nullptr;
            for (const Cloud::OpenStack::Flavor &candidate : *flavors) {
                m_report.flavors.append(candidate.name);
                if (candidate.name == flavor || candidate.id == flavor)
                    match = &candidate;
            }
            if (flavor.isEmpty())
                return finishOne();
            const Error missing = makeError("nova.flavor_not_found",
                                            tr("the cloud has %1")
                                                .arg(m_report.flavors.join(QStringLiteral(", ")))
                                                .toStdString());
            record(tr("flavor"), flavor, match ? nullptr : &missing,
                   match ? tr("%1 vCPU, %2 MiB").arg(match->vcpus).arg(match->ramMb) : QString());
        });
    });
}

void TemplateCloudCheck::finishOne()
{
    if (--m_pending > 0)
        return;
    Done done = std::move(m_done);
    if (done)
        done(m_report);
}

} // namespace Portal::Gui
