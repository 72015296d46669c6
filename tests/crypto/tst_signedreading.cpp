// Crypto::verifySignedReading, the one host check of a device's reading (M2M service,
// gateway, provisioning wizard): readings signed as the firmware signs them
// (tests/support/signedreading.h, RFC 6979 from firmware/crypto) verified by OpenSSL, and each
// way one can be wrong.

#include "tests/support/signedreading.h"

#include <portal-core/crypto/signedreading.h>

#include <QTest>

using namespace Portal;

class TestSignedReading : public QObject
{
    Q_OBJECT

private slots:
    void initTestCase();
    void verdicts_data();
    void verdicts();

private:
    Testing::Device m_device = Testing::makeDevice(QStringLiteral("00000000000000a1"));
    Testing::Device m_other = Testing::makeDevice(QStringLiteral("00000000000000a2"));
};

void TestSignedReading::initTestCase()
{
    QCOMPARE(m_device.publicKey.size(), 65);
}

void TestSignedReading::verdicts_data()
{
    QTest::addColumn<QByteArray>("sign1");
    QTest::addColumn<QString>("code"); // empty: verifies
    const QByteArray genuine = Testing::signReading(m_device, 42, 215);
    QTest::newRow("genuine") << genuine << QString();
    // The value 215 (CBOR 18 d7) becomes 216 after signing.
    QByteArray flipped = genuine;
    const qsizetype value = flipped.indexOf(QByteArray::fromHex("18d7"));
    QVERIFY(value > 0);
    flipped[value + 1] = char(0xd8);
    QTest::newRow("payload changed after signing") << flipped << "reading.bad_signature";
    QByteArray badSignature = genuine;
    badSignature[badSignature.size() - 1] = char(badSignature[badSignature.size() - 1] ^ 0x01);
    QTest::newRow("signature changed") << badSignature << "reading.bad_signature";
    Testing::Device impostor = m_other; // another key, this device's id
    impostor.id = m_device.id;
    QTest::newRow("signed by another key, naming this device")
        << Testing::signReading(impostor, 42, 215) << "reading.bad_signature";
    QTest::newRow("another device's reading")
        << Testing::signReading(m_other, 42, 215) << "reading.other_device";
    QTest::newRow("truncated") << genuine.left(genuine.size() - 1) << "reading.malformed";
    QTest::newRow("empty") << QByteArray() << "reading.malformed";
    QTest::newRow("not CBOR") << QByteArray("hello, world") << "reading.malformed";
}

void TestSignedReading::verdicts()
{
    QFETCH(QByteArray, sign1);
    QFETCH(QString, code);
    auto key = Crypto::Es256PublicKey::fromUncompressedPoint(
        Crypto::ByteView(Testing::bytes(m_device.publicKey), 65));
    QVERIFY(key);
    uint8_t deviceId[Protocol::kDeviceIdBytes];
    std::memcpy(deviceId, m_device.id.constData(), sizeof deviceId);
    auto verified = Crypto::verifySignedReading(
        Crypto::ByteView(Testing::bytes(sign1), size_t(sign1.size())), *key, deviceId);
    QCOMPARE(verified ? QString() : QString::fromStdString(verified.error().code), code);
    if (verified) {
        QCOMPARE(verified->counter, quint32(42));
        QCOMPARE(verified->value, 215);
    }
}

QTEST_APPLESS_MAIN(TestSignedReading)
#include "tst_signedreading.moc"
