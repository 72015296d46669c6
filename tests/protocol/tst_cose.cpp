// COSE_Sign1 signed reading against tests/data/cose-sign1-es256.txt (python-ecdsa + cbor2,
// checked with cose-js): payload, Sig_structure and the tagged message byte-exact from the
// fields, the golden message parsed back to the same fields; then the refusals.
#include <portal-core/protocol/cbor.h>
#include <portal-core/protocol/cose.h>

#include <QFile>
#include <QtTest>

using namespace Portal::Protocol;

Q_DECLARE_METATYPE(CoseError)

class TestCose : public QObject
{
    Q_OBJECT

private slots:
    void payloadEncode();
    void sigStructure();
    void sign1Encode();
    void sign1Parse();
    void maximumSizes();
    void rejectedMessages_data();
    void rejectedMessages();
    void rejectedPayloads_data();
    void rejectedPayloads();
    void encodeRefusals();
};

static const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

static QByteArray bytesOf(const ByteView &view)
{
    return QByteArray(reinterpret_cast<const char *>(view.data), int(view.size));
}

static QByteArray bytesOf(const uint8_t *data, size_t size)
{
    return QByteArray(reinterpret_cast<const char *>(data), int(size));
}

static QList<QMap<QString, QByteArray>> goldenCases()
{
    QList<QMap<QString, QByteArray>> cases;
    QFile file(QStringLiteral(PORTAL_TEST_DATA_DIR "/cose-sign1-es256.txt"));
    if (!file.open(QIODevice::ReadOnly))
        return cases;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        QMap<QString, QByteArray> fields;
        for (const QByteArray &pair : line.split(' ')) {
            const int equals = pair.indexOf('=');
            fields.insert(QString::fromLatin1(pair.left(equals)), pair.mid(equals + 1));
        }
        cases.append(fields);
    }
    return cases;
}

static QByteArray golden(const char *field)
{
    const auto cases = goldenCases();
    return cases.isEmpty() ? QByteArray() : QByteArray::fromHex(cases.first().value(field));
}

static SignedReading readingFrom(const QMap<QString, QByteArray> &fields)
{
    SignedReading reading;
    memset(&reading, 0, sizeof reading);
    const QByteArray id = QByteArray::fromHex(fields.value("device_id"));
    memcpy(reading.deviceId, id.constData(), kDeviceIdBytes);
    reading.counter = fields.value("counter").toUInt();
    reading.sensorIndex = uint8_t(fields.value("sensor").toUInt());
    reading.value = fields.value("value").toInt();
    reading.scaleExponent = int8_t(fields.value("scale").toInt());
    const QByteArray unit = QByteArray::fromHex(fields.value("unit"));
    memcpy(reading.unit, unit.constData(), size_t(unit.size()));
    reading.unitSize = uint8_t(unit.size());
    return reading;
}

void TestCose::payloadEncode()
{
    const auto cases = goldenCases();
    for (const auto &fields : cases) {
        const SignedReading reading = readingFrom(fields);
        uint8_t out[kMaxReadingPayloadBytes];
        size_t size = 0;
        QCOMPARE(encodeReadingPayload(reading, out, sizeof out, size), CoseError::None);
        QCOMPARE(bytesOf(out, size).toHex(), fields.value("payload"));
    }
    QCOMPARE(cases.size(), 4);
}

void TestCose::sigStructure()
{
    const auto cases = goldenCases();
    for (const auto &fields : cases) {
        const QByteArray payload = QByteArray::fromHex(fields.value("payload"));
        uint8_t out[kMaxSigStructureBytes];
        size_t size = 0;
        QCOMPARE(buildSigStructure(u8(payload), size_t(payload.size()), out, sizeof out, size),
                 CoseError::None);
        QCOMPARE(bytesOf(out, size).toHex(), fields.value("sig_structure"));
    }
    QCOMPARE(cases.size(), 4);
}

void TestCose::sign1Encode()
{
    const auto cases = goldenCases();
    for (const auto &fields : cases) {
        const QByteArray kid = QByteArray::fromHex(fields.value("device_id"));
        const QByteArray payload = QByteArray::fromHex(fields.value("payload"));
        const QByteArray signature = QByteArray::fromHex(fields.value("signature"));
        uint8_t out[kMaxSign1Bytes];
        size_t size = 0;
        QCOMPARE(encodeSign1Tagged(u8(kid), u8(payload), size_t(payload.size()), u8(signature), out,
                                   sizeof out, size),
                 CoseError::None);
        QCOMPARE(bytesOf(out, size).toHex(), fields.value("cose_sign1_tagged"));
    }
    QCOMPARE(cases.size(), 4);
}

