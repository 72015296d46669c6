// Rendering a VM template's Puppet content: what each kind of entry becomes, that every bad
// entry is refused naming it, and that hostile strings stay strings (checked by Puppet's own
// parser, `puppet parser validate`, not by our reading of the text).

#include <portal-core/provisioning/puppetmanifest.h>

#include <QJsonArray>
#include <QJsonDocument>
#include <QProcess>
#include <QTemporaryDir>
#include <QTest>

using namespace Portal;
using namespace Portal::Provisioning;

namespace {

QJsonObject withPuppet(const QJsonObject &puppet)
{
    return QJsonObject{{"image", "debian-12"}, {"puppet", puppet}};
}

} // namespace

class TestPuppetManifest : public QObject
{
    Q_OBJECT

private slots:
    void rendersEachKind();
    void nothingToDoIsNoContent();
    void refusesBadEntries_data();
    void refusesBadEntries();
    void quotingSurvivesPuppetsParser();
};

void TestPuppetManifest::rendersEachKind()
{
    const QJsonObject spec = withPuppet(QJsonObject{
        {"classes", QJsonArray{QJsonObject{
                        {"name", "ntp::client"},
                        {"parameters", QJsonObject{{"servers", QJsonArray{"a", "b"}},
                                                   {"burst", true},
                                                   {"port", 123},
                                                   {"options", QJsonObject{{"k", "v"}}}}}}}},
        {"packages", QJsonArray{"chrony"}},
        {"files", QJsonArray{QJsonObject{{"path", "/etc/motd"}, {"content", "hi\n"}}}},
        {"services", QJsonArray{QJsonObject{{"name", "chrony"}, {"enable", false}}}},
        {"modules", QJsonObject{{"ntp/manifests/client.pp", "class ntp::client {}"}}}});
    auto rendered = renderManifest(spec, "instance 7 from template t",
                                   {ManagedFile{"/etc/iot/devices.json", "[]", "0600"}});
    QVERIFY2(rendered.ok(), rendered.ok() ? "" : rendered.error().message.c_str());
    const QString text = QString::fromUtf8(rendered->sitePp);
    QVERIFY(text.startsWith("# Rendered by IoT Portal for instance 7 from template t."));
    QVERIFY2(text.contains("class { 'ntp::client':\n"), qPrintable(text));
    QVERIFY(text.contains("  servers => ['a', 'b'],\n"));
    QVERIFY(text.contains("  burst => true,\n"));
    QVERIFY(text.contains("  port => 123,\n"));
    QVERIFY(text.contains("  options => {'k' => 'v'},\n"));
    QVERIFY(text.contains("package { 'chrony': ensure => installed }\n"));
    QVERIFY(text.contains("file { '/etc/motd':\n  ensure  => file,\n  mode    => '0644',\n"
                          "  content => 'hi\n',\n}\n"));
    QVERIFY(text.contains("file { '/etc/iot/devices.json':"));
    QVERIFY(text.contains("  mode    => '0600',"));
    QVERIFY(text.contains("service { 'chrony': ensure => running, enable => false }\n"));
    QCOMPARE(rendered->moduleFiles.value("ntp/manifests/client.pp"),
             QByteArray("class ntp::client {}"));
    QVERIFY(rendered->hasContent);
}

void TestPuppetManifest::nothingToDoIsNoContent()
{
    auto none = renderManifest(QJsonObject{{"image", "x"}}, "t");
    QVERIFY(none.ok());
    QVERIFY(!none->hasContent);
    auto empty = renderManifest(withPuppet(QJsonObject{}), "t");
    QVERIFY(empty.ok());
    QVERIFY(!empty->hasContent);
}

