// AKA on both ends: network-built AUTN accepted by the USIM, MAC and SQN failures refused with
// their own codes, resynchronisation through AUTS, and one TS 35.208 AUTN worked out by hand.

#include <portal-core/crypto/aka.h>
#include <portal-core/crypto/milenage.h>

#include <QtTest>

#include <array>
#include <cstring>

using namespace Portal::Crypto;

namespace {

template<size_t N>
std::array<uint8_t, N> fromHexLiteral(const char *text)
{
    const QByteArray bytes = QByteArray::fromHex(text);
    std::array<uint8_t, N> out{};
    Q_ASSERT(bytes.size() == int(N));
    std::memcpy(out.data(), bytes.constData(), N);
    return out;
}

template<size_t N>
QByteArray hex(const std::array<uint8_t, N> &bytes)
{
    return QByteArray(reinterpret_cast<const char *>(bytes.data()), int(N)).toHex();
}

// TS 35.208 test set 1 (the subscriber used throughout).
const Key kSet1K = fromHexLiteral<16>("465b5ce8b199b49faa5f0a2ee238a6bc");
const Opc kSet1Opc = fromHexLiteral<16>("cd63cb71954a9f4e48a5994e37a02baf");
const Rand kSet1Rand = fromHexLiteral<16>("23553cbe9637a89d218ae64dae47bf35");
const Amf kSet1Amf = fromHexLiteral<2>("b9b9");
const Rand kOtherRand = fromHexLiteral<16>("000102030405060708090a0b0c0d0e0f");
constexpr Amf kAmf = {0x80, 0x00};

} // namespace

class TstAka : public QObject
{
    Q_OBJECT

private slots:
    void sqnBytesAreBigEndian48Bit();
    void conformanceSetAutnMatchesHandComputation();
    void networkVectorAcceptedByUsim_data();
    void networkVectorAcceptedByUsim();
    void tamperedAutnIsMacFailure_data();
    void tamperedAutnIsMacFailure();
    void staleSqnIsSyncFailureWithAuts_data();
    void staleSqnIsSyncFailureWithAuts();
    void sqnOutsideWindowIsRefused();
    void resynchronisedVectorIsAccepted();
    void tamperedAutsIsRefused();
    void outOfRangeSqnIsRefused();
};

void TstAka::sqnBytesAreBigEndian48Bit()
{
    QCOMPARE(hex(sqnToBytes(0x0123456789ABULL)), QByteArray("0123456789ab"));
    QCOMPARE(hex(sqnToBytes(kSqnMax)), QByteArray("ffffffffffff"));
    QCOMPARE(hex(sqnToBytes(0)), QByteArray("000000000000"));
    QCOMPARE(sqnFromBytes(fromHexLiteral<6>("ff9bb4d0b607")), 0xff9bb4d0b607ULL);
    QCOMPARE(sqnFromBytes(sqnToBytes(kSqnMax)), kSqnMax);
}

// TS 35.208 set 1: SQN = ff9bb4d0b607, AMF = b9b9, f5 (AK) = aa689c648370,
// f1 (MAC-A) = 4a9ffac354dfafb3. By hand: SQN xor AK = 55f328b43577, so
// AUTN = 55f328b43577 ‖ b9b9 ‖ 4a9ffac354dfafb3.
void TstAka::conformanceSetAutnMatchesHandComputation()
{
    const Milenage milenage(kSet1K, kSet1Opc);
    const auto vector = buildAuthenticationVector(milenage, kSet1Rand, 0xff9bb4d0b607ULL, kSet1Amf);
    QVERIFY(vector.ok());
    QCOMPARE(hex(vector->autn), QByteArray("55f328b43577b9b94a9ffac354dfafb3"));
    QCOMPARE(hex(vector->rand), QByteArray("23553cbe9637a89d218ae64dae47bf35"));
    QCOMPARE(hex(vector->xres), QByteArray("a54211d5e3ba50bf"));               // f2
    QCOMPARE(hex(vector->ck), QByteArray("b40ba9a3c58b2a05bbf0d987b21bf8cb")); // f3
    QCOMPARE(hex(vector->ik), QByteArray("f769bcd751044604127672711c6d3441")); // f4

    // The USIM side takes the hand-built AUTN (not ours) and recovers the same SQN.
    const Autn handAutn = fromHexLiteral<16>("55f328b43577b9b94a9ffac354dfafb3");
    const AutnCheck check = checkAutn(milenage, kSet1Rand, handAutn, 0xff9bb4d0b600ULL);
    QVERIFY(check.result.ok());
    QVERIFY(!check.auts);
    QCOMPARE(check.result->sqnMs, 0xff9bb4d0b607ULL);
    QCOMPARE(hex(check.result->res), QByteArray("a54211d5e3ba50bf"));
}

