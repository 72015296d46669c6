#include "devicecredential.h"

#include <portal-core/crypto/secure.h>

#include <QCryptographicHash>
#include <QFile>
#include <QMessageAuthenticationCode>
#include <QRandomGenerator>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace Portal::Engine {

namespace {

constexpr qsizetype kKeyBytes = 32;

} // namespace

Result<DeviceCredentials> DeviceCredentials::loadOrCreate(const QString &path)
{
    const QByteArray nativePath = QFile::encodeName(path);
    int fd = ::open(nativePath.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        QByteArray key(kKeyBytes, 0);
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(key.data()),
                                              kKeyBytes / 4);
        const bool written =
            ::write(fd, key.constData(), size_t(kKeyBytes)) == kKeyBytes && ::fsync(fd) == 0;
        ::close(fd);
        if (!written) {
            ::unlink(nativePath.constData());
            return makeError("engine.credential_key", "cannot write " + path.toStdString());
        }
        return DeviceCredentials(key);
    }
    struct stat info
    {
    };
    if (::stat(nativePath.constData(), &info) != 0 || (info.st_mode & 077) != 0)
        return makeError("engine.credential_key",
                         path.toStdString() + " is missing or readable by group or others");
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly) || file.size() != kKeyBytes)
        return makeError("engine.credential_key",
                         path.toStdString() + " must hold exactly 32 bytes");
    return DeviceCredentials(file.readAll());
}

DeviceCredentials::DeviceCredentials(QByteArray key) : m_key(std::move(key)) {}

DeviceCredentials::~DeviceCredentials()
{
    Crypto::secureWipe(m_key.data(), size_t(m_key.size()));
}

DeviceCredentials::DeviceCredentials(DeviceCredentials &&other) noexcept
    : m_key(std::move(other.m_key))
{
}

DeviceCredentials &DeviceCredentials::operator=(DeviceCredentials &&other) noexcept
{
    if (this != &other) {
        Crypto::secureWipe(m_key.data(), size_t(m_key.size()));
        m_key = std::move(other.m_key);
    }
    return *this;
}

QByteArray DeviceCredentials::credential(const QString &deviceId, int epoch) const
{
    QByteArray message("iot-portal/device-credential/v1");
    message.append('\0').append(deviceId.toLatin1()).append('\0').append(QByteArray::number(epoch));
    return QMessageAuthenticationCode::hash(message, m_key, QCryptographicHash::Sha256)
        .toBase64(QByteArray::Base64UrlEncoding | QByteArray::OmitTrailingEquals);
}

QString DeviceCredentials::sha256Hex(const QByteArray &credential)
{
    return QString::fromLatin1(
        QCryptographicHash::hash(credential, QCryptographicHash::Sha256).toHex());
}

} // namespace Portal::Engine
