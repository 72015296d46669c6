// Milenage against two independent sources: the 20 conformance sets of 3GPP TS 35.208
// (every output of every set) and osmo-auc-gen (libosmocore) on 200 seeded random tuples.

#include <portal-core/crypto/aka.h>
#include <portal-core/crypto/milenage.h>

#include <QFile>
#include <QMap>
#include <QProcess>
#include <QStandardPaths>
#include <QtTest>

#include <array>
#include <cstring>
#include <random>

using namespace Portal::Crypto;

namespace {

template<size_t N>
std::array<uint8_t, N> toArray(const QByteArray &bytes)
{
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

// Static strings: QTest::addColumn keeps the name pointer.
const char *const kSetFields[] = {"k",      "rand", "sqn", "amf", "op", "opc",   "f1",
                                  "f1star", "f2",   "f3",  "f4",  "f5", "f5star"};

// One line per set: "<number> k=<hex> rand=<hex> …"; '#' lines are comments.
QList<QMap<QString, QByteArray>> loadConformanceSets()
{
    QList<QMap<QString, QByteArray>> sets;
    QFile file(QStringLiteral(PORTAL_TEST_DATA_DIR "/milenage-ts35208.txt"));
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return sets;
    while (!file.atEnd()) {
        const QByteArray line = file.readLine().trimmed();
        if (line.isEmpty() || line.startsWith('#'))
            continue;
        const QList<QByteArray> tokens = line.split(' ');
        QMap<QString, QByteArray> set;
        set.insert(QStringLiteral("set"), tokens.value(0));
        for (int i = 1; i < tokens.size(); ++i) {
            const int equals = tokens[i].indexOf('=');
            if (equals > 0)
                set.insert(QString::fromLatin1(tokens[i].left(equals)),
                           QByteArray::fromHex(tokens[i].mid(equals + 1)));
        }
        sets.append(set);
    }
    return sets;
}

// osmo-auc-gen prints "NAME:\tvalue" lines; anything else (banner, warnings) is ignored.
QMap<QByteArray, QByteArray> parseOsmoOutput(const QByteArray &output)
{
    QMap<QByteArray, QByteArray> fields;
    for (const QByteArray &line : output.split('\n')) {
        const int colon = line.indexOf(":\t");
        if (colon > 0)
            fields.insert(line.left(colon), line.mid(colon + 2).trimmed());
    }
    return fields;
}

struct OsmoRun
{
    bool finished = false;
    int exitCode = -1;
    QByteArray output;
};

OsmoRun runOsmoAucGen(const QString &program, const QStringList &arguments)
{
    QProcess process;
    process.setProcessChannelMode(QProcess::MergedChannels);
    process.start(program, arguments);
    OsmoRun run;
    run.finished = process.waitForFinished(10000);
    run.exitCode = process.exitCode();
    run.output = process.readAll();
    return run;
}

template<size_t N>
std::array<uint8_t, N> randomBytes(std::mt19937_64 &generator)
{
    std::array<uint8_t, N> out;
    for (uint8_t &byte : out)
        byte = static_cast<uint8_t>(generator() & 0xFF);
    return out;
}

constexpr uint64_t kRandomSeed = 0x3520635208ULL;
constexpr int kRandomTuples = 200;

} // namespace

class TstMilenage : public QObject
{
    Q_OBJECT

private slots:
    void conformanceFileHoldsAllSets();
    void conformanceSet_data();
    void conformanceSet();
    void matchesOsmoAucGen_data();
    void matchesOsmoAucGen();
    void osmoAucGenRefusesTamperedAuts();
};

void TstMilenage::conformanceFileHoldsAllSets()
{
    const auto sets = loadConformanceSets();
    QCOMPARE(sets.size(), 20);
    for (int i = 0; i < sets.size(); ++i) {
        QCOMPARE(sets[i].value("set").toInt(), i + 1);
        for (const char *field : kSetFields)
            QVERIFY2(!sets[i].value(QLatin1String(field)).isEmpty(), field);
    }
}

void TstMilenage::conformanceSet_data()
{
    for (const char *field : kSetFields)
        QTest::addColumn<QByteArray>(field);
    for (const auto &set : loadConformanceSets()) {
        QTestData &row = QTest::addRow("set %s", set.value("set").constData());
        for (const char *field : kSetFields)
            row << set.value(QLatin1String(field));
    }
}

void TstMilenage::conformanceSet()
{
    QFETCH(QByteArray, k);
    QFETCH(QByteArray, rand);
    QFETCH(QByteArray, sqn);
    QFETCH(QByteArray, amf);
    QFETCH(QByteArray, op);
    QFETCH(QByteArray, opc);
    QFETCH(QByteArray, f1);
    QFETCH(QByteArray, f1star);
    QFETCH(QByteArray, f2);
    QFETCH(QByteArray, f3);
    QFETCH(QByteArray, f4);
    QFETCH(QByteArray, f5);
    QFETCH(QByteArray, f5star);
    QCOMPARE(k.size(), 16);
    QCOMPARE(rand.size(), 16);
    QCOMPARE(sqn.size(), 6);
    QCOMPARE(amf.size(), 2);
    QCOMPARE(op.size(), 16);
    QCOMPARE(opc.size(), 16);

    const Key key = toArray<16>(k);
    const Opc computedOpc = Milenage::computeOpc(key, toArray<16>(op));
    QCOMPARE(hex(computedOpc), opc.toHex());

    const Milenage milenage(key, computedOpc);
    const Rand challenge = toArray<16>(rand);
    const MilenageMacs macs = milenage.f1(challenge, toArray<6>(sqn), toArray<2>(amf));
    QCOMPARE(hex(macs.macA), f1.toHex());
    QCOMPARE(hex(macs.macS), f1star.toHex());

    const MilenageKeys keys = milenage.f2345(challenge);
    QCOMPARE(hex(keys.res), f2.toHex());
    QCOMPARE(hex(keys.ck), f3.toHex());
    QCOMPARE(hex(keys.ik), f4.toHex());
    QCOMPARE(hex(keys.ak), f5.toHex());
    QCOMPARE(hex(keys.akStar), f5star.toHex());
}

void TstMilenage::matchesOsmoAucGen_data()
{
    QTest::addColumn<QByteArray>("k");
    QTest::addColumn<QByteArray>("op");
    QTest::addColumn<QByteArray>("rand");
    QTest::addColumn<quint64>("sqn");
    QTest::addColumn<QByteArray>("amf");
    QTest::addColumn<quint64>("sqnMs");

    qInfo("random Milenage tuples: seed 0x%llx, %d tuples",
          static_cast<unsigned long long>(kRandomSeed), kRandomTuples);
    std::mt19937_64 generator(kRandomSeed);
    auto asBytes = [](const auto &array) {
        return QByteArray(reinterpret_cast<const char *>(array.data()), int(array.size()));
    };
    for (int i = 0; i < kRandomTuples; ++i) {
        const auto k = randomBytes<16>(generator);
        const auto op = randomBytes<16>(generator);
        const auto rand = randomBytes<16>(generator);
        const quint64 sqn = generator() & kSqnMax;
        const auto amf = randomBytes<2>(generator);
        // osmo-auc-gen answers an AUTS with a vector for a higher SQN; keep room above it.
        const quint64 sqnMs = generator() & (kSqnMax >> 1);
        QTest::addRow("tuple %d", i)
            << asBytes(k) << asBytes(op) << asBytes(rand) << sqn << asBytes(amf) << sqnMs;
    }
}

void TstMilenage::matchesOsmoAucGen()
{
    QFETCH(QByteArray, k);
    QFETCH(QByteArray, op);
    QFETCH(QByteArray, rand);
    QFETCH(quint64, sqn);
    QFETCH(QByteArray, amf);
    QFETCH(quint64, sqnMs);

    const QString osmo = QStandardPaths::findExecutable(QStringLiteral("osmo-auc-gen"));
    QVERIFY2(!osmo.isEmpty(), "osmo-auc-gen not found (Debian package libosmocore-utils)");

    const Key key = toArray<16>(k);
    const Rand challenge = toArray<16>(rand);
    const Milenage milenage(key, Milenage::computeOpc(key, toArray<16>(op)));
    const auto vector = buildAuthenticationVector(milenage, challenge, sqn, toArray<2>(amf));
    QVERIFY(vector.ok());
    const MilenageKeys keys = milenage.f2345(challenge);

    const QStringList common = {"-3", "-a",       "milenage", "-k",        k.toHex(),
                                "-O", op.toHex(), "-r",       rand.toHex()};
    // Without the 0x prefix osmo-auc-gen silently reads the SQN as 0.
    const OsmoRun run = runOsmoAucGen(
        osmo, common + QStringList{"-s", "0x" + QByteArray::number(sqn, 16), "-f", amf.toHex()});
    QVERIFY(run.finished);
    QCOMPARE(run.exitCode, 0);
    const auto theirs = parseOsmoOutput(run.output);
    QCOMPARE(theirs.value("SQN").toULongLong(), sqn);
    QCOMPARE(theirs.value("AUTN"), hex(vector->autn));
    QCOMPARE(theirs.value("RES"), hex(vector->xres));
    QCOMPARE(theirs.value("CK"), hex(vector->ck));
    QCOMPARE(theirs.value("IK"), hex(vector->ik));
    // osmo-auc-gen does not print AK; it is the first 6 bytes of its AUTN xor SQN.
    const QByteArray theirAutn = QByteArray::fromHex(theirs.value("AUTN"));
    QCOMPARE(theirAutn.size(), 16);
    const Sqn sqnBytes = sqnToBytes(sqn);
    Ak theirAk;
    for (size_t i = 0; i < theirAk.size(); ++i)
        theirAk[i] = uint8_t(theirAutn[int(i)]) ^ sqnBytes[i];
    QCOMPARE(hex(theirAk), hex(keys.ak));

    // Our AUTS handed to osmo-auc-gen's resynchronisation: it recovers SQN_MS, checks MAC-S
    // over it (all 48 bits), then issues the next SQN of IND slot 0 with 5 IND bits:
    // (SEQ_MS + 1) << 5.
    const auto auts = buildAuts(milenage, challenge, sqnMs);
    QVERIFY(auts.ok());
    const OsmoRun resync = runOsmoAucGen(osmo, common + QStringList{"-A", hex(*auts)});
    QVERIFY(resync.finished);
    QVERIFY2(!resync.output.contains("incorrect"), resync.output.constData());
    QCOMPARE(resync.exitCode, 0);
    const auto resynced = parseOsmoOutput(resync.output);
    QVERIFY(resynced.contains("SQN"));
    QCOMPARE(resynced.value("SQN").toULongLong(), ((sqnMs >> 5) + 1) << 5);
}

// The acceptance check above must be able to fail: osmo-auc-gen refuses an AUTS whose MAC-S
// does not match.
void TstMilenage::osmoAucGenRefusesTamperedAuts()
{
    const QString osmo = QStandardPaths::findExecutable(QStringLiteral("osmo-auc-gen"));
    QVERIFY2(!osmo.isEmpty(), "osmo-auc-gen not found (Debian package libosmocore-utils)");
    const auto sets = loadConformanceSets();
    QVERIFY(!sets.isEmpty());
    const Key key = toArray<16>(sets[0].value("k"));
    const Opc opc = toArray<16>(sets[0].value("opc"));
    const Rand challenge = toArray<16>(sets[0].value("rand"));
    const Milenage milenage(key, opc);
    auto auts = buildAuts(milenage, challenge, 0x123456789A0ULL);
    QVERIFY(auts.ok());
    auts.value()[13] ^= 0x01;
    const OsmoRun resync = runOsmoAucGen(osmo, {"-3", "-a", "milenage", "-k", hex(key), "-o",
                                                hex(opc), "-r", hex(challenge), "-A", hex(*auts)});
    QVERIFY(resync.finished);
    QVERIFY(resync.output.contains("AUTS from MS seems incorrect"));
    QVERIFY(resync.exitCode != 0);
}

QTEST_APPLESS_MAIN(TstMilenage)
#include "tst_milenage.moc"
