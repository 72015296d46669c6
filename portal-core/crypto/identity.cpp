#include "identity.h"

namespace Portal::Crypto {

namespace {

struct TypeName
{
    IdentityType type;
    const char *text;
};

constexpr TypeName kTypes[] = {
    {IdentityType::Gateway, "gateway"},
    {IdentityType::Instance, "instance"},
    {IdentityType::PortalApi, "portal-api"},
    {IdentityType::Admin, "admin"},
    {IdentityType::User, "user"},
};

} // namespace

const char *identityTypeText(IdentityType type)
{
    for (const TypeName &entry : kTypes) {
        if (entry.type == type)
            return entry.text;
    }
    return "unknown";
}

std::string identityUri(IdentityType type, std::string_view name)
{
    return std::string(kIdentityUriPrefix) + identityTypeText(type) + ":" + std::string(name);
}

std::optional<Identity> parseIdentityUri(std::string_view uri)
{
    const std::string_view prefix(kIdentityUriPrefix);
    if (uri.substr(0, prefix.size()) != prefix)
        return std::nullopt;
    const std::string_view rest = uri.substr(prefix.size());
    const size_t colon = rest.find(':');
    if (colon == std::string_view::npos || colon + 1 >= rest.size())
        return std::nullopt;
    const std::string_view type = rest.substr(0, colon);
    for (const TypeName &entry : kTypes) {
        if (type == entry.text)
            return Identity{entry.type, std::string(rest.substr(colon + 1))};
    }
    return std::nullopt;
}

Result<Identity> identityOf(const Certificate &certificate)
{
    std::optional<Identity> found;
    for (const std::string &uri : certificate.subjectAltUris()) {
        if (std::string_view(uri).substr(0, std::string_view(kIdentityUriPrefix).size()) !=
            kIdentityUriPrefix)
            continue;
        std::optional<Identity> identity = parseIdentityUri(uri);
        if (!identity || found)
            return makeError(
                "identity.no_name",
                "the certificate needs exactly one typed name urn:iot-portal:<type>:<name>");
        found = std::move(identity);
    }
    if (!found)
        return makeError("identity.no_name",
                         "the certificate has no typed name urn:iot-portal:<type>:<name>");
    return *found;
}

std::string describeIdentity(const Certificate &certificate)
{
    auto identity = identityOf(certificate);
    return identity ? identityUri(identity->type, identity->name) : "(no typed name)";
}

Result<std::string> verifyIdentity(const Certificate &leaf, const Certificate &root,
                                   ChainPurpose purpose, IdentityType expected)
{
    if (auto chained = verifyChain(leaf, root, purpose); !chained) {
        if (chained.error().code == "x509.expired")
            return makeError("identity.expired", chained.error().message);
        return makeError("identity.wrong_issuer", describeIdentity(leaf) +
                                                      " is not from the expected issuer (" +
                                                      chained.error().message + ")");
    }
    auto identity = identityOf(leaf);
    if (!identity)
        return identity.error();
    if (identity->type != expected)
        return makeError("identity.wrong_type", identityUri(identity->type, identity->name) +
                                                    " is not a " + identityTypeText(expected) +
                                                    " identity");
    if (expected == IdentityType::Admin && !leaf.hasPolicy(kAdminPolicyOid))
        return makeError("identity.no_admin_policy",
                         "the admin certificate lacks the admin-only policy " +
                             std::string(kAdminPolicyOid));
    return identity->name;
}

} // namespace Portal::Crypto