void TestCose::sign1Parse()
{
    const auto cases = goldenCases();
    for (const auto &fields : cases) {
        const QByteArray message = QByteArray::fromHex(fields.value("cose_sign1_tagged"));
        CoseSign1View view;
        SignedReading reading;
        QCOMPARE(decodeSignedReading(u8(message), size_t(message.size()), view, reading),
                 CoseError::None);
        QCOMPARE(bytesOf(view.protectedHeader).toHex(), QByteArray("a10126"));
        QCOMPARE(bytesOf(view.kid).toHex(), fields.value("device_id"));
        QCOMPARE(bytesOf(view.payload).toHex(), fields.value("payload"));
        QCOMPARE(bytesOf(view.signature).toHex(), fields.value("signature"));
        const SignedReading expected = readingFrom(fields);
        QCOMPARE(bytesOf(reading.deviceId, kDeviceIdBytes), bytesOf(expected.deviceId, 8));
        QCOMPARE(reading.counter, expected.counter);
        QCOMPARE(reading.sensorIndex, expected.sensorIndex);
        QCOMPARE(reading.value, expected.value);
        QCOMPARE(reading.scaleExponent, expected.scaleExponent);
        QCOMPARE(QByteArray(reading.unit, reading.unitSize),
                 QByteArray(expected.unit, expected.unitSize));
    }
    QCOMPARE(cases.size(), 4);
}

void TestCose::maximumSizes()
{
    SignedReading reading;
    memset(&reading, 0xFF, sizeof reading);
    reading.counter = 0xFFFFFFFFu;
    reading.value = -2147483647 - 1;
    reading.scaleExponent = -128;
    memset(reading.unit, 'x', kMaxUnitBytes);
    reading.unitSize = kMaxUnitBytes;
    uint8_t payload[kMaxReadingPayloadBytes];
    size_t payloadSize = 0;
    QCOMPARE(encodeReadingPayload(reading, payload, sizeof payload, payloadSize), CoseError::None);
    QCOMPARE(payloadSize, kMaxReadingPayloadBytes);
    uint8_t sigStructure[kMaxSigStructureBytes];
    size_t sigStructureSize = 0;
    QCOMPARE(buildSigStructure(payload, payloadSize, sigStructure, sizeof sigStructure,
                               sigStructureSize),
             CoseError::None);
    QCOMPARE(sigStructureSize, kMaxSigStructureBytes);
    const uint8_t signature[kEs256SignatureBytes] = {};
    uint8_t message[kMaxSign1Bytes];
    size_t messageSize = 0;
    QCOMPARE(encodeSign1Tagged(reading.deviceId, payload, payloadSize, signature, message,
                               sizeof message, messageSize),
             CoseError::None);
    QCOMPARE(messageSize, kMaxSign1Bytes);
    CoseSign1View view;
    SignedReading back;
    QCOMPARE(decodeSignedReading(message, messageSize, view, back), CoseError::None);
    QCOMPARE(back.value, reading.value);
    QCOMPARE(back.scaleExponent, reading.scaleExponent);
    // One byte short of any output is refused, not truncated.
    QCOMPARE(encodeSign1Tagged(reading.deviceId, payload, payloadSize, signature, message,
                               messageSize - 1, messageSize),
             CoseError::BufferTooSmall);
}

// Golden case 1 split into its parts, to rebuild it with one part changed.
static const char kKid[] = "480102030405060708";
static const char kPayload[] = "581aa60148010203040506070802010300041908660521066343656c";
static const char kSignature[] =
    "584088a1c4f6b687653cdb54e5f5d528e373d0f39aafcc5682f5775500a06bd736ccaf49f7e2869f9bbe09d92"
    "39113a7e38d0cb319b877f092578c2149929525ad52";

static QByteArray message(const QByteArray &head, const QByteArray &unprotected,
                          const QByteArray &payload, const QByteArray &signature)
{
    return QByteArray::fromHex(head + unprotected + payload + signature);
}

