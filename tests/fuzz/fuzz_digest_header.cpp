// Feeds arbitrary bytes to both HTTP Digest header parsers. Beyond "no crash, no leak, no UB",
// checks one property: whatever parses re-serializes to a header that parses to the same
// fields (when it still fits the size bound), and computing a response never fails.

#include <portal-core/crypto/digest.h>

#include <cstddef>
#include <cstdint>
#include <string_view>

using namespace Portal::Crypto;

namespace {

void require(bool condition)
{
    if (!condition) {
        __builtin_trap();
    }
}

void checkChallenge(std::string_view input)
{
    auto challenge = parseDigestChallenge(input);
    if (!challenge) {
        require(!challenge.error().code.empty());
        return;
    }
    auto header = serializeDigestChallenge(challenge.value());
    require(header.ok());
    if (header.value().size() > kMaxDigestHeaderBytes) {
        return;
    }
    auto reparsed = parseDigestChallenge(header.value());
    require(reparsed.ok());
    require(reparsed->realm == challenge->realm);
    require(reparsed->nonce == challenge->nonce);
    require(reparsed->opaque == challenge->opaque);
    require(reparsed->domain == challenge->domain);
    require(reparsed->algorithm == challenge->algorithm);
    require(reparsed->qopOptions == challenge->qopOptions);
    require(reparsed->stale == challenge->stale);
    require(reparsed->otherParams == challenge->otherParams);
}

void checkCredentials(std::string_view input)
{
    auto credentials = parseDigestCredentials(input);
    if (!credentials) {
        require(!credentials.error().code.empty());
        return;
    }
    const std::string response =
        computeDigestResponse(credentials.value(), ByteView::fromText("password"), "GET");
    require(response.size() == 32 || response.size() == 64);
    const auto verified =
        verifyDigestResponse(credentials.value(), ByteView::fromText("password"), "GET");
    require(verified.ok() || !verified.error().code.empty());

    auto header = serializeDigestCredentials(credentials.value());
    require(header.ok());
    if (header.value().size() > kMaxDigestHeaderBytes) {
        return;
    }
    auto reparsed = parseDigestCredentials(header.value());
    require(reparsed.ok());
    require(reparsed->username == credentials->username);
    require(reparsed->realm == credentials->realm);
    require(reparsed->nonce == credentials->nonce);
    require(reparsed->uri == credentials->uri);
    require(reparsed->response == credentials->response);
    require(reparsed->algorithm == credentials->algorithm);
    require(reparsed->qop == credentials->qop);
    require(reparsed->auts == credentials->auts);
    require(reparsed->opaque == credentials->opaque);
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    const std::string_view input(reinterpret_cast<const char *>(data), size);
    checkChallenge(input);
    checkCredentials(input);
    return 0;
}
