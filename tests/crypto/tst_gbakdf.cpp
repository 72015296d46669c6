// TS 33.220 Annex B KDF and Ks_NAF: the input string S is written out byte by byte here and
// MACed with OpenSSL's one-shot HMAC() (an independent path from the library's incremental
// EVP_MAC); the MAC itself is checked against RFC 4231.

#include <portal-core/crypto/gbakdf.h>

#include <QtTest>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include <array>
#include <initializer_list>
#include <string>

using namespace Portal::Crypto;

namespace {

QByteArray bytes(std::initializer_list<uint8_t> values)
{
    QByteArray out;
    for (uint8_t value : values)
        out.append(char(value));
    return out;
}

template<size_t N>
QByteArray toQByteArray(const std::array<uint8_t, N> &array)
{
    return QByteArray(reinterpret_cast<const char *>(array.data()), int(N));
}

QByteArray toQByteArray(const std::vector<uint8_t> &vector)
{
    return QByteArray(reinterpret_cast<const char *>(vector.data()), int(vector.size()));
}

ByteView view(const QByteArray &array)
{
    return ByteView(reinterpret_cast<const uint8_t *>(array.constData()), size_t(array.size()));
}

// The independent path: OpenSSL's one-shot HMAC() over the whole literal S.
QByteArray oneShotHmacSha256(const QByteArray &key, const QByteArray &message)
{
    unsigned char out[32];
    unsigned int outBytes = 0;
    const unsigned char *result = HMAC(EVP_sha256(), key.constData(), key.size(),
                                       reinterpret_cast<const unsigned char *>(message.constData()),
                                       size_t(message.size()), out, &outBytes);
    if (result == nullptr || outBytes != sizeof out)
        return {};
    return QByteArray(reinterpret_cast<const char *>(out), int(outBytes));
}

// TS 35.208 set 1: CK (f3), IK (f4), RAND.
const Ck kCk = {0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05,
                0xbb, 0xf0, 0xd9, 0x87, 0xb2, 0x1b, 0xf8, 0xcb};
const Ik kIk = {0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04, 0x46, 0x04,
                0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41};
const Rand kRand = {0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,
                    0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35};

// Ks = CK ‖ IK, written out.
const QByteArray kKsLiteral =
    bytes({0xb4, 0x0b, 0xa9, 0xa3, 0xc5, 0x8b, 0x2a, 0x05, 0xbb, 0xf0, 0xd9,
           0x87, 0xb2, 0x1b, 0xf8, 0xcb, 0xf7, 0x69, 0xbc, 0xd7, 0x51, 0x04,
           0x46, 0x04, 0x12, 0x76, 0x72, 0x71, 0x1c, 0x6d, 0x34, 0x41});

} // namespace

class TstGbaKdf : public QObject
{
    Q_OBJECT

private slots:
    void uaProtocolIdentifiers();
    void ksIsCkThenIk();
    void ksNafOverLiteralS_data();
    void ksNafOverLiteralS();
    void genericKdfOverLiteralS();
    void macMatchesRfc4231_data();
    void macMatchesRfc4231();
    void boundsAreChecked();
};

void TstGbaKdf::uaProtocolIdentifiers()
{
    QCOMPARE(toQByteArray(kUaHttpDigest), bytes({0x01, 0x00, 0x00, 0x00, 0x02}));
    QCOMPARE(toQByteArray(kUaPskTlsAes128GcmSha256), bytes({0x01, 0x00, 0x01, 0x00, 0xa8}));
    QCOMPARE(toQByteArray(uaPskTls(0xc0, 0x35)), bytes({0x01, 0x00, 0x01, 0xc0, 0x35}));
}

void TstGbaKdf::ksIsCkThenIk()
{
    QCOMPARE(toQByteArray(makeKs(kCk, kIk)), kKsLiteral);
}

