// The signed reading (DESIGN §4.2) as the device builds it — Portal::Protocol bytes,
// firmware/crypto signature — checked against independent implementations: golden vectors
// from python-ecdsa + cbor2, and cose-js in both directions.

#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/sha256.h>
#include <portal-core/crypto/es256.h>
#include <portal-core/protocol/cose.h>

#include <QFile>
#include <QProcess>
#include <QRandomGenerator>
#include <QStandardPaths>
#include <QTest>

#include <cstring>

using namespace Portal;

namespace {

using Fields = QMap<QString, QByteArray>;

const QString kCoseTool = QStringLiteral(PORTAL_SOURCE_DIR "/tests/node/cose-tool.js");

struct Signed
{
    QByteArray payload;
    QByteArray sigStructure;
    QByteArray signature;
    QByteArray message;
};

const uint8_t *bytes(const QByteArray &array)
{
    return reinterpret_cast<const uint8_t *>(array.constData());
}

Protocol::SignedReading makeReading(const QByteArray &deviceId, quint32 counter, int sensor,
                                    qint32 value, int scale, const QByteArray &unit)
{
    Protocol::SignedReading reading{};
    std::memcpy(reading.deviceId, deviceId.constData(), Protocol::kDeviceIdBytes);
    reading.counter = counter;
    reading.sensorIndex = static_cast<uint8_t>(sensor);
    reading.value = value;
    reading.scaleExponent = static_cast<int8_t>(scale);
    std::memcpy(reading.unit, unit.constData(), size_t(unit.size()));
    reading.unitSize = static_cast<uint8_t>(unit.size());
    return reading;
}

// What the firmware does for each reading: payload, Sig_structure, SHA-256, RFC 6979 sign,
// COSE_Sign1_Tagged.
Signed signOnDevice(const QByteArray &privateKey, const Protocol::SignedReading &reading)
{
    Signed out;
    uint8_t payload[Protocol::kMaxReadingPayloadBytes];
    size_t payloadSize = 0;
    if (Protocol::encodeReadingPayload(reading, payload, sizeof payload, payloadSize) !=
        Protocol::CoseError::None)
        return out;
    out.payload = QByteArray(reinterpret_cast<const char *>(payload), qsizetype(payloadSize));

    uint8_t toBeSigned[Protocol::kMaxSigStructureBytes];
    size_t toBeSignedSize = 0;
    if (Protocol::buildSigStructure(payload, payloadSize, toBeSigned, sizeof toBeSigned,
                                    toBeSignedSize) != Protocol::CoseError::None)
        return out;
    out.sigStructure =
        QByteArray(reinterpret_cast<const char *>(toBeSigned), qsizetype(toBeSignedSize));

    uint8_t hash[32];
    FirmwareCrypto::Sha256::hash(toBeSigned, toBeSignedSize, hash);
    uint8_t signature[64];
    if (!FirmwareCrypto::sign(bytes(privateKey), hash, signature))
        return out;
    out.signature = QByteArray(reinterpret_cast<const char *>(signature), 64);

    uint8_t message[Protocol::kMaxSign1Bytes];
    size_t messageSize = 0;
    if (Protocol::encodeSign1Tagged(reading.deviceId, payload, payloadSize, signature, message,
                                    sizeof message, messageSize) != Protocol::CoseError::None)
        return out;
    out.message = QByteArray(reinterpret_cast<const char *>(message), qsizetype(messageSize));
    return out;
}

QByteArray publicKeyOf(const QByteArray &privateKey)
{
    uint8_t publicKey[64];
    if (!FirmwareCrypto::derivePublicKey(bytes(privateKey), publicKey))
        return {};
    return QByteArray(reinterpret_cast<const char *>(publicKey), 64);
}

struct ToolRun
{
    int exitCode = -1;
    QByteArray output;
    QByteArray errors;
};

ToolRun runCoseTool(const QStringList &arguments)
{
    ToolRun run;
    QProcess node;
    node.start(QStringLiteral("node"), QStringList{kCoseTool} + arguments);
    if (!node.waitForFinished(30000)) {
        run.errors = "node did not finish: " + node.errorString().toUtf8();
        return run;
    }
    run.exitCode = node.exitStatus() == QProcess::NormalExit ? node.exitCode() : -1;
    run.output = node.readAllStandardOutput().trimmed();
    run.errors = node.readAllStandardError();
    return run;
}

// Ours, on the host: parse, decode, verify with OpenSSL and with the firmware verifier.
bool verifyWithOurs(const QByteArray &message, const QByteArray &publicKey,
                    Protocol::SignedReading &reading)
{
    Protocol::CoseSign1View view{};
    if (Protocol::decodeSignedReading(bytes(message), size_t(message.size()), view, reading) !=
        Protocol::CoseError::None)
        return false;
    uint8_t toBeSigned[Protocol::kMaxSigStructureBytes];
    size_t toBeSignedSize = 0;
    if (Protocol::buildSigStructure(view.payload.data, view.payload.size, toBeSigned,
                                    sizeof toBeSigned, toBeSignedSize) != Protocol::CoseError::None)
        return false;

    const QByteArray point = QByteArray(1, '\x04') + publicKey;
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(bytes(point), size_t(point.size())));
    if (!key)
        return false;
    const bool openSslAccepts =
        key->verifyRaw(Crypto::ByteView(toBeSigned, toBeSignedSize),
                       Crypto::ByteView(view.signature.data, view.signature.size))
            .ok();

