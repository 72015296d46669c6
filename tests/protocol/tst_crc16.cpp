// CRC-16/CCITT-FALSE against published values (the catalogue check value) and values from an
// independent implementation (Python's binascii.crc_hqx with initial value 0xFFFF).
#include <portal-core/protocol/crc16.h>

#include <QtTest>

using namespace Portal::Protocol;

class TestCrc16 : public QObject
{
    Q_OBJECT

private slots:
    void oneShot_data();
    void oneShot();
    void incrementalEqualsOneShot();
};

static QByteArray allByteValues()
{
    QByteArray bytes;
    for (int i = 0; i < 256; ++i)
        bytes.append(char(i));
    return bytes;
}

static quint16 crcOf(const QByteArray &bytes)
{
    return crc16CcittFalse(reinterpret_cast<const uint8_t *>(bytes.constData()),
                           size_t(bytes.size()));
}

void TestCrc16::oneShot_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<quint16>("expected");
    QTest::newRow("catalogue check 123456789") << QByteArray("123456789") << quint16(0x29B1);
    QTest::newRow("empty is the initial value") << QByteArray() << quint16(0xFFFF);
    QTest::newRow("A") << QByteArray("A") << quint16(0xB915);
    QTest::newRow("four zeros") << QByteArray(4, '\0') << quint16(0x84C0);
    QTest::newRow("bytes 00..ff") << allByteValues() << quint16(0x3FBD);
    QTest::newRow("quick brown fox")
        << QByteArray("The quick brown fox jumps over the lazy dog") << quint16(0x8FDD);
}

void TestCrc16::oneShot()
{
    QFETCH(QByteArray, input);
    QFETCH(quint16, expected);
    QCOMPARE(crcOf(input), expected);
}

void TestCrc16::incrementalEqualsOneShot()
{
    const QByteArray input = allByteValues();
    const auto *data = reinterpret_cast<const uint8_t *>(input.constData());
    const quint16 whole = crcOf(input);
    for (int split = 0; split <= input.size(); ++split) {
        uint16_t crc = crc16CcittFalseUpdate(kCrc16Initial, data, size_t(split));
        crc = crc16CcittFalseUpdate(crc, data + split, size_t(input.size() - split));
        QCOMPARE(crc, whole);
    }
}

QTEST_APPLESS_MAIN(TestCrc16)
#include "tst_crc16.moc"
