// CBOR reader and writer against RFC 8949 Appendix A (the examples inside the supported
// subset): decoding must give the RFC's diagnostic notation, and re-encoding what was read
// must give the RFC's bytes again. Then the refusals of the canonical, bounded reader.
#include <portal-core/protocol/cbor.h>

#include <QtTest>

using namespace Portal::Protocol;

Q_DECLARE_METATYPE(CborError)

static void rfcAppendixAExamples();

class TestCbor : public QObject
{
    Q_OBJECT

private slots:
    void rfcAppendixADecode_data() { rfcAppendixAExamples(); }
    void rfcAppendixADecode();
    void rfcAppendixAReencode_data() { rfcAppendixAExamples(); }
    void rfcAppendixAReencode();
    void writerIntegers_data();
    void writerIntegers();
    void writerOverflowIsSticky();
    void readIntRange();
    void containerDiscipline();
    void skipUnknownMapValues();
    void rejected_data();
    void rejected();
    void depthLimit();
    void errorIsSticky();
};

static const uint8_t *u8(const QByteArray &bytes)
{
    return reinterpret_cast<const uint8_t *>(bytes.constData());
}

// Diagnostic notation (RFC 8949 §8) of the next item; empty on error.
static QString diagnose(CborReader &reader)
{
    CborType type;
    if (reader.peekType(type) != CborError::None)
        return QString();
    switch (type) {
    case CborType::Unsigned:
    case CborType::Negative: {
        bool negative = false;
        uint64_t argument = 0;
        if (reader.readInteger(negative, argument) != CborError::None)
            return QString();
        if (!negative)
            return QString::number(argument);
        if (argument == ~uint64_t(0))
            return QStringLiteral("-18446744073709551616");
        return QLatin1Char('-') + QString::number(argument + 1);
    }
    case CborType::Bytes: {
        ByteView bytes;
        if (reader.readBytes(bytes) != CborError::None)
            return QString();
        return QStringLiteral("h'%1'").arg(QString::fromLatin1(
            QByteArray(reinterpret_cast<const char *>(bytes.data), int(bytes.size)).toHex()));
    }
    case CborType::Text: {
        TextView text;
        if (reader.readText(text) != CborError::None)
            return QString();
        return QLatin1Char('"') + QString::fromUtf8(text.data, qsizetype(text.size)) +
               QLatin1Char('"');
    }
    case CborType::Array:
    case CborType::Map: {
        uint32_t count = 0;
        const bool isMap = type == CborType::Map;
        if ((isMap ? reader.enterMap(count) : reader.enterArray(count)) != CborError::None)
            return QString();
        QStringList parts;
        for (uint32_t i = 0; i < count; ++i) {
            QString part = diagnose(reader);
            if (isMap)
                part += QStringLiteral(": ") + diagnose(reader);
            parts.append(part);
        }
        if (reader.leaveContainer() != CborError::None)
            return QString();
        const QString joined = parts.join(QStringLiteral(", "));
        return isMap ? QLatin1Char('{') + joined + QLatin1Char('}')
                     : QLatin1Char('[') + joined + QLatin1Char(']');
    }
    case CborType::Tag: {
        uint64_t tag = 0;
        if (reader.readTag(tag) != CborError::None)
            return QString();
        return QStringLiteral("%1(%2)").arg(tag).arg(diagnose(reader));
    }
    case CborType::Bool: {
        bool value = false;
        if (reader.readBool(value) != CborError::None)
            return QString();
        return value ? QStringLiteral("true") : QStringLiteral("false");
    }
    case CborType::Null:
        return reader.readNull() == CborError::None ? QStringLiteral("null") : QString();
    }
    return QString();
}

