// Keys, CSRs and certificates are checked against the `openssl` command line, an independent
// reader: what we write must verify and print as expected there, and what it writes must parse
// here. Hostile CSRs are built directly with OpenSSL's API so their defects are exact.
#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/x509.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <QDateTime>
#include <QProcess>
#include <QTemporaryDir>
#include <QtTest>

#include <ctime>
#include <memory>

using namespace Portal;
using namespace Portal::Crypto;

namespace {

constexpr int64_t kDaySeconds = 24 * 3600;

struct ToolResult
{
    int exitCode = -1;
    QByteArray output; // stdout and stderr merged
};

ToolResult runOpenssl(const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(QStringLiteral("openssl"), arguments);
    ToolResult result;
    if (!process.waitForFinished(20000) || process.exitStatus() != QProcess::NormalExit) {
        result.output = "openssl did not finish";
        return result;
    }
    result.exitCode = process.exitCode();
    result.output = process.readAll();
    return result;
}

QByteArray toQByteArray(std::string_view text)
{
    return QByteArray(text.data(), qsizetype(text.size()));
}

std::string toStd(const QByteArray &bytes)
{
    return std::string(bytes.constData(), size_t(bytes.size()));
}

QByteArray pointBytes(const std::array<uint8_t, kP256UncompressedPointBytes> &point)
{
    return QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()));
}

PrivateKey newKey()
{
    Result<PrivateKey> key = PrivateKey::generateP256();
    if (!key) {
        qFatal("key generation failed");
    }
    return std::move(key).value();
}

// Hostile CSRs: any subject, any P-256 or other key, signed correctly.
struct PkeyFree
{
    void operator()(EVP_PKEY *key) const { EVP_PKEY_free(key); }
};
struct ReqFree
{
    void operator()(X509_REQ *request) const { X509_REQ_free(request); }
};

QByteArray rawCsr(const QList<QPair<int, QByteArray>> &subject, const char *curve = "P-256")
{
    std::unique_ptr<EVP_PKEY, PkeyFree> key(EVP_EC_gen(curve));
    std::unique_ptr<X509_REQ, ReqFree> request(X509_REQ_new());
    X509_NAME *name = X509_REQ_get_subject_name(request.get());
    for (const auto &[nid, value] : subject) {
        X509_NAME_add_entry_by_NID(name, nid, V_ASN1_UTF8STRING,
                                   reinterpret_cast<const unsigned char *>(value.constData()),
                                   int(value.size()), -1, 0);
    }
    X509_REQ_set_pubkey(request.get(), key.get());
    X509_REQ_sign(request.get(), key.get(), EVP_sha256());
    BIO *bio = BIO_new(BIO_s_mem());
    PEM_write_bio_X509_REQ(bio, request.get());
    char *data = nullptr;
    const long size = BIO_get_mem_data(bio, &data);
    QByteArray pem(data, qsizetype(size));
    BIO_free(bio);
    return pem;
}

// Flips a bit in the last byte of the DER, which is inside the signature's s value.
QByteArray withTamperedSignature(const QByteArray &pem, const QByteArray &label)
{
    const QByteArray begin = "-----BEGIN " + label + "-----\n";
    const QByteArray end = "-----END " + label + "-----\n";
    QByteArray body = pem.mid(begin.size(), pem.size() - begin.size() - end.size());
    QByteArray der = QByteArray::fromBase64(body);
    der[der.size() - 1] = char(der[der.size() - 1] ^ 0x01);
    QByteArray base64 = der.toBase64();
    QByteArray wrapped;
    for (qsizetype i = 0; i < base64.size(); i += 64) {
        wrapped += base64.mid(i, 64) + '\n';
    }
    return begin + wrapped + end;
}

} // namespace

class tst_X509 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();

    void keyPemRoundTripMatchesOpenssl();
    void keyFromOpensslPem_data();
    void keyFromOpensslPem();
    void keyPemRefusals_data();
    void keyPemRefusals();
    void uncompressedPointVerifiesOpensslSignature();

    void selfSignedCaCheckedByOpenssl();
    void gettersMatchOpensslOnForeignCertificate();
    void leafCheckedByOpenssl_data();
    void leafCheckedByOpenssl();
    void serialsAreRandom128Bit();

    void csrCheckedByOpenssl();
    void opensslCsrParsedAndIssued();
    void csrRequestedExtensionsAndNamesAreIgnored();
    void csrRefusals_data();
    void csrRefusals();
    void nameRefusals_data();
    void nameRefusals();
    void issueRefusals();
    void certificatePemRefusals_data();
    void certificatePemRefusals();

    void leafOfAnotherCaFailsVerifyChain();
    void expiredAndNotYetValidFailVerifyChain();
    void validityWindowAndClamping();

private:
    QString path(const QString &name) const { return m_directory.filePath(name); }
    QString writeFile(const QString &name, const QByteArray &content);
    Certificate issueLeaf(const PublicKey &subject, CertificateProfile profile,
                          std::vector<std::string> dnsNames = {"leaf.lab.example"},
                          std::vector<std::string> ipAddresses = {},
                          int64_t validitySeconds = kDaySeconds);

    QTemporaryDir m_directory;
    std::unique_ptr<PrivateKey> m_caKey;
    std::unique_ptr<Certificate> m_ca;
    QString m_caPath;
};

