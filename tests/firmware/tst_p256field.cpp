#include <firmware/crypto/p256field.h>

#include <QRandomGenerator>
#include <QTest>

#include <openssl/bn.h>

#include <cstdio>
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
    void combTableMatchesTheCurve();
    void baseMultiplyMatchesTheLadder();
};

namespace {

// Σ over the set bits r of `index` of 2^(CombSpacing·r), big-endian.
QByteArray combScalar(uint8_t index)
{
    QByteArray scalar(32, '\0');
    for (uint8_t tooth = 0; tooth < CombTeeth; ++tooth) {
        if (index & (1u << tooth)) {
            const int bit = tooth * CombSpacing;
            scalar[31 - bit / 8] = char(uint8_t(scalar[31 - bit / 8]) | (1u << (bit % 8)));
        }
    }
    return scalar;
}

// The affine point in Montgomery form, as the comb table holds it (the identity as 0, 1).
void ladderEntry(const QByteArray &scalar, Limbs &x, Limbs &y)
{
    ProjectivePoint point;
    setBasePoint(point);
    scalarMultiply(point, reinterpret_cast<const uint8_t *>(scalar.constData()), point);
    Limbs xPlain, yPlain;
    if (!toAffine(xPlain, yPlain, point)) {
        x = Limbs{};
        y = fieldPrime.montgomeryOne;
        return;
    }
    toMontgomery(x, xPlain, fieldPrime);
    toMontgomery(y, yPlain, fieldPrime);
}

} // namespace

void TestP256Field::combTableMatchesTheCurve()
{
    // PORTAL_PRINT_COMB_TABLE=1 prints firmware/crypto/p256combtable.inc from the ladder.
    const bool print = qEnvironmentVariableIntValue("PORTAL_PRINT_COMB_TABLE") == 1;
    for (int index = 0; index < CombEntries; ++index) {
        Limbs expectedX, expectedY;
        ladderEntry(combScalar(uint8_t(index)), expectedX, expectedY);
        if (print) {
            QStringList words;
            for (const Limbs *limbs : {&expectedX, &expectedY})
                for (uint32_t word : limbs->word)
                    words << QStringLiteral("0x%1").arg(word, 8, 16, QLatin1Char('0'));
            std::printf("{%s},\n", qPrintable(words.join(QStringLiteral(", "))));
            continue;
        }
        Limbs x, y;
        combEntry(x, y, uint8_t(index));
        QCOMPARE(hex(x), hex(expectedX));
        QCOMPARE(hex(y), hex(expectedY));
    }
}

void TestP256Field::baseMultiplyMatchesTheLadder()
{
    QRandomGenerator random(0x636f6d62);
    QList<QByteArray> scalars = {
        QByteArray::fromHex("0000000000000000000000000000000000000000000000000000000000000001"),
        QByteArray::fromHex("ffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632550"),
        QByteArray::fromHex("0000000000000000000000000000000000000000000000000000000000000040"),
        QByteArray::fromHex("8000000000000000000000000000000000000000000000000000000000000000")};
    for (int i = 0; i < 40; ++i) {
        const Limbs value = randomBelow(random, groupOrder);
        uint8_t bytes[32];
        storeBigEndian(bytes, value);
        scalars << QByteArray(reinterpret_cast<const char *>(bytes), 32);
    }
    for (const QByteArray &scalar : scalars) {
        const uint8_t *data = reinterpret_cast<const uint8_t *>(scalar.constData());
        ProjectivePoint byComb, byLadder;
        baseMultiply(byComb, data);
        setBasePoint(byLadder);
        scalarMultiply(byLadder, data, byLadder);
        Limbs combX, combY, ladderX, ladderY;
        // randomBelow() also yields 0, 1 and n - 1; 0·G is the identity for both.
        const bool combFinite = toAffine(combX, combY, byComb);
        QCOMPARE(combFinite, toAffine(ladderX, ladderY, byLadder));
        QCOMPARE(combFinite, scalar != QByteArray(32, '\0'));
        if (!combFinite)
            continue;
        QCOMPARE(hex(combX), hex(ladderX));
        QCOMPARE(hex(combY), hex(ladderY));
    }
}

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
