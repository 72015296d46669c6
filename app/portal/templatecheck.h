#pragma once
// "Validate against the cloud" for a VM template (issue 6): the cloud named under Connections
// is asked whether the template's image, flavor, network, key pair and security groups exist
// (Glance, Nova, Neutron through Portal::Cloud::OpenStack), and what there is of each (for the
// editor's pickers).
// Asynchronous; done is called once with one line per item checked, or the reason nothing
// could be checked.

#include <portal-core/base/result.h>

#include <QJsonObject>
#include <QObject>
#include <QStringList>

#include <functional>
#include <memory>

namespace Portal::Cloud::OpenStack {
class KeystoneClient;
class NovaClient;
class OpenStackSession;
class ResourceLookup;
} // namespace Portal::Cloud::OpenStack

namespace Portal::Gui {

class TemplateCloudCheck final : public QObject
{
    Q_OBJECT
public:
    struct Report
    {
        QStringList lines; // "image cirros: found (active)", "flavor m9: not found: …"
        bool allFound = true;
        // What the cloud offers, for the editor's pickers.
        QStringList flavors;
        QStringList images;
        QStringList networks;
        QStringList keyPairs;
        QStringList securityGroups;
    };
    using Done = std::function<void(const Result<Report> &)>;

    TemplateCloudCheck(QString cloudsFile, QString cloudName, QObject *parent = nullptr);
    ~TemplateCloudCheck() override;

    void check(const QJsonObject &spec, Done done);

private:
    void finishOne();

    QString m_cloudsFile;
    QString m_cloudName;
    std::unique_ptr<Cloud::OpenStack::KeystoneClient> m_keystone;
    Cloud::OpenStack::OpenStackSession *m_session = nullptr;
    Cloud::OpenStack::ResourceLookup *m_lookup = nullptr;
    Cloud::OpenStack::NovaClient *m_nova = nullptr;
    Report m_report;
    int m_pending = 0;
    Done m_done;
};

} // namespace Portal::Gui
