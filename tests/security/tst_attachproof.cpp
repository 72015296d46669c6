// Issue 16 test 1, on a real iot-portald: a gateway (a real gateway-CA certificate) that knows a
// preregistered device's public key — HELLO broadcasts it — but not its private key cannot
// attach it. Its proof is refused with 403 portal.proof_refused and audited, the device stays
// unattached, a used challenge is not accepted twice, and a challenge given to one gateway is
// of no use to another. The genuine proof is answered with an authorisation that verifies with
// the public key `iot-portald pki authority-key` prints, over the string docs/protocol.md gives.

#include "tests/support/daemonprocess.h"
#include "tests/support/gatewaytls.h"
#include "tests/support/testfiles.h"

#include <portal-core/crypto/attachcrypto.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/labpki.h>
#include <portal-core/store/store.h>

#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

#include <algorithm>
#include <memory>

using namespace Portal;

namespace {

const QString kPortald = QStringLiteral(IOT_PORTALD_PATH);
const QString kDevice = QStringLiteral("00000000000000e1");

struct Proof
{
    QByteArray challenge;
    QByteArray gatewayPoint;
    QByteArray devicePoint;
    QJsonObject body;
};

QByteArray pointOf(const Crypto::PrivateKey &key)
{
    const auto point = key.publicKeyUncompressedPoint();
    return QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()));
}

Crypto::ByteView view(const QByteArray &bytes)
{
    return Crypto::ByteView(reinterpret_cast<const uint8_t *>(bytes.constData()),
                            size_t(bytes.size()));
}

QString codeOf(const Testing::AttachAnswer &answer)
{
    return answer.json.value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

class TestAttachProof : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void cleanupTestCase();
    void knowingThePublicKeyIsNotEnough();
    void challengesAreSingleUseAndPerGateway();
    void genuineProofIsAuthorised();

private:
    // A challenge for kDevice through `gateway`, and a proof over it signed by `signer`.
    std::optional<Proof> challengeAndProof(const QSslConfiguration &gateway,
                                           const Crypto::PrivateKey &signer);
    Testing::AttachAnswer postProof(const QSslConfiguration &gateway, const Proof &proof);
    int auditCount(const QString &action);

    QTemporaryDir m_dir;
    Crypto::LabPkiPaths m_pki;
    QString m_database;
    std::unique_ptr<Testing::DaemonProcess> m_portald;
    QSslConfiguration m_gateway;
    QSslConfiguration m_otherGateway;
    std::optional<Crypto::PrivateKey> m_deviceKey;
};

void TestAttachProof::initTestCase()
{
    QVERIFY(m_dir.isValid());
    const QString pkiDir = m_dir.filePath(QStringLiteral("pki"));
    auto pki = Crypto::LabPki::ensure(pkiDir.toStdString());
    QVERIFY(pki);
    m_pki = *pki;
    m_database = m_dir.filePath(QStringLiteral("portal.sqlite"));
    m_gateway = Testing::gatewayTls(m_pki, QStringLiteral("gw-attacker"));
    m_otherGateway = Testing::gatewayTls(m_pki, QStringLiteral("gw-other"));
    auto deviceKey = Crypto::PrivateKey::generateP256();
    QVERIFY(deviceKey);
    m_deviceKey.emplace(std::move(*deviceKey));
    const QStringList db{QStringLiteral("--database"), m_database};
    QCOMPARE(Testing::runCommand(kPortald,
                                 QStringList{QStringLiteral("template"), QStringLiteral("add"),
                                             QStringLiteral("--name"), QStringLiteral("small")} +
                                     db),
             0);
    QCOMPARE(Testing::runCommand(kPortald,
                                 QStringList{QStringLiteral("class"), QStringLiteral("add"),
                                             QStringLiteral("--name"), QStringLiteral("meters"),
                                             QStringLiteral("--template"), QStringLiteral("small"),
                                             QStringLiteral("--vendor"), QStringLiteral("acme"),
                                             QStringLiteral("--enrolment"),
                                             QStringLiteral("preregistered")} +
                                     db),
             0);
    QCOMPARE(Testing::runCommand(
                 kPortald, QStringList{QStringLiteral("device"), QStringLiteral("register"),
                                       QStringLiteral("--id"), kDevice, QStringLiteral("--class"),
                                       QStringLiteral("meters"), QStringLiteral("--public-key"),
                                       QString::fromLatin1(pointOf(*m_deviceKey).toBase64())} +
                               db),
             0);
    m_portald = std::make_unique<Testing::DaemonProcess>(
        kPortald,
        QStringList{QStringLiteral("--pki-dir"), pkiDir, QStringLiteral("--instances-dir"),
                    m_dir.filePath(QStringLiteral("instances")),
                    QStringLiteral("--m2m-service-path"), QStringLiteral(IOT_M2M_SERVICE_PATH)} +
            db);
    QVERIFY2(m_portald->start(), m_portald->output().constData());
}

