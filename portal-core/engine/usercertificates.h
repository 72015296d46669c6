#pragma once
// Client certificates for oneM2M users and applications (DESIGN §7.1): issued by the users CA
// alone, named by a SAN URI urn:iot-portal:user:<name> (the CN repeats the name for people
// reading it and decides nothing), EKU clientAuth, no admin policy. What a user may act as is
// assigned in the portal and pushed to instances, never written in the certificate.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QByteArray>
#include <QString>

namespace Portal::Crypto {
class Certificate;
class PrivateKey;
} // namespace Portal::Crypto

namespace Portal::Engine {

inline constexpr int kMaxUserCertificateDays = 825;

struct UserCertificateRequest
{
    QString name;      // 1..64 of [A-Za-z0-9._-]
    QByteArray csrPem; // PKCS#10; only its key is used, its subject is not
    int validityDays = 365;
};

// Issues and records the certificate. Errors: `user.invalid` (name, validity), `x509.*` (the
// CSR), `store.user_exists` (the name holds a valid certificate: remove the user first),
// `store.*`.
Result<Store::UserCertificate> issueUserCertificate(Store::Store &store,
                                                    const Crypto::Certificate &usersCa,
                                                    const Crypto::PrivateKey &usersCaKey,
                                                    const UserCertificateRequest &request);

} // namespace Portal::Engine