QString tst_X509::writeFile(const QString &name, const QByteArray &content)
{
    QFile file(path(name));
    if (!file.open(QIODevice::WriteOnly) || file.write(content) != content.size()) {
        qFatal("cannot write a test file");
    }
    return file.fileName();
}

Certificate tst_X509::issueLeaf(const PublicKey &subject, CertificateProfile profile,
                                std::vector<std::string> dnsNames,
                                std::vector<std::string> ipAddresses, int64_t validitySeconds)
{
    IssueRequest request;
    request.issuerCertificate = m_ca.get();
    request.issuerKey = m_caKey.get();
    request.subjectPublicKey = &subject;
    request.commonName = "leaf";
    request.dnsNames = std::move(dnsNames);
    request.ipAddresses = std::move(ipAddresses);
    request.profile = profile;
    request.validitySeconds = validitySeconds;
    Result<Certificate> certificate = issueCertificate(request);
    if (!certificate) {
        qFatal("issuing failed: %s", certificate.error().code.c_str());
    }
    return certificate.value();
}

void tst_X509::initTestCase()
{
    QVERIFY(m_directory.isValid());
    const ToolResult version = runOpenssl({"version"});
    QCOMPARE(version.exitCode, 0);
    m_caKey = std::make_unique<PrivateKey>(newKey());
    Result<Certificate> ca = createSelfSignedCa(*m_caKey, "Test CA", 30 * kDaySeconds);
    QVERIFY2(ca.ok(), ca.ok() ? "" : ca.error().code.c_str());
    m_ca = std::make_unique<Certificate>(ca.value());
    m_caPath = writeFile("ca.pem", toQByteArray(m_ca->toPem()));
}

void tst_X509::keyPemRoundTripMatchesOpenssl()
{
    const PrivateKey key = newKey();
    const SecretBytes pem = key.toPem();
    const QByteArray pemText(reinterpret_cast<const char *>(pem.data()), qsizetype(pem.size()));
    QVERIFY(pemText.startsWith("-----BEGIN PRIVATE KEY-----\n"));

    // OpenSSL reads it, and its SubjectPublicKeyInfo ends with the same uncompressed point.
    const QString keyPath = writeFile("roundtrip.key", pemText);
    const ToolResult spki = runOpenssl({"pkey", "-in", keyPath, "-pubout", "-outform", "DER"});
    QCOMPARE(spki.exitCode, 0);
    const QByteArray point = pointBytes(key.publicKeyUncompressedPoint());
    QCOMPARE(point.size(), 65);
    QCOMPARE(point.at(0), char(0x04));
    QCOMPARE(spki.output.right(65), point);

    Result<PrivateKey> reread =
        PrivateKey::fromPem(std::string_view(pemText.constData(), size_t(pemText.size())));
    QVERIFY(reread.ok());
    QCOMPARE(pointBytes(reread.value().publicKeyUncompressedPoint()), point);
    QCOMPARE(pointBytes(key.publicKey().uncompressedPoint()), point);
    QVERIFY(reread.value().publicKey() == key.publicKey());
    QVERIFY(newKey().publicKey() != key.publicKey());
}

void tst_X509::keyFromOpensslPem_data()
{
    QTest::addColumn<QStringList>("generate");
    QTest::addColumn<QString>("passphrase");

    QTest::newRow("PKCS#8") << QStringList{"genpkey", "-algorithm", "EC", "-pkeyopt",
                                           "ec_paramgen_curve:P-256"}
                            << QString();
    QTest::newRow("SEC1") << QStringList{"ecparam", "-name", "prime256v1", "-genkey", "-noout"}
                          << QString();
    QTest::newRow("SEC1 compressed point")
        << QStringList{"ecparam", "-name",      "prime256v1", "-genkey",
                       "-noout",  "-conv_form", "compressed"}
        << QString();
    QTest::newRow("encrypted PKCS#8") << QStringList{"genpkey",
                                                     "-algorithm",
                                                     "EC",
                                                     "-pkeyopt",
                                                     "ec_paramgen_curve:P-256",
                                                     "-aes-256-cbc",
                                                     "-pass",
                                                     "pass:lab secret"}
                                      << QString("lab secret");
}

