// Configuration import/export and CSV pre-registration over a real SQLite store: an export
// imports into an empty portal unchanged; every kind of bad file is refused naming the entry
// and writes nothing; CSV rows are registered or refused one by one with their reason.

#include <portal-core/crypto/es256.h>
#include <portal-core/crypto/x509.h>
#include <portal-core/engine/configtransfer.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

using namespace Portal;

namespace {

QString newKeyBase64()
{
    auto key = Crypto::PrivateKey::generateP256();
    const auto point = key->publicKeyUncompressedPoint();
    return QString::fromLatin1(
        QByteArray(reinterpret_cast<const char *>(point.data()), qsizetype(point.size()))
            .toBase64());
}

QJsonObject configuration(const QJsonArray &templates, const QJsonArray &classes,
                          const QJsonArray &policies)
{
    return {{"format", "iot-portal-configuration"},
            {"version", 1},
            {"templates", templates},
            {"classes", classes},
            {"policies", policies}};
}

const QJsonObject kTemplate{
    {"name", "small"},
    {"spec",
     QJsonObject{{"image", "cirros"}, {"puppet", QJsonObject{{"packages", QJsonArray{"curl"}}}}}}};
const QJsonObject kClass{{"name", "meters"},    {"vendor", "acme"}, {"type", ""},
                         {"subscriber", ""},    {"priority", 5},    {"template", "small"},
                         {"sharing", "shared"}, {"capacity", 10},   {"enrolment", "open"}};
const QJsonObject kPolicy{
    {"name", "viewers"},
    {"document",
     QJsonDocument::fromJson(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["Cviewer"], "acop": 2}]}}})")
         .object()}};

} // namespace

class TestConfigTransfer : public QObject
{
    Q_OBJECT

private slots:
    void init();
    void exportImportsUnchanged();
    void badFilesChangeNothing_data();
    void badFilesChangeNothing();
    void csvRowsStandAlone();

private:
    std::unique_ptr<Store::Store> openStore(const QString &name);
    std::unique_ptr<QTemporaryDir> m_dir;
};

void TestConfigTransfer::init()
{
    m_dir = std::make_unique<QTemporaryDir>();
    QVERIFY(m_dir->isValid());
}

std::unique_ptr<Store::Store> TestConfigTransfer::openStore(const QString &name)
{
    auto store = Store::Store::open(m_dir->filePath(name));
    return store ? std::move(*store) : nullptr;
}

void TestConfigTransfer::exportImportsUnchanged()
{
    auto source = openStore(QStringLiteral("source.sqlite"));
    QVERIFY(source);
    auto imported = Engine::importConfiguration(
        *source, QJsonDocument(configuration({kTemplate}, {kClass}, {kPolicy})).toJson(),
        QStringLiteral("test"));
    QVERIFY2(imported, imported ? "" : imported.error().message.c_str());
    QCOMPARE(imported->templates, 1);
    QCOMPARE(imported->classes, 1);
    QCOMPARE(imported->policies, 1);
    auto exported = Engine::exportConfiguration(*source);
    QVERIFY(exported);
    QCOMPARE(exported->value("classes").toArray().first().toObject(), kClass);
    QCOMPARE(exported->value("templates").toArray().first().toObject(), kTemplate);
    QCOMPARE(exported->value("policies").toArray().first().toObject(), kPolicy);

    auto target = openStore(QStringLiteral("target.sqlite"));
    QVERIFY(target);
    QVERIFY(Engine::importConfiguration(*target, QJsonDocument(*exported).toJson(),
                                        QStringLiteral("test")));
    QCOMPARE(*Engine::exportConfiguration(*target), *exported);
    // Importing again replaces by name: still one of each.
    QVERIFY(Engine::importConfiguration(*target, QJsonDocument(*exported).toJson(),
                                        QStringLiteral("test")));
    QCOMPARE(target->deviceClasses()->size(), 1);
    QCOMPARE(target->auditLog()->first().action, QStringLiteral("policy.import"));
}

