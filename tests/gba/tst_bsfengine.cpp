// BsfEngine with a real HssStore on a temporary SQLite file and a controllable clock; the UE
// side is played by a SoftUsim and the Digest functions, as the gateway does.

#include <portal-core/crypto/digest.h>
#include <portal-core/gba/bootstrappinginfo.h>
#include <portal-core/gba/bsfengine.h>
#include <portal-core/gba/softusim.h>

#include <QTemporaryDir>
#include <QTest>

#include <cstring>

using namespace Portal;

namespace {

const Crypto::Key kK = {0x46, 0x5b, 0x5c, 0xe8, 0xb1, 0x99, 0xb4, 0x9f,
                        0xaa, 0x5f, 0x0a, 0x2e, 0xe2, 0x38, 0xa6, 0xbc};
const Crypto::Opc kOpc = {0xcd, 0x63, 0xcb, 0x71, 0x95, 0x4a, 0x9f, 0x4e,
                          0x48, 0xa5, 0x99, 0x4e, 0x37, 0xa0, 0x2b, 0xaf};
const QString kImpi = QStringLiteral("001010000000001@ims.mnc001.mcc001.3gppnetwork.org");

QByteArray initialAuthorization(const QString &impi)
{
    return QByteArray("Digest username=\"") + impi.toUtf8() +
           "\", realm=\"bsf.lab.example\", nonce=\"\", uri=\"/\", response=\"\"";
}

struct Challenge
{
    Crypto::DigestChallenge digest;
    Crypto::Rand rand{};
    Crypto::Autn autn{};
};

Challenge challengeOf(const Gba::HttpAnswer &answer)
{
    Challenge challenge;
    for (const auto &[name, value] : answer.headers) {
        if (name == "WWW-Authenticate") {
            auto parsed = Crypto::parseDigestChallenge(value.toStdString());
            if (parsed)
                challenge.digest = *parsed;
        }
    }
    const QByteArray nonce =
        QByteArray::fromBase64(QByteArray::fromStdString(challenge.digest.nonce));
    if (nonce.size() == 32) {
        std::memcpy(challenge.rand.data(), nonce.constData(), 16);
        std::memcpy(challenge.autn.data(), nonce.constData() + 16, 16);
    }
    return challenge;
}

QByteArray answer(const Challenge &challenge, const QString &impi, Crypto::ByteView password,
                  const std::optional<Crypto::Auts> &auts = std::nullopt)
{
    auto credentials = Crypto::answerDigestChallenge(challenge.digest, impi.toStdString(), password,
                                                     "GET", "/", "0a4f113b", 1, {}, true);
    if (auts)
        credentials.auts =
            QByteArray(reinterpret_cast<const char *>(auts->data()), 14).toBase64().toStdString();
    return QByteArray::fromStdString(*Crypto::serializeDigestCredentials(credentials));
}

} // namespace

class TestBsfEngine : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void cleanup();
    void bootstrapIssuesBtidAndZnDerivesTheSameKsNaf();
    void wrongResIsRefusedAndCounted();
    void nonceIsSingleUse();
    void expiredNonceIsStale();
    void resynchronisesWithAuts();
    void tamperedAutsIsRefused();
    void failuresAreRateLimited();
    void unknownSubscriberIsRefused();
    void failuresAreAuditedOneRowPerKeyAndMinute();
    void malformedAuthorizationIsBadRequest_data();
    void malformedAuthorizationIsBadRequest();
    void znRefusesUnknownAndExpiredBtid();

private:
    Gba::HttpAnswer ub(const QByteArray &authorization);
    Gba::HttpAnswer bootstrapWith(Gba::SoftUsim &usim);

    QTemporaryDir m_dir;
    std::unique_ptr<Gba::HssStore> m_store;
    std::unique_ptr<Gba::BsfEngine> m_engine;
    QDateTime m_now;
    int m_run = 0;
};

void TestBsfEngine::init()
{
    QVERIFY(m_dir.isValid());
    const QString path = m_dir.filePath(QStringLiteral("hss-%1.sqlite").arg(++m_run));
    auto store = Gba::HssStore::open(path);
    QVERIFY2(store.ok(), store.ok() ? "" : store.error().message.c_str());
    m_store = std::move(store.value());
    Gba::Subscriber subscriber;
    subscriber.impi = kImpi;
    subscriber.k = kK;
    subscriber.opc = kOpc;
    QVERIFY(m_store->addSubscriber(subscriber).ok());
    m_now = QDateTime(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC);
    Gba::BsfConfig config;
    config.keyLifetimeS = 600;
    config.challengeLifetimeMs = 30'000;
    m_engine = std::make_unique<Gba::BsfEngine>(*m_store, config, [this] { return m_now; });
}