void tst_X509::keyFromOpensslPem()
{
    QFETCH(QStringList, generate);
    QFETCH(QString, passphrase);

    const QString keyPath = path("openssl-generated.key");
    QFile::remove(keyPath);
    const ToolResult generated = runOpenssl(generate + QStringList{"-out", keyPath});
    QCOMPARE(generated.exitCode, 0);
    QFile file(keyPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QByteArray pem = file.readAll();

    QStringList pubout{"pkey",     "-in", keyPath,         "-pubout",
                       "-outform", "DER", "-ec_conv_form", "uncompressed"};
    if (!passphrase.isEmpty()) {
        pubout << "-passin"
               << "pass:" + passphrase;
    }
    const ToolResult spki = runOpenssl(pubout);
    QCOMPARE(spki.exitCode, 0);

    const std::optional<std::string_view> supplied =
        passphrase.isEmpty() ? std::nullopt : std::optional<std::string_view>("lab secret");
    Result<PrivateKey> key = PrivateKey::fromPem(toStd(pem), supplied);
    QVERIFY2(key.ok(), key.ok() ? "" : key.error().message.c_str());
    QCOMPARE(pointBytes(key.value().publicKeyUncompressedPoint()), spki.output.right(65));
}

void tst_X509::keyPemRefusals_data()
{
    QTest::addColumn<QStringList>("generate");
    QTest::addColumn<QByteArray>("pem");
    QTest::addColumn<QString>("passphrase");

    const QStringList encrypted{
        "genpkey",      "-algorithm", "EC",        "-pkeyopt", "ec_paramgen_curve:P-256",
        "-aes-256-cbc", "-pass",      "pass:right"};
    QTest::newRow("encrypted, no passphrase") << encrypted << QByteArray() << QString();
    QTest::newRow("encrypted, wrong passphrase") << encrypted << QByteArray() << "wrong";
    QTest::newRow("P-384") << QStringList{"genpkey", "-algorithm", "EC", "-pkeyopt",
                                          "ec_paramgen_curve:P-384"}
                           << QByteArray() << QString();
    QTest::newRow("Ed25519") << QStringList{"genpkey", "-algorithm", "ED25519"} << QByteArray()
                             << QString();
    QTest::newRow("garbage") << QStringList() << QByteArray("not a key") << QString();
    QTest::newRow("empty") << QStringList() << QByteArray() << QString();
    QTest::newRow("oversized") << QStringList() << QByteArray(64 * 1024 + 1, ' ') << QString();
}

void tst_X509::keyPemRefusals()
{
    QFETCH(QStringList, generate);
    QFETCH(QByteArray, pem);
    QFETCH(QString, passphrase);

    if (!generate.isEmpty()) {
        const QString keyPath = path("refused.key");
        QFile::remove(keyPath);
        QCOMPARE(runOpenssl(generate + QStringList{"-out", keyPath}).exitCode, 0);
        QFile file(keyPath);
        QVERIFY(file.open(QIODevice::ReadOnly));
        pem = file.readAll();
    }
    const std::string passphraseText = passphrase.toStdString();
    const std::optional<std::string_view> supplied =
        passphrase.isEmpty() ? std::nullopt : std::optional<std::string_view>(passphraseText);
    Result<PrivateKey> key = PrivateKey::fromPem(toStd(pem), supplied);
    QVERIFY(!key.ok());
    QCOMPARE(QString::fromStdString(key.error().code), QStringLiteral("x509.bad_key"));
}

void tst_X509::uncompressedPointVerifiesOpensslSignature()
{
    const PrivateKey key = newKey();
    const SecretBytes pem = key.toPem();
    const QString keyPath =
        writeFile("signer.key",
                  QByteArray(reinterpret_cast<const char *>(pem.data()), qsizetype(pem.size())));
    const QByteArray message = "reading 21.5 C";
    const QString messagePath = writeFile("message.bin", message);
    const ToolResult signature = runOpenssl({"dgst", "-sha256", "-sign", keyPath, messagePath});
    QCOMPARE(signature.exitCode, 0);

    const auto point = key.publicKeyUncompressedPoint();
    Result<Es256PublicKey> verifier = Es256PublicKey::fromUncompressedPoint(ByteView(point));
    QVERIFY(verifier.ok());
    const std::vector<uint8_t> der(signature.output.begin(), signature.output.end());
    QVERIFY(verifier.value().verifyDer(ByteView::fromText(toStd(message)), ByteView(der)).ok());
}

void tst_X509::selfSignedCaCheckedByOpenssl()
{
    QVERIFY(m_ca->isCa());
    QCOMPARE(QString::fromStdString(m_ca->subjectCommonName()), QStringLiteral("Test CA"));
    QCOMPARE(QString::fromStdString(m_ca->issuerCommonName()), QStringLiteral("Test CA"));

    const ToolResult verified =
        runOpenssl({"verify", "-x509_strict", "-CAfile", m_caPath, m_caPath});
    QVERIFY2(verified.exitCode == 0, verified.output.constData());

    const ToolResult text = runOpenssl({"x509", "-in", m_caPath, "-noout", "-text"});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.output.contains("X509v3 Basic Constraints: critical\n"));
    QVERIFY(text.output.contains("CA:TRUE, pathlen:0"));
    QVERIFY(text.output.contains("X509v3 Key Usage: critical\n"));
    QVERIFY(text.output.contains("Certificate Sign, CRL Sign"));
    QVERIFY(text.output.contains("X509v3 Subject Key Identifier"));
    QVERIFY(text.output.contains("Signature Algorithm: ecdsa-with-SHA256"));
    QVERIFY(text.output.contains("ASN1 OID: prime256v1"));
    QVERIFY(text.output.contains("Version: 3 (0x2)"));
    QVERIFY(!text.output.contains("Extended Key Usage"));
}

