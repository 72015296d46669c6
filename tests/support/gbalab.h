#pragma once
// Test-only: the GBA side of a lab on real processes, shared by the NAF and identity tests.
// A real iot-bsf with Ub and Zn over TLS from the lab PKI, its subscribers added through its
// own CLI; the NAF configuration that talks to it; a UE's bootstrap and a gateway's enrolment
// through the project's clients. Header-only: the tests that include it link Portal::Gba.

#include "tests/support/daemonprocess.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/labpki.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/gba/enrolmentclient.h>
#include <portal-core/gba/gbaclient.h>
#include <portal-core/gba/nafservice.h>

#include <QFile>
#include <QSslCertificate>
#include <QTest>

#include <memory>
#include <optional>

namespace Portal::Testing {

// The subscriber of TS 35.208 test set 2 (K, OPc) that these tests give every IMPI.
inline const QByteArray kLabKHex = "fec86ba6eb707ed08905757b1bb44b8f";
inline const QByteArray kLabOpcHex = "1006020f0a478bf6b699f15c062e42b3";

struct TlsBsf
{
    std::unique_ptr<DaemonProcess> process;
    quint16 znPort = 0;
};

// Adds each IMPI to the HSS database hss (created in its folder), then starts bsfProgram on
// it serving Ub and Zn over TLS with the lab PKI's BSF certificate. On failure the test has
// failed (QTest::qFail) and process is null.
inline TlsBsf startTlsBsf(const QString &bsfProgram, const Crypto::LabPkiPaths &pki,
                          const QString &hss, const QStringList &impis)
{
    TlsBsf bsf;
    for (const QString &impi : impis) {
        QByteArray output;
        if (runCommand(bsfProgram,
                       {QStringLiteral("subscriber"), QStringLiteral("add"),
                        QStringLiteral("--database"), hss, QStringLiteral("--impi"), impi,
                        QStringLiteral("--k"), QString::fromLatin1(kLabKHex),
                        QStringLiteral("--opc"), QString::fromLatin1(kLabOpcHex)},
                       &output) != 0) {
            QTest::qFail(output.constData(), __FILE__, __LINE__);
            return bsf;
        }
    }
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    const QString znPortFile = hss + QStringLiteral(".zn-port");
    auto process = std::make_unique<DaemonProcess>(
        bsfProgram,
        QStringList{QStringLiteral("--database"), hss, QStringLiteral("--tls-cert"),
                    path(pki.bsf.certificatePath), QStringLiteral("--tls-key"),
                    path(pki.bsf.keyPath), QStringLiteral("--zn-client-ca"),
                    path(pki.operatorCa.certificatePath), QStringLiteral("--zn-port-file"),
                    znPortFile, QStringLiteral("--key-lifetime"), QStringLiteral("600")});
    if (!process->start()) {
        QTest::qFail(process->output().constData(), __FILE__, __LINE__);
        return bsf;
    }
    // iot-bsf writes the Zn port file after the Ub one that DaemonProcess waits for.
    QFile zn(znPortFile);
    if (!QTest::qWaitFor([&zn] { return zn.size() > 0; }, 5000) || !zn.open(QIODevice::ReadOnly)) {
        QTest::qFail("iot-bsf did not report its Zn port", __FILE__, __LINE__);
        return bsf;
    }
    bsf.znPort = quint16(zn.readAll().trimmed().toUInt());
    bsf.process = std::move(process);
    return bsf;
}

// A NAF of the lab PKI, asking the BSF's Zn at znPort; the caller adds what its test varies.
inline Gba::NafServiceConfig labNafConfig(const Crypto::LabPkiPaths &pki, quint16 znPort)
{
    const auto path = [](const std::string &text) { return QString::fromStdString(text); };
    Gba::NafServiceConfig config;
    config.tlsCertificatePath = path(pki.naf.certificatePath);
    config.tlsKeyPath = path(pki.naf.keyPath);
    config.znUrl = QUrl(QStringLiteral("https://localhost:%1/zn").arg(znPort));
    config.znCertificatePath = path(pki.nafZn.certificatePath);
    config.znKeyPath = path(pki.nafZn.keyPath);
    config.operatorCaPath = path(pki.operatorCa.certificatePath);
    config.portalCaCertificatePath = path(pki.portalCa.certificatePath);
    config.gatewayCaCertificatePath = path(pki.gatewayCa.certificatePath);
    config.gatewayCaKeyPath = path(pki.gatewayCa.keyPath);
    config.portalApiUrl = QUrl(QStringLiteral("https://localhost:9/api/v1"));
    return config;
}

// The UE side of Ub against the BSF at bsfPort (HTTPS, the operator CA as the only root).
inline Result<Gba::GbaBootstrap>
bootstrapAt(quint16 bsfPort, const QList<QSslCertificate> &operatorCa, Gba::SoftUsim &usim)
{
    Gba::GbaClientConfig config;
    config.bsfUrl = QUrl(QStringLiteral("https://localhost:%1/").arg(bsfPort));
    config.trustedCas = operatorCa;
    Gba::GbaClient client(config, usim);
    std::optional<Result<Gba::GbaBootstrap>> outcome;
    client.bootstrap([&outcome](Result<Gba::GbaBootstrap> result) { outcome = std::move(result); });
    if (!QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 15000))
        return makeError("test.timeout", "bootstrap did not finish");
    return std::move(*outcome);
}

// A gateway's enrolment at the NAF at nafPort with a fresh key, which is handed out in key.
inline Result<Gba::Enrolment> enrolAt(quint16 nafPort, const QList<QSslCertificate> &operatorCa,
                                      const Gba::GbaBootstrap &bootstrapped,
                                      const QString &gatewayId,
                                      std::optional<Crypto::PrivateKey> *key = nullptr)
{
    auto fresh = Crypto::PrivateKey::generateP256();
    if (!fresh)
        return fresh.error();
    auto csr = Crypto::createCsr(*fresh, gatewayId.toStdString());
    if (!csr)
        return csr.error();
    Gba::EnrolmentRequest request;
    request.nafUrl = QUrl(QStringLiteral("https://localhost:%1/naf/v1/enrol").arg(nafPort));
    request.nafFqdn = QStringLiteral("naf.lab.example");
    request.trustedCas = operatorCa;
    request.gatewayId = gatewayId;
    request.csrPem = QByteArray::fromStdString(*csr);
    Gba::EnrolmentClient client;
    std::optional<Result<Gba::Enrolment>> outcome;
    client.enrol(request, bootstrapped,
                 [&outcome](Result<Gba::Enrolment> result) { outcome = std::move(result); });
    if (!QTest::qWaitFor([&outcome] { return outcome.has_value(); }, 15000))
        return makeError("test.timeout", "enrolment did not finish");
    if (key)
        key->emplace(std::move(*fresh));
    return std::move(*outcome);
}

} // namespace Portal::Testing
