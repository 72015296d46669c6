// Frame codec and FrameReader. Reference frames were built by an independent implementation
// (Python: binascii.crc_hqx for CRC-16/CCITT-FALSE, a separate COBS encoder).
#include <portal-core/protocol/cobs.h>
#include <portal-core/protocol/crc16.h>
#include <portal-core/protocol/frame.h>

#include <QRandomGenerator>
#include <QtTest>

using namespace Portal::Protocol;

class TestFrameReader : public QObject
{
    Q_OBJECT

private slots:
    void encodeMatchesReference_data();
    void encodeMatchesReference();
    void readsReference_data();
    void readsReference();
    void encodeRefusesOversizeAndSmallOutput();
    void maximumPayloadRoundTrip();
    void splitAtEveryByteBoundary();
    void garbageBeforeAndBetweenFrames();
    void eachDropCounter();
    void resyncAfterOversize();
    void chunkFeedStopsAtEachFrame();
    void randomNoiseNeverDelivers();
};

static const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

static QByteArray encoded(uint8_t type, uint16_t seq, const QByteArray &payload)
{
    uint8_t out[kMaxFrameBytes];
    const FrameEncodeResult result =
        encodeFrame(type, seq, u8(payload), size_t(payload.size()), out, sizeof out);
    if (result.error != FrameEncodeError::None)
        return QByteArray();
    return QByteArray(reinterpret_cast<const char *>(out), int(result.size));
}

// A frame with an arbitrary body (for bad versions and short bodies).
static QByteArray frameFromBody(QByteArray body, bool appendCrc)
{
    if (appendCrc) {
        const uint16_t crc = crc16CcittFalse(u8(body), size_t(body.size()));
        body.append(char(crc >> 8));
        body.append(char(crc & 0xFF));
    }
    uint8_t out[600];
    const CobsResult result = cobsEncode(u8(body), size_t(body.size()), out, sizeof out);
    return QByteArray(reinterpret_cast<const char *>(out), int(result.size)) + QByteArray(1, 0);
}

struct Collected
{
    QList<QByteArray> payloads;
    QList<int> types;
    QList<int> seqs;
};

static Collected feedAll(FrameReader &reader, const QByteArray &stream)
{
    Collected collected;
    for (char byte : stream) {
        if (reader.feed(uint8_t(byte))) {
            const Frame &frame = reader.frame();
            collected.payloads.append(QByteArray(reinterpret_cast<const char *>(frame.payload.data),
                                                 int(frame.payload.size)));
            collected.types.append(frame.type);
            collected.seqs.append(frame.seq);
        }
    }
    return collected;
}

static quint32 totalDrops(const FrameReader &reader)
{
    const FrameDropCounters &d = reader.drops();
    return d.oversize + d.badCobs + d.badCrc + d.badVersion + d.tooShort;
}

void TestFrameReader::encodeMatchesReference_data()
{
    QTest::addColumn<int>("type");
    QTest::addColumn<int>("seq");
    QTest::addColumn<QByteArray>("payload");
    QTest::addColumn<QByteArray>("frame");
    QTest::newRow("ACK seq 0x0102") << 0x07 << 0x0102 << QByteArray::fromHex("a10107")
                                    << QByteArray::fromHex("0a02070102a10107d72f00");
    QTest::newRow("PROV_INFO_REQUEST seq 0, zeros in the body")
        << 0x20 << 0 << QByteArray::fromHex("a0") << QByteArray::fromHex("0302200104a0d72b00");
}

void TestFrameReader::encodeMatchesReference()
{
    QFETCH(int, type);
    QFETCH(int, seq);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, frame);
    QCOMPARE(encoded(uint8_t(type), uint16_t(seq), payload).toHex(), frame.toHex());
}

void TestFrameReader::readsReference_data()
{
    encodeMatchesReference_data();
}

void TestFrameReader::readsReference()
{
    QFETCH(int, type);
    QFETCH(int, seq);
    QFETCH(QByteArray, payload);
    QFETCH(QByteArray, frame);
    FrameReader reader;
    const Collected got = feedAll(reader, frame);
    QCOMPARE(got.payloads.size(), 1);
    QCOMPARE(got.payloads.at(0), payload);
    QCOMPARE(got.types.at(0), type);
    QCOMPARE(got.seqs.at(0), seq);
    QCOMPARE(reader.frame().version, kLinkVersion);
    QCOMPARE(reader.framesDelivered(), 1u);
    QCOMPARE(totalDrops(reader), 0u);
}

void TestFrameReader::encodeRefusesOversizeAndSmallOutput()
{
    uint8_t payload[kMaxPayloadBytes + 1] = {};
    uint8_t out[kMaxFrameBytes];
    QCOMPARE(encodeFrame(1, 0, payload, kMaxPayloadBytes + 1, out, sizeof out).error,
             FrameEncodeError::PayloadTooLarge);
    const FrameEncodeResult full = encodeFrame(1, 0, payload, kMaxPayloadBytes, out, sizeof out);
    QCOMPARE(full.error, FrameEncodeError::None);
    for (size_t capacity = 0; capacity < full.size; ++capacity)
        QCOMPARE(encodeFrame(1, 0, payload, kMaxPayloadBytes, out, capacity).error,
                 FrameEncodeError::OutputTooSmall);
}

void TestFrameReader::maximumPayloadRoundTrip()
{
    // Worst case for COBS: no zero anywhere, so the body needs its extra code byte.
    QByteArray payload(int(kMaxPayloadBytes), '\x5A');
    const QByteArray frame = encoded(0x04, 0xFFFF, payload);
    QVERIFY(!frame.isEmpty());
    QVERIFY(size_t(frame.size()) <= kMaxFrameBytes);
    FrameReader reader;
    const Collected got = feedAll(reader, frame);
    QCOMPARE(got.payloads.size(), 1);
    QCOMPARE(got.payloads.at(0), payload);
    QCOMPARE(got.seqs.at(0), 0xFFFF);
}