void TestBsfEngine::cleanup()
{
    m_engine.reset();
    m_store.reset();
}

Gba::HttpAnswer TestBsfEngine::ub(const QByteArray &authorization)
{
    return m_engine->handleUb({"GET", "/", authorization, {}, QStringLiteral("192.0.2.7")});
}

Gba::HttpAnswer TestBsfEngine::bootstrapWith(Gba::SoftUsim &usim)
{
    const Challenge challenge = challengeOf(ub(initialAuthorization(usim.impi())));
    auto usimAnswer = usim.authenticate(challenge.rand, challenge.autn);
    if (!usimAnswer || !usimAnswer->authentication)
        return {};
    return ub(answer(challenge, usim.impi(), Crypto::ByteView(usimAnswer->authentication->res)));
}

void TestBsfEngine::bootstrapIssuesBtidAndZnDerivesTheSameKsNaf()
{
    const Gba::HttpAnswer first = ub(initialAuthorization(kImpi));
    QCOMPARE(first.status, 401);
    const Challenge challenge = challengeOf(first);
    QCOMPARE(challenge.digest.algorithm, Crypto::DigestAlgorithm::AKAv1_MD5);
    QCOMPARE(challenge.digest.realm, std::string("bsf.lab.example"));
    QVERIFY(challenge.digest.qopOptions == std::vector{Crypto::DigestQop::AuthInt});

    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim1.json")), kImpi, kK, kOpc, 0);
    QVERIFY(usim.ok());
    auto usimAnswer = usim->authenticate(challenge.rand, challenge.autn);
    QVERIFY(usimAnswer.ok() && usimAnswer->authentication);
    QCOMPARE(usim->sqnMs(), uint64_t(1));

    const Gba::HttpAnswer second =
        ub(answer(challenge, kImpi, Crypto::ByteView(usimAnswer->authentication->res)));
    QCOMPARE(second.status, 200);
    QCOMPARE(second.contentType, QByteArray(Gba::kBootstrappingInfoContentType));
    auto info = Gba::parseBootstrappingInfo(second.body);
    QVERIFY(info.ok());
    const QByteArray randBase64 =
        QByteArray(reinterpret_cast<const char *>(challenge.rand.data()), 16).toBase64();
    QCOMPARE(info->btid, QString::fromLatin1(randBase64) + QStringLiteral("@bsf.lab.example"));
    QCOMPARE(info->lifetime, m_now.addSecs(600));
    QCOMPARE(m_engine->counters().bootstraps, quint64(1));

    // Zn: the NAF's Ks_NAF equals what the UE derives from CK ‖ IK.
    auto nafId = Crypto::makeNafId("naf.lab.example", Crypto::kUaHttpDigest);
    QVERIFY(nafId.ok());
    const QByteArray nafIdBytes(reinterpret_cast<const char *>(nafId->data()),
                                qsizetype(nafId->size()));
    auto zn = m_engine->handleZn(info->btid, nafIdBytes);
    QVERIFY2(zn.ok(), zn.ok() ? "" : zn.error().message.c_str());
    QCOMPARE(zn->impi, kImpi);
    auto ueKsNaf =
        Crypto::deriveKsNaf(usimAnswer->authentication->ck, usimAnswer->authentication->ik,
                            challenge.rand, kImpi.toStdString(), Crypto::ByteView(*nafId));
    QVERIFY(ueKsNaf.ok());
    QVERIFY(*ueKsNaf == zn->ksNaf);
}

void TestBsfEngine::wrongResIsRefusedAndCounted()
{
    const Challenge challenge = challengeOf(ub(initialAuthorization(kImpi)));
    const Crypto::Res wrongRes = {1, 2, 3, 4, 5, 6, 7, 8};
    const Gba::HttpAnswer refused = ub(answer(challenge, kImpi, Crypto::ByteView(wrongRes)));
    QCOMPARE(refused.status, 401);
    QCOMPARE(m_engine->counters().authenticationFailures, quint64(1));
    QCOMPARE(m_engine->counters().bootstraps, quint64(0));
}

void TestBsfEngine::nonceIsSingleUse()
{
    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim2.json")), kImpi, kK, kOpc, 0);
    QVERIFY(usim.ok());
    const Challenge challenge = challengeOf(ub(initialAuthorization(kImpi)));
    auto usimAnswer = usim->authenticate(challenge.rand, challenge.autn);
    QVERIFY(usimAnswer.ok() && usimAnswer->authentication);
    const QByteArray authorization =
        answer(challenge, kImpi, Crypto::ByteView(usimAnswer->authentication->res));
    QCOMPARE(ub(authorization).status, 200);
    QCOMPARE(ub(authorization).status, 401);
    QCOMPARE(m_engine->counters().bootstraps, quint64(1));
    QCOMPARE(m_engine->counters().authenticationFailures, quint64(1));
}

