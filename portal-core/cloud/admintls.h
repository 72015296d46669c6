#pragma once
// The TLS client configuration the portal uses towards instances' admin API: the portal-admin
// client certificate and key, and the portal CA as the only trust anchor (instances' server
// certificates are issued by it). Errors: `cloud.tls_config` naming the unreadable file.

#include <portal-core/base/result.h>

#include <QSslConfiguration>
#include <QString>

namespace Portal::Cloud {

struct AdminTlsFiles
{
    QString clientCertificatePath;
    QString clientKeyPath;
    QString caCertificatePath;
};

Result<QSslConfiguration> makeAdminTlsConfiguration(const AdminTlsFiles &files);

} // namespace Portal::Cloud