void TstGbaKdf::ksNafOverLiteralS_data()
{
    QTest::addColumn<QByteArray>("impi");
    QTest::addColumn<QByteArray>("nafFqdn");
    QTest::addColumn<QByteArray>("protocolId");
    QTest::addColumn<QByteArray>("expectedNafId");
    QTest::addColumn<QByteArray>("expectedS");

    // Every octet of NAF_Id and S written out (TS 33.220 Annex B.2.0 / B.3).
    // clang-format off
    const QByteArray nafIdDigest = bytes({
        0x6e, 0x61, 0x66, 0x2e, 0x6c, 0x61, 0x62, 0x2e,     // "naf.lab."
        0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,           // "example"
        0x01, 0x00, 0x00, 0x00, 0x02,                       // Ua: HTTP Digest
    });
    const QByteArray nafIdPsk = bytes({
        0x6e, 0x61, 0x66, 0x2e, 0x6c, 0x61, 0x62, 0x2e,     // "naf.lab."
        0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,           // "example"
        0x01, 0x00, 0x01, 0x00, 0xa8,                       // Ua: PSK-TLS, suite 00 A8
    });
    const QByteArray sDigest = bytes({
        0x01,                                               // FC
        0x67, 0x62, 0x61, 0x2d, 0x6d, 0x65,                 // P0 = "gba-me"
        0x00, 0x06,                                         // L0 = 6
        0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,     // P1 = RAND
        0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35,
        0x00, 0x10,                                         // L1 = 16
        0x75, 0x73, 0x65, 0x72, 0x40, 0x69, 0x6d, 0x73,     // P2 = IMPI "user@ims"
        0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,     //   ".example"
        0x00, 0x10,                                         // L2 = 16
        0x6e, 0x61, 0x66, 0x2e, 0x6c, 0x61, 0x62, 0x2e,     // P3 = NAF_Id: "naf.lab."
        0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,           //   "example"
        0x01, 0x00, 0x00, 0x00, 0x02,                       //   HTTP Digest
        0x00, 0x14,                                         // L3 = 20
    });
    const QByteArray sPsk = bytes({
        0x01,                                               // FC
        0x67, 0x62, 0x61, 0x2d, 0x6d, 0x65,                 // P0 = "gba-me"
        0x00, 0x06,                                         // L0 = 6
        0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,     // P1 = RAND
        0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35,
        0x00, 0x10,                                         // L1 = 16
        0x75, 0x73, 0x65, 0x72, 0x40, 0x69, 0x6d, 0x73,     // P2 = IMPI "user@ims"
        0x2e, 0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,     //   ".example"
        0x00, 0x10,                                         // L2 = 16
        0x6e, 0x61, 0x66, 0x2e, 0x6c, 0x61, 0x62, 0x2e,     // P3 = NAF_Id: "naf.lab."
        0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,           //   "example"
        0x01, 0x00, 0x01, 0x00, 0xa8,                       //   PSK-TLS 00 A8
        0x00, 0x14,                                         // L3 = 20
    });
    // IMPI "bob@éxample.org": é is two UTF-8 octets, so L2 counts octets (16), not characters.
    const QByteArray sUtf8Impi = bytes({
        0x01,                                               // FC
        0x67, 0x62, 0x61, 0x2d, 0x6d, 0x65,                 // P0 = "gba-me"
        0x00, 0x06,                                         // L0 = 6
        0x23, 0x55, 0x3c, 0xbe, 0x96, 0x37, 0xa8, 0x9d,     // P1 = RAND
        0x21, 0x8a, 0xe6, 0x4d, 0xae, 0x47, 0xbf, 0x35,
        0x00, 0x10,                                         // L1 = 16
        0x62, 0x6f, 0x62, 0x40, 0xc3, 0xa9, 0x78, 0x61,     // P2 = IMPI "bob@éxa"
        0x6d, 0x70, 0x6c, 0x65, 0x2e, 0x6f, 0x72, 0x67,     //   "mple.org"
        0x00, 0x10,                                         // L2 = 16
        0x6e, 0x61, 0x66, 0x2e, 0x6c, 0x61, 0x62, 0x2e,     // P3 = NAF_Id: "naf.lab."
        0x65, 0x78, 0x61, 0x6d, 0x70, 0x6c, 0x65,           //   "example"
        0x01, 0x00, 0x00, 0x00, 0x02,                       //   HTTP Digest
        0x00, 0x14,                                         // L3 = 20
    });
    // clang-format on

    const QByteArray impi = "user@ims.example";
    const QByteArray fqdn = "naf.lab.example";
    QTest::newRow("HTTP Digest") << impi << fqdn << toQByteArray(kUaHttpDigest) << nafIdDigest
                                 << sDigest;
    QTest::newRow("PSK-TLS 00A8") << impi << fqdn << toQByteArray(kUaPskTlsAes128GcmSha256)
                                  << nafIdPsk << sPsk;
    QTest::newRow("UTF-8 IMPI") << QString::fromUtf8("bob@\u00e9xample.org").toUtf8() << fqdn
                                << toQByteArray(kUaHttpDigest) << nafIdDigest << sUtf8Impi;
}

