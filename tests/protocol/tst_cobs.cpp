// COBS against the examples of Cheshire & Baker's paper as tabulated on Wikipedia ("Consistent
// Overhead Byte Stuffing", encoding examples 1-11, without the trailing 0x00 delimiter).
#include <portal-core/protocol/cobs.h>
#include <portal-core/protocol/limits.h>

#include <QRandomGenerator>
#include <QtTest>

using namespace Portal::Protocol;

Q_DECLARE_METATYPE(CobsError)

static void publishedExamples();

class TestCobs : public QObject
{
    Q_OBJECT

private slots:
    void encodePublished_data() { publishedExamples(); }
    void encodePublished();
    void decodePublished_data() { publishedExamples(); }
    void decodePublished();
    void malformed_data();
    void malformed();
    void outputTooSmall();
    void randomRoundTrip();
};

static QByteArray range(int first, int last)
{
    QByteArray bytes;
    for (int i = first; i <= last; ++i)
        bytes.append(char(i));
    return bytes;
}

static const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

static void publishedExamples()
{
    QTest::addColumn<QByteArray>("decoded");
    QTest::addColumn<QByteArray>("encoded");
    QTest::newRow("1 empty") << QByteArray() << QByteArray::fromHex("01");
    QTest::newRow("2 one zero") << QByteArray::fromHex("00") << QByteArray::fromHex("0101");
    QTest::newRow("3 two zeros") << QByteArray::fromHex("0000") << QByteArray::fromHex("010101");
    QTest::newRow("4 00 11 00") << QByteArray::fromHex("001100") << QByteArray::fromHex("01021101");
    QTest::newRow("5 11 22 00 33")
        << QByteArray::fromHex("11220033") << QByteArray::fromHex("0311220233");
    QTest::newRow("6 11 22 33 44")
        << QByteArray::fromHex("11223344") << QByteArray::fromHex("0511223344");
    QTest::newRow("7 11 00 00 00")
        << QByteArray::fromHex("11000000") << QByteArray::fromHex("0211010101");
    QTest::newRow("8 01..fe (254 bytes)") << range(0x01, 0xFE) << "\xFF" + range(0x01, 0xFE);
    QTest::newRow("9 00..fe (255 bytes)")
        << range(0x00, 0xFE) << QByteArray::fromHex("01ff") + range(0x01, 0xFE);
    QTest::newRow("10 01..ff (255 bytes)")
        << range(0x01, 0xFF) << "\xFF" + range(0x01, 0xFE) + QByteArray::fromHex("02ff");
    QTest::newRow("11 02..ff 00 (255 bytes)")
        << range(0x02, 0xFF) + QByteArray(1, '\0')
        << "\xFF" + range(0x02, 0xFF) + QByteArray::fromHex("0101");
    QTest::newRow("12 03..ff 00 01 (255 bytes)")
        << range(0x03, 0xFF) + QByteArray::fromHex("0001")
        << "\xFE" + range(0x03, 0xFF) + QByteArray::fromHex("0201");
}

void TestCobs::encodePublished()
{
    QFETCH(QByteArray, decoded);
    QFETCH(QByteArray, encoded);
    uint8_t output[600];
    const CobsResult result = cobsEncode(u8(decoded), size_t(decoded.size()), output, 600);
    QCOMPARE(result.error, CobsError::None);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(output), int(result.size)), encoded);
    QVERIFY(result.size <= cobsMaxEncodedBytes(size_t(decoded.size())));
}

void TestCobs::decodePublished()
{
    QFETCH(QByteArray, decoded);
    QFETCH(QByteArray, encoded);
    uint8_t output[600];
    const CobsResult result = cobsDecode(u8(encoded), size_t(encoded.size()), output, 600);
    QCOMPARE(result.error, CobsError::None);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(output), int(result.size)), decoded);
}

void TestCobs::malformed_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<CobsError>("expected");
    QTest::newRow("empty") << QByteArray() << CobsError::TruncatedBlock;
    QTest::newRow("zero code") << QByteArray::fromHex("00") << CobsError::ZeroInInput;
    QTest::newRow("zero inside a run") << QByteArray::fromHex("031100") << CobsError::ZeroInInput;
    QTest::newRow("zero code after a run")
        << QByteArray::fromHex("021100") << CobsError::ZeroInInput;
    QTest::newRow("run longer than input")
        << QByteArray::fromHex("051122") << CobsError::TruncatedBlock;
    QTest::newRow("full run cut short") << "\xFF" + range(1, 100) << CobsError::TruncatedBlock;
}

void TestCobs::malformed()
{
    QFETCH(QByteArray, encoded);
    QFETCH(CobsError, expected);
    uint8_t output[600];
    const CobsResult result = cobsDecode(u8(encoded), size_t(encoded.size()), output, 600);
    QCOMPARE(result.error, expected);
    QCOMPARE(result.size, size_t(0));
}

void TestCobs::outputTooSmall()
{
    const QByteArray decoded = QByteArray::fromHex("11220033");
    const QByteArray encoded = QByteArray::fromHex("0311220233");
    uint8_t output[8];
    for (size_t capacity = 0; capacity < size_t(encoded.size()); ++capacity) {
        memset(output, 0xAA, sizeof output);
        QCOMPARE(cobsEncode(u8(decoded), 4, output, capacity).error, CobsError::OutputTooSmall);
        QCOMPARE(output[capacity], uint8_t(0xAA)); // nothing written past the capacity
    }
    for (size_t capacity = 0; capacity < size_t(decoded.size()); ++capacity) {
        memset(output, 0xAA, sizeof output);
        QCOMPARE(cobsDecode(u8(encoded), 5, output, capacity).error, CobsError::OutputTooSmall);
        QCOMPARE(output[capacity], uint8_t(0xAA));
    }
}

void TestCobs::randomRoundTrip()
{
    QRandomGenerator random(0x5EED);
    uint8_t input[700];
    uint8_t encoded[710];
    uint8_t decoded[700];
    for (int round = 0; round < 2000; ++round) {
        const size_t size = random.bounded(700);
        const int zeroOneIn = 1 + int(random.bounded(300)); // from zero-dense to zero-free
        for (size_t i = 0; i < size; ++i)
            input[i] = random.bounded(zeroOneIn) == 0 ? 0 : uint8_t(1 + random.bounded(255));
        const CobsResult enc = cobsEncode(input, size, encoded, sizeof encoded);
        QCOMPARE(enc.error, CobsError::None);
        QVERIFY(enc.size <= cobsMaxEncodedBytes(size));
        QVERIFY(memchr(encoded, 0, enc.size) == nullptr);
        const CobsResult dec = cobsDecode(encoded, enc.size, decoded, sizeof decoded);
        QCOMPARE(dec.error, CobsError::None);
        QCOMPARE(dec.size, size);
        QVERIFY(memcmp(decoded, input, size) == 0);
        // In place, as FrameReader decodes.
        const CobsResult inPlace = cobsDecode(encoded, enc.size, encoded, enc.size);
        QCOMPARE(inPlace.error, CobsError::None);
        QCOMPARE(inPlace.size, size);
        QVERIFY(memcmp(encoded, input, size) == 0);
    }
}

QTEST_APPLESS_MAIN(TestCobs)
#include "tst_cobs.moc"
