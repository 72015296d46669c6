#pragma once
// The host side of the attach exchange's cryptography (portal-core/protocol/attachexchange.h):
// ES256 over the parts the protocol lists, the link key both ends derive, and the link MAC.
// The device does the same with FirmwareCrypto; tests check the two against each other.
//
// Contract:
// - signParts(): ES256 r‖s (64 bytes) over SHA-256(part0 ‖ part1 ‖ …) with a P-256 key.
//   Errors: `attach.bad_key` (not a P-256 key), `attach.sign_failed` (OpenSSL).
// - verifyParts(): the Es256PublicKey::verifyDigestRaw errors.
// - deriveLinkKey(): x = ECDH(own private key, peer point) (the x coordinate, 32 bytes), then
//   HKDF-SHA-256 (RFC 5869) with salt = the challenge, IKM = x, info = kLinkKeyInfo, 32 bytes.
//   Errors: `attach.bad_peer_key` (not a point on P-256), `attach.derive_failed` (OpenSSL).

#include "es256.h"
#include "secure.h"
#include "x509.h"

#include <portal-core/base/result.h>
#include <portal-core/protocol/attachexchange.h>

#include <array>
#include <memory>
#include <vector>

namespace Portal::Crypto {

std::vector<ByteView> partsOf(const Protocol::SignedParts &parts);

Result<std::array<uint8_t, kEs256RawSignatureBytes>> signParts(const PrivateKey &key,
                                                               const std::vector<ByteView> &parts);
Result<void> verifyParts(const Es256PublicKey &key, const std::vector<ByteView> &parts,
                         ByteView signature);

Result<SecretBytes> deriveLinkKey(const PrivateKey &ownKey, ByteView peerPoint, ByteView challenge);

// HMAC-SHA-256 with one link key, for Protocol::encodeSealedFrame / openSealedFrame (it
// converts to their Protocol::LinkMac table, which points at this object).
class LinkMac final
{
public:
    explicit LinkMac(ByteView key);
    ~LinkMac();
    LinkMac(const LinkMac &) = delete;
    LinkMac &operator=(const LinkMac &) = delete;

    operator Protocol::LinkMac() const;

    void begin();
    void update(const uint8_t *data, size_t size);
    void finish(uint8_t tag[32]);

private:
    struct State;
    std::unique_ptr<State> m_state;
};

} // namespace Portal::Crypto