void tst_X509::gettersMatchOpensslOnForeignCertificate()
{
    const QString keyPath = path("foreign.key");
    const QString certificatePath = path("foreign.crt");
    const ToolResult made =
        runOpenssl({"req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                    "-nodes", "-keyout", keyPath, "-out", certificatePath, "-subj",
                    "/O=Elsewhere/CN=outside.example", "-days", "3", "-set_serial", "0x00ff0102"});
    QCOMPARE(made.exitCode, 0);
    QFile file(certificatePath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Result<Certificate> certificate = Certificate::fromPem(toStd(file.readAll()));
    QVERIFY(certificate.ok());

    const ToolResult fields =
        runOpenssl({"x509", "-in", certificatePath, "-noout", "-serial", "-fingerprint", "-sha256",
                    "-startdate", "-enddate", "-dateopt", "iso_8601"});
    QCOMPARE(fields.exitCode, 0);
    QByteArray serial;
    QByteArray fingerprint;
    QByteArray notBefore;
    QByteArray notAfter;
    for (const QByteArray &line : fields.output.split('\n')) {
        if (line.startsWith("serial=")) {
            serial = line.mid(7).toLower();
        } else if (line.contains("Fingerprint=")) {
            fingerprint = line.mid(line.indexOf('=') + 1).replace(":", "").toLower();
        } else if (line.startsWith("notBefore=")) {
            notBefore = line.mid(10);
        } else if (line.startsWith("notAfter=")) {
            notAfter = line.mid(9);
        }
    }
    QCOMPARE(serial, QByteArray("ff0102"));
    QCOMPARE(toQByteArray(certificate.value().serialHex()), serial);
    QCOMPARE(toQByteArray(certificate.value().fingerprintSha256()), fingerprint);
    const auto toUnix = [](const QByteArray &iso) {
        return QDateTime::fromString(QString::fromLatin1(iso), Qt::ISODate).toSecsSinceEpoch();
    };
    QVERIFY(toUnix(notAfter) > 0);
    QCOMPARE(certificate.value().notBeforeUnixSeconds(), toUnix(notBefore));
    QCOMPARE(certificate.value().notAfterUnixSeconds(), toUnix(notAfter));
    QCOMPARE(QString::fromStdString(certificate.value().subjectCommonName()),
             QStringLiteral("outside.example"));

    // The certificate's public key is the key OpenSSL generated.
    const ToolResult spki = runOpenssl({"pkey", "-in", keyPath, "-pubout", "-outform", "DER"});
    Result<PublicKey> publicKey = certificate.value().publicKey();
    QVERIFY(publicKey.ok());
    QCOMPARE(pointBytes(publicKey.value().uncompressedPoint()), spki.output.right(65));

    // A copy shares the object and reads the same.
    const Certificate copy = certificate.value();
    QCOMPARE(copy.fingerprintSha256(), certificate.value().fingerprintSha256());
    QCOMPARE(toQByteArray(copy.toPem()), toQByteArray(certificate.value().toPem()));
}

void tst_X509::leafCheckedByOpenssl_data()
{
    QTest::addColumn<int>("profile");
    QTest::addColumn<QString>("acceptedPurpose");
    QTest::addColumn<QString>("refusedPurpose");
    QTest::addColumn<QByteArray>("extendedKeyUsage");

    QTest::newRow("TLS server") << int(CertificateProfile::TlsServer) << "sslserver"
                                << "sslclient" << QByteArray("TLS Web Server Authentication");
    QTest::newRow("TLS client") << int(CertificateProfile::TlsClient) << "sslclient"
                                << "sslserver" << QByteArray("TLS Web Client Authentication");
}

void tst_X509::leafCheckedByOpenssl()
{
    QFETCH(int, profile);
    QFETCH(QString, acceptedPurpose);
    QFETCH(QString, refusedPurpose);
    QFETCH(QByteArray, extendedKeyUsage);

    const PrivateKey key = newKey();
    const Certificate leaf = issueLeaf(key.publicKey(), CertificateProfile(profile),
                                       {"bsf.lab.example", "localhost"}, {"127.0.0.1", "::1"});
    QVERIFY(!leaf.isCa());
    const QString leafPath = writeFile("leaf.pem", toQByteArray(leaf.toPem()));

    const ToolResult accepted = runOpenssl(
        {"verify", "-x509_strict", "-CAfile", m_caPath, "-purpose", acceptedPurpose, leafPath});
    QVERIFY2(accepted.exitCode == 0, accepted.output.constData());
    const ToolResult refused =
        runOpenssl({"verify", "-CAfile", m_caPath, "-purpose", refusedPurpose, leafPath});
    QVERIFY(refused.exitCode != 0);
    QVERIFY2(refused.output.contains("unsuitable certificate purpose"), refused.output.constData());

    const ToolResult text = runOpenssl({"x509", "-in", leafPath, "-noout", "-text"});
    QCOMPARE(text.exitCode, 0);
    QVERIFY(text.output.contains("X509v3 Basic Constraints: critical\n                CA:FALSE"));
    QVERIFY(
        text.output.contains("X509v3 Key Usage: critical\n                Digital Signature\n"));
    QVERIFY(text.output.contains("X509v3 Extended Key Usage: \n                " +
                                 extendedKeyUsage + "\n"));
    QVERIFY(text.output.contains("DNS:bsf.lab.example, DNS:localhost, IP Address:127.0.0.1, "
                                 "IP Address:0:0:0:0:0:0:0:1"));
    QVERIFY(text.output.contains("Subject: CN = leaf\n"));
    QVERIFY(text.output.contains("Issuer: CN = Test CA\n"));
    QVERIFY(text.output.contains("Signature Algorithm: ecdsa-with-SHA256"));

    // The leaf's AKI is the CA's SKI.
    const ToolResult caText =
        runOpenssl({"x509", "-in", m_caPath, "-noout", "-ext", "subjectKeyIdentifier"});
    const QByteArray caKeyId = caText.output.split('\n').value(1).trimmed();
    QVERIFY(caKeyId.size() > 40);
    const ToolResult leafAki =
        runOpenssl({"x509", "-in", leafPath, "-noout", "-ext", "authorityKeyIdentifier"});
    QVERIFY2(leafAki.output.contains(caKeyId), leafAki.output.constData());

    const ChainPurpose accepting = CertificateProfile(profile) == CertificateProfile::TlsServer
                                       ? ChainPurpose::TlsServer
                                       : ChainPurpose::TlsClient;
    const ChainPurpose refusing =
        accepting == ChainPurpose::TlsServer ? ChainPurpose::TlsClient : ChainPurpose::TlsServer;
    QVERIFY(verifyChain(leaf, *m_ca, accepting).ok());
    Result<void> wrongPurpose = verifyChain(leaf, *m_ca, refusing);
    QVERIFY(!wrongPurpose.ok());
    QCOMPARE(QString::fromStdString(wrongPurpose.error().code),
             QStringLiteral("x509.verify_failed"));
}

void tst_X509::serialsAreRandom128Bit()
{
    const PrivateKey key = newKey();
    const Certificate first = issueLeaf(key.publicKey(), CertificateProfile::TlsClient, {});
    const Certificate second = issueLeaf(key.publicKey(), CertificateProfile::TlsClient, {});
    QCOMPARE(first.serialHex().size(), size_t(32));
    QCOMPARE(second.serialHex().size(), size_t(32));
    QVERIFY(first.serialHex() != second.serialHex());
    QVERIFY(first.fingerprintSha256() != second.fingerprintSha256());

    const QString leafPath = writeFile("serial.pem", toQByteArray(first.toPem()));
    const ToolResult serial = runOpenssl({"x509", "-in", leafPath, "-noout", "-serial"});
    QCOMPARE(serial.output.trimmed().toLower(), "serial=" + toQByteArray(first.serialHex()));
}

void tst_X509::csrCheckedByOpenssl()
{
    const PrivateKey key = newKey();
    Result<std::string> csr = createCsr(key, "gw-0001");
    QVERIFY(csr.ok());
    const QString csrPath = writeFile("ours.csr", toQByteArray(csr.value()));

    const ToolResult verified = runOpenssl({"req", "-verify", "-noout", "-in", csrPath});
    QVERIFY2(verified.exitCode == 0, verified.output.constData());
    QVERIFY(verified.output.contains("verify OK"));
    const ToolResult subject = runOpenssl({"req", "-noout", "-subject", "-in", csrPath});
    QCOMPARE(subject.output.trimmed(), QByteArray("subject=CN = gw-0001"));

    // A bit flipped in our signature is caught by OpenSSL too, so the tamper row below is real.
    // (OpenSSL 3.0's `req -verify` exits 0 either way; only its message tells.)
    const QString tamperedPath =
        writeFile("ours-tampered.csr",
                  withTamperedSignature(toQByteArray(csr.value()), "CERTIFICATE REQUEST"));
    const ToolResult tampered = runOpenssl({"req", "-verify", "-noout", "-in", tamperedPath});
    QVERIFY(tampered.output.contains("verify failure"));
    QVERIFY(!tampered.output.contains("verify OK"));

    Result<Csr> parsed = parseCsr(csr.value());
    QVERIFY(parsed.ok());
    QCOMPARE(QString::fromStdString(parsed.value().commonName), QStringLiteral("gw-0001"));
    QVERIFY(parsed.value().publicKey == key.publicKey());
}

void tst_X509::opensslCsrParsedAndIssued()
{
    const QString keyPath = path("gateway.key");
    const QString csrPath = path("gateway.csr");
    const ToolResult made =
        runOpenssl({"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                    "-keyout", keyPath, "-out", csrPath, "-subj", "/CN=gateway-42"});
    QCOMPARE(made.exitCode, 0);
    QFile file(csrPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Result<Csr> csr = parseCsr(toStd(file.readAll()));
    QVERIFY2(csr.ok(), csr.ok() ? "" : csr.error().message.c_str());
    QCOMPARE(QString::fromStdString(csr.value().commonName), QStringLiteral("gateway-42"));

    const ToolResult spki = runOpenssl({"pkey", "-in", keyPath, "-pubout", "-outform", "DER"});
    QCOMPARE(pointBytes(csr.value().publicKey.uncompressedPoint()), spki.output.right(65));

    IssueRequest request;
    request.issuerCertificate = m_ca.get();
    request.issuerKey = m_caKey.get();
    request.subjectPublicKey = &csr.value().publicKey;
    request.commonName = csr.value().commonName;
    request.profile = CertificateProfile::TlsClient;
    request.validitySeconds = kDaySeconds;
    Result<Certificate> issued = issueCertificate(request);
    QVERIFY(issued.ok());
    const QString leafPath = writeFile("gateway.crt", toQByteArray(issued.value().toPem()));
    const ToolResult verified = runOpenssl(
        {"verify", "-x509_strict", "-CAfile", m_caPath, "-purpose", "sslclient", leafPath});
    QVERIFY2(verified.exitCode == 0, verified.output.constData());
    QVERIFY(verifyChain(issued.value(), *m_ca, ChainPurpose::TlsClient).ok());

    // The certificate carries the gateway's own key: OpenSSL pairs it with the key file.
    const ToolResult certificateKey = runOpenssl({"x509", "-in", leafPath, "-noout", "-pubkey"});
    const ToolResult fileKey = runOpenssl({"pkey", "-in", keyPath, "-pubout"});
    QCOMPARE(certificateKey.output, fileKey.output);
    QVERIFY(!issued.value().toPem().empty());
}

void tst_X509::csrRequestedExtensionsAndNamesAreIgnored()
{
    const QString csrPath = path("greedy.csr");
    const ToolResult made = runOpenssl(
        {"req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-keyout",
         path("greedy.key"), "-out", csrPath, "-subj", "/O=Evil Corp/CN=gw-7", "-addext",
         "basicConstraints=critical,CA:TRUE", "-addext", "subjectAltName=DNS:portal.lab.example"});
    QCOMPARE(made.exitCode, 0);
    QFile file(csrPath);
    QVERIFY(file.open(QIODevice::ReadOnly));
    Result<Csr> csr = parseCsr(toStd(file.readAll()));
    QVERIFY(csr.ok());
    QCOMPARE(QString::fromStdString(csr.value().commonName), QStringLiteral("gw-7"));

    const Certificate leaf =
        issueLeaf(csr.value().publicKey, CertificateProfile::TlsClient, {}, {});
    QVERIFY(!leaf.isCa());
    const QString leafPath = writeFile("greedy.crt", toQByteArray(leaf.toPem()));
    const ToolResult text = runOpenssl({"x509", "-in", leafPath, "-noout", "-text"});
    QVERIFY(text.output.contains("CA:FALSE"));
    QVERIFY(!text.output.contains("CA:TRUE"));
    QVERIFY(!text.output.contains("portal.lab.example"));
    QVERIFY(!text.output.contains("Evil"));
}

void tst_X509::csrRefusals_data()
{
    QTest::addColumn<QByteArray>("pem");
    QTest::addColumn<QString>("code");

    const QByteArray good = rawCsr({{NID_commonName, "gw-1"}});
    QVERIFY(parseCsr(toStd(good)).ok());

    QTest::newRow("tampered signature")
        << withTamperedSignature(good, "CERTIFICATE REQUEST") << "x509.bad_csr_signature";
    QTest::newRow("oversized") << good + QByteArray(16 * 1024, '\n') << "x509.bad_csr";
    QTest::newRow("garbage") << QByteArray("-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n"
                                           "-----END CERTIFICATE REQUEST-----\n")
                             << "x509.bad_csr";
    QTest::newRow("not PEM") << QByteArray("hello") << "x509.bad_csr";
    QTest::newRow("empty") << QByteArray() << "x509.bad_csr";
    QTest::newRow("truncated") << good.left(good.size() / 2) << "x509.bad_csr";
    QTest::newRow("trailing data") << good + "extra"
                                   << "x509.bad_csr";
    QTest::newRow("CN with control character") << rawCsr({{NID_commonName, "gw\x01"
                                                                           "1"}})
                                               << "x509.bad_csr";
    QTest::newRow("CN with newline")
        << rawCsr({{NID_commonName, "gw\nCN=admin"}}) << "x509.bad_csr";
    QTest::newRow("CN with slash") << rawCsr({{NID_commonName, "gw/CN=admin"}}) << "x509.bad_csr";
    QTest::newRow("CN non-ASCII") << rawCsr({{NID_commonName, "gw-\xc3\xa9"}}) << "x509.bad_csr";
    QTest::newRow("CN of 64 bytes, the limit, accepted")
        << rawCsr({{NID_commonName, QByteArray(64, 'a')}}) << QString();
    QTest::newRow("CN of 65 bytes")
        << rawCsr({{NID_commonName, QByteArray(65, 'a')}}) << "x509.bad_csr";
    QTest::newRow("no CN") << rawCsr({{NID_organizationName, "gw"}}) << "x509.bad_csr";
    QTest::newRow("two CNs") << rawCsr({{NID_commonName, "gw-1"}, {NID_commonName, "admin"}})
                             << "x509.bad_csr";
    QTest::newRow("P-384 key") << rawCsr({{NID_commonName, "gw-1"}}, "P-384") << "x509.bad_csr";
    QTest::newRow("a certificate, not a CSR") << toQByteArray(m_ca->toPem()) << "x509.bad_csr";
}

void tst_X509::csrRefusals()
{
    QFETCH(QByteArray, pem);
    QFETCH(QString, code);

    Result<Csr> csr = parseCsr(toStd(pem));
    if (code.isEmpty()) {
        QVERIFY(csr.ok());
        return;
    }
    QVERIFY(!csr.ok());
    QCOMPARE(QString::fromStdString(csr.error().code), code);
    // Messages never echo the input.
    QVERIFY(!QByteArray::fromStdString(csr.error().message).contains("admin"));
}

void tst_X509::nameRefusals_data()
{
    QTest::addColumn<QByteArray>("commonName");
    QTest::addColumn<QByteArray>("dnsName");
    QTest::addColumn<QByteArray>("ipAddress");

    QTest::newRow("empty CN") << QByteArray() << QByteArray() << QByteArray();
    QTest::newRow("CN 65 bytes") << QByteArray(65, 'a') << QByteArray() << QByteArray();
    QTest::newRow("CN control") << QByteArray("a\tb") << QByteArray() << QByteArray();
    QTest::newRow("CN comma") << QByteArray("a,O=x") << QByteArray() << QByteArray();
    QTest::newRow("CN leading space") << QByteArray(" a") << QByteArray() << QByteArray();
    QTest::newRow("DNS leading hyphen")
        << QByteArray("ok") << QByteArray("-a.example") << QByteArray();
    QTest::newRow("DNS empty label")
        << QByteArray("ok") << QByteArray("a..example") << QByteArray();
    QTest::newRow("DNS underscore")
        << QByteArray("ok") << QByteArray("a_b.example") << QByteArray();
    QTest::newRow("DNS wildcard") << QByteArray("ok") << QByteArray("*.example") << QByteArray();
    QTest::newRow("DNS label 64") << QByteArray("ok") << QByteArray(64, 'a') << QByteArray();
    QTest::newRow("DNS trailing dot")
        << QByteArray("ok") << QByteArray("a.example.") << QByteArray();
    QTest::newRow("IP three octets") << QByteArray("ok") << QByteArray() << QByteArray("1.2.3");
    QTest::newRow("IP octet 300") << QByteArray("ok") << QByteArray() << QByteArray("300.1.1.1");
    QTest::newRow("IP host name") << QByteArray("ok") << QByteArray() << QByteArray("localhost");
}

void tst_X509::nameRefusals()
{
    QFETCH(QByteArray, commonName);
    QFETCH(QByteArray, dnsName);
    QFETCH(QByteArray, ipAddress);

    const PrivateKey key = newKey();
    const PublicKey subject = key.publicKey();
    IssueRequest request;
    request.issuerCertificate = m_ca.get();
    request.issuerKey = m_caKey.get();
    request.subjectPublicKey = &subject;
    request.commonName = toStd(commonName);
    request.dnsNames = {"fine.example"};
    if (!dnsName.isEmpty()) {
        request.dnsNames.push_back(toStd(dnsName));
    }
    if (!ipAddress.isEmpty()) {
        request.ipAddresses.push_back(toStd(ipAddress));
    }
    request.validitySeconds = kDaySeconds;
    Result<Certificate> issued = issueCertificate(request);
    QVERIFY(!issued.ok());
    QCOMPARE(QString::fromStdString(issued.error().code), QStringLiteral("x509.bad_name"));

    if (dnsName.isEmpty() && ipAddress.isEmpty()) {
        Result<std::string> csr = createCsr(key, toStd(commonName));
        QVERIFY(!csr.ok());
        QCOMPARE(QString::fromStdString(csr.error().code), QStringLiteral("x509.bad_name"));
        Result<Certificate> ca = createSelfSignedCa(key, toStd(commonName), kDaySeconds);
        QVERIFY(!ca.ok());
        QCOMPARE(QString::fromStdString(ca.error().code), QStringLiteral("x509.bad_name"));
    }
}

void tst_X509::issueRefusals()
{
    const PrivateKey key = newKey();
    const PublicKey subject = key.publicKey();
    const Certificate leaf = issueLeaf(subject, CertificateProfile::TlsClient, {});
    const PrivateKey otherKey = newKey();

    const auto codeOf = [&](const IssueRequest &request) {
        Result<Certificate> issued = issueCertificate(request);
        return issued.ok() ? QString() : QString::fromStdString(issued.error().code);
    };
    IssueRequest good;
    good.issuerCertificate = m_ca.get();
    good.issuerKey = m_caKey.get();
    good.subjectPublicKey = &subject;
    good.commonName = "ok";
    good.dnsNames = {"ok.example"};
    good.validitySeconds = kDaySeconds;
    QCOMPARE(codeOf(good), QString());

    IssueRequest request = good;
    request.issuerCertificate = &leaf;
    request.issuerKey = &key;
    QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request")); // issuer is not a CA
    request = good;
    request.issuerKey = &otherKey;
    QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request")); // key does not match
    request = good;
    request.subjectPublicKey = nullptr;
    QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request"));
    for (const int64_t seconds : {int64_t(0), int64_t(-1), kMaxValiditySeconds + 1}) {
        request = good;
        request.validitySeconds = seconds;
        QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request"));
    }
    request = good;
    request.dnsNames.clear();
    QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request")); // server without SAN
    request = good;
    request.dnsNames = std::vector<std::string>(33, "many.example");
    QCOMPARE(codeOf(request), QStringLiteral("x509.bad_request"));
}

void tst_X509::certificatePemRefusals_data()
{
    QTest::addColumn<QByteArray>("pem");

    const QByteArray good = toQByteArray(m_ca->toPem());
    QTest::newRow("garbage") << QByteArray("garbage");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("oversized") << good + QByteArray(64 * 1024, ' ');
    QTest::newRow("trailing data") << good + "x";
    QTest::newRow("truncated") << good.left(good.size() - 40);
    QTest::newRow("CSR") << rawCsr({{NID_commonName, "gw-1"}});
}

void tst_X509::certificatePemRefusals()
{
    QFETCH(QByteArray, pem);
    Result<Certificate> certificate = Certificate::fromPem(toStd(pem));
    QVERIFY(!certificate.ok());
    QCOMPARE(QString::fromStdString(certificate.error().code),
             QStringLiteral("x509.bad_certificate"));
}

void tst_X509::leafOfAnotherCaFailsVerifyChain()
{
    // Same name, different key: only the signature tells them apart.
    const PrivateKey otherCaKey = newKey();
    Result<Certificate> otherCa = createSelfSignedCa(otherCaKey, "Test CA", kDaySeconds);
    QVERIFY(otherCa.ok());
    const PrivateKey key = newKey();
    const Certificate leaf = issueLeaf(key.publicKey(), CertificateProfile::TlsServer);

    Result<void> verified = verifyChain(leaf, otherCa.value(), ChainPurpose::TlsServer);
    QVERIFY(!verified.ok());
    QCOMPARE(QString::fromStdString(verified.error().code), QStringLiteral("x509.verify_failed"));

    const QString otherCaPath = writeFile("other-ca.pem", toQByteArray(otherCa.value().toPem()));
    const QString leafPath = writeFile("other-leaf.pem", toQByteArray(leaf.toPem()));
    QVERIFY(runOpenssl({"verify", "-CAfile", otherCaPath, leafPath}).exitCode != 0);
    QVERIFY(runOpenssl({"verify", "-CAfile", m_caPath, leafPath}).exitCode == 0);
}

void tst_X509::expiredAndNotYetValidFailVerifyChain()
{
    const PrivateKey key = newKey();
    const Certificate leaf =
        issueLeaf(key.publicKey(), CertificateProfile::TlsServer, {"leaf.lab.example"}, {}, 3600);
    const int64_t now = int64_t(std::time(nullptr));
    const QString leafPath = writeFile("short.pem", toQByteArray(leaf.toPem()));

    const int64_t afterExpiry = now + 2 * 3600;
    Result<void> expired = verifyChain(leaf, *m_ca, ChainPurpose::TlsServer, afterExpiry);
    QVERIFY(!expired.ok());
    QCOMPARE(QString::fromStdString(expired.error().code), QStringLiteral("x509.expired"));
    const ToolResult opensslExpired = runOpenssl(
        {"verify", "-attime", QString::number(afterExpiry), "-CAfile", m_caPath, leafPath});
    QVERIFY(opensslExpired.exitCode != 0);
    QVERIFY(opensslExpired.output.contains("certificate has expired"));

    const int64_t beforeStart = now - 3600;
    Result<void> early = verifyChain(leaf, *m_ca, ChainPurpose::TlsServer, beforeStart);
    QVERIFY(!early.ok());
    QCOMPARE(QString::fromStdString(early.error().code), QStringLiteral("x509.expired"));

    QVERIFY(verifyChain(leaf, *m_ca, ChainPurpose::TlsServer, now + 1800).ok());
    QVERIFY(runOpenssl(
                {"verify", "-attime", QString::number(now + 1800), "-CAfile", m_caPath, leafPath})
                .exitCode == 0);
}

void tst_X509::validityWindowAndClamping()
{
    const PrivateKey key = newKey();
    const int64_t before = int64_t(std::time(nullptr));
    const Certificate leaf = issueLeaf(key.publicKey(), CertificateProfile::TlsClient, {}, {}, 600);
    const int64_t after = int64_t(std::time(nullptr));
    QVERIFY(leaf.notBeforeUnixSeconds() >= before - 60 &&
            leaf.notBeforeUnixSeconds() <= after - 60);
    QVERIFY(leaf.notAfterUnixSeconds() >= before + 600 &&
            leaf.notAfterUnixSeconds() <= after + 600);

    // A request beyond the issuer's own end is cut to it (the CA lives 30 days).
    const Certificate clamped =
        issueLeaf(key.publicKey(), CertificateProfile::TlsClient, {}, {}, 365 * kDaySeconds);
    QCOMPARE(clamped.notAfterUnixSeconds(), m_ca->notAfterUnixSeconds());
    const QString clampedPath = writeFile("clamped.pem", toQByteArray(clamped.toPem()));
    const ToolResult caEnd = runOpenssl({"x509", "-in", m_caPath, "-noout", "-enddate"});
    const ToolResult leafEnd = runOpenssl({"x509", "-in", clampedPath, "-noout", "-enddate"});
    QCOMPARE(caEnd.exitCode, 0);
    QCOMPARE(leafEnd.output, caEnd.output);
}

QTEST_APPLESS_MAIN(tst_X509)
#include "tst_x509.moc"
