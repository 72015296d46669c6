#include "keystoneclient.h"

#include "openstackerror.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLoggingCategory>
#include <QNetworkAccessManager>
#include <QNetworkReply>
#include <QNetworkRequest>
#include <QRegularExpression>
#include <QSslCertificate>

namespace Portal::Cloud::OpenStack {

Q_LOGGING_CATEGORY(lcKeystone, "portal.cloud.keystone")

namespace {

constexpr qint64 kMaxCaBundleBytes = 1024 * 1024;

QJsonObject nameOrId(const QString &id, const QString &name)
{
    if (!id.isEmpty())
        return QJsonObject{{QStringLiteral("id"), id}};
    return QJsonObject{{QStringLiteral("name"), name}};
}

QJsonObject userObject(const CloudConfig &config)
{
    if (!config.userId.isEmpty())
        return QJsonObject{{QStringLiteral("id"), config.userId}};
    return QJsonObject{
        {QStringLiteral("name"), config.username},
        {QStringLiteral("domain"), nameOrId(config.userDomainId, config.userDomainName)}};
}

// Keystone writes microseconds ("…T07:23:57.000000Z"); Qt's ISO parser wants milliseconds.
QDateTime parseExpiry(const QString &text)
{
    static const QRegularExpression fraction(QStringLiteral("\\.(\\d{1,3})\\d*"));
    QString normalized = text;
    normalized.replace(fraction, QStringLiteral(".\\1"));
    QDateTime parsed = QDateTime::fromString(normalized, Qt::ISODateWithMs);
    if (parsed.isValid() && parsed.timeSpec() == Qt::LocalTime && !normalized.endsWith('Z'))
        parsed.setTimeSpec(Qt::UTC);
    return parsed.toUTC();
}

QList<CatalogEndpoint> parseCatalog(const QJsonArray &catalog)
{
    QList<CatalogEndpoint> endpoints;
    for (const QJsonValue &serviceValue : catalog) {
        const QJsonObject service = serviceValue.toObject();
        for (const QJsonValue &endpointValue :
             service.value(QLatin1String("endpoints")).toArray()) {
            const QJsonObject endpoint = endpointValue.toObject();
            CatalogEndpoint entry;
            entry.serviceType = service.value(QLatin1String("type")).toString();
            entry.serviceName = service.value(QLatin1String("name")).toString();
            entry.interface = endpoint.value(QLatin1String("interface")).toString();
            entry.region = endpoint.value(QLatin1String("region_id")).toString();
            if (entry.region.isEmpty())
                entry.region = endpoint.value(QLatin1String("region")).toString();
            entry.url = QUrl(endpoint.value(QLatin1String("url")).toString());
            if (entry.url.isValid() && !entry.serviceType.isEmpty())
                endpoints.append(entry);
        }
    }
    return endpoints;
}

} // namespace

Result<std::unique_ptr<KeystoneClient>> KeystoneClient::create(CloudConfig config, QObject *parent)
{
    QSslConfiguration tls = QSslConfiguration::defaultConfiguration();
    if (!config.caCertificatePath.isEmpty()) {
        QFile file(config.caCertificatePath);
        if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxCaBundleBytes)
            return makeError("keystone.tls_config", "cannot read the CA bundle " +
                                                        config.caCertificatePath.toStdString() +
                                                        " (missing, unreadable or over 1 MiB)");
        const QList<QSslCertificate> authorities =
            QSslCertificate::fromData(file.read(kMaxCaBundleBytes), QSsl::Pem);
        if (authorities.isEmpty())
            return makeError("keystone.tls_config", "the CA bundle " +
                                                        config.caCertificatePath.toStdString() +
                                                        " holds no PEM certificate");
        tls.setCaCertificates(authorities);
    }
    if (!config.verifyTls)
        tls.setPeerVerifyMode(QSslSocket::VerifyNone);
    return std::unique_ptr<KeystoneClient>(
        new KeystoneClient(std::move(config), std::move(tls), parent));
}

