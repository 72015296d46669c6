#include <portal-core/crypto/digest.h>

#include <QCryptographicHash>
#include <QtTest>

using namespace Portal::Crypto;

// Expected values come from RFC 7616 §3.9.1, from headers captured from curl 7.88.1
// (`curl --digest`), and from Qt's own MD5/SHA-256 (QCryptographicHash) applied to the
// literal RFC formulas — none of them from the code under test.

namespace {

constexpr char kRealm[] = "http-auth@example.org";
constexpr char kNonce[] = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
constexpr char kOpaque[] = "FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS";
constexpr char kCnonce[] = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
constexpr char kPassword[] = "Circle of Life";

ByteView viewOf(const QByteArray &bytes)
{
    return ByteView(reinterpret_cast<const uint8_t *>(bytes.constData()), size_t(bytes.size()));
}

std::string_view textOf(const QByteArray &bytes)
{
    return std::string_view(bytes.constData(), size_t(bytes.size()));
}

QByteArray hexHash(QCryptographicHash::Algorithm algorithm, const QByteArray &data)
{
    return QCryptographicHash::hash(data, algorithm).toHex();
}

QString codeOf(const Portal::Error &error)
{
    return QString::fromStdString(error.code);
}

QByteArray rfcChallenge(const QByteArray &algorithm)
{
    // RFC 7616 §3.9.1 challenge, header folding removed as an HTTP stack delivers it.
    return "Digest realm=\"http-auth@example.org\", qop=\"auth, auth-int\", algorithm=" +
           algorithm +
           ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
           "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
}

} // namespace

Q_DECLARE_METATYPE(Portal::Crypto::DigestAlgorithm)

class tst_Digest : public QObject
{
    Q_OBJECT

private slots:
    void rfc7616Example_data();
    void rfc7616Example();
    void authIntMatchesIndependentHash_data();
    void authIntMatchesIndependentHash();
    void akaV1Md5UsesRawResOctets();
    void legacyNoQopResponse();
    void verifierRequiresQop();
    void verifierRejectsMalformedResponse_data();
    void verifierRejectsMalformedResponse();
    void curlHeadersVerify_data();
    void curlHeadersVerify();
    void serverChallengesParse();
    void gbaInitialRequestParses();
    void lenientSyntaxAccepted_data();
    void lenientSyntaxAccepted();
    void hostileHeadersRejected_data();
    void hostileHeadersRejected();
    void serializerEscapesAndRoundTrips();
    void serializerRefusesHeaderInjection();
};