void TestAttachProof::cleanupTestCase()
{
    if (m_portald)
        QVERIFY2(m_portald->stop(20000), m_portald->output().right(3000).constData());
}

std::optional<Proof> TestAttachProof::challengeAndProof(const QSslConfiguration &gateway,
                                                        const Crypto::PrivateKey &signer)
{
    Proof proof;
    auto gatewayKey = Crypto::PrivateKey::generateP256();
    auto ephemeral = Crypto::PrivateKey::generateP256();
    proof.gatewayPoint = pointOf(*gatewayKey);
    proof.devicePoint = pointOf(*ephemeral);
    const Testing::AttachAnswer challenged = Testing::postJson(
        gateway, m_portald->port(), QStringLiteral("/api/v1/devices"),
        QJsonObject{
            {QStringLiteral("deviceId"), kDevice},
            {QStringLiteral("vendor"), QStringLiteral("acme")},
            {QStringLiteral("publicKey"), QString::fromLatin1(pointOf(*m_deviceKey).toBase64())},
            {QStringLiteral("gatewayKey"), QString::fromLatin1(proof.gatewayPoint.toBase64())}});
    if (challenged.status != 202) {
        qWarning() << "no challenge:" << challenged.status << challenged.json;
        return std::nullopt;
    }
    proof.challenge = QByteArray::fromBase64(
        challenged.json.value(QStringLiteral("challenge")).toString().toLatin1());
    const QByteArray proven = QByteArray("iot-portal attach proof v2") + proof.challenge +
                              QByteArray::fromHex(kDevice.toLatin1()) + proof.gatewayPoint +
                              proof.devicePoint;
    const auto signature = Crypto::signParts(signer, {view(proven)});
    if (!signature)
        return std::nullopt;
    proof.body = QJsonObject{
        {QStringLiteral("challenge"), QString::fromLatin1(proof.challenge.toBase64())},
        {QStringLiteral("deviceKey"), QString::fromLatin1(proof.devicePoint.toBase64())},
        {QStringLiteral("signature"),
         QString::fromLatin1(
             QByteArray(reinterpret_cast<const char *>(signature->data()), 64).toBase64())}};
    return proof;
}

Testing::AttachAnswer TestAttachProof::postProof(const QSslConfiguration &gateway,
                                                 const Proof &proof)
{
    return Testing::postJson(gateway, m_portald->port(),
                             QStringLiteral("/api/v1/devices/%1/proof").arg(kDevice), proof.body);
}

int TestAttachProof::auditCount(const QString &action)
{
    auto store = Store::Store::open(m_database);
    if (!store)
        return -1;
    auto log = (*store)->auditLog(500);
    if (!log)
        return -1;
    return int(std::count_if(log->cbegin(), log->cend(), [&](const Store::AuditEntry &entry) {
        return entry.action == action && entry.subject == QStringLiteral("device:") + kDevice;
    }));
}