KeystoneClient::KeystoneClient(CloudConfig config, QSslConfiguration tls, QObject *parent)
    : QObject(parent), m_config(std::move(config)), m_tls(std::move(tls)),
      m_network(new QNetworkAccessManager(this))
{
}

KeystoneClient::~KeystoneClient() = default;

QUrl KeystoneClient::tokensUrl() const
{
    QUrl url = m_config.authUrl;
    QString path = url.path();
    while (path.endsWith(QLatin1Char('/')))
        path.chop(1);
    if (!path.endsWith(QLatin1String("/v3")))
        path += QLatin1String("/v3");
    url.setPath(path + QLatin1String("/auth/tokens"));
    return url;
}

QByteArray KeystoneClient::authRequestBody() const
{
    QJsonObject identity;
    QJsonObject auth;
    if (m_config.authType == CloudConfig::AuthType::ApplicationCredential) {
        QJsonObject credential{{QStringLiteral("secret"), m_config.applicationCredentialSecret}};
        if (!m_config.applicationCredentialId.isEmpty()) {
            credential.insert(QStringLiteral("id"), m_config.applicationCredentialId);
        } else {
            credential.insert(QStringLiteral("name"), m_config.applicationCredentialName);
            credential.insert(QStringLiteral("user"), userObject(m_config));
        }
        identity.insert(QStringLiteral("methods"), QJsonArray{"application_credential"});
        identity.insert(QStringLiteral("application_credential"), credential);
        // An application credential carries its own project scope; Keystone refuses another.
    } else {
        QJsonObject user = userObject(m_config);
        user.insert(QStringLiteral("password"), m_config.password);
        identity.insert(QStringLiteral("methods"), QJsonArray{"password"});
        identity.insert(QStringLiteral("password"), QJsonObject{{"user", user}});
        if (!m_config.projectId.isEmpty()) {
            auth.insert(QStringLiteral("scope"),
                        QJsonObject{{"project", QJsonObject{{"id", m_config.projectId}}}});
        } else if (!m_config.projectName.isEmpty()) {
            QJsonObject project{{QStringLiteral("name"), m_config.projectName},
                                {QStringLiteral("domain"),
                                 nameOrId(m_config.projectDomainId, m_config.projectDomainName)}};
            auth.insert(QStringLiteral("scope"), QJsonObject{{"project", project}});
        } else if (!m_config.domainId.isEmpty() || !m_config.domainName.isEmpty()) {
            auth.insert(QStringLiteral("scope"),
                        QJsonObject{{"domain", nameOrId(m_config.domainId, m_config.domainName)}});
        }
    }
    auth.insert(QStringLiteral("identity"), identity);
    return QJsonDocument(QJsonObject{{"auth", auth}}).toJson(QJsonDocument::Compact);
}

void KeystoneClient::token(QObject *context, TokenCallback callback)
{
    const QDateTime renewAt = QDateTime::currentDateTimeUtc().addSecs(m_renewBeforeExpiry.count());
    if (m_token && m_token->expiresAtUtc > renewAt) {
        KeystoneToken current = *m_token;
        QPointer<QObject> guard(context);
        QMetaObject::invokeMethod(
            this,
            [guard, current, callback = std::move(callback)] {
                if (guard)
                    callback(current);
            },
            Qt::QueuedConnection);
        return;
    }
    m_waiters.append(Waiter{QPointer<QObject>(context), std::move(callback)});
    if (!m_authenticating)
        authenticate();
}

void KeystoneClient::invalidate(const QByteArray &rejectedToken)
{
    if (m_token && m_token->value == rejectedToken)
        m_token.reset();
}

void KeystoneClient::authenticate()
{
    m_authenticating = true;
    ++m_authenticationCount;
    QNetworkRequest request(tokensUrl());
    request.setSslConfiguration(m_tls);
    request.setHeader(QNetworkRequest::ContentTypeHeader, QByteArrayLiteral("application/json"));
    request.setRawHeader("Accept", "application/json");
    request.setTransferTimeout(int(m_requestTimeout.count()));
    QNetworkReply *reply = m_network->post(request, authRequestBody());
    connect(reply, &QNetworkReply::downloadProgress, reply, [reply](qint64 received, qint64) {
        if (received > kMaxAnswerBytes)
            reply->abort();
    });
    connect(reply, &QNetworkReply::finished, this, [this, reply] { onAuthFinished(reply); });
}

