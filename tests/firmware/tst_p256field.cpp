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
    void reductionModPMatchesOpenSsl();
    void blindedAffineMatchesPublic();
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

// The affine point as the comb table holds it (the identity as 0, 1).
void ladderEntry(const QByteArray &scalar, Limbs &x, Limbs &y)
{
    ProjectivePoint point;
    setBasePoint(point);
    scalarMultiply(point, reinterpret_cast<const uint8_t *>(scalar.constData()), point);
    if (!toAffinePublic(x, y, point)) {
        x = Limbs{};
        y = fieldOne;
    }
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
        const bool combFinite = toAffinePublic(combX, combY, byComb);
        QCOMPARE(combFinite, toAffinePublic(ladderX, ladderY, byLadder));
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

        QVERIFY(BN_mod_mul(expected.get(), aBn.get(), bBn.get(), m.get(), context));
        toMontgomery(aMont, a, modulus);
        toMontgomery(bMont, b, modulus);
        montgomeryMultiply(product, aMont, bMont, modulus);
        montgomeryMultiplyNarrow(productNarrow, aMont, bMont, modulus);
        QCOMPARE(hex(productNarrow), hex(product));
        fromMontgomery(plain, product, modulus);
        QCOMPARE(hex(plain), hex(expected.get()));
        if (!overOrder) {
            fieldMultiply(product, a, b);
            QCOMPARE(hex(product), hex(expected.get()));
        }

        if (i % 10 == 0) {
            // A nonzero secret-like blind; the blinded inversions must not depend on it.
            Limbs blind = randomBelow(random, modulus);
            blind.word[0] |= isZero(blind);
            const bool zero = BN_is_zero(aBn.get());
            if (!zero)
                QVERIFY(BN_mod_inverse(expected.get(), aBn.get(), m.get(), context));
            inverseVariableTime(inverse, a, modulus);
            QCOMPARE(hex(inverse), zero ? hex(Limbs{}) : hex(expected.get()));
            if (overOrder) {
                Limbs blindMont;
                toMontgomery(blindMont, blind, modulus);
                scalarInverseBlinded(inverse, aMont, blindMont);
                fromMontgomery(plain, inverse, modulus);
            } else {
                fieldInverseBlinded(plain, a, blind);
            }
            QCOMPARE(hex(plain), zero ? hex(Limbs{}) : hex(expected.get()));
        }
        QCOMPARE(lessThan(a, b), uint32_t(BN_cmp(aBn.get(), bBn.get()) < 0));
        QCOMPARE(isZero(a), uint32_t(BN_is_zero(aBn.get())));
    }
    BN_CTX_free(context);
}

void TestP256Field::reductionModPMatchesOpenSsl()
{
    // Any 512-bit input, not only products of reduced values: the digit patterns that make
    // the positive or the negative terms of the reduction largest, then random ones.
    QList<QByteArray> inputs = {QByteArray(64, '\0'), QByteArray(64, '\xff')};
    for (const char *pattern : {"ffffffff00000000", "00000000ffffffff", "ffff0000ffff0000"}) {
        QByteArray input;
        while (input.size() < 64)
            input += QByteArray::fromHex(pattern);
        inputs << input;
    }
    QRandomGenerator random(0x736f6c69);
    for (int i = 0; i < 3000; ++i) {
        QByteArray input(64, '\0');
        for (char &byte : input)
            byte = char(random.bounded(256));
        inputs << input;
    }
    const Bn p = toBn(fieldPrime.value);
    BN_CTX *context = BN_CTX_new();
    Bn expected(BN_new());
    for (const QByteArray &input : inputs) {
        // input is big-endian; the digits are little-endian 16-bit.
        uint16_t digits[32];
        for (int i = 0; i < 32; ++i)
            digits[i] = uint16_t(uint8_t(input[63 - 2 * i]) | (uint8_t(input[62 - 2 * i]) << 8));
        Limbs reduced;
        reduceFieldPrime(reduced, digits);
        const Bn value(
            BN_bin2bn(reinterpret_cast<const uint8_t *>(input.constData()), 64, nullptr));
        QVERIFY(BN_nnmod(expected.get(), value.get(), p.get(), context));
        QCOMPARE(hex(reduced), hex(expected.get()));
    }
    BN_CTX_free(context);
}

void TestP256Field::blindedAffineMatchesPublic()
{
    QRandomGenerator random(0x626c6e64);
    for (int i = 0; i < 20; ++i) {
        const Limbs scalar = randomBelow(random, groupOrder);
        uint8_t bytes[32];
        storeBigEndian(bytes, scalar);
        ProjectivePoint point;
        baseMultiply(point, bytes);
        Limbs blind;
        deriveBlind(blind, bytes, BlindAffineZ, fieldPrime);
        QCOMPARE(isZero(blind), 0u);
        QCOMPARE(lessThan(blind, fieldPrime.value), 1u);
        Limbs x, y, publicX, publicY;
        const bool finite = toAffine(x, y, point, blind);
        QCOMPARE(finite, toAffinePublic(publicX, publicY, point));
        QCOMPARE(finite, isZero(scalar) == 0);
        if (finite) {
            QCOMPARE(hex(x), hex(publicX));
            QCOMPARE(hex(y), hex(publicY));
        }
    }
}

QTEST_APPLESS_MAIN(TestP256Field)
#include "tst_p256field.moc"