// Copies the next item from reader to writer through the typed API.
static bool copyItem(CborReader &reader, CborWriter &writer)
{
    CborType type;
    if (reader.peekType(type) != CborError::None)
        return false;
    switch (type) {
    case CborType::Unsigned:
    case CborType::Negative: {
        bool negative = false;
        uint64_t argument = 0;
        if (reader.readInteger(negative, argument) != CborError::None)
            return false;
        return negative ? writer.writeNegative(argument) : writer.writeUnsigned(argument);
    }
    case CborType::Bytes: {
        ByteView bytes;
        return reader.readBytes(bytes) == CborError::None &&
               writer.writeBytes(bytes.data, bytes.size);
    }
    case CborType::Text: {
        TextView text;
        return reader.readText(text) == CborError::None && writer.writeText(text.data, text.size);
    }
    case CborType::Array:
    case CborType::Map: {
        uint32_t count = 0;
        const bool isMap = type == CborType::Map;
        if ((isMap ? reader.enterMap(count) : reader.enterArray(count)) != CborError::None)
            return false;
        if (!(isMap ? writer.beginMap(count) : writer.beginArray(count)))
            return false;
        for (uint32_t i = 0; i < count * (isMap ? 2 : 1); ++i) {
            if (!copyItem(reader, writer))
                return false;
        }
        return reader.leaveContainer() == CborError::None;
    }
    case CborType::Tag: {
        uint64_t tag = 0;
        return reader.readTag(tag) == CborError::None && writer.writeTag(tag) &&
               copyItem(reader, writer);
    }
    case CborType::Bool: {
        bool value = false;
        return reader.readBool(value) == CborError::None && writer.writeBool(value);
    }
    case CborType::Null:
        return reader.readNull() == CborError::None && writer.writeNull();
    }
    return false;
}

static void rfcAppendixAExamples()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<QString>("diagnostic");
    const struct
    {
        const char *hex;
        const char *diagnostic;
    } rows[] = {
        {"00", "0"},
        {"01", "1"},
        {"0a", "10"},
        {"17", "23"},
        {"1818", "24"},
        {"1819", "25"},
        {"1864", "100"},
        {"1903e8", "1000"},
        {"1a000f4240", "1000000"},
        {"1b000000e8d4a51000", "1000000000000"},
        {"1bffffffffffffffff", "18446744073709551615"},
        {"c249010000000000000000", "2(h'010000000000000000')"},
        {"3bffffffffffffffff", "-18446744073709551616"},
        {"20", "-1"},
        {"29", "-10"},
        {"3863", "-100"},
        {"3903e7", "-1000"},
        {"f4", "false"},
        {"f5", "true"},
        {"f6", "null"},
        {"c074323031332d30332d32315432303a30343a30305a", "0(\"2013-03-21T20:04:00Z\")"},
        {"c11a514b67b0", "1(1363896240)"},
        {"d74401020304", "23(h'01020304')"},
        {"d818456449455446", "24(h'6449455446')"},
        {"d82076687474703a2f2f7777772e6578616d706c652e636f6d", "32(\"http://www.example.com\")"},
        {"40", "h''"},
        {"4401020304", "h'01020304'"},
        {"60", "\"\""},
        {"6161", "\"a\""},
        {"6449455446", "\"IETF\""},
        {"62225c", "\"\"\\\""},
        {"62c3bc", "\"\xc3\xbc\""},
        {"63e6b0b4", "\"\xe6\xb0\xb4\""},
        {"64f0908591", "\"\xf0\x90\x85\x91\""},
        {"80", "[]"},
        {"83010203", "[1, 2, 3]"},
        {"8301820203820405", "[1, [2, 3], [4, 5]]"},
        {"98190102030405060708090a0b0c0d0e0f101112131415161718181819",
         "[1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, "
         "24, 25]"},
        {"a0", "{}"},
        {"a201020304", "{1: 2, 3: 4}"},
        {"a26161016162820203", "{\"a\": 1, \"b\": [2, 3]}"},
        {"826161a161626163", "[\"a\", {\"b\": \"c\"}]"},
        {"a56161614161626142616361436164614461656145",
         "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\", \"d\": \"D\", \"e\": \"E\"}"},
    };
    for (const auto &row : rows)
        QTest::newRow(row.hex) << QByteArray::fromHex(row.hex) << QString::fromUtf8(row.diagnostic);
}

void TestCbor::rfcAppendixADecode()
{
    QFETCH(QByteArray, encoded);
    QFETCH(QString, diagnostic);
    CborReader::Limits limits = CborReader::defaultLimits();
    limits.maxItems = 25; // the 25-element example
    CborReader reader(u8(encoded), size_t(encoded.size()), limits);
    QCOMPARE(diagnose(reader), diagnostic);
    QCOMPARE(reader.finish(), CborError::None);

    CborReader skipper(u8(encoded), size_t(encoded.size()), limits);
    QCOMPARE(skipper.skip(), CborError::None);
    QCOMPARE(skipper.finish(), CborError::None);
}

