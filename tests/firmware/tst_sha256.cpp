#include <firmware/crypto/sha256.h>

#include <QRandomGenerator>
#include <QTest>

#include <openssl/sha.h>

using Portal::FirmwareCrypto::Sha256;

namespace {

QByteArray ourDigest(const QByteArray &message)
{
    QByteArray digest(Sha256::DigestBytes, '\0');
    Sha256::hash(reinterpret_cast<const uint8_t *>(message.constData()), size_t(message.size()),
                 reinterpret_cast<uint8_t *>(digest.data()));
    return digest;
}

QByteArray opensslDigest(const QByteArray &message)
{
    QByteArray digest(SHA256_DIGEST_LENGTH, '\0');
    SHA256(reinterpret_cast<const unsigned char *>(message.constData()), size_t(message.size()),
           reinterpret_cast<unsigned char *>(digest.data()));
    return digest;
}

} // namespace

class TestSha256 : public QObject
{
    Q_OBJECT

private slots:
    void publishedVectors_data();
    void publishedVectors();
    void oneMillionA();
    void incrementalEqualsOneShotAtEverySplit();
    void randomLengthsMatchOpenSsl();
};

void TestSha256::publishedVectors_data()
{
    // FIPS 180-4 examples (NIST "SHA256.pdf" example values).
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("digestHex");
    QTest::newRow("empty")
        << QByteArray()
        << QByteArray("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    QTest::newRow("abc") << QByteArray("abc")
                         << QByteArray(
                                "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    QTest::newRow("448 bits")
        << QByteArray("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")
        << QByteArray("248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
    QTest::newRow("896 bits")
        << QByteArray("abcdefghbcdefghicdefghijdefghijkefghijklfghijklmghijklmnhijklmnoijklmnopjklm"
                      "nopqklmnopqrlmnopqrsmnopqrstnopqrstu")
        << QByteArray("cf5b16a778af8380036ce59e7b0492370b249b11e8f07a51afac45037afee9d1");
}

void TestSha256::publishedVectors()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, digestHex);
    QCOMPARE(ourDigest(message).toHex(), digestHex);
}

void TestSha256::oneMillionA()
{
    const QByteArray chunk(1000, 'a');
    Sha256 hasher;
    for (int i = 0; i < 1000; ++i)
        hasher.update(reinterpret_cast<const uint8_t *>(chunk.constData()), size_t(chunk.size()));
    QByteArray digest(Sha256::DigestBytes, '\0');
    hasher.finish(reinterpret_cast<uint8_t *>(digest.data()));
    QCOMPARE(digest.toHex(),
             QByteArray("cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0"));
}

void TestSha256::incrementalEqualsOneShotAtEverySplit()
{
    QByteArray message(200, '\0');
    for (int i = 0; i < message.size(); ++i)
        message[i] = char(i * 7 + 3);
    const QByteArray expected = opensslDigest(message);
    const auto *bytes = reinterpret_cast<const uint8_t *>(message.constData());
    for (int first = 0; first <= message.size(); ++first) {
        for (int second = first; second <= message.size(); second += 13) {
            Sha256 hasher;
            hasher.update(bytes, size_t(first));
            hasher.update(bytes + first, size_t(second - first));
            hasher.update(bytes + second, size_t(message.size() - second));
            QByteArray digest(Sha256::DigestBytes, '\0');
            hasher.finish(reinterpret_cast<uint8_t *>(digest.data()));
            QVERIFY2(digest == expected,
                     qPrintable(QStringLiteral("split %1/%2").arg(first).arg(second)));
        }
    }
}

void TestSha256::randomLengthsMatchOpenSsl()
{
    QRandomGenerator random(0x5a256);
    for (int i = 0; i < 200; ++i) {
        QByteArray message(int(random.bounded(2000)), '\0');
        random.fillRange(reinterpret_cast<quint32 *>(message.data()), message.size() / 4);
        for (int j = message.size() & ~3; j < message.size(); ++j)
            message[j] = char(random.bounded(256));
        QCOMPARE(ourDigest(message).toHex(), opensslDigest(message).toHex());
    }
}

QTEST_APPLESS_MAIN(TestSha256)
#include "tst_sha256.moc"
