#include "admintls.h"

#include <QFile>
#include <QSslCertificate>
#include <QSslKey>

namespace Portal::Cloud {

namespace {

constexpr qint64 kMaxPemBytes = 64 * 1024;

Result<QByteArray> readPem(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() > kMaxPemBytes)
        return makeError("cloud.tls_config", "cannot read " + path.toStdString());
    return file.readAll();
}

} // namespace

Result<QSslConfiguration> makeAdminTlsConfiguration(const AdminTlsFiles &files)
{
    auto certificatePem = readPem(files.clientCertificatePath);
    auto keyPem = readPem(files.clientKeyPath);
    auto caPem = readPem(files.caCertificatePath);
    for (const auto *pem : {&certificatePem, &keyPem, &caPem}) {
        if (!*pem)
            return pem->error();
    }
    const QList<QSslCertificate> chain = QSslCertificate::fromData(*certificatePem, QSsl::Pem);
    const QSslKey key(*keyPem, QSsl::Ec, QSsl::Pem);
    const QList<QSslCertificate> cas = QSslCertificate::fromData(*caPem, QSsl::Pem);
    if (chain.isEmpty() || key.isNull() || cas.isEmpty())
        return makeError("cloud.tls_config", "admin client certificate, key or CA is not PEM");
    QSslConfiguration configuration = QSslConfiguration::defaultConfiguration();
    configuration.setLocalCertificateChain(chain);
    configuration.setPrivateKey(key);
    configuration.setCaCertificates(cas);
    configuration.setPeerVerifyMode(QSslSocket::VerifyPeer);
    configuration.setProtocol(QSsl::TlsV1_2OrLater);
    return configuration;
}

} // namespace Portal::Cloud