void TstAka::networkVectorAcceptedByUsim_data()
{
    QTest::addColumn<quint64>("sqnMs");
    QTest::addColumn<quint64>("sqn");
    QTest::newRow("next") << quint64(0) << quint64(1);
    QTest::newRow("skip ahead") << quint64(1000) << quint64(1032);
    QTest::newRow("window edge") << quint64(5) << quint64(5 + kDefaultSqnWindow);
    QTest::newRow("top of range") << quint64(kSqnMax - 1) << quint64(kSqnMax);
}

void TstAka::networkVectorAcceptedByUsim()
{
    QFETCH(quint64, sqnMs);
    QFETCH(quint64, sqn);
    const Milenage network(kSet1K, kSet1Opc);
    const Milenage usim(kSet1K, kSet1Opc);
    const auto vector = buildAuthenticationVector(network, kOtherRand, sqn, kAmf);
    QVERIFY(vector.ok());

    const AutnCheck check = checkAutn(usim, vector->rand, vector->autn, sqnMs);
    QVERIFY2(check.result.ok(), check.result.ok() ? "" : check.result.error().code.c_str());
    QVERIFY(!check.auts);
    QCOMPARE(check.result->sqnMs, sqn);
    QCOMPARE(hex(check.result->res), hex(vector->xres));
    QCOMPARE(hex(check.result->ck), hex(vector->ck));
    QCOMPARE(hex(check.result->ik), hex(vector->ik));
}

void TstAka::tamperedAutnIsMacFailure_data()
{
    QTest::addColumn<int>("byteIndex");
    QTest::addColumn<int>("bitMask");
    for (int byte = 0; byte < 16; ++byte) {
        const char *part = byte < 6 ? "SQN^AK" : byte < 8 ? "AMF" : "MAC-A";
        QTest::addRow("%s byte %d low bit", part, byte) << byte << 0x01;
        QTest::addRow("%s byte %d high bit", part, byte) << byte << 0x80;
    }
}

void TstAka::tamperedAutnIsMacFailure()
{
    QFETCH(int, byteIndex);
    QFETCH(int, bitMask);
    const Milenage milenage(kSet1K, kSet1Opc);
    const auto vector = buildAuthenticationVector(milenage, kOtherRand, 42, kAmf);
    QVERIFY(vector.ok());
    Autn tampered = vector->autn;
    tampered[size_t(byteIndex)] ^= uint8_t(bitMask);

    const AutnCheck check = checkAutn(milenage, kOtherRand, tampered, 41);
    QVERIFY(!check.result.ok());
    QCOMPARE(check.result.error().code, std::string("aka.mac_failure"));
    QVERIFY(!check.auts);

    // A different RAND with the genuine AUTN fails the same way.
    const AutnCheck wrongRand = checkAutn(milenage, kSet1Rand, vector->autn, 41);
    QVERIFY(!wrongRand.result.ok());
    QCOMPARE(wrongRand.result.error().code, std::string("aka.mac_failure"));
}

void TstAka::staleSqnIsSyncFailureWithAuts_data()
{
    QTest::addColumn<quint64>("sqnMs");
    QTest::addColumn<quint64>("sqn");
    QTest::newRow("replayed") << quint64(0x2000) << quint64(0x2000);
    QTest::newRow("older") << quint64(0x2000) << quint64(0x1fe0);
    QTest::newRow("zero") << quint64(0x123456789abcULL) << quint64(0);
    QTest::newRow("usim at top") << quint64(kSqnMax) << quint64(kSqnMax);
}

void TstAka::staleSqnIsSyncFailureWithAuts()
{
    QFETCH(quint64, sqnMs);
    QFETCH(quint64, sqn);
    const Milenage network(kSet1K, kSet1Opc);
    const Milenage usim(kSet1K, kSet1Opc);
    const auto vector = buildAuthenticationVector(network, kOtherRand, sqn, kAmf);
    QVERIFY(vector.ok());

    const AutnCheck check = checkAutn(usim, kOtherRand, vector->autn, sqnMs);
    QVERIFY(!check.result.ok());
    QCOMPARE(check.result.error().code, std::string("aka.sync_failure"));
    QVERIFY(check.auts.has_value());

    // AUTS = (SQN_MS xor AK*) ‖ MAC-S, with AK* = f5* and MAC-S = f1*(SQN_MS, AMF = 0000).
    const MilenageKeys keys = network.f2345(kOtherRand);
    const MilenageMacs macs = network.f1(kOtherRand, sqnToBytes(sqnMs), Amf{0x00, 0x00});
    const Sqn sqnMsBytes = sqnToBytes(sqnMs);
    for (size_t i = 0; i < 6; ++i)
        QCOMPARE((*check.auts)[i], uint8_t(sqnMsBytes[i] ^ keys.akStar[i]));
    for (size_t i = 0; i < 8; ++i)
        QCOMPARE((*check.auts)[6 + i], macs.macS[i]);

    const auto recovered = recoverSqnMsFromAuts(network, kOtherRand, *check.auts);
    QVERIFY(recovered.ok());
    QCOMPARE(*recovered, sqnMs);
}