void TestBsfEngine::expiredNonceIsStale()
{
    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim3.json")), kImpi, kK, kOpc, 0);
    QVERIFY(usim.ok());
    const Challenge challenge = challengeOf(ub(initialAuthorization(kImpi)));
    auto usimAnswer = usim->authenticate(challenge.rand, challenge.autn);
    QVERIFY(usimAnswer.ok() && usimAnswer->authentication);
    m_now = m_now.addSecs(31);
    const Gba::HttpAnswer late =
        ub(answer(challenge, kImpi, Crypto::ByteView(usimAnswer->authentication->res)));
    QCOMPARE(late.status, 401);
    QVERIFY(challengeOf(late).digest.stale);
    QCOMPARE(m_engine->counters().bootstraps, quint64(0));
}

void TestBsfEngine::resynchronisesWithAuts()
{
    // The USIM has seen SQN 5000 (e.g. from another network element); the HSS is at 0.
    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim4.json")), kImpi, kK, kOpc, 5000);
    QVERIFY(usim.ok());
    const Challenge first = challengeOf(ub(initialAuthorization(kImpi)));
    auto outOfSync = usim->authenticate(first.rand, first.autn);
    QVERIFY(outOfSync.ok());
    QVERIFY(outOfSync->auts);
    const Gba::HttpAnswer rechallenge =
        ub(answer(first, kImpi, Crypto::ByteView(), outOfSync->auts));
    QCOMPARE(rechallenge.status, 401);
    QCOMPARE(m_engine->counters().resynchronisations, quint64(1));
    auto subscriber = m_store->subscriber(kImpi);
    QVERIFY(subscriber.ok());
    QCOMPARE(subscriber->sqn, uint64_t(5001));

    const Challenge second = challengeOf(rechallenge);
    auto inSync = usim->authenticate(second.rand, second.autn);
    QVERIFY(inSync.ok() && inSync->authentication);
    QCOMPARE(usim->sqnMs(), uint64_t(5001));
    QCOMPARE(ub(answer(second, kImpi, Crypto::ByteView(inSync->authentication->res))).status, 200);
}

void TestBsfEngine::tamperedAutsIsRefused()
{
    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim5.json")), kImpi, kK, kOpc, 5000);
    QVERIFY(usim.ok());
    const Challenge first = challengeOf(ub(initialAuthorization(kImpi)));
    auto outOfSync = usim->authenticate(first.rand, first.autn);
    QVERIFY(outOfSync.ok() && outOfSync->auts);
    Crypto::Auts tampered = *outOfSync->auts;
    tampered[13] ^= 0x01;
    QCOMPARE(ub(answer(first, kImpi, Crypto::ByteView(), tampered)).status, 401);
    QCOMPARE(m_engine->counters().resynchronisations, quint64(0));
    QCOMPARE(m_engine->counters().authenticationFailures, quint64(1));
    auto subscriber = m_store->subscriber(kImpi);
    QVERIFY(subscriber.ok());
    // SQN 1 went to the first challenge, 2 to the fresh one after the failure; no jump to 5001.
    QCOMPARE(subscriber->sqn, uint64_t(2));
}

void TestBsfEngine::failuresAreRateLimited()
{
    const Crypto::Res wrongRes = {};
    Gba::HttpAnswer last;
    for (int attempt = 0; attempt < 5; ++attempt) {
        const Challenge challenge = challengeOf(ub(initialAuthorization(kImpi)));
        last = ub(answer(challenge, kImpi, Crypto::ByteView(wrongRes)));
    }
    QCOMPARE(last.status, 429);
    QCOMPARE(ub(initialAuthorization(kImpi)).status, 429);
    // After the window the subscriber may try again, and succeeds with the right RES.
    m_now = m_now.addSecs(61);
    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim6.json")), kImpi, kK, kOpc, 0);
    QVERIFY(usim.ok());
    QCOMPARE(bootstrapWith(*usim).status, 200);
}