void tst_Digest::rfc7616Example_data()
{
    QTest::addColumn<QByteArray>("algorithmName");
    QTest::addColumn<DigestAlgorithm>("algorithm");
    QTest::addColumn<QByteArray>("expectedResponse");

    QTest::newRow("MD5") << QByteArray("MD5") << DigestAlgorithm::MD5
                         << QByteArray("8ca523f5e9506fed4657c9700eebdbec");
    QTest::newRow("SHA-256")
        << QByteArray("SHA-256") << DigestAlgorithm::SHA256
        << QByteArray("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

void tst_Digest::rfc7616Example()
{
    QFETCH(QByteArray, algorithmName);
    QFETCH(DigestAlgorithm, algorithm);
    QFETCH(QByteArray, expectedResponse);

    auto challenge = parseDigestChallenge(textOf(rfcChallenge(algorithmName)));
    QVERIFY(challenge.ok());
    QCOMPARE(challenge->realm, std::string(kRealm));
    QCOMPARE(challenge->nonce, std::string(kNonce));
    QCOMPARE(challenge->opaque.value_or(""), std::string(kOpaque));
    QVERIFY(challenge->algorithm == algorithm);
    QCOMPARE(challenge->qopOptions.size(), size_t(2));
    QVERIFY(challenge->qopOptions[0] == DigestQop::Auth);
    QVERIFY(challenge->qopOptions[1] == DigestQop::AuthInt);

    const DigestCredentials answer =
        answerDigestChallenge(challenge.value(), "Mufasa", ByteView::fromText(kPassword), "GET",
                              "/dir/index.html", kCnonce, 1);
    QVERIFY(answer.qop == DigestQop::Auth);
    QCOMPARE(answer.nc, std::string("00000001"));
    QCOMPARE(QByteArray::fromStdString(answer.response), expectedResponse);

    // The RFC's Authorization header, verified as a server would.
    const QByteArray authorization =
        "Digest username=\"Mufasa\", realm=\"http-auth@example.org\", uri=\"/dir/index.html\", "
        "algorithm=" +
        algorithmName +
        ", nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", nc=00000001, "
        "cnonce=\"f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ\", qop=auth, response=\"" +
        expectedResponse + "\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\"";
    auto credentials = parseDigestCredentials(textOf(authorization));
    QVERIFY(credentials.ok());
    QCOMPARE(credentials->username, std::string("Mufasa"));
    QCOMPARE(credentials->uri, std::string("/dir/index.html"));
    QVERIFY(credentials->algorithm == algorithm);
    QVERIFY(credentials->qop == DigestQop::Auth);
    QCOMPARE(credentials->cnonce, std::string(kCnonce));
    QVERIFY(!credentials->auts.has_value());

    QVERIFY(verifyDigestResponse(credentials.value(), ByteView::fromText(kPassword), "GET").ok());
    QCOMPARE(computeDigestResponse(credentials.value(), ByteView::fromText(kPassword), "GET"),
             expectedResponse.toStdString());

    const auto wrongPassword =
        verifyDigestResponse(credentials.value(), ByteView::fromText("Circle of life"), "GET");
    QVERIFY(!wrongPassword.ok());
    QCOMPARE(codeOf(wrongPassword.error()), QString("digest.bad_response"));
    const auto wrongMethod =
        verifyDigestResponse(credentials.value(), ByteView::fromText(kPassword), "POST");
    QCOMPARE(codeOf(wrongMethod.error()), QString("digest.bad_response"));

    DigestCredentials replayedElsewhere = credentials.value();
    replayedElsewhere.uri = "/dir/other.html";
    QCOMPARE(
        codeOf(
            verifyDigestResponse(replayedElsewhere, ByteView::fromText(kPassword), "GET").error()),
        QString("digest.bad_response"));

    // Upper-case hex from a client is the same response.
    DigestCredentials upperCase = credentials.value();
    upperCase.response = expectedResponse.toUpper().toStdString();
    QVERIFY(verifyDigestResponse(upperCase, ByteView::fromText(kPassword), "GET").ok());
}

void tst_Digest::authIntMatchesIndependentHash_data()
{
    QTest::addColumn<DigestAlgorithm>("algorithm");
    QTest::addColumn<int>("qtAlgorithm");
    QTest::addColumn<QByteArray>("body");

    const QByteArray xmlBody = "<?xml version=\"1.0\"?>\n<request a=\"1\"/>\r\n";
    QTest::newRow("MD5 xml body") << DigestAlgorithm::MD5 << int(QCryptographicHash::Md5)
                                  << xmlBody;
    QTest::newRow("SHA-256 xml body")
        << DigestAlgorithm::SHA256 << int(QCryptographicHash::Sha256) << xmlBody;
    QTest::newRow("MD5 empty body")
        << DigestAlgorithm::MD5 << int(QCryptographicHash::Md5) << QByteArray();
    QTest::newRow("SHA-256 binary body")
        << DigestAlgorithm::SHA256 << int(QCryptographicHash::Sha256)
        << QByteArray("\x00\xff:\x01", 4);
}

void tst_Digest::authIntMatchesIndependentHash()
{
    QFETCH(DigestAlgorithm, algorithm);
    QFETCH(int, qtAlgorithm);
    QFETCH(QByteArray, body);
    const auto qtHash = QCryptographicHash::Algorithm(qtAlgorithm);

    DigestChallenge challenge;
    challenge.realm = kRealm;
    challenge.nonce = kNonce;
    challenge.algorithm = algorithm;
    challenge.qopOptions = {DigestQop::Auth, DigestQop::AuthInt};
    const DigestCredentials credentials =
        answerDigestChallenge(challenge, "Mufasa", ByteView::fromText(kPassword), "POST",
                              "/api/v1/devices", kCnonce, 0x2a, viewOf(body), true);
    QVERIFY(credentials.qop == DigestQop::AuthInt);
    QCOMPARE(credentials.nc, std::string("0000002a"));

    const QByteArray ha1 = hexHash(qtHash, "Mufasa:http-auth@example.org:Circle of Life");
    const QByteArray ha2 = hexHash(qtHash, "POST:/api/v1/devices:" + hexHash(qtHash, body));
    const QByteArray expected =
        hexHash(qtHash, ha1 + ":" + kNonce + ":0000002a:" + kCnonce + ":auth-int:" + ha2);
    QCOMPARE(QByteArray::fromStdString(credentials.response), expected);

    QVERIFY(verifyDigestResponse(credentials, ByteView::fromText(kPassword), "POST", viewOf(body))
                .ok());
    const QByteArray tampered = body + "x";
    const auto result =
        verifyDigestResponse(credentials, ByteView::fromText(kPassword), "POST", viewOf(tampered));
    QVERIFY(!result.ok());
    QCOMPARE(codeOf(result.error()), QString("digest.bad_response"));
}

void tst_Digest::akaV1Md5UsesRawResOctets()
{
    // A BSF challenge as TS 24.109 describes it; the RES holds ':' and NUL and high bytes so a
    // text-based or hex-based password would give a different HA1.
    const QByteArray challengeHeader =
        "Digest realm=\"bsf.lab.example\", nonce=\"CjR2rT0S5BfK9W3vxuDmXgAAAAAAAAAAAAAAAAAAAAA=\", "
        "algorithm=AKAv1-MD5, qop=\"auth-int\", opaque=\"5ccc069c403ebaf9f0171e9517f40e41\"";
    auto challenge = parseDigestChallenge(textOf(challengeHeader));
    QVERIFY(challenge.ok());
    QVERIFY(challenge->algorithm == DigestAlgorithm::AKAv1_MD5);

    const QByteArray res = QByteArray::fromHex("a54211d5e3ba50bf3a0000ff");
    const QByteArray username = "001010000000001@ims.mnc001.mcc001.3gppnetwork.org";
    const DigestCredentials credentials = answerDigestChallenge(
        challenge.value(), username.toStdString(), viewOf(res), "GET", "/", "0a4f113b", 1);
    QVERIFY(credentials.qop == DigestQop::AuthInt);
    QCOMPARE(credentials.algorithm, DigestAlgorithm::AKAv1_MD5);

    const auto md5 = QCryptographicHash::Md5;
    const QByteArray ha1 = hexHash(md5, username + ":bsf.lab.example:" + res);
    const QByteArray ha2 = hexHash(md5, "GET:/:" + hexHash(md5, QByteArray()));
    const QByteArray expected =
        hexHash(md5, ha1 +
                         ":CjR2rT0S5BfK9W3vxuDmXgAAAAAAAAAAAAAAAAAAAAA=:00000001:0a4f113b:"
                         "auth-int:" +
                         ha2);
    QCOMPARE(QByteArray::fromStdString(credentials.response), expected);

    // Serialized and parsed back, then verified by the BSF side with the expected RES.
    auto header = serializeDigestCredentials(credentials);
    QVERIFY(header.ok());
    QVERIFY(QByteArray::fromStdString(header.value()).contains("algorithm=AKAv1-MD5"));
    auto parsed = parseDigestCredentials(header.value());
    QVERIFY(parsed.ok());
    QVERIFY(verifyDigestResponse(parsed.value(), viewOf(res), "GET").ok());
    const QByteArray resAsHex = res.toHex();
    QCOMPARE(codeOf(verifyDigestResponse(parsed.value(), viewOf(resAsHex), "GET").error()),
             QString("digest.bad_response"));

    // A synchronisation failure carries auts alongside the usual parameters.
    DigestCredentials resync = credentials;
    resync.auts = "CjR2rT0S5BfK9W3vxuDm";
    auto resyncHeader = serializeDigestCredentials(resync);
    QVERIFY(resyncHeader.ok());
    auto resyncParsed = parseDigestCredentials(resyncHeader.value());
    QVERIFY(resyncParsed.ok());
    QCOMPARE(resyncParsed->auts.value_or(""), std::string("CjR2rT0S5BfK9W3vxuDm"));
}

void tst_Digest::legacyNoQopResponse()
{
    // RFC 2069 form for legacy servers: response = H(HA1:nonce:HA2), on RFC 2617 §3.5's
    // realm and nonce; the expected value is computed independently with Qt.
    DigestChallenge challenge;
    challenge.realm = "testrealm@host.com";
    challenge.nonce = "dcd98b7102dd2f0e8b11d0f600bfb0c093";
    const DigestCredentials credentials = answerDigestChallenge(
        challenge, "Mufasa", ByteView::fromText(kPassword), "GET", "/dir/index.html", "unused", 1);
    QVERIFY(credentials.qop == DigestQop::None);
    QVERIFY(credentials.nc.empty());
    const auto md5 = QCryptographicHash::Md5;
    const QByteArray expected = hexHash(
        md5, hexHash(md5, "Mufasa:testrealm@host.com:Circle of Life") +
                 ":dcd98b7102dd2f0e8b11d0f600bfb0c093:" + hexHash(md5, "GET:/dir/index.html"));
    QCOMPARE(QByteArray::fromStdString(credentials.response), expected);
}

void tst_Digest::verifierRequiresQop()
{
    auto credentials = parseDigestCredentials(
        "Digest username=\"Mufasa\", realm=\"testrealm@host.com\", "
        "nonce=\"dcd98b7102dd2f0e8b11d0f600bfb0c093\", uri=\"/dir/index.html\", "
        "response=\"1949323746fe6a43ef61f9606e7febea\"");
    QVERIFY(credentials.ok());
    const auto result =
        verifyDigestResponse(credentials.value(), ByteView::fromText(kPassword), "GET");
    QVERIFY(!result.ok());
    QCOMPARE(codeOf(result.error()), QString("digest.missing_param"));
}

void tst_Digest::verifierRejectsMalformedResponse_data()
{
    QTest::addColumn<QByteArray>("response");
    QTest::newRow("empty") << QByteArray();
    QTest::newRow("truncated") << QByteArray("8ca523f5e9506fed4657c9700eebdbe");
    QTest::newRow("one hex digit short") << QByteArray("8ca523f5e9506fed4657c9700eebdb");
    QTest::newRow("extra byte") << QByteArray("8ca523f5e9506fed4657c9700eebdbec00");
    QTest::newRow("non-hex") << QByteArray("8ca523f5e9506fed4657c9700eebdbeg");
    QTest::newRow("SHA-256 length for MD5")
        << QByteArray("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1");
}

void tst_Digest::verifierRejectsMalformedResponse()
{
    QFETCH(QByteArray, response);
    DigestCredentials credentials;
    credentials.username = "Mufasa";
    credentials.realm = kRealm;
    credentials.nonce = kNonce;
    credentials.uri = "/dir/index.html";
    credentials.qop = DigestQop::Auth;
    credentials.nc = "00000001";
    credentials.cnonce = kCnonce;
    credentials.response = response.toStdString();
    const auto result = verifyDigestResponse(credentials, ByteView::fromText(kPassword), "GET");
    QVERIFY(!result.ok());
    QCOMPARE(codeOf(result.error()), QString("digest.bad_response"));
}

void tst_Digest::curlHeadersVerify_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<DigestAlgorithm>("algorithm");

    // Captured from curl 7.88.1: `curl --digest -u 'Mufasa:Circle of Life'
    // 'http://127.0.0.1:PORT/dir/index.html?x=1&y=%22q%22'` against the RFC 7616 challenge.
    QTest::newRow("curl MD5")
        << QByteArray("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                      "uri=\"/dir/index.html?x=1&y=%22q%22\", "
                      "cnonce=\"MmY2M2FhYTI0ODEwYjkyZTFjNjM5NGEwNTQyYjBkNzY=\", nc=00000001, "
                      "qop=auth, response=\"3c95c819f33adf83f3ea43c0191ef595\", "
                      "opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", algorithm=MD5")
        << DigestAlgorithm::MD5;
    QTest::newRow("curl SHA-256")
        << QByteArray("Digest username=\"Mufasa\", realm=\"http-auth@example.org\", "
                      "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", "
                      "uri=\"/dir/index.html?x=1&y=%22q%22\", "
                      "cnonce=\"YWYyMjJjYTVhMDQyMmQyYzBiNDlmZDUzYjczM2M2MDI=\", nc=00000001, "
                      "qop=auth, "
                      "response=\"2e53efaca33795116abc468a47e9ee03eaa96c942b14ce569505a2c7a823e6ac"
                      "\", opaque=\"FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS\", "
                      "algorithm=SHA-256")
        << DigestAlgorithm::SHA256;
}

void tst_Digest::curlHeadersVerify()
{
    QFETCH(QByteArray, header);
    QFETCH(DigestAlgorithm, algorithm);

    auto credentials = parseDigestCredentials(textOf(header));
    QVERIFY(credentials.ok());
    QVERIFY(credentials->algorithm == algorithm);
    QCOMPARE(credentials->uri, std::string("/dir/index.html?x=1&y=%22q%22"));
    QCOMPARE(credentials->opaque.value_or(""), std::string(kOpaque));
    QVERIFY(verifyDigestResponse(credentials.value(), ByteView::fromText(kPassword), "GET").ok());
    QVERIFY(!verifyDigestResponse(credentials.value(), ByteView::fromText("wrong"), "GET").ok());
}

void tst_Digest::serverChallengesParse()
{
    // As servers send them: lower-case scheme and names, unquoted realm token, stale flag,
    // domain list, unknown and extension parameters (charset, userhash) kept aside.
    auto challenge =
        parseDigestChallenge("digest REALM=lab, Nonce=\"abc\", stale=TRUE, domain=\"/api /admin\", "
                             "charset=UTF-8, userhash=false, qop=\"auth,auth-int,auth-conf\"");
    QVERIFY(challenge.ok());
    QCOMPARE(challenge->realm, std::string("lab"));
    QCOMPARE(challenge->nonce, std::string("abc"));
    QVERIFY(challenge->stale);
    QCOMPARE(challenge->domain.value_or(""), std::string("/api /admin"));
    QVERIFY(challenge->algorithm == DigestAlgorithm::MD5);
    QCOMPARE(challenge->qopOptions.size(), size_t(2));
    QCOMPARE(challenge->otherParams.size(), size_t(2));
    QCOMPARE(challenge->otherParams[0].first, std::string("charset"));
    QCOMPARE(challenge->otherParams[0].second, std::string("UTF-8"));
    QCOMPARE(challenge->otherParams[1].first, std::string("userhash"));
}

void tst_Digest::gbaInitialRequestParses()
{
    // TS 33.220 Ub: the first request carries empty nonce and response and no qop.
    auto credentials = parseDigestCredentials(
        "Digest username=\"001010000000001@ims.mnc001.mcc001.3gppnetwork.org\", "
        "realm=\"bsf.lab.example\", nonce=\"\", uri=\"/\", response=\"\"");
    QVERIFY(credentials.ok());
    QVERIFY(credentials->nonce.empty());
    QVERIFY(credentials->response.empty());
    QVERIFY(credentials->qop == DigestQop::None);
    QCOMPARE(credentials->username,
             std::string("001010000000001@ims.mnc001.mcc001.3gppnetwork.org"));
}

void tst_Digest::lenientSyntaxAccepted_data()
{
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QByteArray>("realm");

    QTest::newRow("spaces around =")
        << QByteArray("Digest realm = \"r\" , nonce = n") << QByteArray("r");
    QTest::newRow("empty list elements")
        << QByteArray("Digest ,, realm=\"r\",,,nonce=\"n\",, ") << QByteArray("r");
    QTest::newRow("tabs") << QByteArray("Digest\trealm=\"r\"\t,\tnonce=\"n\"") << QByteArray("r");
    QTest::newRow("leading whitespace")
        << QByteArray("  Digest realm=r, nonce=n") << QByteArray("r");
    QTest::newRow("escaped quote and backslash")
        << QByteArray("Digest realm=\"a\\\"b\\\\c\\d\", nonce=n") << QByteArray("a\"b\\cd");
    QTest::newRow("comma inside quotes")
        << QByteArray("Digest realm=\"a, b=c\", nonce=n") << QByteArray("a, b=c");
    QTest::newRow("UTF-8 in quoted-string")
        << QByteArray("Digest realm=\"J\xc3\xa4s\xc3\xb8n\", nonce=n")
        << QByteArray("J\xc3\xa4s\xc3\xb8n");
    QTest::newRow("empty quoted realm") << QByteArray("Digest realm=\"\", nonce=n") << QByteArray();
    QTest::newRow("quoted algorithm")
        << QByteArray("Digest realm=r, nonce=n, algorithm=\"sha-256\"") << QByteArray("r");
    QTest::newRow("32 params") << [] {
        QByteArray header = "Digest realm=r, nonce=n";
        for (int i = 0; i < 30; ++i) {
            header += ", x" + QByteArray::number(i) + "=1";
        }
        return header;
    }() << QByteArray("r");
    QTest::newRow("value at the bound")
        << QByteArray("Digest realm=\"" + QByteArray(1024, 'a') + "\", nonce=n")
        << QByteArray(1024, 'a');
    QTest::newRow("header at the bound") << [] {
        // Optional whitespace is the padding, so no single value exceeds its own bound.
        QByteArray header = "Digest realm=r, nonce=n";
        header.insert(15, QByteArray(4096 - header.size(), ' '));
        return header;
    }() << QByteArray("r");
}

void tst_Digest::lenientSyntaxAccepted()
{
    QFETCH(QByteArray, header);
    QFETCH(QByteArray, realm);
    auto challenge = parseDigestChallenge(textOf(header));
    QVERIFY2(challenge.ok(), challenge.ok() ? "" : challenge.error().code.c_str());
    QCOMPARE(QByteArray::fromStdString(challenge->realm), realm);
}

void tst_Digest::hostileHeadersRejected_data()
{
    QTest::addColumn<bool>("isCredentials");
    QTest::addColumn<QByteArray>("header");
    QTest::addColumn<QString>("code");

    const QByteArray valid = "realm=\"r\", nonce=\"n\"";
    const auto challenge = [](const char *name, const QByteArray &header, const char *code) {
        QTest::newRow(name) << false << header << QString(code);
    };
    const auto credentials = [](const char *name, const QByteArray &header, const char *code) {
        QTest::newRow(name) << true << header << QString(code);
    };

    challenge("empty", QByteArray(), "digest.empty");
    challenge("only whitespace", "   \t ", "digest.empty");
    challenge("only commas", ",,,,", "digest.malformed");
    challenge("scheme then only commas", "Digest ,,,", "digest.missing_param");
    challenge("scheme only", "Digest", "digest.missing_param");
    challenge("Basic scheme", "Basic realm=\"r\"", "digest.wrong_scheme");
    challenge("Bearer token68", "Bearer abc.def", "digest.wrong_scheme");
    challenge("scheme prefix", "DigestX " + valid, "digest.wrong_scheme");
    challenge("second challenge in value", "Digest " + valid + ", Basic realm=\"x\"",
              "digest.malformed");
    challenge("scheme glued to param", "Digest=" + valid, "digest.malformed");
    challenge("token68", "Digest abc==", "digest.malformed");
    challenge("unterminated quote", "Digest nonce=\"n\", realm=\"unterminated", "digest.malformed");
    challenge("escape at end", "Digest realm=\"r\", nonce=\"n\\", "digest.malformed");
    challenge("escaped closing quote", "Digest realm=\"r\", nonce=\"n\\\"", "digest.malformed");
    challenge("missing comma", "Digest realm=\"r\" nonce=\"n\"", "digest.malformed");
    challenge("name without value", "Digest realm", "digest.malformed");
    challenge("empty token value", "Digest realm=, nonce=n", "digest.malformed");
    challenge("value at end missing", "Digest nonce=n, realm=", "digest.malformed");
    challenge("two tokens", "Digest realm=r r, nonce=n", "digest.malformed");
    challenge("non-ASCII token", "Digest realm=J\xc3\xa4s, nonce=n", "digest.malformed");
    challenge("quote inside token", "Digest realm=a\"b\", nonce=n", "digest.malformed");
    challenge("duplicate realm", "Digest realm=\"a\", realm=\"b\", nonce=\"n\"",
              "digest.duplicate_param");
    challenge("duplicate differing case", "Digest realm=\"a\", REALM=\"a\", nonce=\"n\"",
              "digest.duplicate_param");
    challenge("duplicate unknown", "Digest " + valid + ", foo=1, Foo=2", "digest.duplicate_param");
    challenge("missing realm", "Digest nonce=\"n\", qop=\"auth\"", "digest.missing_param");
    challenge("missing nonce", "Digest realm=\"r\", qop=\"auth\"", "digest.missing_param");
    challenge("5000-byte header", "Digest realm=\"" + QByteArray(5000, 'x') + "\", nonce=n",
              "digest.too_large");
    challenge(
        "one byte over the bound",
        [] {
            QByteArray header = "Digest realm=r, nonce=n";
            header.insert(15, QByteArray(4097 - header.size(), ' '));
            return header;
        }(),
        "digest.too_large");
    challenge("value over its bound", "Digest realm=\"" + QByteArray(1025, 'x') + "\", nonce=n",
              "digest.value_too_large");
    challenge("token over its bound", "Digest realm=" + QByteArray(1025, 'x') + ", nonce=n",
              "digest.value_too_large");
    challenge(
        "33 params",
        [] {
            QByteArray header = "Digest realm=r, nonce=n";
            for (int i = 0; i < 31; ++i) {
                header += ", x" + QByteArray::number(i) + "=1";
            }
            return header;
        }(),
        "digest.too_many_params");
    challenge("NUL in quoted value", QByteArray("Digest realm=\"a\0b\", nonce=n", 27),
              "digest.bad_char");
    challenge("CRLF injection", "Digest realm=\"r\"\r\nSet-Cookie: x=1, nonce=n",
              "digest.bad_char");
    challenge("LF folding", "Digest realm=\"r\",\n nonce=n", "digest.bad_char");
    challenge("DEL", "Digest realm=\"r\x7f\", nonce=n", "digest.bad_char");
    challenge("escaped control char", "Digest realm=\"r\\\x01\", nonce=n", "digest.bad_char");
    challenge("unknown algorithm", "Digest " + valid + ", algorithm=SHA-512-256",
              "digest.unsupported_algorithm");
    challenge("sess variant", "Digest " + valid + ", algorithm=MD5-sess",
              "digest.unsupported_algorithm");
    challenge("empty algorithm", "Digest " + valid + ", algorithm=\"\"",
              "digest.unsupported_algorithm");
    challenge("AKAv2", "Digest " + valid + ", algorithm=AKAv2-MD5", "digest.unsupported_algorithm");
    challenge("only unknown qop", "Digest " + valid + ", qop=\"auth-conf\"",
              "digest.unsupported_qop");
    challenge("empty qop", "Digest " + valid + ", qop=\"\"", "digest.unsupported_qop");
    challenge("bad stale", "Digest " + valid + ", stale=maybe", "digest.bad_param");

    const QByteArray base = "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\", "
                            "response=\"00112233445566778899aabbccddeeff\"";
    credentials("credentials: wrong scheme", "Basic dXNlcjpwYXNz", "digest.wrong_scheme");
    credentials("credentials: scheme only", "Digest", "digest.missing_param");
    credentials("credentials: missing username",
                "Digest realm=\"r\", nonce=\"n\", uri=\"/\", response=\"\"",
                "digest.missing_param");
    credentials("credentials: missing uri",
                "Digest username=\"u\", realm=\"r\", nonce=\"n\", response=\"\"",
                "digest.missing_param");
    credentials("credentials: missing response",
                "Digest username=\"u\", realm=\"r\", nonce=\"n\", uri=\"/\"",
                "digest.missing_param");
    credentials("credentials: qop without nc", base + ", qop=auth, cnonce=\"c\"",
                "digest.missing_param");
    credentials("credentials: qop without cnonce", base + ", qop=auth, nc=00000001",
                "digest.missing_param");
    credentials("credentials: short nc", base + ", qop=auth, nc=1, cnonce=\"c\"",
                "digest.bad_param");
    credentials("credentials: non-hex nc", base + ", qop=auth, nc=0000000g, cnonce=\"c\"",
                "digest.bad_param");
    credentials("credentials: qop list", base + ", qop=\"auth,auth-int\", nc=00000001, cnonce=c",
                "digest.unsupported_qop");
    credentials("credentials: auth-conf", base + ", qop=auth-conf, nc=00000001, cnonce=c",
                "digest.unsupported_qop");
    credentials("credentials: duplicate response", base + ", response=\"00\"",
                "digest.duplicate_param");
    credentials("credentials: duplicate uri differing case", base + ", URI=\"/x\"",
                "digest.duplicate_param");
    credentials("credentials: unknown algorithm", base + ", algorithm=SHA-512",
                "digest.unsupported_algorithm");
    credentials("credentials: unterminated", base + ", cnonce=\"abc", "digest.malformed");
    credentials("credentials: NUL", base + QByteArray(", x=\"\0\"", 7), "digest.bad_char");
    credentials("credentials: 5000 bytes", base + ", pad=\"" + QByteArray(5000, 'p') + "\"",
                "digest.too_large");
}

void tst_Digest::hostileHeadersRejected()
{
    QFETCH(bool, isCredentials);
    QFETCH(QByteArray, header);
    QFETCH(QString, code);

    if (isCredentials) {
        auto parsed = parseDigestCredentials(textOf(header));
        QVERIFY(!parsed.ok());
        QCOMPARE(codeOf(parsed.error()), code);
        QVERIFY(!QByteArray::fromStdString(parsed.error().message).contains("00112233"));
    } else {
        auto parsed = parseDigestChallenge(textOf(header));
        QVERIFY(!parsed.ok());
        QCOMPARE(codeOf(parsed.error()), code);
    }
}

void tst_Digest::serializerEscapesAndRoundTrips()
{
    DigestChallenge challenge;
    challenge.realm = "lab \"one\" \\ two";
    challenge.nonce = kNonce;
    challenge.opaque = "o";
    challenge.stale = true;
    challenge.algorithm = DigestAlgorithm::SHA256;
    challenge.qopOptions = {DigestQop::Auth, DigestQop::AuthInt};
    challenge.otherParams = {{"charset", "UTF-8"}};
    auto header = serializeDigestChallenge(challenge);
    QVERIFY(header.ok());
    QCOMPARE(QByteArray::fromStdString(header.value()),
             QByteArray("Digest realm=\"lab \\\"one\\\" \\\\ two\", "
                        "nonce=\"7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v\", opaque=\"o\", "
                        "stale=true, algorithm=SHA-256, qop=\"auth,auth-int\", charset=\"UTF-8\""));
    auto parsed = parseDigestChallenge(header.value());
    QVERIFY(parsed.ok());
    QCOMPARE(parsed->realm, challenge.realm);
    QCOMPARE(parsed->nonce, challenge.nonce);
    QCOMPARE(parsed->opaque.value_or(""), std::string("o"));
    QVERIFY(parsed->stale);
    QVERIFY(parsed->algorithm == DigestAlgorithm::SHA256);
    QVERIFY(parsed->qopOptions == challenge.qopOptions);
    QVERIFY(parsed->otherParams == challenge.otherParams);

    DigestCredentials credentials = answerDigestChallenge(
        parsed.value(), "J\xc3\xa4s\xc3\xb8n \"Doe\"", ByteView::fromText("Secret, or not?"), "GET",
        "/doe.json?a=\"1\"", "NTg6RKcb9boFIAS3KrFK9BGeh+iDa/sm6jUMp2wds69v", 7);
    auto credentialsHeader = serializeDigestCredentials(credentials);
    QVERIFY(credentialsHeader.ok());
    QVERIFY(QByteArray::fromStdString(credentialsHeader.value())
                .startsWith("Digest username=\"J\xc3\xa4s\xc3\xb8n \\\"Doe\\\"\", realm=\"lab "
                            "\\\"one\\\" \\\\ two\", "));
    auto parsedCredentials = parseDigestCredentials(credentialsHeader.value());
    QVERIFY(parsedCredentials.ok());
    QCOMPARE(parsedCredentials->username, credentials.username);
    QCOMPARE(parsedCredentials->realm, credentials.realm);
    QCOMPARE(parsedCredentials->uri, credentials.uri);
    QCOMPARE(parsedCredentials->nc, std::string("00000007"));
    QCOMPARE(parsedCredentials->response, credentials.response);
    QVERIFY(verifyDigestResponse(parsedCredentials.value(), ByteView::fromText("Secret, or not?"),
                                 "GET")
                .ok());
}

void tst_Digest::serializerRefusesHeaderInjection()
{
    DigestChallenge challenge;
    challenge.realm = "r\r\nSet-Cookie: admin=1";
    challenge.nonce = "n";
    auto header = serializeDigestChallenge(challenge);
    QVERIFY(!header.ok());
    QCOMPARE(codeOf(header.error()), QString("digest.bad_char"));

    DigestCredentials credentials;
    credentials.username = std::string("u\0x", 3);
    auto credentialsHeader = serializeDigestCredentials(credentials);
    QVERIFY(!credentialsHeader.ok());
    QCOMPARE(codeOf(credentialsHeader.error()), QString("digest.bad_char"));

    DigestChallenge badName;
    badName.realm = "r";
    badName.nonce = "n";
    badName.otherParams = {{"bad name", "v"}};
    QCOMPARE(codeOf(serializeDigestChallenge(badName).error()), QString("digest.malformed"));
}

QTEST_APPLESS_MAIN(tst_Digest)
#include "tst_digest.moc"
