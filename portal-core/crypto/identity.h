#pragma once
// Typed identities (DESIGN §7.1): every certificate the project issues names its holder with
// one SAN URI `urn:iot-portal:<type>:<name>`, and each role's issuer is a root of its own, so a
// check names the issuer and the type it expects and nothing else passes. The CN is
// informational only and never decides anything.
//
//   type        issuer      held by                                        checked by
//   gateway     gateway CA  a gateway (the NAF issues it at enrolment)     portal API
//   instance    portal CA   an instance's server                          gateways
//   portal-api  portal CA   the portal API's server                       gateways
//   admin       admin CA    the portal's admin identity (+ kAdminPolicyOid) instance admin API
//   user        users CA    a oneM2M user or application                   instances
//
// Contract: verifyIdentity() checks the chain to exactly the given root (no other anchor is
// consulted), the purpose, validity now, exactly one typed URI and its type; for `admin` also
// the admin policy. Errors: `identity.wrong_issuer` (chain refused, with the reason),
// `identity.expired`, `identity.no_name` (no or several typed names), `identity.wrong_type`,
// `identity.no_admin_policy`. Messages name the presented typed name, never other input.

#include "x509.h"

#include <portal-core/base/result.h>

#include <optional>
#include <string>
#include <string_view>

namespace Portal::Crypto {

enum class IdentityType { Gateway, Instance, PortalApi, Admin, User };

// The admin-only certificate policy: a UUID arc (X.667) of the project's own.
inline constexpr char kAdminPolicyOid[] = "2.25.119647968796902424857226407911259383060.1";
inline constexpr char kIdentityUriPrefix[] = "urn:iot-portal:";

struct Identity
{
    IdentityType type = IdentityType::Gateway;
    std::string name;
};

const char *identityTypeText(IdentityType type);
// urn:iot-portal:<type>:<name>
std::string identityUri(IdentityType type, std::string_view name);
// The one typed name in uri form; nullopt for anything else (another URN, an unknown type,
// an empty name).
std::optional<Identity> parseIdentityUri(std::string_view uri);
// The certificate's one typed name; `identity.no_name` when it has none or several.
Result<Identity> identityOf(const Certificate &certificate);
// "urn:iot-portal:gateway:gw-1", or "(no typed name)" for logs.
std::string describeIdentity(const Certificate &certificate);

// The name of a leaf issued by root for purpose with a typed name of the expected type.
Result<std::string> verifyIdentity(const Certificate &leaf, const Certificate &root,
                                   ChainPurpose purpose, IdentityType expected);

} // namespace Portal::Crypto
