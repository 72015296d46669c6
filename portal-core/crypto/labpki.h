#pragma once
// The lab PKI (DESIGN §7.1): on first run, creates in one directory two separate CAs and the
// certificates the lab's programs present, all P-256:
//
//   operator-ca   CA       self-signed; signs bsf, naf and naf-zn
//   portal-ca     CA       self-signed; signs portal-api and portal-admin (and, later, the
//                          instances' and gateways' certificates)
//   bsf           server   SAN bsfDnsName, extraDnsNames, ipAddresses
//   naf           server   SAN nafDnsName, extraDnsNames, ipAddresses
//   naf-zn        client   CN and SAN nafDnsName (the NAF identifies itself to the BSF on Zn)
//   portal-api    server   SAN portalApiDnsName, extraDnsNames, ipAddresses
//   portal-admin  client   CN portalAdminCommonName
//
// Each as <name>.crt (PEM, 0644) and <name>.key (unencrypted PKCS#8 PEM, 0600). A server
// certificate's CN is its first DNS name.
//
// Contract:
// - Idempotent: when all 14 files exist they are reused as they are, never rewritten (only
//   their key files' modes are checked). When none exists, all are created. Anything in
//   between fails with `labpki.incomplete` naming the first missing file, so a half-written
//   PKI is never silently completed with keys that do not match.
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
    std::string bsfDnsName = "bsf.lab.example";
    std::string nafDnsName = "naf.lab.example";
    std::string portalApiDnsName = "portal.lab.example";
    std::string portalAdminCommonName = "portal-admin";
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
    // True when this call created the files, false when it reused them.
    bool created = false;
};

class LabPki
{
public:
    static Result<LabPkiPaths> ensure(const std::string &directory,
                                      const LabPkiOptions &options = LabPkiOptions());
};

} // namespace Portal::Crypto