void TestCbor::rfcAppendixAReencode()
{
    QFETCH(QByteArray, encoded);
    CborReader reader(u8(encoded), size_t(encoded.size()));
    uint8_t out[64];
    CborWriter writer(out, sizeof out);
    QVERIFY(copyItem(reader, writer));
    QCOMPARE(reader.finish(), CborError::None);
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(writer.data()), int(writer.size())).toHex(),
             encoded.toHex());
}

void TestCbor::writerIntegers_data()
{
    QTest::addColumn<qint64>("value");
    QTest::addColumn<QByteArray>("expected");
    QTest::newRow("0") << qint64(0) << QByteArray::fromHex("00");
    QTest::newRow("23") << qint64(23) << QByteArray::fromHex("17");
    QTest::newRow("24") << qint64(24) << QByteArray::fromHex("1818");
    QTest::newRow("255") << qint64(255) << QByteArray::fromHex("18ff");
    QTest::newRow("256") << qint64(256) << QByteArray::fromHex("190100");
    QTest::newRow("65535") << qint64(65535) << QByteArray::fromHex("19ffff");
    QTest::newRow("65536") << qint64(65536) << QByteArray::fromHex("1a00010000");
    QTest::newRow("4294967295") << qint64(4294967295LL) << QByteArray::fromHex("1affffffff");
    QTest::newRow("4294967296") << qint64(4294967296LL)
                                << QByteArray::fromHex("1b0000000100000000");
    QTest::newRow("int64 max") << std::numeric_limits<qint64>::max()
                               << QByteArray::fromHex("1b7fffffffffffffff");
    QTest::newRow("-24") << qint64(-24) << QByteArray::fromHex("37");
    QTest::newRow("-25") << qint64(-25) << QByteArray::fromHex("3818");
    QTest::newRow("-256") << qint64(-256) << QByteArray::fromHex("38ff");
    QTest::newRow("-257") << qint64(-257) << QByteArray::fromHex("390100");
    QTest::newRow("int64 min") << std::numeric_limits<qint64>::min()
                               << QByteArray::fromHex("3b7fffffffffffffff");
}

void TestCbor::writerIntegers()
{
    QFETCH(qint64, value);
    QFETCH(QByteArray, expected);
    uint8_t out[9];
    CborWriter writer(out, sizeof out);
    QVERIFY(writer.writeInt(value));
    QCOMPARE(QByteArray(reinterpret_cast<const char *>(out), int(writer.size())).toHex(),
             expected.toHex());
    CborReader reader(out, writer.size());
    int64_t back = 0;
    QCOMPARE(reader.readInt(back), CborError::None);
    QCOMPARE(qint64(back), value);
    QCOMPARE(reader.finish(), CborError::None);
}

void TestCbor::writerOverflowIsSticky()
{
    uint8_t out[4] = {0, 0, 0, 0xEE};
    CborWriter writer(out, 3);
    QVERIFY(writer.writeUnsigned(1));
    QVERIFY(!writer.writeBytes(reinterpret_cast<const uint8_t *>("abc"), 3)); // needs 4
    QCOMPARE(writer.error(), CborError::BufferFull);
    QVERIFY(!writer.writeUnsigned(2)); // would fit, but the output is already broken
    QVERIFY(!writer.ok());
    QCOMPARE(out[3], uint8_t(0xEE));
}

void TestCbor::readIntRange()
{
    const QByteArray tooBig = QByteArray::fromHex("1b8000000000000000");
    CborReader reader(u8(tooBig), size_t(tooBig.size()));
    int64_t value = 0;
    QCOMPARE(reader.readInt(value), CborError::OutOfRange);

    const QByteArray tooSmall = QByteArray::fromHex("3b8000000000000000");
    CborReader negativeReader(u8(tooSmall), size_t(tooSmall.size()));
    QCOMPARE(negativeReader.readInt(value), CborError::OutOfRange);

    const QByteArray text = QByteArray::fromHex("6161");
    CborReader textReader(u8(text), size_t(text.size()));
    QCOMPARE(textReader.readInt(value), CborError::WrongType);
}

