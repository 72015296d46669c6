#include "gbakdf.h"

#include <openssl/core_names.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/params.h>

#include <memory>

namespace Portal::Crypto {

namespace {

constexpr char kGbaMeLabel[] = "gba-me";

struct MacDeleter
{
    void operator()(EVP_MAC *mac) const { EVP_MAC_free(mac); }
};
struct MacContextDeleter
{
    void operator()(EVP_MAC_CTX *context) const { EVP_MAC_CTX_free(context); }
};

Error macFailed()
{
    return makeError("gbakdf.mac_failed", "HMAC-SHA-256 computation failed");
}

} // namespace

Result<DerivedKey> hmacSha256(ByteView key, const std::vector<ByteView> &messageParts)
{
    if (key.empty() || key.data() == nullptr || key.size() > kGbaKdfMaxKeyBytes)
        return makeError("gbakdf.bad_input", "MAC key is empty or too long");
    for (const ByteView &part : messageParts) {
        if (part.data() == nullptr && part.size() != 0)
            return makeError("gbakdf.bad_input", "MAC input has no data");
    }

    const std::unique_ptr<EVP_MAC, MacDeleter> mac(EVP_MAC_fetch(nullptr, "HMAC", nullptr));
    if (!mac)
        return macFailed();
    const std::unique_ptr<EVP_MAC_CTX, MacContextDeleter> context(EVP_MAC_CTX_new(mac.get()));
    if (!context)
        return macFailed();
    char digestName[] = "SHA256";
    const OSSL_PARAM macParams[] = {
        OSSL_PARAM_construct_utf8_string(OSSL_MAC_PARAM_DIGEST, digestName, 0),
        OSSL_PARAM_construct_end()};
    if (EVP_MAC_init(context.get(), key.data(), key.size(), macParams) != 1)
        return macFailed();
    for (const ByteView &part : messageParts) {
        if (!part.empty() && EVP_MAC_update(context.get(), part.data(), part.size()) != 1)
            return macFailed();
    }
    DerivedKey derived;
    size_t derivedBytes = 0;
    if (EVP_MAC_final(context.get(), derived.data(), &derivedBytes, derived.size()) != 1 ||
        derivedBytes != derived.size()) {
        OPENSSL_cleanse(derived.data(), derived.size());
        return macFailed();
    }
    return derived;
}

Result<DerivedKey> gbaKdf(ByteView key, uint8_t fc, const std::vector<ByteView> &params)
{
    if (params.size() > kGbaKdfMaxParams)
        return makeError("gbakdf.bad_input", "too many KDF parameters");
    for (const ByteView &param : params) {
        if (param.size() > kGbaKdfMaxParamBytes)
            return makeError("gbakdf.param_too_long", "KDF parameter exceeds 65535 octets");
    }

    // S is fed to the MAC piece by piece, so no concatenated copy of it (RAND next to the
    // IMPI) is left in memory.
    std::array<uint8_t, 2 * kGbaKdfMaxParams> lengths{};
    std::vector<ByteView> parts;
    parts.reserve(1 + 2 * params.size());
    parts.emplace_back(&fc, 1);
    for (size_t i = 0; i < params.size(); ++i) {
        lengths[2 * i] = static_cast<uint8_t>(params[i].size() >> 8);
        lengths[2 * i + 1] = static_cast<uint8_t>(params[i].size() & 0xFF);
        parts.push_back(params[i]);
        parts.emplace_back(&lengths[2 * i], 2);
    }
    return hmacSha256(key, parts);
}

Ks makeKs(const Ck &ck, const Ik &ik)
{
    Ks ks;
    for (size_t i = 0; i < ck.size(); ++i) {
        ks[i] = ck[i];
        ks[ck.size() + i] = ik[i];
    }
    return ks;
}

Result<std::vector<uint8_t>> makeNafId(std::string_view nafFqdn, const UaProtocolId &protocolId)
{
    if (nafFqdn.empty() || nafFqdn.size() > kNafFqdnMaxBytes)
        return makeError("gbakdf.bad_naf_fqdn", "NAF FQDN is empty or longer than 253 octets");
    std::vector<uint8_t> nafId(nafFqdn.begin(), nafFqdn.end());
    nafId.insert(nafId.end(), protocolId.begin(), protocolId.end());
    return nafId;
}

Result<KsNaf> deriveKsNaf(const Ks &ks, const Rand &rand, std::string_view impi, ByteView nafId)
{
    return gbaKdf(ks, kGbaKdfFcKsNaf,
                  {ByteView::fromText(std::string_view(kGbaMeLabel, sizeof kGbaMeLabel - 1)), rand,
                   ByteView::fromText(impi), nafId});
}

Result<KsNaf> deriveKsNaf(const Ck &ck, const Ik &ik, const Rand &rand, std::string_view impi,
                          ByteView nafId)
{
    Ks ks = makeKs(ck, ik);
    Result<KsNaf> ksNaf = deriveKsNaf(ks, rand, impi, nafId);
    OPENSSL_cleanse(ks.data(), ks.size());
    return ksNaf;
}

} // namespace Portal::Crypto
