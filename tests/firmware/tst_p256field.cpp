#include <firmware/crypto/p256field.h>

#include <QRandomGenerator>
#include <QTest>

#include <openssl/bn.h>

#include <memory>

using namespace Portal::FirmwareCrypto::Internal;

namespace {

struct BnDeleter
{
    void operator()(BIGNUM *number) const { BN_free(number); }
};
using Bn = std::unique_ptr<BIGNUM, BnDeleter>;

Bn toBn(const Limbs &value)
{
    uint8_t bytes[32];
    storeBigEndian(bytes, value);
    return Bn(BN_bin2bn(bytes, 32, nullptr));
}

QByteArray hex(const Limbs &value)
{
    uint8_t bytes[32];
    storeBigEndian(bytes, value);
    return QByteArray(reinterpret_cast<const char *>(bytes), 32).toHex();
}

QByteArray hex(const BIGNUM *number)
{
    uint8_t bytes[32];
    BN_bn2binpad(number, bytes, 32);
    return QByteArray(reinterpret_cast<const char *>(bytes), 32).toHex();
}

// Uniform-ish values below the modulus, with the edges 0, 1 and m-1 mixed in.
Limbs randomBelow(QRandomGenerator &random, const Modulus &modulus)
{
    Limbs value;
    switch (random.bounded(8)) {
    case 0:
        value = Limbs{};
        return value;
    case 1:
        value = Limbs{};
        value.word[0] = 1;
        return value;
    case 2: {
        const Limbs one = {{1, 0, 0, 0, 0, 0, 0, 0}};
        modularSubtract(value, Limbs{}, one, modulus);
        return value;
    }
    default:
        break;
    }
    do {
        for (uint32_t &word : value.word)
            word = random.generate();
    } while (!lessThan(value, modulus.value));
    return value;
}

} // namespace

class TestP256Field : public QObject
{
    Q_OBJECT

private slots:
    void arithmeticMatchesOpenSsl_data();
    void arithmeticMatchesOpenSsl();
};

void TestP256Field::arithmeticMatchesOpenSsl_data()
{
    QTest::addColumn<bool>("overOrder");
    QTest::newRow("mod p") << false;
    QTest::newRow("mod n") << true;
}

void TestP256Field::arithmeticMatchesOpenSsl()
{
    QFETCH(bool, overOrder);
    const Modulus &modulus = overOrder ? groupOrder : fieldPrime;
    const Bn m = toBn(modulus.value);
    BN_CTX *context = BN_CTX_new();
    Bn expected(BN_new());
    QRandomGenerator random(overOrder ? 0x6e : 0x70);
    for (int i = 0; i < 2000; ++i) {
        const Limbs a = randomBelow(random, modulus);
        const Limbs b = randomBelow(random, modulus);
        const Bn aBn = toBn(a);
        const Bn bBn = toBn(b);

        Limbs sum, difference, aMont, bMont, product, productNarrow, plain, inverse;
        modularAdd(sum, a, b, modulus);
        QVERIFY(BN_mod_add(expected.get(), aBn.get(), bBn.get(), m.get(), context));
        QCOMPARE(hex(sum), hex(expected.get()));

        modularSubtract(difference, a, b, modulus);
        QVERIFY(BN_mod_sub(expected.get(), aBn.get(), bBn.get(), m.get(), context));
        QCOMPARE(hex(difference), hex(expected.get()));

        toMontgomery(aMont, a, modulus);
        toMontgomery(bMont, b, modulus);
        montgomeryMultiply(product, aMont, bMont, modulus);
        montgomeryMultiplyNarrow(productNarrow, aMont, bMont, modulus);
        QCOMPARE(hex(productNarrow), hex(product));
        fromMontgomery(plain, product, modulus);
        QVERIFY(BN_mod_mul(expected.get(), aBn.get(), bBn.get(), m.get(), context));
        QCOMPARE(hex(plain), hex(expected.get()));

        if (i % 20 == 0) {
            modularInverse(inverse, aMont, modulus);
            fromMontgomery(plain, inverse, modulus);
            if (BN_is_zero(aBn.get())) {
                QCOMPARE(isZero(plain), 1u);
            } else {
                QVERIFY(BN_mod_inverse(expected.get(), aBn.get(), m.get(), context));
                QCOMPARE(hex(plain), hex(expected.get()));
            }
        }
        QCOMPARE(lessThan(a, b), uint32_t(BN_cmp(aBn.get(), bBn.get()) < 0));
        QCOMPARE(isZero(a), uint32_t(BN_is_zero(aBn.get())));
    }
    BN_CTX_free(context);
}

QTEST_APPLESS_MAIN(TestP256Field)
#include "tst_p256field.moc"