void TestCbor::containerDiscipline()
{
    const QByteArray twoItems = QByteArray::fromHex("820102");
    {
        CborReader reader(u8(twoItems), size_t(twoItems.size()));
        uint32_t count = 0;
        QCOMPARE(reader.enterArray(count), CborError::None);
        QCOMPARE(count, 2u);
        uint64_t value = 0;
        QCOMPARE(reader.readUnsigned(value), CborError::None);
        QCOMPARE(reader.remainingInContainer(), 1u);
        QCOMPARE(reader.leaveContainer(), CborError::ItemsRemaining);
    }
    {
        const QByteArray nested = QByteArray::fromHex("82810102");
        CborReader reader(u8(nested), size_t(nested.size()));
        uint32_t count = 0;
        uint64_t value = 0;
        QCOMPARE(reader.enterArray(count), CborError::None);
        QCOMPARE(reader.enterArray(count), CborError::None);
        QCOMPARE(reader.readUnsigned(value), CborError::None);
        // The inner array is exhausted: its next "entry" is the outer array's.
        QCOMPARE(reader.readUnsigned(value), CborError::ContainerEnd);
    }
    {
        CborReader reader(u8(twoItems), size_t(twoItems.size()));
        QCOMPARE(reader.finish(), CborError::ItemsRemaining);
    }
}

void TestCbor::skipUnknownMapValues()
{
    // {1: [1, {2: h'00'}, 3(-1)], 2: "x", 3: 7}: read key 3 after skipping the others.
    const QByteArray map = QByteArray::fromHex("a3 01 83 01 a1 02 41 00 c3 20 02 61 78 03 07");
    CborReader reader(u8(map), size_t(map.size()));
    uint32_t pairs = 0;
    QCOMPARE(reader.enterMap(pairs), CborError::None);
    uint64_t found = 0;
    for (uint32_t i = 0; i < pairs; ++i) {
        uint64_t key = 0;
        QCOMPARE(reader.readUnsigned(key), CborError::None);
        if (key == 3)
            QCOMPARE(reader.readUnsigned(found), CborError::None);
        else
            QCOMPARE(reader.skip(), CborError::None);
    }
    QCOMPARE(found, 7u);
    QCOMPARE(reader.leaveContainer(), CborError::None);
    QCOMPARE(reader.finish(), CborError::None);
}