    uint8_t hash[32];
    FirmwareCrypto::Sha256::hash(toBeSigned, toBeSignedSize, hash);
    const bool firmwareAccepts =
        FirmwareCrypto::verify(bytes(publicKey), hash, view.signature.data);
    return openSslAccepts && firmwareAccepts;
}

} // namespace

class TestCoseSign1 : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void goldenVectors_data();
    void goldenVectors();
    void coseJsVerifiesOurs_data();
    void coseJsVerifiesOurs();
    void oursVerifiesCoseJs_data();
    void oursVerifiesCoseJs();
};

void TestCoseSign1::initTestCase()
{
    QVERIFY2(!QStandardPaths::findExecutable(QStringLiteral("node")).isEmpty(),
             "node is not on PATH: run scripts/install-deps");
    QVERIFY2(QFile::exists(
                 QStringLiteral(PORTAL_SOURCE_DIR "/tests/node/node_modules/cose-js/package.json")),
             "cose-js is not installed in tests/node: run scripts/install-deps");
}

void TestCoseSign1::goldenVectors_data()
{
    QTest::addColumn<Fields>("fields");
    QFile file(QStringLiteral(PORTAL_TEST_DATA_DIR "/cose-sign1-es256.txt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    int line = 0;
    while (!file.atEnd()) {
        const QByteArray text = file.readLine().trimmed();
        ++line;
        if (text.isEmpty() || text.startsWith('#'))
            continue;
        Fields fields;
        for (const QByteArray &pair : text.split(' ')) {
            const qsizetype eq = pair.indexOf('=');
            fields.insert(QString::fromLatin1(pair.left(eq)), pair.mid(eq + 1));
        }
        QTest::addRow("line %d counter %s", line, fields.value("counter").constData()) << fields;
    }
}

void TestCoseSign1::goldenVectors()
{
    QFETCH(Fields, fields);
    const QByteArray privateKey = QByteArray::fromHex(fields.value("d"));
    const auto reading = makeReading(
        QByteArray::fromHex(fields.value("device_id")), fields.value("counter").toUInt(),
        fields.value("sensor").toInt(), fields.value("value").toInt(),
        fields.value("scale").toInt(), QByteArray::fromHex(fields.value("unit")));

    QCOMPARE(QByteArray(1, '\x04') + publicKeyOf(privateKey),
             QByteArray::fromHex(fields.value("pub")));
    const Signed result = signOnDevice(privateKey, reading);
    QCOMPARE(result.payload.toHex(), fields.value("payload"));
    QCOMPARE(result.sigStructure.toHex(), fields.value("sig_structure"));
    QCOMPARE(result.signature.toHex(), fields.value("signature"));
    QCOMPARE(result.message.toHex(), fields.value("cose_sign1_tagged"));

    Protocol::SignedReading decoded{};
    QVERIFY(verifyWithOurs(QByteArray::fromHex(fields.value("cose_sign1_tagged")),
                           publicKeyOf(privateKey), decoded));
    QCOMPARE(decoded.counter, reading.counter);
}

void TestCoseSign1::coseJsVerifiesOurs_data()
{
    QTest::addColumn<QByteArray>("privateKey");
    QTest::addColumn<bool>("tamper");
    QRandomGenerator random(20261122);
    for (int i = 0; i < 6; ++i) {
        QByteArray key(32, Qt::Uninitialized);
        do {
            random.fillRange(reinterpret_cast<quint32 *>(key.data()), 8);
        } while (!FirmwareCrypto::validatePrivateKey(bytes(key)));
        QTest::addRow("random key %d", i) << key << false;
    }
    QTest::addRow("tampered")
        << QByteArray::fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
        << true;
}

void TestCoseSign1::coseJsVerifiesOurs()
{
    QFETCH(QByteArray, privateKey);
    QFETCH(bool, tamper);
    const auto reading = makeReading(QByteArray::fromHex("0011223344556677"), 42u + uint(tamper), 1,
                                     -1234, -1, "Cel");
    Signed result = signOnDevice(privateKey, reading);
    QVERIFY(!result.message.isEmpty());
    if (tamper)
        result.message[result.message.size() - 1] = char(result.message.back() ^ 0x01);

    const ToolRun run =
        runCoseTool({QStringLiteral("verify"), QString::fromLatin1(result.message.toHex()),
                     QString::fromLatin1(publicKeyOf(privateKey).toHex())});
    if (tamper) {
        QVERIFY2(run.exitCode == 1, run.errors.constData());
        QVERIFY(run.errors.contains("Signature missmatch"));
    } else {
        QVERIFY2(run.exitCode == 0, run.errors.constData());
        QCOMPARE(run.output, result.payload.toHex());
    }
}

void TestCoseSign1::oursVerifiesCoseJs_data()
{
    QTest::addColumn<QByteArray>("privateKey");
    QTest::addColumn<quint32>("counter");
    QTest::addRow("rfc6979 key")
        << QByteArray::fromHex("c9afa9d845ba75166b5c215767b1d6934e50c3db36e89b127b8a622b120f6721")
        << 7u;
    QTest::addRow("small key")
        << QByteArray::fromHex("0000000000000000000000000000000000000000000000000000000000000003")
        << 4000000000u;
}

void TestCoseSign1::oursVerifiesCoseJs()
{
    QFETCH(QByteArray, privateKey);
    QFETCH(quint32, counter);
    // cose-js turns the kid into UTF-8, so this device id is 8 ASCII characters.
    const QByteArray deviceId = "dev00001";
    const auto reading = makeReading(deviceId, counter, 2, 99, 0, "%");
    uint8_t payload[Protocol::kMaxReadingPayloadBytes];
    size_t payloadSize = 0;
    QCOMPARE(Protocol::encodeReadingPayload(reading, payload, sizeof payload, payloadSize),
             Protocol::CoseError::None);

    const ToolRun run = runCoseTool(
        {QStringLiteral("sign"), QString::fromLatin1(privateKey.toHex()),
         QString::fromLatin1(deviceId),
         QString::fromLatin1(
             QByteArray(reinterpret_cast<const char *>(payload), qsizetype(payloadSize)).toHex())});
    QVERIFY2(run.exitCode == 0, run.errors.constData());
    const QByteArray message = QByteArray::fromHex(run.output);

    Protocol::SignedReading decoded{};
    QVERIFY(verifyWithOurs(message, publicKeyOf(privateKey), decoded));
    QCOMPARE(decoded.counter, counter);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(decoded.deviceId), 8), deviceId);

    QByteArray forged = message;
    forged[forged.size() - 10] = char(forged[forged.size() - 10] ^ 0x80);
    QVERIFY(!verifyWithOurs(forged, publicKeyOf(privateKey), decoded));
}

QTEST_APPLESS_MAIN(TestCoseSign1)
#include "tst_cosesign1.moc"