void TestPuppetManifest::refusesBadEntries_data()
{
    QTest::addColumn<QJsonObject>("spec");
    QTest::addColumn<QString>("named");
    QTest::newRow("puppet not an object") << QJsonObject{{"puppet", "x"}} << "puppet must be";
    QTest::newRow("classes not an array")
        << withPuppet({{"classes", QJsonObject{}}}) << "puppet.classes";
    QTest::newRow("class name with code")
        << withPuppet({{"classes", QJsonArray{QJsonObject{{"name", "x': } exec { 'y"}}}}})
        << "not a Puppet class name";
    QTest::newRow("parameter name with code")
        << withPuppet(
               {{"classes", QJsonArray{QJsonObject{
                                {"name", "x"}, {"parameters", QJsonObject{{"a => 1, b", "v"}}}}}}})
        << "not a parameter name";
    QTest::newRow("package with a space")
        << withPuppet({{"packages", QJsonArray{"rm -rf"}}}) << "not a package name";
    QTest::newRow("relative file path")
        << withPuppet({{"files", QJsonArray{QJsonObject{{"path", "etc/motd"}}}}})
        << "not an absolute path";
    QTest::newRow("file path climbing")
        << withPuppet({{"files", QJsonArray{QJsonObject{{"path", "/etc/../../x"}}}}})
        << "not an absolute path";
    QTest::newRow("mode not octal")
        << withPuppet({{"files", QJsonArray{QJsonObject{{"path", "/x"}, {"mode", "rwx"}}}}})
        << "is not octal";
    QTest::newRow("service ensure")
        << withPuppet({{"services", QJsonArray{QJsonObject{{"name", "s"}, {"ensure", "gone"}}}}})
        << "running or stopped";
    QTest::newRow("module outside a module")
        << withPuppet({{"modules", QJsonObject{{"../etc/passwd", "x"}}}}) << "puppet.modules";
    QTest::newRow("module climbing")
        << withPuppet({{"modules", QJsonObject{{"m/files/../../x", "x"}}}}) << "puppet.modules";
    QJsonArray tooMany;
    for (int i = 0; i <= kMaxEntries; ++i)
        tooMany.append("p");
    QTest::newRow("too many packages") << withPuppet({{"packages", tooMany}}) << "more than 256";
    QJsonValue deep = "x";
    for (int i = 0; i < 12; ++i)
        deep = QJsonArray{deep};
    QTest::newRow("value too deep")
        << withPuppet({{"classes", QJsonArray{QJsonObject{
                                       {"name", "x"}, {"parameters", QJsonObject{{"p", deep}}}}}}})
        << "nests too deep";
    QTest::newRow("file too large")
        << withPuppet(
               {{"files", QJsonArray{QJsonObject{
                              {"path", "/x"}, {"content", QString(kMaxManifestBytes + 1, 'a')}}}}})
        << "content over";
}

void TestPuppetManifest::refusesBadEntries()
{
    QFETCH(QJsonObject, spec);
    QFETCH(QString, named);
    auto rendered = renderManifest(spec, "t");
    QVERIFY(!rendered.ok());
    QCOMPARE(rendered.error().code, std::string("puppet.invalid_template"));
    QVERIFY2(QString::fromStdString(rendered.error().message).contains(named),
             rendered.error().message.c_str());
}

void TestPuppetManifest::quotingSurvivesPuppetsParser()
{
    const QString hostile = QStringLiteral("it's \\' } exec { 'pwned': command => '/bin/true' } "
                                           "${facts} \\\\ end\\");
    const QJsonObject spec = withPuppet(QJsonObject{
        {"classes",
         QJsonArray{QJsonObject{{"name", "x"}, {"parameters", QJsonObject{{"text", hostile}}}}}},
        {"files", QJsonArray{QJsonObject{{"path", "/tmp/it's"}, {"content", hostile}}}}});
    auto rendered = renderManifest(spec, "instance 1\n} exec { 'title': }");
    QVERIFY(rendered.ok());
    QTemporaryDir dir;
    const QString path = dir.filePath("site.pp");
    QFile file(path);
    QVERIFY(file.open(QIODevice::WriteOnly));
    file.write(rendered->sitePp);
    file.close();
    QProcess parser;
    parser.setProcessChannelMode(QProcess::MergedChannels);
    parser.start("puppet", {"parser", "validate", "--color=false", path});
    QVERIFY2(parser.waitForFinished(60000), "puppet parser validate did not finish");
    QVERIFY2(parser.exitCode() == 0, parser.readAll().constData());
    // Exactly one resource of each kind: the hostile text made none of its own.
    const QString text = QString::fromUtf8(rendered->sitePp);
    QCOMPARE(text.count(QRegularExpression("^class \\{", QRegularExpression::MultilineOption)), 1);
    QCOMPARE(text.count(QRegularExpression("^file \\{", QRegularExpression::MultilineOption)), 1);
    QCOMPARE(text.count(QRegularExpression("^exec", QRegularExpression::MultilineOption)), 0);
}

QTEST_GUILESS_MAIN(TestPuppetManifest)
#include "tst_puppetmanifest.moc"
