#pragma once
// Per-device bearer credentials for the M2M service (docs/api.md): 32 bytes, base64url without
// padding. The portal stores only their SHA-256; to answer an idempotent re-attach with the
// same credential without storing it, the credential is derived: HMAC-SHA-256(key,
// "iot-portal/device-credential/v1" 0x00 deviceId 0x00 epoch). The key is 32 random bytes in
// a 0600 file outside the database (DESIGN §6), shared by every portald of one deployment;
// bumping a device's epoch replaces its credential.

#include <portal-core/base/result.h>

#include <QByteArray>
#include <QString>

namespace Portal::Engine {

class DeviceCredentials
{
public:
    // Reads the key file, or creates it (0600, exclusive create) when missing. Errors:
    // `engine.credential_key` (unreadable, wrong size, readable by group or others).
    static Result<DeviceCredentials> loadOrCreate(const QString &path);
    explicit DeviceCredentials(QByteArray key);
    ~DeviceCredentials();
    DeviceCredentials(DeviceCredentials &&other) noexcept;
    DeviceCredentials &operator=(DeviceCredentials &&other) noexcept;

    QByteArray credential(const QString &deviceId, int epoch) const; // base64url, 43 chars
    static QString sha256Hex(const QByteArray &credential);          // 64 lowercase hex

private:
    QByteArray m_key;
};

} // namespace Portal::Engine