void TstAka::sqnOutsideWindowIsRefused()
{
    const Milenage milenage(kSet1K, kSet1Opc);
    const quint64 sqnMs = 0x4000;

    const auto beyondDefault =
        buildAuthenticationVector(milenage, kOtherRand, sqnMs + kDefaultSqnWindow + 1, kAmf);
    QVERIFY(beyondDefault.ok());
    const AutnCheck refused = checkAutn(milenage, kOtherRand, beyondDefault->autn, sqnMs);
    QVERIFY(!refused.result.ok());
    QCOMPARE(refused.result.error().code, std::string("aka.sync_failure"));
    QVERIFY(refused.auts.has_value());
    const auto recovered = recoverSqnMsFromAuts(milenage, kOtherRand, *refused.auts);
    QVERIFY(recovered.ok());
    QCOMPARE(*recovered, sqnMs);

    // A narrow window: +16 is the last accepted step, +17 is refused.
    const quint64 window = 16;
    const auto atEdge = buildAuthenticationVector(milenage, kOtherRand, sqnMs + window, kAmf);
    const auto pastEdge = buildAuthenticationVector(milenage, kOtherRand, sqnMs + window + 1, kAmf);
    QVERIFY(atEdge.ok() && pastEdge.ok());
    QVERIFY(checkAutn(milenage, kOtherRand, atEdge->autn, sqnMs, window).result.ok());
    const AutnCheck narrow = checkAutn(milenage, kOtherRand, pastEdge->autn, sqnMs, window);
    QVERIFY(!narrow.result.ok());
    QCOMPARE(narrow.result.error().code, std::string("aka.sync_failure"));
}

// The whole resynchronisation: stale SQN → AUTS → network recovers SQN_MS → fresh vector
// with SQN_MS + 1 is accepted.
void TstAka::resynchronisedVectorIsAccepted()
{
    const Milenage network(kSet1K, kSet1Opc);
    const Milenage usim(kSet1K, kSet1Opc);
    const quint64 usimSqnMs = 0x0000c0ffee00ULL;

    const auto stale = buildAuthenticationVector(network, kSet1Rand, 7, kAmf);
    QVERIFY(stale.ok());
    const AutnCheck first = checkAutn(usim, kSet1Rand, stale->autn, usimSqnMs);
    QVERIFY(first.auts.has_value());

    const auto recovered = recoverSqnMsFromAuts(network, kSet1Rand, *first.auts);
    QVERIFY(recovered.ok());
    const auto fresh = buildAuthenticationVector(network, kOtherRand, *recovered + 1, kAmf);
    QVERIFY(fresh.ok());
    const AutnCheck second = checkAutn(usim, kOtherRand, fresh->autn, usimSqnMs);
    QVERIFY(second.result.ok());
    QCOMPARE(second.result->sqnMs, usimSqnMs + 1);
    QCOMPARE(hex(second.result->res), hex(fresh->xres));
}

void TstAka::tamperedAutsIsRefused()
{
    const Milenage milenage(kSet1K, kSet1Opc);
    const auto auts = buildAuts(milenage, kOtherRand, 0x777);
    QVERIFY(auts.ok());
    for (size_t byte = 0; byte < auts->size(); ++byte) {
        Auts tampered = *auts;
        tampered[byte] ^= 0x10;
        const auto recovered = recoverSqnMsFromAuts(milenage, kOtherRand, tampered);
        QVERIFY(!recovered.ok());
        QCOMPARE(recovered.error().code, std::string("aka.auts_mac_failure"));
    }
    // Checked against the RAND it was not built for.
    const auto wrongRand = recoverSqnMsFromAuts(milenage, kSet1Rand, *auts);
    QVERIFY(!wrongRand.ok());
    QCOMPARE(wrongRand.error().code, std::string("aka.auts_mac_failure"));
}

void TstAka::outOfRangeSqnIsRefused()
{
    const Milenage milenage(kSet1K, kSet1Opc);
    const auto vector = buildAuthenticationVector(milenage, kOtherRand, kSqnMax + 1, kAmf);
    QVERIFY(!vector.ok());
    QCOMPARE(vector.error().code, std::string("aka.sqn_out_of_range"));

    const auto auts = buildAuts(milenage, kOtherRand, kSqnMax + 1);
    QVERIFY(!auts.ok());
    QCOMPARE(auts.error().code, std::string("aka.sqn_out_of_range"));

    const auto genuine = buildAuthenticationVector(milenage, kOtherRand, 10, kAmf);
    QVERIFY(genuine.ok());
    const AutnCheck check = checkAutn(milenage, kOtherRand, genuine->autn, ~quint64(0));
    QVERIFY(!check.result.ok());
    QCOMPARE(check.result.error().code, std::string("aka.sqn_out_of_range"));
    QVERIFY(!check.auts);
}

QTEST_APPLESS_MAIN(TstAka)
#include "tst_aka.moc"