void TestCbor::rejected_data()
{
    QTest::addColumn<QByteArray>("encoded");
    QTest::addColumn<CborError>("expected");
    const auto row = [](const char *name, const QByteArray &hex, CborError error) {
        QTest::newRow(name) << QByteArray::fromHex(hex) << error;
    };
    // RFC 8949 Appendix A indefinite-length examples.
    row("indefinite bytes", "5f42010243030405ff", CborError::IndefiniteLength);
    row("indefinite text", "7f657374726561646d696e67ff", CborError::IndefiniteLength);
    row("indefinite empty array", "9fff", CborError::IndefiniteLength);
    row("indefinite nested array", "9f018202039f0405ffff", CborError::IndefiniteLength);
    row("indefinite inner array", "83018202039f0405ff", CborError::IndefiniteLength);
    row("indefinite map", "bf61610161629f0203ffff", CborError::IndefiniteLength);
    row("lone break", "ff", CborError::IndefiniteLength);
    row("trailing byte", "0000", CborError::TrailingBytes);
    row("trailing after array", "8001", CborError::TrailingBytes);
    row("0 in one extra byte", "1800", CborError::NonCanonical);
    row("23 in one extra byte", "1817", CborError::NonCanonical);
    row("255 in two bytes", "1900ff", CborError::NonCanonical);
    row("65535 in four bytes", "1a0000ffff", CborError::NonCanonical);
    row("2^32-1 in eight bytes", "1b00000000ffffffff", CborError::NonCanonical);
    row("negative -1 long", "3800", CborError::NonCanonical);
    row("byte string length long", "580100", CborError::NonCanonical);
    row("array count long", "9800", CborError::NonCanonical);
    row("tag number long", "d81200", CborError::NonCanonical);
    row("reserved 28", "1c", CborError::ReservedValue);
    row("reserved 29 negative", "3d", CborError::ReservedValue);
    row("reserved 30 map", "be", CborError::ReservedValue);
    row("reserved 28 simple", "fc", CborError::ReservedValue);
    row("empty input", "", CborError::Truncated);
    row("uint8 cut", "18", CborError::Truncated);
    row("uint16 cut", "1901", CborError::Truncated);
    row("uint64 cut", "1b00000000010000", CborError::Truncated);
    row("text cut", "6261", CborError::Truncated);
    row("bytes cut", "44010203", CborError::Truncated);
    row("array cut", "8201", CborError::Truncated);
    row("map value missing", "a101", CborError::Truncated);
    row("tag without item", "c1", CborError::Truncated);
    row("undefined", "f7", CborError::UnsupportedType);
    row("one-byte simple", "f820", CborError::UnsupportedType);
    row("simple 0", "e0", CborError::UnsupportedType);
    row("half float", "f93c00", CborError::UnsupportedType);
    row("double", "fb3ff199999999999a", CborError::UnsupportedType);
    row("text not UTF-8", "61ff", CborError::InvalidUtf8);
    row("overlong UTF-8", "62c080", CborError::InvalidUtf8);
    row("UTF-16 surrogate", "63eda080", CborError::InvalidUtf8);
    row("above U+10FFFF", "64f4900000", CborError::InvalidUtf8);
    row("cut UTF-8 sequence", "62e6b0", CborError::InvalidUtf8);
    row("33 elements", "9821" + QByteArray(33 * 2, '0'), CborError::TooManyItems);
    row("absurd count", "9bffffffffffffffff", CborError::TooManyItems);
    row("absurd map", "bbffffffffffffffff", CborError::TooManyItems);
    row("count beyond input", "98200000", CborError::Truncated);
    row("257-byte string", "590101" + QByteArray(257 * 2, 'a'), CborError::StringTooLong);
    row("absurd string length", "5bffffffffffffffff", CborError::StringTooLong);
    row("five nested arrays", "818181818100", CborError::TooDeep);
}

void TestCbor::rejected()
{
    QFETCH(QByteArray, encoded);
    QFETCH(CborError, expected);
    CborReader reader(u8(encoded), size_t(encoded.size()));
    CborError error = reader.skip();
    if (error == CborError::None)
        error = reader.finish();
    QCOMPARE(error, expected);
    QVERIFY(reader.position() <= size_t(encoded.size()));
}

void TestCbor::depthLimit()
{
    const QByteArray four = QByteArray::fromHex("8181818100");
    CborReader reader(u8(four), size_t(four.size()));
    QCOMPARE(reader.skip(), CborError::None);
    QCOMPARE(reader.finish(), CborError::None);

    CborReader::Limits shallow = CborReader::defaultLimits();
    shallow.maxDepth = 2;
    CborReader limited(u8(four), size_t(four.size()), shallow);
    QCOMPARE(limited.skip(), CborError::TooDeep);

    // Tags do not nest containers, so a long tag chain is bounded only by the input.
    const QByteArray tags = QByteArray(300, char(0xC6)) + QByteArray(1, 0);
    CborReader tagReader(u8(tags), size_t(tags.size()));
    QCOMPARE(tagReader.skip(), CborError::None);
    QCOMPARE(tagReader.finish(), CborError::None);
}

void TestCbor::errorIsSticky()
{
    const QByteArray data = QByteArray::fromHex("8261610102");
    CborReader reader(u8(data), size_t(data.size()));
    uint32_t count = 0;
    QCOMPARE(reader.enterArray(count), CborError::None);
    uint64_t value = 0;
    QCOMPARE(reader.readUnsigned(value), CborError::WrongType);
    const size_t position = reader.position();
    TextView text;
    QCOMPARE(reader.readText(text), CborError::WrongType);
    QCOMPARE(reader.position(), position);
    QCOMPARE(reader.finish(), CborError::WrongType);
}

QTEST_APPLESS_MAIN(TestCbor)
#include "tst_cbor.moc"