void TstGbaKdf::ksNafOverLiteralS()
{
    QFETCH(QByteArray, impi);
    QFETCH(QByteArray, nafFqdn);
    QFETCH(QByteArray, protocolId);
    QFETCH(QByteArray, expectedNafId);
    QFETCH(QByteArray, expectedS);
    QCOMPARE(protocolId.size(), 5);
    UaProtocolId uaId;
    std::copy(protocolId.begin(), protocolId.end(), uaId.begin());

    const auto nafId = makeNafId(std::string(nafFqdn.constData(), size_t(nafFqdn.size())), uaId);
    QVERIFY(nafId.ok());
    QCOMPARE(toQByteArray(*nafId), expectedNafId);

    const QByteArray expected = oneShotHmacSha256(kKsLiteral, expectedS);
    QCOMPARE(expected.size(), 32);
    const std::string impiText(impi.constData(), size_t(impi.size()));

    const auto fromKs = deriveKsNaf(makeKs(kCk, kIk), kRand, impiText, *nafId);
    QVERIFY(fromKs.ok());
    QCOMPARE(toQByteArray(*fromKs).toHex(), expected.toHex());

    const auto fromCkIk = deriveKsNaf(kCk, kIk, kRand, impiText, *nafId);
    QVERIFY(fromCkIk.ok());
    QCOMPARE(toQByteArray(*fromCkIk).toHex(), expected.toHex());

    // A one-octet change in S (the IMPI) must change the key: the comparison above can fail.
    const auto otherImpi = deriveKsNaf(kCk, kIk, kRand, impiText + "x", *nafId);
    QVERIFY(otherImpi.ok());
    QVERIFY(toQByteArray(*otherImpi) != expected);
}

// FC other than 0x01, an empty parameter (L = 0000) and a 300-octet one (L = 012C).
void TstGbaKdf::genericKdfOverLiteralS()
{
    const QByteArray key = bytes({0x10, 0x20, 0x30});
    const QByteArray longParam(300, char(0x5a));
    const QByteArray expectedS =
        bytes({0x7f, 0x00, 0x00, 0x61, 0x62, 0x00, 0x02}) + longParam + bytes({0x01, 0x2c});
    const auto derived =
        gbaKdf(view(key), 0x7f, {ByteView(), ByteView::fromText("ab"), view(longParam)});
    QVERIFY(derived.ok());
    QCOMPARE(toQByteArray(*derived).toHex(), oneShotHmacSha256(key, expectedS).toHex());

    // No parameters: S = FC alone.
    const auto fcOnly = gbaKdf(view(key), 0x42, {});
    QVERIFY(fcOnly.ok());
    QCOMPARE(toQByteArray(*fcOnly).toHex(), oneShotHmacSha256(key, bytes({0x42})).toHex());
}

