#include <firmware/crypto/ecdsa.h>
#include <firmware/crypto/p256.h>
#include <firmware/crypto/sha256.h>

#include <QTest>

namespace FC = Portal::FirmwareCrypto;

namespace {

// RFC 6979 appendix A.2.5 (NIST P-256).
const QByteArray privateKey =
    QByteArray::fromHex("C9AFA9D845BA75166B5C215767B1D6934E50C3DB36E89B127B8A622B120F6721");
const QByteArray publicKey =
    QByteArray::fromHex("60FED4BA255A9D31C961EB74C6356D68C049B8923B61FA6CE669622E60F29FB6"
                        "7903FE1008B8BC99A41AE9E95628BC64F2F1B20C2D7E9F5177A3C294D4462299");

const uint8_t *bytes(const QByteArray &array)
{
    return reinterpret_cast<const uint8_t *>(array.constData());
}

uint8_t *bytes(QByteArray &array)
{
    return reinterpret_cast<uint8_t *>(array.data());
}

QByteArray sha256(const QByteArray &message)
{
    QByteArray digest(32, '\0');
    FC::Sha256::hash(bytes(message), size_t(message.size()), bytes(digest));
    return digest;
}

} // namespace

class TestRfc6979 : public QObject
{
    Q_OBJECT

private slots:
    void publicKeyMatches();
    void signatures_data();
    void signatures();
};

void TestRfc6979::publicKeyMatches()
{
    QByteArray derived(64, '\0');
    QVERIFY(FC::derivePublicKey(bytes(privateKey), bytes(derived)));
    QCOMPARE(derived.toHex(), publicKey.toHex());
    QVERIFY(FC::validatePublicKey(bytes(derived)));
}

void TestRfc6979::signatures_data()
{
    QTest::addColumn<QByteArray>("message");
    QTest::addColumn<QByteArray>("nonce");
    QTest::addColumn<QByteArray>("signature");
    QTest::newRow("sample")
        << QByteArray("sample")
        << QByteArray::fromHex("A6E3C57DD01ABE90086538398355DD4C3B17AA873382B0F24D6129493D8AAD60")
        << QByteArray::fromHex("EFD48B2AACB6A8FD1140DD9CD45E81D69D2C877B56AAF991C34D0EA84EAF3716"
                               "F7CB1C942D657C41D436C7A1B6E29F65F3E900DBB9AFF4064DC4AB2F843ACDA8");
    QTest::newRow("test")
        << QByteArray("test")
        << QByteArray::fromHex("D16B6AE827F17175E040871A1C7EC3500192C4C92677336EC2537ACAEE0008E0")
        << QByteArray::fromHex("F1ABB023518351CD71D881567B1EA663ED3EFCF6C5132B354F28D3B0B7D38367"
                               "019F4113742A2B14BD25926B49C649155F267E60D3814B4C0CC84250E46F0083");
}

void TestRfc6979::signatures()
{
    QFETCH(QByteArray, message);
    QFETCH(QByteArray, nonce);
    QFETCH(QByteArray, signature);
    const QByteArray hash = sha256(message);

    // The nonce comes out of HMAC_DRBG exactly as the RFC's k.
    QByteArray derivedNonce(32, '\0');
    QVERIFY(FC::Internal::deterministicNonce(bytes(privateKey), bytes(hash), bytes(derivedNonce)));
    QCOMPARE(derivedNonce.toHex(), nonce.toHex());

    QByteArray produced(64, '\0');
    QVERIFY(FC::sign(bytes(privateKey), bytes(hash), bytes(produced)));
    QCOMPARE(produced.toHex(), signature.toHex());

    QByteArray withNonce(64, '\0');
    QVERIFY(FC::Internal::signWithNonce(bytes(privateKey), bytes(hash), bytes(nonce),
                                        bytes(withNonce)));
    QCOMPARE(withNonce.toHex(), signature.toHex());

    QVERIFY(FC::verify(bytes(publicKey), bytes(hash), bytes(signature)));
    QByteArray otherHash = hash;
    otherHash[31] = char(otherHash[31] ^ 1);
    QVERIFY(!FC::verify(bytes(publicKey), bytes(otherHash), bytes(signature)));
}

QTEST_APPLESS_MAIN(TestRfc6979)
#include "tst_rfc6979.moc"
