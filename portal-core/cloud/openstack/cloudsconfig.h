#pragma once
// Where the OpenStack backend gets its cloud: the configuration OpenStack users already have
// (clouds.yaml, secure.yaml, OS_* variables), read the way the openstack CLI reads it.
//
// Files: OS_CLIENT_CONFIG_FILE when set (it must exist), else the first of ./clouds.yaml,
// $XDG_CONFIG_HOME/openstack/clouds.yaml (XDG_CONFIG_HOME defaults to ~/.config),
// /etc/openstack/clouds.yaml. secure.yaml (OS_CLIENT_SECURE_FILE, else the same directories)
// is merged over it key by key, so passwords can live apart. Each file is at most
// kMaxFileBytes. The cloud is the one named by the caller, else OS_CLOUD, else the only cloud
// in the file; with no file, OS_AUTH_URL makes a cloud from OS_* variables alone. Set OS_*
// variables override the file's values (OS_PASSWORD beside a clouds.yaml works).
//
// Errors (codes): `clouds.not_found` (no file and no OS_AUTH_URL, or OS_CLIENT_CONFIG_FILE
// missing), `clouds.too_large`, `clouds.syntax` (not YAML / not the clouds.yaml shape),
// `clouds.unknown_cloud` (names the cloud and lists the ones there are),
// `clouds.no_cloud_selected` (several clouds, none chosen), `clouds.unsupported` (auth_type
// other than password / application credential), `clouds.incomplete` (names the missing key),
// `clouds.bad_value` (names the key: auth_url or an *_endpoint_override not http(s), unknown
// interface, verify not a bool).
// Messages never contain a password or secret.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QHash>
#include <QString>
#include <QStringList>
#include <QUrl>

namespace Portal::Cloud::OpenStack {

struct CloudConfig
{
    enum class AuthType { Password, ApplicationCredential };

    QString cloudName;  // the clouds.yaml key, or "envvars" when built from OS_* only
    QString sourceFile; // the clouds.yaml read; empty when built from OS_* only
    AuthType authType = AuthType::Password;
    QUrl authUrl; // Keystone, with or without the /v3 suffix
    QString username;
    QString userId;
    QString password;
    QString userDomainName;
    QString userDomainId;
    QString projectName;
    QString projectId;
    QString projectDomainName;
    QString projectDomainId;
    QString domainName; // domain scope, when no project is given
    QString domainId;
    QString applicationCredentialId;
    QString applicationCredentialName;
    QString applicationCredentialSecret;
    QString regionName;                           // empty: any region
    QString interface = QStringLiteral("public"); // public, internal or admin
    QString caCertificatePath;                    // PEM bundle; empty: the system's
    bool verifyTls = true;
    // <service type>_endpoint_override (e.g. compute_endpoint_override): used instead of the
    // catalog's URL for that service.
    QHash<QString, QUrl> endpointOverrides;
};

class CloudsConfig
{
public:
    static constexpr qint64 kMaxFileBytes = 256 * 1024;

    // What the search depends on, so tests need not touch the real environment.
    struct Environment
    {
        QHash<QString, QString> variables;
        QString currentDirectory;
        QString homeDirectory;
        QString systemDirectory = QStringLiteral("/etc/openstack");

        static Environment fromProcess();
    };

    // The files searched, in order (existing or not), for clouds.yaml or secure.yaml.
    static QStringList searchPath(const Environment &environment, const QString &fileName);

    // Finds and reads the files, picks the cloud, applies OS_* variables.
    static Result<CloudConfig> load(const Environment &environment,
                                    const QString &cloudName = QString());

    // The same from file contents already read (secureYaml may be empty).
    static Result<CloudConfig> fromYaml(const QByteArray &cloudsYaml, const QByteArray &secureYaml,
                                        const QString &cloudName,
                                        const QHash<QString, QString> &variables,
                                        const QString &sourceFile = QString());
};

} // namespace Portal::Cloud::OpenStack
