#include <portal-core/crypto/secure.h>

#include <QtTest>

#include <array>
#include <random>

using namespace Portal::Crypto;

namespace {

QByteArray toQByteArray(const std::vector<uint8_t> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), qsizetype(bytes.size()));
}

ByteView viewOf(const QByteArray &bytes)
{
    return ByteView(reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
}

} // namespace

class tst_Secure : public QObject
{
    Q_OBJECT

private slots:
    void constantTimeEquals_data();
    void constantTimeEquals();
    void toHexMatchesQt();
    void hexRoundTrip();
    void fromHexAcceptsBothCases();
    void fromHexRejects_data();
    void fromHexRejects();
    void secureWipeZeroes();
    void secretBytesMoveLeavesSourceEmpty();
};

void tst_Secure::constantTimeEquals_data()
{
    QTest::addColumn<QByteArray>("a");
    QTest::addColumn<QByteArray>("b");
    QTest::addColumn<bool>("equal");

    QTest::newRow("both empty") << QByteArray() << QByteArray() << true;
    QTest::newRow("one empty") << QByteArray() << QByteArray("a") << false;
    QTest::newRow("same") << QByteArray("secret-mac") << QByteArray("secret-mac") << true;
    QTest::newRow("first byte differs")
        << QByteArray("Xecret-mac") << QByteArray("secret-mac") << false;
    QTest::newRow("last byte differs")
        << QByteArray("secret-maX") << QByteArray("secret-mac") << false;
    QTest::newRow("one bit differs")
        << QByteArray::fromHex("00000001") << QByteArray::fromHex("00000000") << false;
    QTest::newRow("prefix is shorter") << QByteArray("secret") << QByteArray("secret-mac") << false;
    QTest::newRow("embedded NUL equal") << QByteArray("a\0b", 3) << QByteArray("a\0b", 3) << true;
    QTest::newRow("differs after NUL") << QByteArray("a\0b", 3) << QByteArray("a\0c", 3) << false;
}

void tst_Secure::constantTimeEquals()
{
    QFETCH(QByteArray, a);
    QFETCH(QByteArray, b);
    QFETCH(bool, equal);

    QCOMPARE(Portal::Crypto::constantTimeEquals(viewOf(a), viewOf(b)), equal);
    QCOMPARE(Portal::Crypto::constantTimeEquals(std::string_view(a.constData(), size_t(a.size())),
                                                std::string_view(b.constData(), size_t(b.size()))),
             equal);
    if (a.size() == b.size()) {
        QCOMPARE(Portal::Crypto::constantTimeEquals(a.constData(), b.constData(), size_t(a.size())),
                 equal);
    }
}

void tst_Secure::toHexMatchesQt()
{
    const QByteArray bytes = QByteArray::fromHex("00017f80abcdefff");
    QCOMPARE(QByteArray::fromStdString(toHex(viewOf(bytes))), bytes.toHex());
    QCOMPARE(toHex(ByteView()), std::string());
}

void tst_Secure::hexRoundTrip()
{
    std::mt19937 generator(7);
    std::vector<uint8_t> bytes(257);
    for (uint8_t &byte : bytes) {
        byte = uint8_t(generator());
    }
    const std::string hex = toHex(bytes);
    QCOMPARE(QByteArray::fromStdString(hex), toQByteArray(bytes).toHex());
    auto decoded = fromHex(hex);
    QVERIFY(decoded.ok());
    QCOMPARE(decoded.value(), bytes);
}

void tst_Secure::fromHexAcceptsBothCases()
{
    auto decoded = fromHex("DEADbeef00");
    QVERIFY(decoded.ok());
    QCOMPARE(toQByteArray(decoded.value()), QByteArray::fromHex("deadbeef00"));
    auto empty = fromHex("");
    QVERIFY(empty.ok());
    QVERIFY(empty.value().empty());
}

void tst_Secure::fromHexRejects_data()
{
    QTest::addColumn<QByteArray>("hex");
    QTest::addColumn<QString>("code");

    QTest::newRow("odd length") << QByteArray("abc") << "hex.odd_length";
    QTest::newRow("single digit") << QByteArray("0") << "hex.odd_length";
    QTest::newRow("non-hex letter") << QByteArray("0g") << "hex.bad_digit";
    QTest::newRow("0x prefix") << QByteArray("0x00") << "hex.bad_digit";
    QTest::newRow("inner space") << QByteArray("00 11 ") << "hex.bad_digit";
    QTest::newRow("NUL") << QByteArray("0\0", 2) << "hex.bad_digit";
    QTest::newRow("UTF-8 letter") << QByteArray("\xc3\xa9") << "hex.bad_digit";
    QTest::newRow("minus sign") << QByteArray("-1") << "hex.bad_digit";
}

void tst_Secure::fromHexRejects()
{
    QFETCH(QByteArray, hex);
    QFETCH(QString, code);
    auto decoded = fromHex(std::string_view(hex.constData(), size_t(hex.size())));
    QVERIFY(!decoded.ok());
    QCOMPARE(QString::fromStdString(decoded.error().code), code);
}

void tst_Secure::secureWipeZeroes()
{
    std::array<uint8_t, 16> key;
    key.fill(0xa5);
    secureWipe(key.data(), key.size());
    for (uint8_t byte : key) {
        QCOMPARE(byte, uint8_t(0));
    }
    std::string password = "Circle of Life";
    secureWipe(password);
    QVERIFY(password.empty());
}

void tst_Secure::secretBytesMoveLeavesSourceEmpty()
{
    const std::vector<uint8_t> bytes{1, 2, 3, 4};
    SecretBytes original{ByteView(bytes)};
    QCOMPARE(original.size(), size_t(4));
    SecretBytes moved(std::move(original));
    QVERIFY(original.empty());
    QCOMPARE(moved.size(), size_t(4));
    QVERIFY(Portal::Crypto::constantTimeEquals(moved.view(), ByteView(bytes)));

    SecretBytes assigned(size_t(2));
    assigned = std::move(moved);
    QVERIFY(moved.empty());
    QVERIFY(Portal::Crypto::constantTimeEquals(assigned.view(), ByteView(bytes)));
}

QTEST_APPLESS_MAIN(tst_Secure)
#include "tst_secure.moc"
