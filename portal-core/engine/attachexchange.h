#pragma once
// The portal's half of the attach exchange (docs/api.md "Attach", docs/protocol.md "Attach"):
// a single-use challenge for a gateway that relays a device's HELLO, and the check of the
// device's proof of possession, answered with the authorisation the device verifies with the
// device-authority key it was provisioned with. Challenges live in the store (60 s), so the
// proof may reach any portald sharing it.
//
// The proof is ES256 by the device key over attachProofParts(challenge, device id, G, D); the
// authorisation is ES256 by the device-authority key over attachAuthorisationParts(device id,
// challenge, G, D, gateway id). Admission (class, enrolment, revocation, owning gateway) is
// the engine's, before a challenge is issued and again when the proven device is placed.

#include <portal-core/base/result.h>
#include <portal-core/store/store.h>

#include <QByteArray>
#include <QDateTime>
#include <QString>

#include <memory>

namespace Portal::Crypto {
class PrivateKey;
}

namespace Portal::Engine {

struct AttachRequest;

struct AttachChallengeView
{
    QString deviceId;
    QByteArray challenge; // 16 bytes
    QDateTime expires;
};

struct AttachProof
{
    QString deviceId;
    QByteArray challenge; // 16 bytes, as the portal gave it
    QByteArray deviceKey; // D, 65 bytes
    QByteArray signature; // 64 bytes r ‖ s
};

class AttachExchange
{
public:
    static constexpr int kChallengeLifetimeS = 60;

    // `authority` null: every proof is refused with `portal.internal` (no key to authorise).
    AttachExchange(Store::Store &store, std::shared_ptr<const Crypto::PrivateKey> authority);

    // Stores a fresh challenge for the request and the gateway's ephemeral point G.
    Result<AttachChallengeView> issue(const QString &gatewayId, const AttachRequest &request,
                                      const QByteArray &gatewayKey);

    // Takes the proof's challenge (single use) and verifies the proof. On success `request`
    // is what the challenge was issued for, and the answer is the authorisation (64 bytes). Errors:
    // `portal.challenge_unknown` (unknown, used or expired challenge, or one issued to
    // another gateway or device), `portal.proof_refused` (the signature does not verify
    // with the device's key), `portal.internal`.
    Result<QByteArray> verify(const QString &gatewayId, const AttachProof &proof,
                              AttachRequest &request);

private:
    Store::Store &m_store;
    std::shared_ptr<const Crypto::PrivateKey> m_authority;
};

} // namespace Portal::Engine