void TestConfigTransfer::badFilesChangeNothing_data()
{
    QTest::addColumn<QByteArray>("file");
    QTest::addColumn<QString>("code");
    QTest::addColumn<QString>("mentions");
    const auto json = [](const QJsonObject &object) { return QJsonDocument(object).toJson(); };
    QJsonObject noTemplate = kClass;
    noTemplate.insert("template", "missing");
    QJsonObject badCapacity = kClass;
    badCapacity.insert("capacity", 0);
    QJsonObject unknownMember = kClass;
    unknownMember.insert("colour", "red");
    QJsonObject badPuppet = kTemplate;
    badPuppet.insert("spec",
                     QJsonObject{{"puppet", QJsonObject{{"packages", QJsonArray{"rm -rf"}}}}});
    QJsonObject badPolicy = kPolicy;
    badPolicy.insert(
        "document",
        QJsonDocument::fromJson(R"({"m2m:acp": {"pv": {"acr": [{"acor": ["C"], "acop": 99}]}}})")
            .object());
    QJsonObject wrongFormat = configuration({kTemplate}, {}, {});
    wrongFormat.insert("format", "something-else");

    QTest::newRow("not JSON") << QByteArray("{") << "config.malformed"
                              << "file";
    QTest::newRow("another format") << json(wrongFormat) << "config.malformed"
                                    << "file";
    QTest::newRow("classes not a list")
        << json({{"format", "iot-portal-configuration"}, {"version", 1}, {"classes", 3}})
        << "config.malformed"
        << "classes";
    // The good template comes first: it must not be written either.
    QTest::newRow("class naming a missing template")
        << json(configuration({kTemplate}, {noTemplate}, {})) << "config.malformed"
        << "classes[0]";
    QTest::newRow("class capacity 0")
        << json(configuration({kTemplate}, {kClass, badCapacity}, {})) << "config.malformed"
        << "classes[1]";
    QTest::newRow("class with an unknown member")
        << json(configuration({kTemplate}, {unknownMember}, {})) << "config.malformed"
        << "colour";
    QTest::newRow("template whose Puppet does not render")
        << json(configuration({badPuppet}, {}, {})) << "config.malformed"
        << "templates[0]";
    QTest::newRow("policy the instances would refuse")
        << json(configuration({kTemplate}, {kClass}, {badPolicy})) << "config.malformed"
        << "policies[0]";
    QTest::newRow("over 4 MiB") << QByteArray(Engine::kMaxConfigurationBytes + 1, ' ')
                                << "config.too_large"
                                << "4 MiB";
}

void TestConfigTransfer::badFilesChangeNothing()
{
    QFETCH(QByteArray, file);
    QFETCH(QString, code);
    QFETCH(QString, mentions);
    auto store = openStore(QStringLiteral("portal.sqlite"));
    QVERIFY(store);
    auto imported = Engine::importConfiguration(*store, file, QStringLiteral("test"));
    QVERIFY(!imported);
    QCOMPARE(QString::fromStdString(imported.error().code), code);
    QVERIFY2(QString::fromStdString(imported.error().message).contains(mentions),
             imported.error().message.c_str());
    QCOMPARE(store->templates()->size(), 0);
    QCOMPARE(store->deviceClasses()->size(), 0);
    QCOMPARE(store->policies()->size(), 0);
    QCOMPARE(store->auditLog()->size(), 0);
}

void TestConfigTransfer::csvRowsStandAlone()
{
    auto store = openStore(QStringLiteral("portal.sqlite"));
    QVERIFY(store);
    QVERIFY(Engine::importConfiguration(
        *store, QJsonDocument(configuration({kTemplate}, {kClass}, {})).toJson(),
        QStringLiteral("test")));
    const QString key = newKeyBase64();
    const QByteArray csv = "device_id,class,public_key\n"
                           "# a comment\n"
                           "00000000000000c1,meters," +
                           key.toLatin1() +
                           "\n"
                           "\n"
                           "00000000000000C2,meters," +
                           newKeyBase64().toLatin1() +
                           "\n"
                           "00000000000000c3,nosuch," +
                           newKeyBase64().toLatin1() +
                           "\n"
                           "00000000000000c4,meters,AAAA\n"
                           "00000000000000c1,meters," +
                           key.toLatin1() +
                           "\n"
                           "00000000000000c5,meters\n"
                           "00000000000000c6,meters," +
                           newKeyBase64().toLatin1() + "\r\n";
    auto outcomes = Engine::preregisterDevicesFromCsv(*store, csv, QStringLiteral("test"));
    QVERIFY(outcomes);
    QCOMPARE(outcomes->size(), 7);
    const struct
    {
        int line;
        bool registered;
        const char *mentions;
    } expected[] = {{3, true, "registered"},       {5, false, "16 lowercase hex"},
                    {6, false, "no device class"}, {7, false, "P-256"},
                    {8, false, "already"},         {9, false, "device_id,class,public_key"},
                    {10, true, "registered"}};
    for (int i = 0; i < 7; ++i) {
        QCOMPARE(outcomes->at(i).line, expected[i].line);
        QCOMPARE(outcomes->at(i).registered, expected[i].registered);
        QVERIFY2(outcomes->at(i).message.contains(QLatin1String(expected[i].mentions)),
                 qPrintable(outcomes->at(i).message));
    }
    QCOMPARE(store->devices()->size(), 2);
    QCOMPARE(store->findDevice(QStringLiteral("00000000000000c1"))->className,
             QStringLiteral("meters"));

    auto tooMany = Engine::preregisterDevicesFromCsv(
        *store, QByteArray(Engine::kMaxCsvRows + 2, '\n'), QStringLiteral("test"));
    QCOMPARE(tooMany.error().code, std::string("config.too_large"));
}

QTEST_GUILESS_MAIN(TestConfigTransfer)
#include "tst_configtransfer.moc"