void KeystoneClient::onAuthFinished(QNetworkReply *reply)
{
    reply->deleteLater();
    m_authenticating = false;
    const int status = reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt();
    const QByteArray body = reply->read(kMaxAnswerBytes + 1);
    const QString who =
        m_config.authType == CloudConfig::AuthType::ApplicationCredential
            ? QStringLiteral("application credential ") +
                  (m_config.applicationCredentialId.isEmpty() ? m_config.applicationCredentialName
                                                              : m_config.applicationCredentialId)
            : QStringLiteral("user ") +
                  (m_config.userId.isEmpty() ? m_config.username : m_config.userId);
    if (status == 0) {
        qCWarning(lcKeystone) << "authentication failed:" << reply->errorString();
        finishWaiters(makeError("keystone.network", "cannot reach Keystone at " +
                                                        tokensUrl().toString().toStdString() +
                                                        ": " + reply->errorString().toStdString()));
        return;
    }
    if (status == 401) {
        finishWaiters(makeError("keystone.auth_failed", "Keystone refused the credentials of " +
                                                            who.toStdString() + " on cloud " +
                                                            m_config.cloudName.toStdString()));
        return;
    }
    if (status < 200 || status > 299) {
        finishWaiters(errorFromAnswer(status, body, QStringLiteral("keystone: authenticate")));
        return;
    }
    if (body.size() > kMaxAnswerBytes) {
        finishWaiters(makeError("keystone.bad_answer", "the token answer is larger than 4 MiB"));
        return;
    }
    const QByteArray subjectToken = reply->rawHeader("X-Subject-Token");
    const QJsonObject token =
        QJsonDocument::fromJson(body).object().value(QLatin1String("token")).toObject();
    auto fresh = std::make_unique<KeystoneToken>();
    fresh->value = subjectToken;
    fresh->expiresAtUtc = parseExpiry(token.value(QLatin1String("expires_at")).toString());
    fresh->userId = token.value(QLatin1String("user")).toObject().value("id").toString();
    fresh->projectId = token.value(QLatin1String("project")).toObject().value("id").toString();
    fresh->catalog = parseCatalog(token.value(QLatin1String("catalog")).toArray());
    if (subjectToken.isEmpty() || !fresh->expiresAtUtc.isValid()) {
        finishWaiters(makeError("keystone.bad_answer",
                                "Keystone's answer has no X-Subject-Token or no expires_at"));
        return;
    }
    m_token = std::move(fresh);
    finishWaiters(*m_token);
}

void KeystoneClient::finishWaiters(const Result<KeystoneToken> &result)
{
    const QList<Waiter> waiters = std::exchange(m_waiters, {});
    for (const Waiter &waiter : waiters) {
        if (waiter.context)
            waiter.callback(result);
    }
}

Result<QUrl> KeystoneClient::endpoint(const QString &serviceType) const
{
    const auto overridden = m_config.endpointOverrides.constFind(serviceType);
    if (overridden != m_config.endpointOverrides.cend())
        return *overridden;
    if (!m_token)
        return makeError("keystone.no_token", "not authenticated yet");
    for (const CatalogEndpoint &entry : m_token->catalog) {
        if (entry.serviceType != serviceType || entry.interface != m_config.interface)
            continue;
        if (!m_config.regionName.isEmpty() && entry.region != m_config.regionName)
            continue;
        return entry.url;
    }
    return makeError("keystone.no_endpoint",
                     "the catalog has no " + serviceType.toStdString() +
                         " endpoint for interface " + m_config.interface.toStdString() +
                         (m_config.regionName.isEmpty()
                              ? std::string()
                              : " in region " + m_config.regionName.toStdString()));
}

} // namespace Portal::Cloud::OpenStack
