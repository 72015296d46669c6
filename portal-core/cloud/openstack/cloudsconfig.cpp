#include "cloudsconfig.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QProcessEnvironment>
#include <QVariantMap>

#include <yaml-cpp/yaml.h>

namespace Portal::Cloud::OpenStack {

namespace {

// Aliases let a few bytes of YAML name a huge tree; the conversion below walks aliases as
// copies, so it stops after this many nodes or this depth.
constexpr int kMaxYamlNodes = 20000;
constexpr int kMaxYamlDepth = 16;

struct YamlBudget
{
    int nodesLeft = kMaxYamlNodes;
};

Result<QVariant> toVariant(const YAML::Node &node, int depth, YamlBudget &budget)
{
    if (--budget.nodesLeft < 0 || depth > kMaxYamlDepth)
        return makeError("clouds.syntax", "the YAML document is nested too deeply or too large");
    switch (node.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined:
        return QVariant();
    case YAML::NodeType::Scalar:
        return QVariant(QString::fromStdString(node.Scalar()));
    case YAML::NodeType::Sequence: {
        QVariantList list;
        for (const YAML::Node &item : node) {
            auto value = toVariant(item, depth + 1, budget);
            if (!value)
                return value.error();
            list.append(*value);
        }
        return QVariant(list);
    }
    case YAML::NodeType::Map: {
        QVariantMap map;
        for (auto it = node.begin(); it != node.end(); ++it) {
            if (!it->first.IsScalar())
                return makeError("clouds.syntax", "a mapping key is not a plain string");
            auto value = toVariant(it->second, depth + 1, budget);
            if (!value)
                return value.error();
            map.insert(QString::fromStdString(it->first.Scalar()), *value);
        }
        return QVariant(map);
    }
    }
    return QVariant();
}

Result<QVariantMap> parseYamlFile(const QByteArray &text, const char *what)
{
    if (text.size() > CloudsConfig::kMaxFileBytes)
        return makeError("clouds.too_large", std::string(what) + " is larger than 256 KiB");
    if (text.trimmed().isEmpty())
        return QVariantMap();
    YAML::Node root;
    try {
        root = YAML::Load(text.toStdString());
    } catch (const YAML::Exception &exception) {
        // The mark says where; the exception's message text can quote the input, so only the
        // position goes out.
        return makeError("clouds.syntax", std::string(what) + " is not valid YAML (line " +
                                              std::to_string(exception.mark.line + 1) + ")");
    }
    YamlBudget budget;
    auto converted = toVariant(root, 0, budget);
    if (!converted)
        return converted.error();
    if (converted->isNull())
        return QVariantMap();
    if (converted->typeId() != QMetaType::QVariantMap)
        return makeError("clouds.syntax", std::string(what) + " is not a mapping");
    return converted->toMap();
}

QVariantMap mergedOver(QVariantMap base, const QVariantMap &over)
{
    for (auto it = over.cbegin(); it != over.cend(); ++it) {
        const QVariant existing = base.value(it.key());
        if (existing.typeId() == QMetaType::QVariantMap &&
            it.value().typeId() == QMetaType::QVariantMap)
            base.insert(it.key(), mergedOver(existing.toMap(), it.value().toMap()));
        else
            base.insert(it.key(), it.value());
    }
    return base;
}

Result<QByteArray> readBounded(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return makeError("clouds.not_found", "cannot read " + path.toStdString());
    if (file.size() > CloudsConfig::kMaxFileBytes)
        return makeError("clouds.too_large", path.toStdString() + " is larger than 256 KiB");
    QByteArray text = file.read(CloudsConfig::kMaxFileBytes + 1);
    if (text.size() > CloudsConfig::kMaxFileBytes)
        return makeError("clouds.too_large", path.toStdString() + " is larger than 256 KiB");
    return text;
}

QString firstExisting(const QStringList &paths)
{
    for (const QString &path : paths) {
        if (QFileInfo(path).isFile())
            return path;
    }
    return QString();
}

// clouds.yaml key → OS_* variable; the variable wins when set and not empty.
struct AuthKey
{
    const char *yamlKey;
    const char *variable;
    QString CloudConfig::*field;
};

const AuthKey kAuthKeys[] = {
    {"auth_url", "OS_AUTH_URL", nullptr},
    {"username", "OS_USERNAME", &CloudConfig::username},
    {"user_id", "OS_USER_ID", &CloudConfig::userId},
    {"password", "OS_PASSWORD", &CloudConfig::password},
    {"user_domain_name", "OS_USER_DOMAIN_NAME", &CloudConfig::userDomainName},
    {"user_domain_id", "OS_USER_DOMAIN_ID", &CloudConfig::userDomainId},
    {"project_name", "OS_PROJECT_NAME", &CloudConfig::projectName},
    {"project_id", "OS_PROJECT_ID", &CloudConfig::projectId},
    {"project_domain_name", "OS_PROJECT_DOMAIN_NAME", &CloudConfig::projectDomainName},
    {"project_domain_id", "OS_PROJECT_DOMAIN_ID", &CloudConfig::projectDomainId},
    {"domain_name", "OS_DOMAIN_NAME", &CloudConfig::domainName},
    {"domain_id", "OS_DOMAIN_ID", &CloudConfig::domainId},
    {"application_credential_id", "OS_APPLICATION_CREDENTIAL_ID",
     &CloudConfig::applicationCredentialId},
    {"application_credential_name", "OS_APPLICATION_CREDENTIAL_NAME",
     &CloudConfig::applicationCredentialName},
    {"application_credential_secret", "OS_APPLICATION_CREDENTIAL_SECRET",
     &CloudConfig::applicationCredentialSecret},
};

QString variable(const QHash<QString, QString> &variables, const char *name)
{
    return variables.value(QString::fromLatin1(name));
}

Result<QString> scalar(const QVariantMap &map, const char *key)
{
    const QVariant value = map.value(QString::fromLatin1(key));
    if (value.isNull())
        return QString();
    if (value.typeId() != QMetaType::QString)
        return makeError("clouds.bad_value", std::string(key) + " is not a plain value");
    return value.toString();
}

Result<CloudConfig> buildConfig(const QVariantMap &cloud, const QHash<QString, QString> &variables)
{
    CloudConfig config;
    const QVariant authValue = cloud.value(QStringLiteral("auth"));
    if (!authValue.isNull() && authValue.typeId() != QMetaType::QVariantMap)
        return makeError("clouds.syntax", "auth is not a mapping");
    const QVariantMap auth = authValue.toMap();

    QString authUrl;
    for (const AuthKey &key : kAuthKeys) {
        auto fromFile = scalar(auth, key.yamlKey);
        if (!fromFile)
            return fromFile.error();
        QString value = variable(variables, key.variable);
        if (value.isEmpty())
            value = *fromFile;
        if (key.field)
            config.*(key.field) = value;
        else
            authUrl = value;
    }

    struct TopKey
    {
        const char *yamlKey;
        const char *variable;
        QString *target;
    };
    QString authType;
    QString interfaceName;
    QString verify;
    const TopKey topKeys[] = {
        {"auth_type", "OS_AUTH_TYPE", &authType},
        {"region_name", "OS_REGION_NAME", &config.regionName},
        {"interface", "OS_INTERFACE", &interfaceName},
        {"cacert", "OS_CACERT", &config.caCertificatePath},
        {"verify", "OS_VERIFY", &verify},
    };
    for (const TopKey &key : topKeys) {
        auto fromFile = scalar(cloud, key.yamlKey);
        if (!fromFile)
            return fromFile.error();
        QString value = variable(variables, key.variable);
        *key.target = value.isEmpty() ? *fromFile : value;
    }

    if (authUrl.isEmpty())
        return makeError("clouds.incomplete", "auth_url (OS_AUTH_URL) is missing");
    config.authUrl = QUrl(authUrl, QUrl::StrictMode);
    if (!config.authUrl.isValid() || config.authUrl.host().isEmpty() ||
        (config.authUrl.scheme() != QLatin1String("http") &&
         config.authUrl.scheme() != QLatin1String("https")))
        return makeError("clouds.bad_value", "auth_url is not an http or https URL");

    const QString type = authType.toLower();
    if (type.isEmpty()) {
        config.authType = config.applicationCredentialSecret.isEmpty()
                              ? CloudConfig::AuthType::Password
                              : CloudConfig::AuthType::ApplicationCredential;
    } else if (type == QLatin1String("password") || type == QLatin1String("v3password")) {
        config.authType = CloudConfig::AuthType::Password;
    } else if (type == QLatin1String("v3applicationcredential") ||
               type == QLatin1String("application_credential")) {
        config.authType = CloudConfig::AuthType::ApplicationCredential;
    } else {
        return makeError("clouds.unsupported",
                         "auth_type must be password or v3applicationcredential");
    }

    if (config.authType == CloudConfig::AuthType::Password) {
        if (config.username.isEmpty() && config.userId.isEmpty())
            return makeError("clouds.incomplete", "username or user_id is missing");
        if (config.password.isEmpty())
            return makeError("clouds.incomplete", "password (OS_PASSWORD) is missing");
        if (!config.username.isEmpty() && config.userDomainName.isEmpty() &&
            config.userDomainId.isEmpty())
            return makeError("clouds.incomplete",
                             "user_domain_name or user_domain_id is missing for username");
        if (!config.projectName.isEmpty() && config.projectDomainName.isEmpty() &&
            config.projectDomainId.isEmpty())
            return makeError("clouds.incomplete",
                             "project_domain_name or project_domain_id is missing for "
                             "project_name");
    } else {
        if (config.applicationCredentialSecret.isEmpty())
            return makeError("clouds.incomplete", "application_credential_secret is missing");
        if (config.applicationCredentialId.isEmpty() &&
            (config.applicationCredentialName.isEmpty() ||
             (config.username.isEmpty() && config.userId.isEmpty())))
            return makeError("clouds.incomplete",
                             "application_credential_id (or its name and the user) is missing");
    }

    QString normalizedInterface = interfaceName.toLower();
    if (normalizedInterface.endsWith(QLatin1String("url")))
        normalizedInterface.chop(3);
    if (normalizedInterface.isEmpty())
        normalizedInterface = QStringLiteral("public");
    if (normalizedInterface != QLatin1String("public") &&
        normalizedInterface != QLatin1String("internal") &&
        normalizedInterface != QLatin1String("admin"))
        return makeError("clouds.bad_value", "interface must be public, internal or admin");
    config.interface = normalizedInterface;

    static const QLatin1String overrideSuffix("_endpoint_override");
    for (auto it = cloud.cbegin(); it != cloud.cend(); ++it) {
        if (!it.key().endsWith(overrideSuffix) || it.key().size() == overrideSuffix.size())
            continue;
        const QUrl url(it.value().toString(), QUrl::StrictMode);
        if (it.value().typeId() != QMetaType::QString || !url.isValid() || url.host().isEmpty() ||
            (url.scheme() != QLatin1String("http") && url.scheme() != QLatin1String("https")))
            return makeError("clouds.bad_value",
                             it.key().left(64).toStdString() + " is not an http or https URL");
        config.endpointOverrides.insert(it.key().chopped(overrideSuffix.size()), url);
    }

    const QString verifyLower = verify.toLower();
    if (verifyLower.isEmpty() || verifyLower == QLatin1String("true") ||
        verifyLower == QLatin1String("yes"))
        config.verifyTls = true;
    else if (verifyLower == QLatin1String("false") || verifyLower == QLatin1String("no"))
        config.verifyTls = false;
    else
        return makeError("clouds.bad_value", "verify must be true or false");
    return config;
}

} // namespace

CloudsConfig::Environment CloudsConfig::Environment::fromProcess()
{
    Environment environment;
    const QProcessEnvironment process = QProcessEnvironment::systemEnvironment();
    for (const QString &key : process.keys()) {
        if (key.startsWith(QLatin1String("OS_")) || key == QLatin1String("XDG_CONFIG_HOME"))
            environment.variables.insert(key, process.value(key));
    }
    environment.currentDirectory = QDir::currentPath();
    environment.homeDirectory = QDir::homePath();
    return environment;
}

QStringList CloudsConfig::searchPath(const Environment &environment, const QString &fileName)
{
    QString userConfig = environment.variables.value(QStringLiteral("XDG_CONFIG_HOME"));
    if (userConfig.isEmpty())
        userConfig = environment.homeDirectory + QStringLiteral("/.config");
    return {environment.currentDirectory + QLatin1Char('/') + fileName,
            userConfig + QStringLiteral("/openstack/") + fileName,
            environment.systemDirectory + QLatin1Char('/') + fileName};
}

Result<CloudConfig> CloudsConfig::load(const Environment &environment, const QString &cloudName)
{
    QString cloudsFile = environment.variables.value(QStringLiteral("OS_CLIENT_CONFIG_FILE"));
    if (!cloudsFile.isEmpty()) {
        if (!QFileInfo(cloudsFile).isFile())
            return makeError("clouds.not_found",
                             "OS_CLIENT_CONFIG_FILE names no file: " + cloudsFile.toStdString());
    } else {
        cloudsFile = firstExisting(searchPath(environment, QStringLiteral("clouds.yaml")));
    }
    QString secureFile = environment.variables.value(QStringLiteral("OS_CLIENT_SECURE_FILE"));
    if (secureFile.isEmpty())
        secureFile = firstExisting(searchPath(environment, QStringLiteral("secure.yaml")));

    QByteArray cloudsText;
    QByteArray secureText;
    if (!cloudsFile.isEmpty()) {
        auto text = readBounded(cloudsFile);
        if (!text)
            return text.error();
        cloudsText = *text;
    }
    if (!secureFile.isEmpty() && QFileInfo(secureFile).isFile()) {
        auto text = readBounded(secureFile);
        if (!text)
            return text.error();
        secureText = *text;
    }
    if (cloudsFile.isEmpty() &&
        environment.variables.value(QStringLiteral("OS_AUTH_URL")).isEmpty())
        return makeError("clouds.not_found",
                         "no clouds.yaml in the search path and OS_AUTH_URL is not set");
    return fromYaml(cloudsText, secureText, cloudName, environment.variables, cloudsFile);
}

Result<CloudConfig> CloudsConfig::fromYaml(const QByteArray &cloudsYaml,
                                           const QByteArray &secureYaml, const QString &cloudName,
                                           const QHash<QString, QString> &variables,
                                           const QString &sourceFile)
{
    auto clouds = parseYamlFile(cloudsYaml, "clouds.yaml");
    if (!clouds)
        return clouds.error();
    auto secure = parseYamlFile(secureYaml, "secure.yaml");
    if (!secure)
        return secure.error();
    const QVariantMap merged = mergedOver(*clouds, *secure);
    const QVariant cloudsValue = merged.value(QStringLiteral("clouds"));
    if (!cloudsValue.isNull() && cloudsValue.typeId() != QMetaType::QVariantMap)
        return makeError("clouds.syntax", "clouds is not a mapping");
    const QVariantMap cloudMap = cloudsValue.toMap();

    QString chosen = cloudName;
    if (chosen.isEmpty())
        chosen = variables.value(QStringLiteral("OS_CLOUD"));
    if (chosen.isEmpty()) {
        if (cloudMap.isEmpty() || !variables.value(QStringLiteral("OS_AUTH_URL")).isEmpty()) {
            auto config = buildConfig(QVariantMap(), variables);
            if (config)
                config->cloudName = QStringLiteral("envvars");
            return config;
        }
        if (cloudMap.size() > 1)
            return makeError("clouds.no_cloud_selected",
                             "several clouds and none chosen (set OS_CLOUD): " +
                                 cloudMap.keys().join(QStringLiteral(", ")).toStdString());
        chosen = cloudMap.firstKey();
    }
    if (!cloudMap.contains(chosen))
        return makeError("clouds.unknown_cloud",
                         "no cloud named " + chosen.left(64).toStdString() + " (there are: " +
                             cloudMap.keys().join(QStringLiteral(", ")).toStdString() + ")");
    const QVariant cloud = cloudMap.value(chosen);
    if (cloud.typeId() != QMetaType::QVariantMap)
        return makeError("clouds.syntax", "cloud " + chosen.toStdString() + " is not a mapping");
    auto config = buildConfig(cloud.toMap(), variables);
    if (!config)
        return config.error();
    config->cloudName = chosen;
    config->sourceFile = sourceFile;
    return config;
}

} // namespace Portal::Cloud::OpenStack