void TstGbaKdf::macMatchesRfc4231_data()
{
    QTest::addColumn<QByteArray>("key");
    QTest::addColumn<QByteArray>("data");
    QTest::addColumn<QByteArray>("expectedHex");
    QTest::newRow("test case 1")
        << QByteArray(20, char(0x0b)) << QByteArray("Hi There")
        << QByteArray("b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
    QTest::newRow("test case 2")
        << QByteArray("Jefe") << QByteArray("what do ya want for nothing?")
        << QByteArray("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
    QTest::newRow("test case 3")
        << QByteArray(20, char(0xaa)) << QByteArray(50, char(0xdd))
        << QByteArray("773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
    QTest::newRow("test case 4")
        << QByteArray::fromHex("0102030405060708090a0b0c0d0e0f10111213141516171819")
        << QByteArray(50, char(0xcd))
        << QByteArray("82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
    QTest::newRow("test case 6")
        << QByteArray(131, char(0xaa))
        << QByteArray("Test Using Larger Than Block-Size Key - Hash Key First")
        << QByteArray("60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
    QTest::newRow("test case 7")
        << QByteArray(131, char(0xaa))
        << QByteArray("This is a test using a larger than block-size key and a larger than "
                      "block-size data. The key needs to be hashed before being used by the "
                      "HMAC algorithm.")
        << QByteArray("9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

void TstGbaKdf::macMatchesRfc4231()
{
    QFETCH(QByteArray, key);
    QFETCH(QByteArray, data);
    QFETCH(QByteArray, expectedHex);

    const auto whole = hmacSha256(view(key), {view(data)});
    QVERIFY(whole.ok());
    QCOMPARE(toQByteArray(*whole).toHex(), expectedHex);

    // The same message in three parts, as the KDF feeds S.
    const QByteArray first = data.left(1);
    const QByteArray middle = data.mid(1, data.size() / 2);
    const QByteArray rest = data.mid(1 + data.size() / 2);
    const auto parts = hmacSha256(view(key), {view(first), ByteView(), view(middle), view(rest)});
    QVERIFY(parts.ok());
    QCOMPARE(toQByteArray(*parts).toHex(), expectedHex);
}

void TstGbaKdf::boundsAreChecked()
{
    const QByteArray key(32, char(0x11));
    const QByteArray maxParam(0xFFFF, char(0x01));
    const QByteArray tooLong(0x10000, char(0x01));

    const auto atLimit = gbaKdf(view(key), 0x01, {view(maxParam)});
    QVERIFY(atLimit.ok());
    QCOMPARE(toQByteArray(*atLimit).toHex(),
             oneShotHmacSha256(key, bytes({0x01}) + maxParam + bytes({0xff, 0xff})).toHex());

    const auto overLimit = gbaKdf(view(key), 0x01, {ByteView::fromText("gba-me"), view(tooLong)});
    QVERIFY(!overLimit.ok());
    QCOMPARE(overLimit.error().code, std::string("gbakdf.param_too_long"));

    const std::vector<ByteView> tooMany(kGbaKdfMaxParams + 1, ByteView::fromText("x"));
    const auto manyParams = gbaKdf(view(key), 0x01, tooMany);
    QVERIFY(!manyParams.ok());
    QCOMPARE(manyParams.error().code, std::string("gbakdf.bad_input"));

    const auto emptyKey = gbaKdf(ByteView(), 0x01, {ByteView::fromText("gba-me")});
    QVERIFY(!emptyKey.ok());
    QCOMPARE(emptyKey.error().code, std::string("gbakdf.bad_input"));

    const QByteArray hugeKey(int(kGbaKdfMaxKeyBytes) + 1, char(0x22));
    const auto oversizedKey = gbaKdf(view(hugeKey), 0x01, {});
    QVERIFY(!oversizedKey.ok());
    QCOMPARE(oversizedKey.error().code, std::string("gbakdf.bad_input"));

    const auto nullParam = gbaKdf(view(key), 0x01, {ByteView(nullptr, 4)});
    QVERIFY(!nullParam.ok());
    QCOMPARE(nullParam.error().code, std::string("gbakdf.bad_input"));

    // An IMPI over 65535 octets reaches the KDF's bound through deriveKsNaf.
    const std::string hugeImpi(0x10000, 'a');
    const auto nafId = makeNafId("naf.lab.example", kUaHttpDigest);
    QVERIFY(nafId.ok());
    const auto hugeImpiKey = deriveKsNaf(kCk, kIk, kRand, hugeImpi, *nafId);
    QVERIFY(!hugeImpiKey.ok());
    QCOMPARE(hugeImpiKey.error().code, std::string("gbakdf.param_too_long"));

    const auto emptyFqdn = makeNafId("", kUaHttpDigest);
    QVERIFY(!emptyFqdn.ok());
    QCOMPARE(emptyFqdn.error().code, std::string("gbakdf.bad_naf_fqdn"));
    const auto longestFqdn = makeNafId(std::string(kNafFqdnMaxBytes, 'n'), kUaHttpDigest);
    QVERIFY(longestFqdn.ok());
    QCOMPARE(longestFqdn->size(), kNafFqdnMaxBytes + 5);
    const auto tooLongFqdn = makeNafId(std::string(kNafFqdnMaxBytes + 1, 'n'), kUaHttpDigest);
    QVERIFY(!tooLongFqdn.ok());
    QCOMPARE(tooLongFqdn.error().code, std::string("gbakdf.bad_naf_fqdn"));
}

QTEST_APPLESS_MAIN(TstGbaKdf)
#include "tst_gbakdf.moc"
