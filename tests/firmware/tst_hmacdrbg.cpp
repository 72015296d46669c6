#include <firmware/crypto/hmacdrbg.h>

#include <QTest>

using Portal::FirmwareCrypto::DrbgStatus;
using Portal::FirmwareCrypto::HmacDrbg;

namespace {

const uint8_t *bytes(const QByteArray &array)
{
    return reinterpret_cast<const uint8_t *>(array.constData());
}

} // namespace

class TestHmacDrbg : public QObject
{
    Q_OBJECT

private slots:
    void cavpWithoutReseed_data();
    void cavpWithoutReseed();
    void cavpWithReseed();
    void refusesMisuse();
};

void TestHmacDrbg::cavpWithoutReseed_data()
{
    // NIST CAVP HMAC_DRBG.rsp, [SHA-256], no prediction resistance, no reseed,
    // PersonalizationStringLen = AdditionalInputLen = 0, ReturnedBitsLen = 1024: instantiate,
    // generate twice, the second output is ReturnedBits.
    QTest::addColumn<QByteArray>("entropy");
    QTest::addColumn<QByteArray>("nonce");
    QTest::addColumn<QByteArray>("returnedBits");
    QTest::newRow("COUNT 0")
        << QByteArray::fromHex("ca851911349384bffe89de1cbdc46e6831e44d34a4fb935ee285dd14b71a7488")
        << QByteArray::fromHex("659ba96c601dc69fc902940805ec0ca8")
        << QByteArray::fromHex("e528e9abf2dece54d47c7e75e5fe302149f817ea9fb4bee6f4199697d04d5b89d54"
                               "fbb978a15b5c443c9ec21036d2460b6f73ebad0dc2aba6e624abf07745bc107694b"
                               "b7547bb0995f70de25d6b29e2d3011bb19d27676c07162c8b5ccde0668961df8680"
                               "3482cb37ed6d5c0bb8d50cf1f50d476aa0458bdaba806f48be9dcb8");
    QTest::newRow("COUNT 1")
        << QByteArray::fromHex("79737479ba4e7642a221fcfd1b820b134e9e3540a35bb48ffae29c20f5418ea3")
        << QByteArray::fromHex("3593259c092bef4129bc2c6c9e19f343")
        << QByteArray::fromHex("cf5ad5984f9e43917aa9087380dac46e410ddc8a7731859c84e9d0f31bd43655b92"
                               "4159413e2293b17610f211e09f770f172b8fb693a35b85d3b9e5e63b1dc252ac0e1"
                               "15002e9bedfb4b5b6fd43f33b8e0eafb2d072e1a6fee1f159df9b51e6c8da737e60"
                               "d5032dd30544ec51558c6f080bdbdab1de8a939e961e06b5f1aca37");
}

void TestHmacDrbg::cavpWithoutReseed()
{
    QFETCH(QByteArray, entropy);
    QFETCH(QByteArray, nonce);
    QFETCH(QByteArray, returnedBits);
    HmacDrbg drbg;
    QCOMPARE(drbg.instantiate(bytes(entropy), size_t(entropy.size()), bytes(nonce),
                              size_t(nonce.size())),
             DrbgStatus::Ok);
    QByteArray output(128, '\0');
    QCOMPARE(drbg.generate(reinterpret_cast<uint8_t *>(output.data()), size_t(output.size())),
             DrbgStatus::Ok);
    QCOMPARE(drbg.generate(reinterpret_cast<uint8_t *>(output.data()), size_t(output.size())),
             DrbgStatus::Ok);
    QCOMPARE(output.toHex(), returnedBits.toHex());
}

void TestHmacDrbg::cavpWithReseed()
{
    // NIST CAVP HMAC_DRBG.rsp (prediction resistance false), [SHA-256] COUNT = 0:
    // instantiate, reseed, generate twice.
    const QByteArray entropy =
        QByteArray::fromHex("06032cd5eed33f39265f49ecb142c511da9aff2af71203bffaf34a9ca5bd9c0d");
    const QByteArray nonce = QByteArray::fromHex("0e66f71edc43e42a45ad3c6fc6cdc4df");
    const QByteArray reseedEntropy =
        QByteArray::fromHex("01920a4e669ed3a85ae8a33b35a74ad7fb2a6bb4cf395ce00334a9c9a5a5d552");
    const QByteArray expected = QByteArray::fromHex(
        "76fc79fe9b50beccc991a11b5635783a83536add03c157fb30645e611c2898bb2b1bc215000209208cd506cb28"
        "da2a51bdb03826aaf2bd2335d576d519160842e7158ad0949d1a9ec3e66ea1b1a064b005de914eac2e9d4f2d72"
        "a8616a80225422918250ff66a41bd2f864a6a38cc5b6499dc43f7f2bd09e1e0f8f5885935124");
    HmacDrbg drbg;
    QCOMPARE(drbg.instantiate(bytes(entropy), 32, bytes(nonce), 16), DrbgStatus::Ok);
    QCOMPARE(drbg.reseed(bytes(reseedEntropy), 32), DrbgStatus::Ok);
    QByteArray output(128, '\0');
    QCOMPARE(drbg.generate(reinterpret_cast<uint8_t *>(output.data()), 128), DrbgStatus::Ok);
    QCOMPARE(drbg.generate(reinterpret_cast<uint8_t *>(output.data()), 128), DrbgStatus::Ok);
    QCOMPARE(output.toHex(), expected.toHex());
}

void TestHmacDrbg::refusesMisuse()
{
    const QByteArray entropy(32, '\x42');
    uint8_t output[32];
    HmacDrbg drbg;
    QCOMPARE(drbg.generate(output, sizeof output), DrbgStatus::NotInstantiated);
    QCOMPARE(drbg.reseed(bytes(entropy), 32), DrbgStatus::NotInstantiated);
    QCOMPARE(drbg.instantiate(bytes(entropy), 31, nullptr, 0), DrbgStatus::EntropyTooShort);
    QCOMPARE(drbg.instantiate(bytes(entropy), 32, nullptr, 0), DrbgStatus::Ok);
    QCOMPARE(drbg.reseed(bytes(entropy), 16), DrbgStatus::EntropyTooShort);
    QByteArray large(HmacDrbg::MaxRequestBytes + 1, '\0');
    QCOMPARE(drbg.generate(reinterpret_cast<uint8_t *>(large.data()), size_t(large.size())),
             DrbgStatus::RequestTooLarge);
    QCOMPARE(drbg.generate(output, sizeof output), DrbgStatus::Ok);
    drbg.wipe();
    QCOMPARE(drbg.generate(output, sizeof output), DrbgStatus::NotInstantiated);
}

QTEST_APPLESS_MAIN(TestHmacDrbg)
#include "tst_hmacdrbg.moc"