void TestAttachProof::knowingThePublicKeyIsNotEnough()
{
    auto guess = Crypto::PrivateKey::generateP256();
    const std::optional<Proof> proof = challengeAndProof(m_gateway, *guess);
    QVERIFY(proof);
    const Testing::AttachAnswer refused = postProof(m_gateway, *proof);
    QCOMPARE(refused.status, 403);
    QCOMPARE(codeOf(refused), QStringLiteral("portal.proof_refused"));
    QVERIFY(!refused.json.contains(QStringLiteral("authorisation")));
    QCOMPARE(auditCount(QStringLiteral("device.proof_refused")), 1);
    // Not attached.
    auto store = Store::Store::open(m_database);
    QVERIFY(store);
    auto device = (*store)->findDevice(kDevice);
    QVERIFY(device);
    QVERIFY(device->gatewayId.isEmpty());
    QCOMPARE(auditCount(QStringLiteral("device.attach")), 0);
}

void TestAttachProof::challengesAreSingleUseAndPerGateway()
{
    // A genuine proof relayed by another gateway than the one the challenge was issued to.
    std::optional<Proof> proof = challengeAndProof(m_gateway, *m_deviceKey);
    QVERIFY(proof);
    const Testing::AttachAnswer elsewhere = postProof(m_otherGateway, *proof);
    QCOMPARE(elsewhere.status, 409);
    QCOMPARE(codeOf(elsewhere), QStringLiteral("portal.challenge_unknown"));
    // Taken by that attempt: the issuing gateway cannot use it afterwards either.
    QCOMPARE(postProof(m_gateway, *proof).status, 409);
    // A challenge that was never issued.
    proof = challengeAndProof(m_gateway, *m_deviceKey);
    QVERIFY(proof);
    Proof invented = *proof;
    invented.body.insert(QStringLiteral("challenge"),
                         QString::fromLatin1(QByteArray(16, 'x').toBase64()));
    QCOMPARE(postProof(m_gateway, invented).status, 409);
}

void TestAttachProof::genuineProofIsAuthorised()
{
    const std::optional<Proof> proof = challengeAndProof(m_gateway, *m_deviceKey);
    QVERIFY(proof);
    const Testing::AttachAnswer accepted = postProof(m_gateway, *proof);
    QVERIFY2(accepted.status == 202 || accepted.status == 200,
             QJsonDocument(accepted.json).toJson().constData());
    const QByteArray authorisation = QByteArray::fromBase64(
        accepted.json.value(QStringLiteral("authorisation")).toString().toLatin1());
    QCOMPARE(authorisation.size(), 64);
    // Replaying the same proof: the challenge is used.
    QCOMPARE(postProof(m_gateway, *proof).status, 409);

    QByteArray printed;
    QCOMPARE(
        Testing::runCommand(kPortald,
                            {QStringLiteral("pki"), QStringLiteral("authority-key"),
                             QStringLiteral("--pki-dir"), m_dir.filePath(QStringLiteral("pki"))},
                            &printed, 30000, true),
        0);
    auto authority = Crypto::Es256PublicKey::fromUncompressedPoint(
        view(QByteArray::fromBase64(printed.trimmed())));
    QVERIFY(authority);
    const QByteArray authorised =
        QByteArray("iot-portal attach authorisation v2") + QByteArray::fromHex(kDevice.toLatin1()) +
        proof->challenge + proof->gatewayPoint + proof->devicePoint + QByteArray("gw-attacker");
    QVERIFY(authority->verifyRaw(view(authorised), view(authorisation)));
    // Bound to this gateway: the same bytes naming another gateway do not verify.
    const QByteArray forOther = QByteArray(authorised).replace("gw-attacker", "gw-other");
    QVERIFY(!authority->verifyRaw(view(forOther), view(authorisation)));
    QCOMPARE(auditCount(QStringLiteral("device.attach")), 1);
}

QTEST_GUILESS_MAIN(TestAttachProof)
#include "tst_attachproof.moc"