void TestFrameReader::splitAtEveryByteBoundary()
{
    const QByteArray stream = encoded(1, 1, QByteArray::fromHex("a10100")) +
                              encoded(2, 2, QByteArray()) +
                              encoded(3, 0x0300, QByteArray(150, '\0'));
    for (int split = 0; split <= stream.size(); ++split) {
        FrameReader reader;
        Collected got = feedAll(reader, stream.left(split));
        const Collected rest = feedAll(reader, stream.mid(split));
        got.payloads += rest.payloads;
        got.seqs += rest.seqs;
        QCOMPARE(got.payloads.size(), 3);
        QCOMPARE(got.seqs, (QList<int>{1, 2, 0x0300}));
        QCOMPARE(got.payloads.at(2), QByteArray(150, '\0'));
        QCOMPARE(totalDrops(reader), 0u);
    }
}

void TestFrameReader::garbageBeforeAndBetweenFrames()
{
    const QByteArray first = encoded(5, 10, QByteArray::fromHex("a3011864020103183c"));
    const QByteArray second = encoded(6, 11, QByteArray::fromHex("a0"));
    // Garbage without 0x00 merges with the next frame and costs that frame; garbage ended by
    // 0x00 costs nothing else. Idle 0x00s cost nothing.
    const QByteArray stream = QByteArray::fromHex("000000") + QByteArray::fromHex("55aa1234") +
                              QByteArray(1, 0) + first + QByteArray::fromHex("0707") +
                              QByteArray(1, 0) + QByteArray(3, 0) + second;
    FrameReader reader;
    const Collected got = feedAll(reader, stream);
    QCOMPARE(got.seqs, (QList<int>{10, 11}));
    QCOMPARE(reader.framesDelivered(), 2u);
    QCOMPARE(totalDrops(reader), 2u);
}

void TestFrameReader::eachDropCounter()
{
    const QByteArray good = QByteArray::fromHex("0a02070102a10107d72f00");
    QByteArray badCrc = good;
    badCrc[5] = char(0xA2); // payload byte changed, COBS structure intact

    struct Case
    {
        const char *name;
        QByteArray stream;
        quint32 FrameDropCounters::*counter;
    };
    const Case cases[] = {
        {"oversize", QByteArray(int(kMaxEncodedBodyBytes) + 1, '\x42') + QByteArray(1, 0),
         &FrameDropCounters::oversize},
        {"bad COBS", QByteArray::fromHex("05110000"), &FrameDropCounters::badCobs},
        {"bad CRC", badCrc, &FrameDropCounters::badCrc},
        {"bad version", frameFromBody(QByteArray::fromHex("010701a0"), true),
         &FrameDropCounters::badVersion},
        {"too short: empty body", QByteArray::fromHex("0100"), &FrameDropCounters::tooShort},
        {"too short: 5 bytes", frameFromBody(QByteArray::fromHex("0107000102"), false),
         &FrameDropCounters::tooShort},
    };
    for (const Case &c : cases) {
        FrameReader reader;
        const Collected got = feedAll(reader, c.stream + good);
        QVERIFY2(got.payloads.size() == 1, c.name); // the good frame after it still arrives
        QVERIFY2(reader.drops().*c.counter == 1, c.name);
        QVERIFY2(totalDrops(reader) == 1, c.name);
    }
}

void TestFrameReader::resyncAfterOversize()
{
    FrameReader reader;
    const QByteArray frame = encoded(4, 99, QByteArray(int(kMaxPayloadBytes), '\x01'));
    // An exactly-maximal frame is accepted, one byte more is not, then reading goes on.
    QByteArray longer = frame;
    longer.insert(1, '\x01');
    const Collected got =
        feedAll(reader, QByteArray(5000, '\x7F') + QByteArray(1, 0) + frame + longer + frame);
    QCOMPARE(got.seqs, (QList<int>{99, 99}));
    QCOMPARE(reader.drops().oversize, 2u);
}

void TestFrameReader::chunkFeedStopsAtEachFrame()
{
    const QByteArray stream = encoded(1, 1, QByteArray::fromHex("a0")) + QByteArray(2, 0) +
                              encoded(1, 2, QByteArray::fromHex("a0"));
    FrameReader reader;
    const uint8_t *data = u8(stream);
    size_t left = size_t(stream.size());
    QList<int> seqs;
    while (left > 0) {
        const size_t used = reader.feed(data, left);
        QVERIFY(used > 0 && used <= left);
        data += used;
        left -= used;
        if (reader.hasFrame())
            seqs.append(reader.frame().seq);
    }
    QCOMPARE(seqs, (QList<int>{1, 2}));
    QVERIFY(!reader.hasFrame() || left == 0);
}

void TestFrameReader::randomNoiseNeverDelivers()
{
    QRandomGenerator random(42);
    FrameReader reader;
    QByteArray noise(200000, '\0');
    for (char &byte : noise)
        byte = random.bounded(40) == 0 ? 0 : char(random.bounded(256));
    feedAll(reader, noise);
    // A random body passes the CRC with probability 2^-16, so a handful may; none may crash.
    QVERIFY(reader.framesDelivered() < 10);
    QVERIFY(totalDrops(reader) > 1000);
    const Collected after = feedAll(reader, QByteArray(1, 0) + encoded(9, 9, QByteArray()));
    QCOMPARE(after.seqs, (QList<int>{9}));
}

QTEST_APPLESS_MAIN(TestFrameReader)
#include "tst_framereader.moc"
