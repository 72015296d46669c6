#pragma once
// The lab PKI (DESIGN §7.1): on first run, creates in one directory five separate roots (no
// intermediates, no role's root signs another role's certificates) and the certificates the
// lab's programs present, all P-256:
//
//   operator-ca   CA       self-signed; signs bsf, naf and naf-zn
//   portal-ca     CA       self-signed; signs portal-api and the instances' server certificates
//   gateway-ca    CA       self-signed; the NAF signs gateway client certificates with it
//   admin-ca      CA       self-signed; signs portal-admin only
//   users-ca      CA       self-signed; signs oneM2M users' and applications' certificates
//   bsf           server   SAN bsfDnsName, extraDnsNames, ipAddresses
//   naf           server   SAN nafDnsName, extraDnsNames, ipAddresses
//   naf-zn        client   CN and SAN nafDnsName (the NAF identifies itself to the BSF on Zn)
//   portal-api    server   SAN portalApiDnsName, extraDnsNames, ipAddresses and the typed name
//                          urn:iot-portal:portal-api:<portalApiDnsName>
//   portal-admin  client   CN portalAdminName, SAN urn:iot-portal:admin:<portalAdminName>,
//                          policy kAdminPolicyOid (identity.h)
//
// Each as <name>.crt (PEM, 0644) and <name>.key (unencrypted PKCS#8 PEM, 0600). A server
// certificate's CN is its first DNS name. Beside them, device-authority.key (0600, no
// certificate): 21 files in all.
//
// Contract:
// - Idempotent: when all 20 files exist and are current they are reused as they are (only
//   their key files' modes are checked). When none exists, all are created.
// - Upgrade of an older layout (the 14 files of operator-ca, portal-ca, bsf, naf, naf-zn,
//   portal-api and portal-admin, before gateway-ca, admin-ca and users-ca existed): the
//   operator and portal CAs and the operator's leaves are kept; missing roots are added;
//   portal-admin is reissued by admin-ca and portal-api by portal-ca when they lack their
//   typed name; `upgraded` lists each step. An interrupted upgrade is completed by the next
//   call (a reissued leaf replaces its key, then its certificate, each atomically).
// - Anything else in between (a missing file of the 14, or one half of a pair) fails with
//   `labpki.incomplete` naming the first missing file, so a half-written PKI is never silently
//   completed with keys that do not match.
// - Files appear atomically (written to a temporary, synced, then linked into place without
//   replacing anything), so a reader never sees a partial PEM.
// - The directory is created (0700) when missing; its parent must exist.
// - Errors: `labpki.incomplete`, `labpki.insecure_key` (a key file readable by group or
//   others), `labpki.io` (with the path and errno text), and the x509.* codes of the names.

#include <portal-core/base/result.h>

#include <cstdint>
#include <string>
#include <vector>

namespace Portal::Crypto {

struct LabPkiOptions
{
    std::string operatorCaCommonName = "IoT Portal Lab Operator CA";
    std::string portalCaCommonName = "IoT Portal Lab Portal CA";
    std::string gatewayCaCommonName = "IoT Portal Lab Gateway CA";
    std::string adminCaCommonName = "IoT Portal Lab Admin CA";
    std::string usersCaCommonName = "IoT Portal Lab Users CA";
    std::string bsfDnsName = "bsf.lab.example";
    std::string nafDnsName = "naf.lab.example";
    std::string portalApiDnsName = "portal.lab.example";
    std::string portalAdminName = "portal-admin"; // its CN and its typed admin name
    // Added to every server certificate's SAN.
    std::vector<std::string> extraDnsNames = {"localhost"};
    std::vector<std::string> ipAddresses = {"127.0.0.1"};
    int64_t caValiditySeconds = int64_t(10) * 365 * 24 * 3600;
    int64_t leafValiditySeconds = int64_t(2) * 365 * 24 * 3600;
};

struct LabPkiFilePair
{
    std::string certificatePath;
    std::string keyPath;
};

struct LabPkiPaths
{
    LabPkiFilePair operatorCa;
    LabPkiFilePair portalCa;
    LabPkiFilePair bsf;
    LabPkiFilePair naf;
    LabPkiFilePair nafZn;
    LabPkiFilePair portalApi;
    LabPkiFilePair portalAdmin;
    LabPkiFilePair gatewayCa;
    LabPkiFilePair adminCa;
    LabPkiFilePair usersCa;
    // device-authority.key (PKCS#8 PEM, 0600), a P-256 key of its own with no certificate: it
    // signs attach authorisations, and provisioning writes its public half into every device.
    // Made once with the PKI, or added by the next call to an older layout ("created the
    // device-authority key" in `upgraded`), never reissued.
    std::string deviceAuthorityKeyPath;
    // True when this call created the files, false when it reused or upgraded them.
    bool created = false;
    // What an upgrade of an older layout did, one line per step; empty otherwise.
    std::vector<std::string> upgraded;
};

// The names of every certificate the lab PKI makes for the portal itself (its admin name, the
// portal API's DNS names and file names): the NAF refuses them as gateway ids.
std::vector<std::string> reservedIdentityNames(const LabPkiOptions &options = LabPkiOptions());

class LabPki
{
public:
    static Result<LabPkiPaths> ensure(const std::string &directory,
                                      const LabPkiOptions &options = LabPkiOptions());
};

} // namespace Portal::Crypto