void TestCose::rejectedMessages_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<CoseError>("expected");
    const QByteArray head = "d28443a10126";
    const QByteArray unprotected = QByteArray("a104") + kKid;
    const QByteArray good = message(head, unprotected, kPayload, kSignature);
    QTest::newRow("golden itself") << good << CoseError::None;
    QTest::newRow("untagged") << good.mid(1) << CoseError::NotTagged;
    QTest::newRow("tag 17 (COSE_Mac0)")
        << message("d18443a10126", unprotected, kPayload, kSignature) << CoseError::NotTagged;
    QTest::newRow("tag 18 non-canonical")
        << message("d8128443a10126", unprotected, kPayload, kSignature) << CoseError::MalformedCbor;
    QTest::newRow("array of 3") << QByteArray::fromHex("d28343a10126" + unprotected + kPayload)
                                << CoseError::WrongStructure;
    QTest::newRow("map instead of array")
        << QByteArray::fromHex("d2a0") << CoseError::WrongStructure;
    QTest::newRow("alg -8 (EdDSA)")
        << message("d28443a10127", unprotected, kPayload, kSignature) << CoseError::BadProtected;
    QTest::newRow("protected empty")
        << message("d28440", unprotected, kPayload, kSignature) << CoseError::BadProtected;
    QTest::newRow("protected as a map")
        << message("d284a10126", unprotected, kPayload, kSignature) << CoseError::WrongStructure;
    QTest::newRow("protected with kid")
        << message("d2844da2012604480102030405060708", unprotected, kPayload, kSignature)
        << CoseError::BadProtected;
    QTest::newRow("unprotected empty")
        << message(head, "a0", kPayload, kSignature) << CoseError::BadUnprotected;
    QTest::newRow("unprotected label 3")
        << message(head, QByteArray("a103") + kKid, kPayload, kSignature)
        << CoseError::BadUnprotected;
    QTest::newRow("unprotected two entries")
        << message(head, QByteArray("a20126") + "04" + kKid, kPayload, kSignature)
        << CoseError::BadUnprotected;
    QTest::newRow("kid 7 bytes") << message(head, "a10447010203040506", kPayload, kSignature)
                                 << CoseError::BadUnprotected;
    QTest::newRow("kid as text") << message(head, "a1046861626364656667", kPayload, kSignature)
                                 << CoseError::BadUnprotected;
    QTest::newRow("payload nil") << message(head, unprotected, "f6", kSignature)
                                 << CoseError::WrongStructure;
    QTest::newRow("payload too large")
        << message(head, unprotected, "5830" + QByteArray(48 * 2, 'a'), kSignature)
        << CoseError::PayloadTooLarge;
    QTest::newRow("signature 63 bytes")
        << message(head, unprotected, kPayload, "583f" + QByteArray(63 * 2, '1'))
        << CoseError::BadSignatureSize;
    QTest::newRow("signature DER-sized 72")
        << message(head, unprotected, kPayload, "5848" + QByteArray(72 * 2, '1'))
        << CoseError::BadSignatureSize;
    QTest::newRow("trailing byte") << good + QByteArray(1, 0) << CoseError::MalformedCbor;
    QTest::newRow("truncated") << good.left(good.size() - 1) << CoseError::MalformedCbor;
    QTest::newRow("empty") << QByteArray() << CoseError::MalformedCbor;
    QTest::newRow("kid differs from device id")
        << message(head, "a104480102030405060709", kPayload, kSignature) << CoseError::KidMismatch;
}

void TestCose::rejectedMessages()
{
    QFETCH(QByteArray, message);
    QFETCH(CoseError, expected);
    CoseSign1View view;
    SignedReading reading;
    QCOMPARE(decodeSignedReading(u8(message), size_t(message.size()), view, reading), expected);
}