void TestBsfEngine::failuresAreAuditedOneRowPerKeyAndMinute()
{
    // 1,000 wrong answers within one minute from one source: five counted as wrong RES, the
    // rest turned away by the limiter; two rows in all, not a thousand.
    const Crypto::Res wrongRes = {};
    int attempts = 0;
    for (; attempts < 1000; ++attempts) {
        const Gba::HttpAnswer first = ub(initialAuthorization(kImpi));
        if (first.status == 429)
            continue;
        (void)ub(answer(challengeOf(first), kImpi, Crypto::ByteView(wrongRes)));
    }
    QCOMPARE(ub(initialAuthorization(QStringLiteral("nobody@ims.example"))).status, 403);
    auto rows = m_store->authFailures(100);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 3);
    QHash<QString, qint64> counts;
    for (const AuthFailure &row : std::as_const(*rows)) {
        QCOMPARE(row.source, QStringLiteral("192.0.2.7"));
        QCOMPARE(row.minute, QDateTime(QDate(2026, 11, 22), QTime(12, 0), Qt::UTC));
        counts.insert(row.identity + QLatin1Char(' ') + row.reason, row.count);
    }
    QCOMPARE(counts.value(kImpi + QStringLiteral(" bsf.bad_response")), 5);
    // The fifth failure itself is answered 429 and counted as limited, then 995 more.
    QCOMPARE(counts.value(kImpi + QStringLiteral(" bsf.rate_limited")), 996);
    QCOMPARE(counts.value(QStringLiteral("nobody@ims.example bsf.unknown_subscriber")), 1);

    // The next minute is a new row.
    m_now = m_now.addSecs(61);
    (void)ub(
        answer(challengeOf(ub(initialAuthorization(kImpi))), kImpi, Crypto::ByteView(wrongRes)));
    rows = m_store->authFailures(100);
    QVERIFY(rows.ok());
    QCOMPARE(rows->size(), 4);
    QCOMPARE(rows->first().minute, QDateTime(QDate(2026, 11, 22), QTime(12, 1), Qt::UTC));
}

void TestBsfEngine::unknownSubscriberIsRefused()
{
    const Gba::HttpAnswer refused = ub(initialAuthorization(QStringLiteral("nobody@lab")));
    QCOMPARE(refused.status, 403);
    QVERIFY(refused.body.contains("bsf.unknown_subscriber"));
}

void TestBsfEngine::malformedAuthorizationIsBadRequest_data()
{
    QTest::addColumn<QByteArray>("authorization");
    QTest::addColumn<QByteArray>("code");
    QTest::newRow("absent") << QByteArray() << QByteArray("bsf.missing_identity");
    QTest::newRow("basic") << QByteArray("Basic dXNlcjpwYXNz") << QByteArray("digest.wrong_scheme");
    QTest::newRow("unterminated") << QByteArray("Digest username=\"abc")
                                  << QByteArray("digest.malformed");
    QTest::newRow("empty username")
        << QByteArray("Digest username=\"\", realm=\"r\", nonce=\"\", uri=\"/\", response=\"\"")
        << QByteArray("bsf.missing_identity");
    QTest::newRow("huge") << QByteArray("Digest username=\"") + QByteArray(5000, 'a') + "\""
                          << QByteArray("digest.too_large");
}

void TestBsfEngine::malformedAuthorizationIsBadRequest()
{
    QFETCH(QByteArray, authorization);
    QFETCH(QByteArray, code);
    const Gba::HttpAnswer refused = ub(authorization);
    QCOMPARE(refused.status, 400);
    QVERIFY2(refused.body.contains(code), refused.body.constData());
    QCOMPARE(m_engine->counters().challenges, quint64(0));
}

void TestBsfEngine::znRefusesUnknownAndExpiredBtid()
{
    auto nafId = Crypto::makeNafId("naf.lab.example", Crypto::kUaHttpDigest);
    QVERIFY(nafId.ok());
    const QByteArray nafIdBytes(reinterpret_cast<const char *>(nafId->data()),
                                qsizetype(nafId->size()));
    auto unknown = m_engine->handleZn(QStringLiteral("AAAA@bsf.lab.example"), nafIdBytes);
    QVERIFY(!unknown.ok());
    QCOMPARE(unknown.error().code, std::string("bsf.unknown_btid"));

    auto usim =
        Gba::SoftUsim::create(m_dir.filePath(QStringLiteral("usim7.json")), kImpi, kK, kOpc, 0);
    QVERIFY(usim.ok());
    const Gba::HttpAnswer bootstrapped = bootstrapWith(*usim);
    QCOMPARE(bootstrapped.status, 200);
    auto info = Gba::parseBootstrappingInfo(bootstrapped.body);
    QVERIFY(info.ok());
    QVERIFY(m_engine->handleZn(info->btid, nafIdBytes).ok());
    QVERIFY(!m_engine->handleZn(info->btid, QByteArray("short")).ok());
    m_now = m_now.addSecs(601);
    auto expired = m_engine->handleZn(info->btid, nafIdBytes);
    QVERIFY(!expired.ok());
    QCOMPARE(expired.error().code, std::string("bsf.btid_expired"));
    QCOMPARE(m_engine->counters().znRefusals, quint64(3));
}

QTEST_GUILESS_MAIN(TestBsfEngine)
#include "tst_bsfengine.moc"
