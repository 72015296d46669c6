#include <firmware/crypto/hmacsha256.h>

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QRandomGenerator>
#include <QTest>

#include <openssl/evp.h>
#include <openssl/hmac.h>

using Portal::FirmwareCrypto::hkdfSha256;
using Portal::FirmwareCrypto::HmacSha256;

namespace {

QByteArray ourTag(const QByteArray &key, const QByteArray &message)
{
    QByteArray tag(HmacSha256::TagBytes, '\0');
    HmacSha256::mac(reinterpret_cast<const uint8_t *>(key.constData()), size_t(key.size()),
                    reinterpret_cast<const uint8_t *>(message.constData()), size_t(message.size()),
                    reinterpret_cast<uint8_t *>(tag.data()));
    return tag;
}

} // namespace

class TestHmacSha256 : public QObject
{
    Q_OBJECT

private slots:
    void rfc4231_data();
    void rfc4231();
    void wycheproof();
    void incrementalAndRandomMatchOpenSsl();
    void hkdfRfc5869();
};

void TestHmacSha256::rfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("tagHex");
    QTest::newRow("case 1")
        << QByteArray(20, '\x0b') << QByteArray("Hi There")
        << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("case 2")
        << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
        << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    QTest::newRow("case 3")
        << QByteArray(20, '\xaa') << QByteArray(50, '\xdd')
        << QByteArray("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    QTest::newRow("case 4")
        << QByteArray::fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819")
        << QByteArray(50, '\xcd')
        << QByteArray("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    QTest::newRow("case 5 (truncated to 128 bits)")
        << QByteArray(20, '\x0c') << QByteArray("Test With Truncation")
        << QByteArray("a3b6167473100ee06e0c796c2955552b");
    QTest::newRow("case 6")
        << QByteArray(131, '\xaa')
        << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
        << QByteArray("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    QTest::newRow("case 7")
        << QByteArray(131, '\xaa')
        << QByteArray(
               "This is a test using a larger than block-size key and a larger than block-size "
               "data. The key needs to be hashed before being used by the HMAC algorithm.")
        << QByteArray("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

void TestHmacSha256::rfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, tagHex);
    QCOMPARE(ourTag(key, message).toHex().left(tagHex.size()), tagHex);
}

void TestHmacSha256::wycheproof()
{
    QFile file(QStringLiteral(PORTAL_TEST_DATA_DIR "/wycheproof/hmac_sha256_test.json"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QJsonObject root = QJsonDocument::fromJson(file.readAll()).object();
    int checked = 0;
    for (const QJsonValue groupValue : root.value(QStringLiteral("testGroups")).toArray()) {
        const QJsonObject group = groupValue.toObject();
        const int tagBytes = group.value(QStringLiteral("tagSize")).toInt() / 8;
        QVERIFY(tagBytes > 0 && tagBytes <= 32);
        for (const QJsonValue testValue : group.value(QStringLiteral("tests")).toArray()) {
            const QJsonObject test = testValue.toObject();
            const QByteArray key =
                QByteArray::fromHex(test.value(QStringLiteral("key")).toString().toLatin1());
            const QByteArray message =
                QByteArray::fromHex(test.value(QStringLiteral("msg")).toString().toLatin1());
            const QByteArray tag =
                QByteArray::fromHex(test.value(QStringLiteral("tag")).toString().toLatin1());
            const bool expectValid =
                test.value(QStringLiteral("result")).toString() == QLatin1String("valid");
            const bool matches =
                tag.size() == tagBytes && ourTag(key, message).left(tagBytes) == tag;
            QVERIFY2(matches == expectValid, qPrintable(QStringLiteral("tcId %1").arg(
                                                 test.value(QStringLiteral("tcId")).toInt())));
            ++checked;
        }
    }
    QCOMPARE(checked, root.value(QStringLiteral("numberOfTests")).toInt());
    qInfo("Wycheproof HMAC-SHA-256: %d cases passed", checked);
}

void TestHmacSha256::incrementalAndRandomMatchOpenSsl()
{
    QRandomGenerator random(0x4231);
    for (int i = 0; i < 100; ++i) {
        QByteArray key(int(random.bounded(150)), '\0');
        QByteArray message(int(random.bounded(300)), '\0');
        for (char &c : key)
            c = char(random.bounded(256));
        for (char &c : message)
            c = char(random.bounded(256));
        QByteArray expected(32, '\0');
        unsigned int expectedLength = 0;
        QVERIFY(HMAC(EVP_sha256(), key.constData(), key.size(),
                     reinterpret_cast<const unsigned char *>(message.constData()),
                     size_t(message.size()), reinterpret_cast<unsigned char *>(expected.data()),
                     &expectedLength));
        QCOMPARE(ourTag(key, message).toHex(), expected.toHex());

        const int split = message.isEmpty() ? 0 : int(random.bounded(message.size()));
        HmacSha256 hmac(reinterpret_cast<const uint8_t *>(key.constData()), size_t(key.size()));
        hmac.update(reinterpret_cast<const uint8_t *>(message.constData()), size_t(split));
        hmac.update(reinterpret_cast<const uint8_t *>(message.constData()) + split,
                    size_t(message.size() - split));
        QByteArray tag(32, '\0');
        hmac.finish(reinterpret_cast<uint8_t *>(tag.data()));
        QCOMPARE(tag.toHex(), expected.toHex());
    }
}

// RFC 5869 appendix A.1 (the first 32 of its 42 output bytes) and A.3 (no salt, no info).
void TestHmacSha256::hkdfRfc5869()
{
    const QByteArray ikm(22, '\x0b');
    const QByteArray salt = QByteArray::fromHex("000102030405060708090a0b0c");
    const QByteArray info = QByteArray::fromHex("f0f1f2f3f4f5f6f7f8f9");
    uint8_t okm[32];
    hkdfSha256(reinterpret_cast<const uint8_t *>(salt.constData()), size_t(salt.size()),
               reinterpret_cast<const uint8_t *>(ikm.constData()), size_t(ikm.size()),
               reinterpret_cast<const uint8_t *>(info.constData()), size_t(info.size()), okm);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(okm), 32).toHex(),
             QByteArray("3cb25f25faacd57a90434f64d0362f2a2d2d0a90cf1a5a4c5db02d56ecc4c5bf"));
    hkdfSha256(nullptr, 0, reinterpret_cast<const uint8_t *>(ikm.constData()), size_t(ikm.size()),
               nullptr, 0, okm);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(okm), 32).toHex(),
             QByteArray("8da4e775a563c18f715f802a063c5a31b8a11f5c5ee1879ec3454e5f3c738d2d"));
}

QTEST_APPLESS_MAIN(TestHmacSha256)
#include "tst_hmacsha256.moc"