void TestCose::rejectedPayloads_data()
{
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<CoseError>("expected");
    // Golden case 1 payload: {1: h'0102030405060708', 2: 1, 3: 0, 4: 2150, 5: -2, 6: "Cel"}.
    const QByteArray id = "0148"
                          "0102030405060708";
    const QByteArray rest = "0201"
                            "0300"
                            "04190866"
                            "0521"
                            "066343656c";
    const auto row = [](const char *name, const QByteArray &hex, CoseError error) {
        QTest::newRow(name) << QByteArray::fromHex(hex) << error;
    };
    row("golden", "a6" + id + rest, CoseError::None);
    row("not a map", "86" + id + rest, CoseError::WrongType);
    row("missing unit",
        "a5" + id +
            "0201"
            "0300"
            "04190866"
            "0521",
        CoseError::MissingKey);
    row("missing device id", "a5" + rest, CoseError::MissingKey);
    row("duplicate counter", "a7" + id + "0201" + rest, CoseError::DuplicateKey);
    row("unknown key 7", "a7" + id + rest + "0700", CoseError::UnknownKey);
    row("unknown key 0", "a7" + QByteArray("0000") + id + rest, CoseError::UnknownKey);
    row("text key", "a7" + id + rest + "616100", CoseError::UnknownKey);
    row("device id 9 bytes", "a6" + QByteArray("0149010203040506070809") + rest,
        CoseError::OutOfRange);
    row("device id as text", "a6" + QByteArray("01683031323334353637") + rest,
        CoseError::WrongType);
    row("counter 2^32",
        "a6" + id +
            "021b0000000100000000"
            "0300"
            "04190866"
            "0521"
            "066343656c",
        CoseError::OutOfRange);
    row("counter negative",
        "a6" + id +
            "0220"
            "0300"
            "04190866"
            "0521"
            "066343656c",
        CoseError::OutOfRange);
    row("counter as text",
        "a6" + id +
            "026131"
            "0300"
            "04190866"
            "0521"
            "066343656c",
        CoseError::WrongType);
    row("sensor 256",
        "a6" + id +
            "0201"
            "03190100"
            "04190866"
            "0521"
            "066343656c",
        CoseError::OutOfRange);
    row("value 2^31",
        "a6" + id +
            "0201"
            "0300"
            "041a80000000"
            "0521"
            "066343656c",
        CoseError::OutOfRange);
    row("value -2^31-1",
        "a6" + id +
            "0201"
            "0300"
            "043a80000000"
            "0521"
            "066343656c",
        CoseError::OutOfRange);
    row("scale -129",
        "a6" + id +
            "0201"
            "0300"
            "04190866"
            "053880"
            "066343656c",
        CoseError::OutOfRange);
    row("scale 128",
        "a6" + id +
            "0201"
            "0300"
            "04190866"
            "051880"
            "066343656c",
        CoseError::OutOfRange);
    row("unit 17 bytes",
        "a6" + id +
            "0201"
            "0300"
            "04190866"
            "0521"
            "0671" +
            QByteArray(17 * 2, '6'),
        CoseError::OutOfRange);
    row("unit not UTF-8",
        "a6" + id +
            "0201"
            "0300"
            "04190866"
            "0521"
            "0661ff",
        CoseError::OutOfRange);
    row("unit as bytes",
        "a6" + id +
            "0201"
            "0300"
            "04190866"
            "0521"
            "064343656c",
        CoseError::WrongType);
    row("value non-canonical",
        "a6" + id +
            "0201"
            "0300"
            "041a00000866"
            "0521"
            "066343656c",
        CoseError::MalformedCbor);
    row("trailing byte", "a6" + id + rest + "00", CoseError::MalformedCbor);
    row("truncated", "a6" + id + "0201", CoseError::MalformedCbor);
    row("too large", "a6" + id + rest + QByteArray(60, '0'), CoseError::PayloadTooLarge);
}

void TestCose::rejectedPayloads()
{
    QFETCH(QByteArray, payload);
    QFETCH(CoseError, expected);
    SignedReading reading;
    QCOMPARE(decodeReadingPayload(u8(payload), size_t(payload.size()), reading), expected);
}

void TestCose::encodeRefusals()
{
    SignedReading reading;
    memset(&reading, 0, sizeof reading);
    reading.unitSize = kMaxUnitBytes + 1;
    uint8_t out[kMaxReadingPayloadBytes];
    size_t size = 0;
    QCOMPARE(encodeReadingPayload(reading, out, sizeof out, size), CoseError::OutOfRange);
    reading.unitSize = 1;
    reading.unit[0] = char(0xC3); // a lead byte without its continuation
    QCOMPARE(encodeReadingPayload(reading, out, sizeof out, size), CoseError::OutOfRange);
    reading.unit[0] = '%';
    QCOMPARE(encodeReadingPayload(reading, out, 10, size), CoseError::BufferTooSmall);
    const QByteArray payload = golden("payload");
    QVERIFY(!payload.isEmpty());
    uint8_t sig[kMaxSigStructureBytes];
    QCOMPARE(buildSigStructure(u8(payload), size_t(payload.size()), sig, 20, size),
             CoseError::BufferTooSmall);
}

QTEST_APPLESS_MAIN(TestCose)
#include "tst_cose.moc"
